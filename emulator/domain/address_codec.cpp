// Implementation of the address codecs. Written from the specifications (Bitcoin base58check,
// BIP-173, BIP-350, EIP-55, TRON's 0x41 prefix convention); the unit tests run the published
// vectors. Validation functions bound input length before any quadratic decoding so hostile
// request bodies cannot make them slow.
#include "emulator/domain/address_codec.hpp"

#include <algorithm>
#include <cstring>

namespace paratro::domain {
namespace {

constexpr char kBase58Alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

int base58_digit(char c) {
  const char* p = std::strchr(kBase58Alphabet, c);
  return (c == '\0' || p == nullptr) ? -1 : static_cast<int>(p - kBase58Alphabet);
}

constexpr char kBech32Charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
constexpr std::uint32_t kBech32Const = 1;
constexpr std::uint32_t kBech32mConst = 0x2bc830a3;
constexpr std::size_t kBech32MaxLength = 90;

int bech32_digit(char lower) {
  const char* p = std::strchr(kBech32Charset, lower);
  return (lower == '\0' || p == nullptr) ? -1 : static_cast<int>(p - kBech32Charset);
}

// BCH checksum over GF(32) as defined in BIP-173.
std::uint32_t bech32_polymod(const std::vector<std::uint8_t>& values) {
  static constexpr std::uint32_t kGen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  std::uint32_t chk = 1;
  for (std::uint8_t v : values) {
    const std::uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (int i = 0; i < 5; ++i) {
      if ((top >> i) & 1) chk ^= kGen[i];
    }
  }
  return chk;
}

std::vector<std::uint8_t> hrp_expand(std::string_view hrp) {
  std::vector<std::uint8_t> out;
  out.reserve(hrp.size() * 2 + 1);
  for (char c : hrp) out.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) >> 5));
  out.push_back(0);
  for (char c : hrp) out.push_back(static_cast<std::uint8_t>(static_cast<unsigned char>(c) & 31));
  return out;
}

std::string bech32_encode(std::string_view hrp, const std::vector<std::uint8_t>& data5, Bech32Variant variant) {
  std::vector<std::uint8_t> values = hrp_expand(hrp);
  values.insert(values.end(), data5.begin(), data5.end());
  values.insert(values.end(), 6, 0);
  const std::uint32_t mod = bech32_polymod(values) ^ (variant == Bech32Variant::bech32 ? kBech32Const : kBech32mConst);

  std::string out(hrp);
  out.push_back('1');
  for (std::uint8_t d : data5) out.push_back(kBech32Charset[d]);
  for (int i = 0; i < 6; ++i) out.push_back(kBech32Charset[(mod >> (5 * (5 - i))) & 31]);
  return out;
}

// Regroups bits between 8-bit bytes and 5-bit bech32 symbols. When decoding (pad == false) BIP-173
// allows at most 4 leftover bits, and they must be zero; anything else is a different encoding
// of the same program and must be rejected.
std::optional<std::vector<std::uint8_t>> convert_bits(std::span<const std::uint8_t> in, int from, int to, bool pad) {
  std::uint32_t acc = 0;
  int bits = 0;
  const std::uint32_t maxv = (1u << to) - 1;
  std::vector<std::uint8_t> out;
  out.reserve(in.size() * static_cast<std::size_t>(from) / static_cast<std::size_t>(to) + 1);
  for (std::uint8_t v : in) {
    if ((v >> from) != 0) return std::nullopt;
    acc = ((acc << from) | v) & 0xfff;
    bits += from;
    while (bits >= to) {
      bits -= to;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & maxv));
    }
  }
  if (pad) {
    if (bits > 0) out.push_back(static_cast<std::uint8_t>((acc << (to - bits)) & maxv));
  } else if (bits >= from || ((acc << (to - bits)) & maxv) != 0) {
    return std::nullopt;
  }
  return out;
}

bool valid_witness(int version, std::size_t program_size) {
  if (version < 0 || version > 16) return false;
  if (program_size < 2 || program_size > 40) return false;
  if (version == 0 && program_size != 20 && program_size != 32) return false;
  return true;
}

std::array<std::uint8_t, 20> evm_account_bytes(const std::array<std::uint8_t, 65>& pub) {
  const auto hash = crypto::keccak256(std::span(pub).subspan(1));
  std::array<std::uint8_t, 20> out{};
  std::copy(hash.end() - 20, hash.end(), out.begin());
  return out;
}

}  // namespace

std::string base58_encode(std::span<const std::uint8_t> data) {
  std::size_t zeros = 0;
  while (zeros < data.size() && data[zeros] == 0) ++zeros;

  // Base-58 digits, least significant first. log(256)/log(58) < 1.37.
  std::vector<std::uint8_t> digits;
  digits.reserve((data.size() - zeros) * 137 / 100 + 1);
  for (std::size_t i = zeros; i < data.size(); ++i) {
    std::uint32_t carry = data[i];
    for (auto& d : digits) {
      carry += static_cast<std::uint32_t>(d) << 8;
      d = static_cast<std::uint8_t>(carry % 58);
      carry /= 58;
    }
    while (carry > 0) {
      digits.push_back(static_cast<std::uint8_t>(carry % 58));
      carry /= 58;
    }
  }

  std::string out(zeros, '1');
  out.reserve(zeros + digits.size());
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(kBase58Alphabet[*it]);
  return out;
}

std::optional<crypto::Bytes> base58_decode(std::string_view text) {
  std::size_t ones = 0;
  while (ones < text.size() && text[ones] == '1') ++ones;

  // Bytes, least significant first.
  std::vector<std::uint8_t> bytes;
  bytes.reserve(text.size());
  for (std::size_t i = ones; i < text.size(); ++i) {
    const int digit = base58_digit(text[i]);
    if (digit < 0) return std::nullopt;
    std::uint32_t carry = static_cast<std::uint32_t>(digit);
    for (auto& b : bytes) {
      carry += static_cast<std::uint32_t>(b) * 58;
      b = static_cast<std::uint8_t>(carry & 0xff);
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push_back(static_cast<std::uint8_t>(carry & 0xff));
      carry >>= 8;
    }
  }

  crypto::Bytes out(ones, 0);
  out.insert(out.end(), bytes.rbegin(), bytes.rend());
  return out;
}

std::string base58check_encode(std::span<const std::uint8_t> payload) {
  const auto check = crypto::sha256(crypto::sha256(payload));
  crypto::Bytes buf(payload.begin(), payload.end());
  buf.insert(buf.end(), check.begin(), check.begin() + 4);
  return base58_encode(buf);
}

std::optional<crypto::Bytes> base58check_decode(std::string_view text) {
  auto raw = base58_decode(text);
  if (!raw || raw->size() < 4) return std::nullopt;
  const std::size_t n = raw->size() - 4;
  const auto check = crypto::sha256(crypto::sha256(std::span(raw->data(), n)));
  if (!std::equal(check.begin(), check.begin() + 4, raw->begin() + static_cast<std::ptrdiff_t>(n))) {
    return std::nullopt;
  }
  raw->resize(n);
  return raw;
}

std::optional<Bech32Data> bech32_decode(std::string_view text) {
  if (text.size() > kBech32MaxLength) return std::nullopt;
  bool has_lower = false;
  bool has_upper = false;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126) return std::nullopt;
    has_lower = has_lower || (c >= 'a' && c <= 'z');
    has_upper = has_upper || (c >= 'A' && c <= 'Z');
  }
  if (has_lower && has_upper) return std::nullopt;

  const std::size_t sep = text.rfind('1');
  if (sep == std::string_view::npos || sep == 0 || sep + 7 > text.size()) return std::nullopt;

  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }

  Bech32Data result{lower.substr(0, sep), {}, Bech32Variant::bech32};
  std::vector<std::uint8_t> values = hrp_expand(result.hrp);
  for (std::size_t i = sep + 1; i < lower.size(); ++i) {
    const int d = bech32_digit(lower[i]);
    if (d < 0) return std::nullopt;
    values.push_back(static_cast<std::uint8_t>(d));
  }
  const std::uint32_t mod = bech32_polymod(values);
  if (mod == kBech32Const) {
    result.variant = Bech32Variant::bech32;
  } else if (mod == kBech32mConst) {
    result.variant = Bech32Variant::bech32m;
  } else {
    return std::nullopt;
  }
  const std::size_t data_len = lower.size() - sep - 1 - 6;
  result.data.assign(values.end() - 6 - static_cast<std::ptrdiff_t>(data_len), values.end() - 6);
  return result;
}

std::string segwit_encode(std::string_view hrp, int witness_version, std::span<const std::uint8_t> program) {
  if (hrp.empty() || hrp.size() > 83) return {};
  for (char c : hrp) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 33 || u > 126 || (c >= 'A' && c <= 'Z')) return {};
  }
  if (!valid_witness(witness_version, program.size())) return {};

  std::vector<std::uint8_t> data5{static_cast<std::uint8_t>(witness_version)};
  const auto bits = convert_bits(program, 8, 5, true);
  data5.insert(data5.end(), bits->begin(), bits->end());
  std::string out = bech32_encode(hrp, data5, witness_version == 0 ? Bech32Variant::bech32 : Bech32Variant::bech32m);
  if (out.size() > kBech32MaxLength) return {};
  return out;
}

std::optional<SegwitAddress> segwit_decode(std::string_view address) {
  auto decoded = bech32_decode(address);
  if (!decoded || decoded->data.empty()) return std::nullopt;
  const int version = decoded->data[0];
  if (version > 16) return std::nullopt;
  const auto expected = version == 0 ? Bech32Variant::bech32 : Bech32Variant::bech32m;
  if (decoded->variant != expected) return std::nullopt;

  auto program = convert_bits(std::span(decoded->data).subspan(1), 5, 8, false);
  if (!program || !valid_witness(version, program->size())) return std::nullopt;
  return SegwitAddress{std::move(decoded->hrp), version, std::move(*program)};
}

std::string eip55_encode(std::span<const std::uint8_t, 20> address20) {
  std::string hex = crypto::to_hex(address20);
  const auto hash = crypto::keccak256(std::string_view(hex));
  for (std::size_t i = 0; i < hex.size(); ++i) {
    const int nibble = (i % 2 == 0) ? (hash[i / 2] >> 4) : (hash[i / 2] & 0x0f);
    if (hex[i] >= 'a' && nibble >= 8) hex[i] = static_cast<char>(hex[i] - 'a' + 'A');
  }
  return "0x" + hex;
}

std::string evm_address(const std::array<std::uint8_t, 65>& public_uncompressed) {
  return eip55_encode(evm_account_bytes(public_uncompressed));
}

std::string tron_address(const std::array<std::uint8_t, 65>& public_uncompressed) {
  const auto account = evm_account_bytes(public_uncompressed);
  std::array<std::uint8_t, 21> payload{0x41};
  std::copy(account.begin(), account.end(), payload.begin() + 1);
  return base58check_encode(payload);
}

std::string bitcoin_p2wpkh_address(const std::array<std::uint8_t, 33>& public_compressed) {
  const auto hash160 = crypto::ripemd160(crypto::sha256(public_compressed));
  return segwit_encode("bc", 0, hash160);
}

std::string solana_address(const std::array<std::uint8_t, 32>& ed25519_public) { return base58_encode(ed25519_public); }

bool is_valid_evm_address(std::string_view a) {
  if (a.size() != 42 || a[0] != '0' || a[1] != 'x') return false;
  const std::string_view hex = a.substr(2);
  auto bytes = crypto::from_hex(hex);
  if (!bytes) return false;
  const bool any_lower = std::any_of(hex.begin(), hex.end(), [](char c) { return c >= 'a' && c <= 'f'; });
  const bool any_upper = std::any_of(hex.begin(), hex.end(), [](char c) { return c >= 'A' && c <= 'F'; });
  if (!(any_lower && any_upper)) return true;
  return eip55_encode(std::span<const std::uint8_t, 20>(bytes->data(), 20)) == a;
}

bool is_valid_tron_address(std::string_view a) {
  // 25 bytes always encode to 34 characters when the first byte is 0x41.
  if (a.size() != 34) return false;
  auto payload = base58check_decode(a);
  return payload && payload->size() == 21 && (*payload)[0] == 0x41;
}

bool is_valid_bitcoin_address(std::string_view a) {
  if (auto segwit = segwit_decode(a)) return segwit->hrp == "bc" || segwit->hrp == "tb";
  // A 25-byte base58check string is at most 35 characters; reject longer before decoding.
  if (a.size() < 25 || a.size() > 35) return false;
  auto payload = base58check_decode(a);
  if (!payload || payload->size() != 21) return false;
  const std::uint8_t prefix = (*payload)[0];
  return prefix == 0x00 || prefix == 0x6f || prefix == 0x05 || prefix == 0xc4;
}

bool is_valid_solana_address(std::string_view a) {
  if (a.size() < 32 || a.size() > 44) return false;
  auto bytes = base58_decode(a);
  return bytes && bytes->size() == 32;
}

}  // namespace paratro::domain

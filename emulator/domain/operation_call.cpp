// Implementation of operation_call.hpp.
#include "emulator/domain/operation_call.hpp"

#include <algorithm>
#include <cctype>

#include "emulator/crypto/hash.hpp"
#include "emulator/domain/address_codec.hpp"

namespace paratro::domain {

namespace {

Error invalid(std::string what) {
  return make_error(ErrorCode::invalid_parameter, "Invalid request parameters: " + what);
}
Error rejected(std::string_view tag, std::string detail) {
  return make_error(ErrorCode::invalid_parameter, "Rejected: " + std::string(tag) + ": " + detail);
}

// "" -> {}; otherwise every part, empty ones included ("a," -> {"a", ""}).
std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  if (s.empty()) return out;
  for (;;) {
    const auto i = s.find(sep);
    out.emplace_back(s.substr(0, i));
    if (i == std::string_view::npos) return out;
    s.remove_prefix(i + 1);
  }
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) {
    if (!out.empty()) out.push_back(',');
    out += x;
  }
  return out;
}

void sort_unique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

bool is_hex_digit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view s) {
  while (!s.empty() && s.back() == '=') s.remove_suffix(1);
  if (s.size() % 4 == 1) return std::nullopt;
  std::vector<std::uint8_t> out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    const int v = base64_value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
    }
  }
  return out;
}

// Reads Solana's compact-u16 (1-3 bytes, 7 bits each, little end first).
bool read_compact_u16(const std::vector<std::uint8_t>& b, std::size_t& pos, std::size_t& out) {
  out = 0;
  for (int i = 0; i < 3; ++i) {
    if (pos >= b.size()) return false;
    const std::uint8_t byte = b[pos++];
    out |= static_cast<std::size_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

bool read_bytes(const std::vector<std::uint8_t>& b, std::size_t& pos, std::size_t n, std::uint8_t* out) {
  if (b.size() - pos < n) return false;
  std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(pos), n, out);
  pos += n;
  return true;
}

bool all_zero(const std::array<std::uint8_t, 64>& sig) {
  return std::all_of(sig.begin(), sig.end(), [](std::uint8_t x) { return x == 0; });
}

SolanaKey program_key(std::string_view base58) {
  SolanaKey k{};
  if (auto bytes = base58_decode(base58); bytes && bytes->size() == 32)
    std::copy(bytes->begin(), bytes->end(), k.begin());
  return k;
}

std::optional<SolanaKey> solana_key(std::string_view address) {
  auto bytes = base58_decode(address);
  if (!bytes || bytes->size() != 32) return std::nullopt;
  SolanaKey k{};
  std::copy(bytes->begin(), bytes->end(), k.begin());
  return k;
}

// One 32-byte ABI word.
void put_word(std::string& hex, const std::array<std::uint8_t, 32>& w) { hex += crypto::to_hex(w); }

std::array<std::uint8_t, 32> word_of_amount(Amount v) {
  std::array<std::uint8_t, 32> w{};
  for (int i = 31; i >= 0 && v > 0; --i) {
    w[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v & 0xff);
    v >>= 8;
  }
  return w;
}

std::array<std::uint8_t, 32> word_of_hex(std::string_view hex) {
  if (hex.starts_with("0x") || hex.starts_with("0X")) hex.remove_prefix(2);
  std::array<std::uint8_t, 32> w{};
  auto bytes = crypto::from_hex(hex);
  if (!bytes || bytes->size() > 32) return w;
  std::copy(bytes->begin(), bytes->end(), w.begin() + static_cast<std::ptrdiff_t>(32 - bytes->size()));
  return w;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

bool OperationsPolicy::allows(Operation operation, std::string_view chain) const {
  const bool op = std::find(operations.begin(), operations.end(), operation) != operations.end();
  return op && (chains.empty() || std::find(chains.begin(), chains.end(), chain) != chains.end());
}

void normalise_operations_policy(OperationsPolicy& p) {
  // By name, as the stored text and the API list them.
  auto by_name = [](Operation a, Operation b) { return to_string(a) < to_string(b); };
  std::sort(p.operations.begin(), p.operations.end(), by_name);
  p.operations.erase(std::unique(p.operations.begin(), p.operations.end()), p.operations.end());
  sort_unique(p.chains);
}

std::string encode_operations_policy(const OperationsPolicy& p) {
  if (p.operations.empty()) return "";
  std::vector<std::string> names;
  for (const auto op : p.operations) names.emplace_back(to_string(op));
  return join(names) + "|" + join(p.chains);
}

std::optional<OperationsPolicy> decode_operations_policy(std::string_view text) {
  OperationsPolicy p;
  if (text.empty()) return p;
  const auto bar = text.find('|');
  if (bar == std::string_view::npos) return std::nullopt;
  for (const auto& name : split(text.substr(0, bar), ',')) {
    const auto op = parse_enum<Operation>(name);
    if (!op || !is_call_operation(*op)) return std::nullopt;
    p.operations.push_back(*op);
  }
  p.chains = split(text.substr(bar + 1), ',');
  for (const auto& chain : p.chains)
    if (chain.empty()) return std::nullopt;
  if (p.operations.empty()) return std::nullopt;
  return p;
}

std::string policy_refusal(Operation operation, std::string_view chain) {
  return "policy not authorized: no OPERATION_RULES policy allows " + std::string(to_string(operation)) + " on " +
         std::string(chain) + " (grant one with PUT /_sandbox/clients/{id}/operations-policy)";
}

std::optional<std::vector<std::uint8_t>> decode_signed_transaction(std::string_view text) {
  std::optional<std::vector<std::uint8_t>> out;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    const auto hex = text.substr(2);
    if (!std::all_of(hex.begin(), hex.end(), is_hex_digit)) return std::nullopt;
    if (auto b = crypto::from_hex(hex)) out = std::vector<std::uint8_t>(b->begin(), b->end());
  } else {
    out = base64_decode(text);
  }
  if (out && out->empty()) return std::nullopt;
  return out;
}

Result<SolanaTransaction> parse_solana_transaction(const std::vector<std::uint8_t>& b) {
  SolanaTransaction tx;
  std::size_t pos = 0, n = 0;
  auto malformed = [](std::string what) { return rejected("malformed", "signed_transaction " + what); };
  if (!read_compact_u16(b, pos, n) || n == 0 || n > 64) return malformed("has no valid signature list");
  tx.signatures.resize(n);
  for (auto& sig : tx.signatures)
    if (!read_bytes(b, pos, 64, sig.data())) return malformed("ends inside its signatures");
  if (pos < b.size() && (b[pos] & 0x80) != 0) {
    if ((b[pos] & 0x7f) != 0) return malformed("has an unknown message version");
    tx.versioned = true;
    ++pos;
  }
  std::uint8_t header[3];
  if (!read_bytes(b, pos, 3, header)) return malformed("has no message header");
  tx.required_signatures = header[0];
  if (static_cast<std::size_t>(tx.required_signatures) != tx.signatures.size())
    return malformed("has a signature count that differs from its header");
  if (!read_compact_u16(b, pos, n) || n == 0 || n > 256) return malformed("has no valid account list");
  tx.account_keys.resize(n);
  for (auto& k : tx.account_keys)
    if (!read_bytes(b, pos, 32, k.data())) return malformed("ends inside its account keys");
  if (static_cast<std::size_t>(tx.required_signatures) > tx.account_keys.size())
    return malformed("needs more signers than it has accounts");
  std::uint8_t blockhash[32];
  if (!read_bytes(b, pos, 32, blockhash)) return malformed("has no recent blockhash");
  if (!read_compact_u16(b, pos, n)) return malformed("has no instruction list");
  tx.instructions.resize(n);
  for (auto& ix : tx.instructions) {
    std::size_t m = 0;
    if (pos >= b.size()) return malformed("ends inside an instruction");
    ix.program_index = b[pos++];
    if (!read_compact_u16(b, pos, m)) return malformed("ends inside an instruction");
    ix.accounts.resize(m);
    if (m > 0 && !read_bytes(b, pos, m, ix.accounts.data())) return malformed("ends inside an instruction");
    if (!read_compact_u16(b, pos, m)) return malformed("ends inside an instruction");
    ix.data.resize(m);
    if (m > 0 && !read_bytes(b, pos, m, ix.data.data())) return malformed("ends inside an instruction");
    if (static_cast<std::size_t>(ix.program_index) >= tx.account_keys.size())
      return malformed("names a program outside its accounts");
    for (auto a : ix.accounts)
      if (static_cast<std::size_t>(a) >= tx.account_keys.size())
        return malformed("names an account outside its accounts");
  }
  if (tx.versioned) {
    if (!read_compact_u16(b, pos, n)) return malformed("has no address table list");
    tx.lookup_tables = n;
    for (std::size_t i = 0; i < n; ++i) {
      std::uint8_t key[32];
      std::size_t w = 0, r = 0;
      if (!read_bytes(b, pos, 32, key) || !read_compact_u16(b, pos, w) || b.size() - pos < w)
        return malformed("ends inside an address table");
      pos += w;
      if (!read_compact_u16(b, pos, r) || b.size() - pos < r) return malformed("ends inside an address table");
      pos += r;
    }
  }
  if (pos != b.size()) return malformed("has trailing bytes");
  return tx;
}

Result<ProgramCallLegs> program_call_legs(const SolanaTransaction& tx, std::string_view from_address,
                                          std::string_view receive_address) {
  static const SolanaKey kSystem{};  // 11111111111111111111111111111111
  static const SolanaKey kToken = program_key("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
  static const SolanaKey kToken2022 = program_key("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");
  static const SolanaKey kAta = program_key("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
  static const SolanaKey kMemo = program_key("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");
  const auto from = solana_key(from_address);
  const auto receive = solana_key(receive_address);
  if (!from || !receive) return invalid("from_address and receive_address must be solana addresses");

  if (tx.lookup_tables > 0) return rejected("alt_not_allowed", "address lookup tables are not allowed");
  if (tx.account_keys[0] != *from)
    return rejected("fee_payer", "account 0 (the fee payer) must be from_address " + std::string(from_address));
  if (!all_zero(tx.signatures[0]))
    return rejected("payer_signature_present", "the fee payer's signature slot must be empty");
  for (std::size_t i = 1; i < tx.signatures.size(); ++i) {
    if (all_zero(tx.signatures[i]))
      return rejected("counterparty_signature_missing", "signature " + std::to_string(i) + " is empty");
  }

  ProgramCallLegs legs;
  int outgoing = 0, incoming = 0;
  for (const auto& ix : tx.instructions) {
    const SolanaKey& program = tx.account_keys[ix.program_index];
    if (program == kMemo) continue;
    if (program == kToken || program == kToken2022 || program == kAta) {
      return rejected("mint_not_registered",
                      "the emulator has no SPL token on solana; send both legs as System Program transfers of SOL");
    }
    if (program != kSystem)
      return rejected("program_not_allowed", "only System, Token, Token-2022, ATA and Memo programs are allowed");
    // System Program Transfer: u32 LE instruction 2, u64 LE lamports; accounts [source, destination].
    if (ix.data.size() != 12 || ix.data[0] != 2 || ix.data[1] != 0 || ix.data[2] != 0 || ix.data[3] != 0 ||
        ix.accounts.size() < 2) {
      return rejected("shape", "only System Program transfers and Memo instructions are simulated");
    }
    std::uint64_t lamports = 0;
    for (int i = 11; i >= 4; --i) lamports = (lamports << 8) | ix.data[static_cast<std::size_t>(i)];
    const SolanaKey& src = tx.account_keys[ix.accounts[0]];
    const SolanaKey& dst = tx.account_keys[ix.accounts[1]];
    if (src == *from) {
      if (dst == *from) return rejected("shape", "the outgoing transfer goes back to from_address");
      ++outgoing;
      legs.outgoing = lamports;
      legs.counterparty = base58_encode(dst);
    } else if (dst == *receive) {
      ++incoming;
      legs.incoming = lamports;
    } else {
      return rejected("incoming_destination",
                      "a transfer pays neither from_address's counterparty nor receive_address");
    }
  }
  if (outgoing != 1 || incoming != 1) {
    return rejected("shape", "expected one transfer from from_address and one to receive_address, found " +
                                 std::to_string(outgoing) + " and " + std::to_string(incoming));
  }
  if (legs.outgoing == 0 || legs.incoming == 0)
    return rejected("amount_not_positive", "both transfers must move lamports");
  return legs;
}

Result<Amount> parse_base_units(std::string_view field, std::string_view text) {
  auto v = from_base_units_string(text);
  if (!v) return invalid(std::string(field) + " must be an integer string in the token's smallest unit");
  return *v;
}

bool is_bytes32_hex(std::string_view text) {
  if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
  return text.size() == 64 && std::all_of(text.begin(), text.end(), is_hex_digit);
}

bool is_hex_bytes(std::string_view text) {
  if (!(text.starts_with("0x") || text.starts_with("0X"))) return false;
  text.remove_prefix(2);
  return !text.empty() && text.size() % 2 == 0 && std::all_of(text.begin(), text.end(), is_hex_digit);
}

Status check_contract_quote(const ContractCallQuote& q, std::int64_t now_s, std::string_view receive_address) {
  if (q.expiration <= now_s) {
    return rejected("expiration_passed", "contract_call.expiration " + std::to_string(q.expiration) +
                                             " is not after the current time " + std::to_string(now_s));
  }
  if (q.permit_deadline != 0 && q.permit_deadline <= now_s) {
    return rejected("permit_deadline_passed", "contract_call.permit_deadline " + std::to_string(q.permit_deadline) +
                                                  " is not after the current time " + std::to_string(now_s));
  }
  if (q.incoming.amount == 0 || q.outgoing.amount == 0)
    return rejected("amount_not_positive", "both legs must move a positive amount");
  if (lower(q.outgoing.to) != lower(std::string(receive_address))) {
    return rejected("outgoing_to",
                    "contract_call.outgoing.to must be the receive_address " + std::string(receive_address));
  }
  return ok_status();
}

std::string contract_call_data(const ContractCallQuote& q) {
  const auto selector =
      crypto::keccak256("executeSwap(bytes32,uint256,address,address,uint256,address,address,address,uint256,uint256)");
  std::string hex = "0x" + crypto::to_hex(std::span<const std::uint8_t>(selector.data(), 4));
  put_word(hex, word_of_hex(q.quote_id));
  put_word(hex, word_of_amount(static_cast<Amount>(q.expiration)));
  put_word(hex, word_of_hex(q.incoming.to));
  put_word(hex, word_of_hex(q.incoming.token));
  put_word(hex, word_of_amount(q.incoming.amount));
  put_word(hex, word_of_hex(q.outgoing.from));
  put_word(hex, word_of_hex(q.outgoing.to));
  put_word(hex, word_of_hex(q.outgoing.token));
  put_word(hex, word_of_amount(q.outgoing.amount));
  put_word(hex, word_of_amount(static_cast<Amount>(q.permit_deadline)));
  return hex;
}

}  // namespace paratro::domain

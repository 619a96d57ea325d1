// The compiled-in x402 network table and the EIP-712 encoding of ERC-3009 authorizations (see
// x402_typed_data.hpp). abi.encode of static types is one 32-byte word per field: addresses are
// left-padded, uint256 big-endian, bytes32 as-is, strings replaced by their keccak256.
#include "emulator/domain/x402_typed_data.hpp"

#include "emulator/crypto/hash.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace paratro::domain {
namespace {

// sdk-1.6.md A3: domains from x402 constants.go / v1/network.go (Base, Base Sepolia, Polygon,
// Arbitrum), EIP-3009's example (Ethereum) and x402's legacy evm/config.ts (Avalanche).
// Contract addresses agree with registry.cpp's USDC rows (registry_test / x402_test pin both).
constexpr std::array<X402Network, 6> kNetworks{{
    {"base", "base", 8453, {"USD Coin", "2", 8453, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"}, false},
    {"", "base-sepolia", 84532, {"USDC", "2", 84532, "0x036CbD53842c5426634e7929541eC2318f3dCF7e"}, true},
    {"ethereum", "ethereum", 1, {"USD Coin", "2", 1, "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"}, false},
    {"polygon", "polygon", 137, {"USD Coin", "2", 137, "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359"}, false},
    {"arbitrum", "", 42161, {"USD Coin", "2", 42161, "0xaf88d065e77c8cC2239327C5EDb3A432268e5831"}, false},
    {"avalanche", "avalanche", 43114, {"USD Coin", "2", 43114, "0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E"}, false},
}};

constexpr std::string_view kTransferWithAuthorizationType =
    "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,"
    "bytes32 nonce)";
constexpr std::string_view kDomainType =
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "0x" + exactly 2N hex digits.
template <std::size_t N>
std::optional<std::array<std::uint8_t, N>> parse_hex_fixed(std::string_view text) {
  if (text.size() != 2 + 2 * N || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) return std::nullopt;
  std::array<std::uint8_t, N> out{};
  for (std::size_t i = 0; i < N; ++i) {
    const int hi = hex_value(text[2 + 2 * i]);
    const int lo = hex_value(text[3 + 2 * i]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  return out;
}

class AbiWords {
 public:
  void word(const Bytes32& w) { buf_.insert(buf_.end(), w.begin(), w.end()); }
  void address(const Address20& a) {
    Bytes32 w{};  // left-padded with 12 zero bytes
    std::copy(a.begin(), a.end(), w.begin() + 12);
    word(w);
  }
  void uint(const Uint256& v) { buf_.insert(buf_.end(), v.be.begin(), v.be.end()); }
  Bytes32 keccak() const { return crypto::keccak256(buf_); }

 private:
  crypto::Bytes buf_;
};

}  // namespace

const X402Network* find_x402_network(std::string_view network) {
  constexpr std::string_view kEip155 = "eip155:";
  if (network.starts_with(kEip155)) {
    const std::string_view ref = network.substr(kEip155.size());
    if (ref.empty() || ref.size() > 19 || (ref.size() > 1 && ref[0] == '0')) return nullptr;
    std::uint64_t id = 0;
    const auto [end, ec] = std::from_chars(ref.data(), ref.data() + ref.size(), id);
    if (ec != std::errc() || end != ref.data() + ref.size()) return nullptr;
    const auto it =
        std::find_if(kNetworks.begin(), kNetworks.end(), [id](const X402Network& n) { return n.chain_id == id; });
    return it == kNetworks.end() ? nullptr : &*it;
  }
  if (network.empty()) return nullptr;
  const auto it = std::find_if(kNetworks.begin(), kNetworks.end(),
                               [network](const X402Network& n) { return n.v1_name == network; });
  return it == kNetworks.end() ? nullptr : &*it;
}

const X402Network* find_x402_network_by_chain(std::string_view chain) {
  if (chain.empty()) return nullptr;
  const auto it = std::find_if(kNetworks.begin(), kNetworks.end(),
                               [chain](const X402Network& n) { return !n.verify_only && n.chain == chain; });
  return it == kNetworks.end() ? nullptr : &*it;
}

std::span<const X402Network> x402_networks() { return kNetworks; }

std::string caip2_of(const X402Network& network) { return "eip155:" + std::to_string(network.chain_id); }

Bytes32 domain_separator(const Eip712Domain& domain) {
  AbiWords w;
  w.word(crypto::keccak256(kDomainType));
  w.word(crypto::keccak256(domain.name));
  w.word(crypto::keccak256(domain.version));
  w.uint(uint256_from_u64(domain.chain_id));
  w.address(parse_evm_address_bytes(domain.verifying_contract).value_or(Address20{}));
  return w.keccak();
}

Bytes32 transfer_with_authorization_typehash() { return crypto::keccak256(kTransferWithAuthorizationType); }

Bytes32 transfer_with_authorization_struct_hash(const TransferAuthorization& auth) {
  AbiWords w;
  w.word(transfer_with_authorization_typehash());
  w.address(auth.from);
  w.address(auth.to);
  w.uint(auth.value);
  w.uint(auth.valid_after);
  w.uint(auth.valid_before);
  w.word(auth.nonce);
  return w.keccak();
}

Bytes32 transfer_with_authorization_digest(const Eip712Domain& domain, const TransferAuthorization& auth) {
  crypto::Bytes msg{0x19, 0x01};
  const Bytes32 sep = domain_separator(domain);
  const Bytes32 hash = transfer_with_authorization_struct_hash(auth);
  msg.insert(msg.end(), sep.begin(), sep.end());
  msg.insert(msg.end(), hash.begin(), hash.end());
  return crypto::keccak256(msg);
}

std::optional<Address20> parse_evm_address_bytes(std::string_view text) { return parse_hex_fixed<20>(text); }

std::optional<Bytes32> parse_bytes32(std::string_view text) { return parse_hex_fixed<32>(text); }

std::string hex0x(std::span<const std::uint8_t> bytes) { return "0x" + crypto::to_hex(bytes); }

TransferAuthorization make_transfer_authorization(const Address20& from, const Address20& to, Amount value,
                                                  std::uint64_t valid_after, std::uint64_t valid_before,
                                                  crypto::RandomSource& rng) {
  TransferAuthorization auth;
  auth.from = from;
  auth.to = to;
  auth.value = uint256_from_amount(value);
  auth.valid_after = uint256_from_u64(valid_after);
  auth.valid_before = uint256_from_u64(valid_before);
  rng.fill(auth.nonce);
  return auth;
}

std::string SignedTransferAuthorization::signature_hex() const { return hex0x(crypto::encode_rsv(signature)); }

std::optional<SignedTransferAuthorization> sign_transfer_authorization(const Eip712Domain& domain,
                                                                       const TransferAuthorization& auth,
                                                                       const crypto::Scalar32& private_key) {
  SignedTransferAuthorization out;
  out.authorization = auth;
  out.digest = transfer_with_authorization_digest(domain, auth);
  const auto sig = crypto::sign_recoverable(private_key, out.digest);
  if (!sig) return std::nullopt;
  out.signature = *sig;
  return out;
}

}  // namespace paratro::domain

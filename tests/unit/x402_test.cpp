// Unit tests for emulator/domain/x402 and x402_typed_data: the USDC EIP-712 domains and the
// network table, the ERC-3009 digest, the facilitator request parser (v1, v2, malformed
// envelopes) and verification — the x402 specification's own example signature as a golden
// vector, one targeted tamper per invalid reason, and a sign -> verify round trip with an
// emulator key.
#include "emulator/crypto/ecdsa.hpp"
#include "emulator/crypto/keys.hpp"
#include "emulator/crypto/random.hpp"
#include "emulator/domain/address_codec.hpp"
#include "emulator/domain/registry.hpp"
#include "emulator/domain/uint256.hpp"
#include "emulator/domain/x402.hpp"
#include "emulator/domain/x402_typed_data.hpp"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <utility>

using namespace paratro;
using namespace paratro::domain;

namespace {

// The x402 v2 specification's example (specs/x402-specification-v2.md §5.2.1, coinbase/x402
// @dd927a26): a real signature by 0x857b…6b66 under the Base Sepolia USDC domain.
constexpr const char* kGoldenFrom = "0x857b06519E91e3A54538791bDbb0E22373e36b66";
constexpr const char* kGoldenTo = "0x209693Bc6afc0C5328bA36FaF03C514EF312287C";
constexpr const char* kGoldenNonce = "0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13480";
constexpr const char* kGoldenSignature =
    "0x2d6a7588d6acca505cbf0d9a4a227e0c52c6c34008c8e8986a1283259764173608a2ce6496642e377d6da8dbbf5836e9bd15092f9"
    "ecab05ded3d6293af148b571c";
constexpr const char* kBaseSepoliaUsdc = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
constexpr std::int64_t kGoldenValidAfter = 1740672089;
constexpr std::int64_t kGoldenValidBefore = 1740672154;
constexpr std::int64_t kInsideWindow = 1740672100;

// Everything a facilitator body carries, as JSON fragments (strings include their quotes), so a
// test can change one field and keep the rest.
struct Body {
    int version = 2;
    std::string payload_version = "2";  // "" = omit paymentPayload.x402Version
    std::string scheme = "\"exact\"";
    std::string network = "\"eip155:84532\"";
    std::string req_scheme = "\"exact\"";
    std::string req_network = "\"eip155:84532\"";
    std::string amount = "\"10000\"";
    std::string asset = std::string("\"") + kBaseSepoliaUsdc + "\"";
    std::string pay_to = std::string("\"") + kGoldenTo + "\"";
    std::string signature = std::string("\"") + kGoldenSignature + "\"";
    std::string from = std::string("\"") + kGoldenFrom + "\"";
    std::string to = std::string("\"") + kGoldenTo + "\"";
    std::string value = "\"10000\"";
    std::string valid_after = "\"1740672089\"";
    std::string valid_before = "\"1740672154\"";
    std::string nonce = std::string("\"") + kGoldenNonce + "\"";
    bool with_requirements = true;

    std::string authorization() const {
        return R"({"from":)" + from + R"(,"to":)" + to + R"(,"value":)" + value + R"(,"validAfter":)" + valid_after +
               R"(,"validBefore":)" + valid_before + R"(,"nonce":)" + nonce + "}";
    }
    std::string payload() const { return R"({"signature":)" + signature + R"(,"authorization":)" + authorization() + "}"; }
    std::string requirements(const std::string& s, const std::string& n) const {
        const std::string amount_key = version == 1 ? "maxAmountRequired" : "amount";
        std::string r = R"({"scheme":)" + s + R"(,"network":)" + n + ",\"" + amount_key + "\":" + amount +
                        R"(,"asset":)" + asset + R"(,"payTo":)" + pay_to + R"(,"maxTimeoutSeconds":60)";
        if (version == 1) r += R"(,"resource":"https://api.example.com/premium-data","description":"Premium","mimeType":"application/json")";
        return r + R"(,"extra":{"name":"USDC","version":"2"}})";
    }
    std::string json() const {
        std::string pp = "{";
        if (!payload_version.empty()) pp += R"("x402Version":)" + payload_version + ",";
        if (version == 1) {
            pp += R"("scheme":)" + scheme + R"(,"network":)" + network + R"(,"payload":)" + payload() + "}";
        } else {
            pp += R"("resource":{"url":"https://api.example.com/premium-data"},"accepted":)" +
                  requirements(scheme, network) + R"(,"payload":)" + payload() + "}";
        }
        std::string out = R"({"x402Version":)" + std::to_string(version) + R"(,"paymentPayload":)" + pp;
        if (with_requirements) out += R"(,"paymentRequirements":)" + requirements(req_scheme, req_network);
        return out + "}";
    }
};

Body v1_golden() {
    Body b;
    b.version = 1;
    b.payload_version = "1";
    b.network = b.req_network = "\"base-sepolia\"";
    return b;
}

// Built by appending: GCC 12's -O3 -Wrestrict misfires on `"\"" + std::string(...)`.
std::string quoted(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out.push_back('"');
    out.append(s);
    out.push_back('"');
    return out;
}

class FakeLedger final : public X402LedgerView {
public:
    std::set<std::pair<std::string, std::string>> used;  // (from, nonce)
    std::map<std::string, Amount> balances;              // emulator accounts' USDC

    bool nonce_used(const X402Network&, std::string_view from, std::string_view nonce) const override {
        ++nonce_calls;
        return used.count({std::string(from), std::string(nonce)}) != 0;
    }
    std::optional<Amount> payer_balance(const X402Network&, std::string_view from) const override {
        ++balance_calls;
        const auto it = balances.find(std::string(from));
        if (it == balances.end()) return std::nullopt;
        return it->second;
    }
    mutable int nonce_calls = 0;
    mutable int balance_calls = 0;
};

X402Verification verify_body(const std::string& json, std::int64_t now, const X402LedgerView& ledger) {
    const auto req = parse_x402_request(json);
    REQUIRE_MESSAGE(req.ok(), json);
    return verify_x402(*req, now, ledger);
}

}  // namespace

TEST_CASE("x402: the USDC EIP-712 domain separators of sdk-1.6.md A3") {
    const std::map<std::string, std::string> expected = {
        {"ethereum", "0x06c37168a7db5138defc7866392bb87a741f9b3d104deb5094588ce041cae335"},
        {"base", "0x02fa7265e7c5d81118673727957699e4d68f74cd74b7db77da710fe8a2c7834f"},
        {"base-sepolia", "0x71f17a3b2ff373b803d70a5a07c046c1a2bc8e89c09ef722fcb047abe94c9818"},
        {"polygon", "0xcaa2ce1a5703ccbe253a34eb3166df60a705c561b44b192061e28f2a985be2ca"},
    };
    for (const auto& row : expected) {
        const auto& name = row.first;  // not a structured binding: clang 14 cannot capture one (CAPTURE)
        CAPTURE(name);
        const X402Network* n = find_x402_network(name);
        REQUIRE(n != nullptr);
        CHECK(hex0x(domain_separator(n->usdc)) == row.second);
    }
    CHECK(hex0x(transfer_with_authorization_typehash()) ==
          "0x7c7c6cdb67a18743f49ec6fa9b35f50d52ed05cbed4cc592e13b44501c1a2267");
}

TEST_CASE("x402: network names map to chains, CAIP-2 ids and USDC domains") {
    struct Case {
        const char* network;
        const char* chain;  // nullptr = unknown network
        std::uint64_t chain_id;
        const char* domain_name;
    };
    const Case cases[] = {
        {"base", "base", 8453, "USD Coin"},
        {"eip155:8453", "base", 8453, "USD Coin"},
        {"base-sepolia", "", 84532, "USDC"},
        {"eip155:84532", "", 84532, "USDC"},
        {"ethereum", "ethereum", 1, "USD Coin"},
        {"eip155:1", "ethereum", 1, "USD Coin"},
        {"polygon", "polygon", 137, "USD Coin"},
        {"eip155:137", "polygon", 137, "USD Coin"},
        {"avalanche", "avalanche", 43114, "USD Coin"},
        {"eip155:43114", "avalanche", 43114, "USD Coin"},
        {"eip155:42161", "arbitrum", 42161, "USD Coin"},
        // x402 v1 names no arbitrum/optimism; no USDC domain is sourced for optimism or bsc.
        {"arbitrum", nullptr, 0, nullptr},
        {"optimism", nullptr, 0, nullptr},
        {"eip155:10", nullptr, 0, nullptr},
        {"eip155:56", nullptr, 0, nullptr},
        {"sepolia", nullptr, 0, nullptr},
        {"avalanche-fuji", nullptr, 0, nullptr},
        {"Base", nullptr, 0, nullptr},
        {"eip155:08453", nullptr, 0, nullptr},
        {"eip155:", nullptr, 0, nullptr},
        {"eip155:8453 ", nullptr, 0, nullptr},
        {"eip155:99999999999999999999999", nullptr, 0, nullptr},
        {"solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp", nullptr, 0, nullptr},
        {"", nullptr, 0, nullptr},
    };
    for (const auto& c : cases) {
        CAPTURE(c.network);
        const X402Network* n = find_x402_network(c.network);
        if (c.chain == nullptr) {
            CHECK(n == nullptr);
            continue;
        }
        REQUIRE(n != nullptr);
        CHECK(n->chain == c.chain);
        CHECK(n->chain_id == c.chain_id);
        CHECK(n->usdc.chain_id == c.chain_id);
        CHECK(n->usdc.name == c.domain_name);
        CHECK(n->usdc.version == "2");
        CHECK(caip2_of(*n) == "eip155:" + std::to_string(c.chain_id));
        CHECK(n->verify_only == (c.chain_id == 84532));
    }
}

TEST_CASE("x402: every signable network is an emulator chain whose USDC contract is the domain's") {
    for (const X402Network& n : x402_networks()) {
        CAPTURE(n.chain_id);
        CHECK(is_valid_evm_address(n.usdc.verifying_contract));
        if (n.verify_only) {
            CHECK(find_x402_network_by_chain(n.chain) == nullptr);
            continue;
        }
        CHECK(find_x402_network_by_chain(n.chain) == &n);
        const auto usdc = find_token("USDC", n.chain);
        REQUIRE(usdc.has_value());
        CHECK(usdc->contract_address == n.usdc.verifying_contract);
    }
    for (const char* chain : {"bsc", "optimism", "tron", "bitcoin", "solana", "base-sepolia", ""}) {
        CAPTURE(chain);
        CHECK(find_x402_network_by_chain(chain) == nullptr);
    }
}

TEST_CASE("x402: uint256 decimals up to 2^256 - 1") {
    const std::string max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
    const auto v = parse_uint256(max);
    REQUIRE(v.has_value());
    for (auto b : v->be) CHECK(b == 0xff);
    CHECK(to_decimal(*v) == max);
    CHECK_FALSE(parse_uint256("115792089237316195423570985008687907853269984665640564039457584007913129639936"));
    CHECK_FALSE(parse_uint256(max + "0"));
    for (const char* bad : {"", "-1", "+1", "1.0", "1e3", " 1", "0x10", "١"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_uint256(bad).has_value());
    }
    CHECK(to_decimal(*parse_uint256("0")) == "0");
    CHECK(to_decimal(*parse_uint256("000123")) == "123");
    CHECK(*parse_uint256("18446744073709551616") > uint256_from_u64(~std::uint64_t{0}));
    CHECK(to_decimal(uint256_from_u64(1740672154)) == "1740672154");
    CHECK(to_amount(*parse_uint256("99999999999999999999999999999999999999")) == kMaxAmount);
    CHECK_FALSE(to_amount(*parse_uint256("100000000000000000000000000000000000000")).has_value());
    CHECK(to_decimal(uint256_from_amount(kMaxAmount)) == "99999999999999999999999999999999999999");
}

TEST_CASE("x402: the specification's example signature is the golden vector") {
    const X402Network* n = find_x402_network("eip155:84532");
    REQUIRE(n != nullptr);
    TransferAuthorization auth{*parse_evm_address_bytes(kGoldenFrom), *parse_evm_address_bytes(kGoldenTo),
                               uint256_from_u64(10000), uint256_from_u64(kGoldenValidAfter),
                               uint256_from_u64(kGoldenValidBefore), *parse_bytes32(kGoldenNonce)};
    const Bytes32 digest = transfer_with_authorization_digest(n->usdc, auth);
    CHECK(hex0x(digest) == "0xf256992871671abcb27ff92885a7afa46218724e5fc0bac35d050115aa1d22e6");

    const auto sig = crypto::from_hex(std::string_view(kGoldenSignature).substr(2));
    REQUIRE(sig.has_value());
    REQUIRE(sig->size() == 65);
    CHECK((*sig)[64] == 28);
    crypto::Scalar32 r{}, s{};
    std::copy(sig->begin(), sig->begin() + 32, r.begin());
    std::copy(sig->begin() + 32, sig->begin() + 64, s.begin());
    const auto pub = crypto::recover_public_key(digest, r, s, 28);
    REQUIRE(pub.has_value());
    CHECK(evm_address(*pub) == kGoldenFrom);

    // Under the name "USD Coin" (Base mainnet's) the same signature belongs to somebody else.
    Eip712Domain wrong = n->usdc;
    wrong.name = "USD Coin";
    const auto other = crypto::recover_public_key(transfer_with_authorization_digest(wrong, auth), r, s, 28);
    CHECK((!other.has_value() || evm_address(*other) != kGoldenFrom));

    SUBCASE("verify: v2 body with paymentRequirements") {
        FakeLedger ledger;
        const auto v = verify_body(Body{}.json(), kInsideWindow, ledger);
        CHECK(v.is_valid);
        CHECK(v.invalid_reason.empty());
        CHECK(v.payer == kGoldenFrom);
        CHECK(v.network == n);
        CHECK(hex0x(v.digest) == "0xf256992871671abcb27ff92885a7afa46218724e5fc0bac35d050115aa1d22e6");
        CHECK(v.from_address == kGoldenFrom);
        CHECK(v.to_address == kGoldenTo);
        CHECK(v.nonce_hex == kGoldenNonce);
        CHECK(v.amount == Amount{10000});
        CHECK(ledger.nonce_calls == 1);
        CHECK(ledger.balance_calls == 0);  // verify-only network: no emulator balance to consult
    }
    SUBCASE("verify: v2 body without paymentRequirements (requirements = accepted)") {
        Body b;
        b.with_requirements = false;
        const auto req = parse_x402_request(b.json());
        REQUIRE(req.ok());
        CHECK(req->requirements_from_accepted);
        CHECK(req->resource_url == "https://api.example.com/premium-data");
        FakeLedger ledger;
        CHECK(verify_x402(*req, kInsideWindow, ledger).is_valid);
    }
    SUBCASE("verify: v1 body, with and without paymentPayload.x402Version, numbers as JSON numbers") {
        FakeLedger ledger;
        Body b = v1_golden();
        CHECK(verify_body(b.json(), kInsideWindow, ledger).is_valid);
        b.payload_version = "";
        b.value = "10000";
        b.amount = "10000";
        b.valid_after = "1740672089";
        b.valid_before = "1740672154";
        const auto req = parse_x402_request(b.json());
        REQUIRE(req.ok());
        CHECK_FALSE(req->payload_version.has_value());
        CHECK(req->requirements->amount == "10000");
        CHECK(req->requirements->resource == "https://api.example.com/premium-data");
        CHECK(req->requirements->max_timeout_seconds == 60);
        CHECK(req->requirements->extra_name == "USDC");
        CHECK(verify_x402(*req, kInsideWindow, ledger).is_valid);
    }
    SUBCASE("v 0/1 is normalised to 27/28") {
        Body b;
        b.signature = quoted(std::string(kGoldenSignature).substr(0, 130) + "01");
        FakeLedger ledger;
        CHECK(verify_body(b.json(), kInsideWindow, ledger).is_valid);
    }
}

TEST_CASE("x402: the validity window on the virtual clock") {
    struct Case {
        std::int64_t now;
        std::string_view reason;  // "" = valid
    };
    const Case cases[] = {
        {kGoldenValidAfter - 1, x402_reason::valid_after},
        {kGoldenValidAfter, ""},
        {kInsideWindow, ""},
        {kGoldenValidBefore - 6, ""},  // last second: validBefore >= now + 6
        {kGoldenValidBefore - 5, x402_reason::valid_before},
        {kGoldenValidBefore, x402_reason::valid_before},
        {1800000000, x402_reason::valid_before},
        {0, x402_reason::valid_after},
    };
    for (const auto& c : cases) {
        CAPTURE(c.now);
        FakeLedger ledger;
        const auto v = verify_body(Body{}.json(), c.now, ledger);
        CHECK(v.is_valid == c.reason.empty());
        CHECK(v.invalid_reason == c.reason);
        CHECK(v.payer == kGoldenFrom);
    }
}

TEST_CASE("x402: each invalid reason from a targeted tamper of the golden vector") {
    const std::string other = "\"0x000000000000000000000000000000000000dEaD\"";
    std::string flipped_sig = kGoldenSignature;
    flipped_sig[40] = flipped_sig[40] == 'a' ? 'b' : 'a';  // one byte of r
    std::string flipped_s = kGoldenSignature;
    flipped_s[100] = flipped_s[100] == '0' ? '1' : '0';  // one byte of s

    struct Case {
        const char* name;
        Body body;
        std::string_view reason;
        bool payer_known;
    };
    std::vector<Case> cases;
    const auto add = [&cases](const char* name, std::string_view reason, bool payer_known, auto&& edit) {
        Body b;
        edit(b);
        cases.push_back({name, b, reason, payer_known});
    };
    add("value (authorization only)", x402_reason::value_mismatch, true, [](Body& b) { b.value = "\"10001\""; });
    add("value (both: signature no longer covers it)", x402_reason::invalid_signature, true, [](Body& b) {
        b.value = b.amount = "\"10001\"";
    });
    add("required amount", x402_reason::value_mismatch, true, [](Body& b) { b.amount = "\"9999\""; });
    add("recipient (payTo)", x402_reason::recipient_mismatch, true, [&](Body& b) { b.pay_to = other; });
    add("recipient (authorization.to)", x402_reason::recipient_mismatch, true, [&](Body& b) { b.to = other; });
    add("recipient (both: signature no longer covers it)", x402_reason::invalid_signature, true,
        [&](Body& b) { b.to = b.pay_to = other; });
    add("from", x402_reason::invalid_signature, true, [&](Body& b) { b.from = other; });
    add("nonce", x402_reason::invalid_signature, true, [](Body& b) {
        b.nonce = "\"0xf3746613c2d920b5fdabc0856f2aeb2d4f88ee6037b8cc5d04a71a4462f13481\"";
    });
    add("validBefore extended", x402_reason::invalid_signature, true, [](Body& b) { b.valid_before = "\"1740672155\""; });
    add("signature byte of r", x402_reason::invalid_signature, true,
        [&](Body& b) { b.signature = quoted(flipped_sig); });
    add("signature byte of s", x402_reason::invalid_signature, true, [&](Body& b) { b.signature = quoted(flipped_s); });
    add("signature v 27", x402_reason::invalid_signature, true,
        [](Body& b) { b.signature = quoted(std::string(kGoldenSignature).substr(0, 130) + "1b"); });
    add("signature v 29", x402_reason::invalid_signature, true,
        [](Body& b) { b.signature = quoted(std::string(kGoldenSignature).substr(0, 130) + "1d"); });
    add("signature 64 bytes", x402_reason::invalid_signature, true,
        [](Body& b) { b.signature = quoted(std::string(kGoldenSignature).substr(0, 130)); });
    add("signature not hex", x402_reason::invalid_payload, true,
        [](Body& b) { b.signature = quoted(std::string(kGoldenSignature).substr(0, 130) + "zz"); });
    add("signature empty", x402_reason::invalid_payload, true, [](Body& b) { b.signature = "\"\""; });
    add("signature missing 0x", x402_reason::invalid_payload, true,
        [](Body& b) { b.signature = quoted(std::string(kGoldenSignature).substr(2)); });
    add("unknown network", x402_reason::invalid_network, false,
        [](Body& b) { b.network = b.req_network = "\"eip155:10\""; });
    add("unknown v1-style network", x402_reason::invalid_network, false,
        [](Body& b) { b.network = b.req_network = "\"optimism\""; });
    add("network mismatch", x402_reason::invalid_network, false, [](Body& b) { b.req_network = "\"eip155:8453\""; });
    add("network spelled differently", x402_reason::invalid_network, false,
        [](Body& b) { b.req_network = "\"base-sepolia\""; });
    add("wrong scheme (both)", x402_reason::unsupported_scheme, false,
        [](Body& b) { b.scheme = b.req_scheme = "\"upto\""; });
    add("scheme mismatch", x402_reason::invalid_scheme, false, [](Body& b) { b.scheme = "\"upto\""; });
    add("scheme missing", x402_reason::invalid_scheme, false, [](Body& b) { b.req_scheme = "null"; });
    add("asset not USDC", x402_reason::invalid_payment_requirements, false, [&](Body& b) { b.asset = other; });
    add("required amount not a number", x402_reason::invalid_payment_requirements, true,
        [](Body& b) { b.amount = "\"ten\""; });
    add("payload version differs", x402_reason::invalid_x402_version, false, [](Body& b) { b.payload_version = "1"; });
    add("payload version not a number", x402_reason::invalid_x402_version, false,
        [](Body& b) { b.payload_version = "\"2\""; });
    add("value above 2^256 - 1", x402_reason::invalid_payload, true, [](Body& b) {
        b.value = "\"115792089237316195423570985008687907853269984665640564039457584007913129639936\"";
    });
    add("value negative", x402_reason::invalid_payload, false, [](Body& b) { b.value = "-1"; });
    add("value fractional", x402_reason::invalid_payload, false, [](Body& b) { b.value = "10000.5"; });
    add("nonce 31 bytes", x402_reason::invalid_payload, true,
        [](Body& b) { b.nonce = quoted(std::string(kGoldenNonce).substr(0, 64)); });
    add("from not an address", x402_reason::invalid_payload, true, [](Body& b) { b.from = "\"0x857b\""; });
    add("to missing", x402_reason::invalid_payload, false, [](Body& b) { b.to = "null"; });

    for (const auto& c : cases) {
        CAPTURE(c.name);
        FakeLedger ledger;
        const auto v = verify_body(c.body.json(), kInsideWindow, ledger);
        CHECK_FALSE(v.is_valid);
        CHECK(v.invalid_reason == c.reason);
        if (c.payer_known) CHECK(!v.payer.empty());
        CHECK(ledger.nonce_calls == 0);
    }
}

TEST_CASE("x402: a reused nonce is refused after the signature check") {
    FakeLedger ledger;
    ledger.used.insert({kGoldenFrom, kGoldenNonce});
    const auto v = verify_body(Body{}.json(), kInsideWindow, ledger);
    CHECK_FALSE(v.is_valid);
    CHECK(v.invalid_reason == x402_reason::nonce_already_used);
    CHECK(v.payer == kGoldenFrom);

    // The same nonce from another payer, or another nonce, is not "used".
    FakeLedger unrelated;
    unrelated.used.insert({kGoldenTo, kGoldenNonce});
    unrelated.used.insert({kGoldenFrom, "0x" + std::string(64, '0')});
    CHECK(verify_body(Body{}.json(), kInsideWindow, unrelated).is_valid);
}

TEST_CASE("x402: malformed envelopes are errors, not verdicts") {
    const std::string good_pp = R"({"scheme":"exact","network":"base","payload":{}})";
    const char* bodies[] = {
        "",
        "not json",
        "[]",
        "\"x402\"",
        "{}",
        R"({"paymentPayload":{}})",
        R"({"x402Version":3,"paymentPayload":{}})",
        R"({"x402Version":0,"paymentPayload":{}})",
        R"({"x402Version":"1","paymentPayload":{}})",
        R"({"x402Version":1.0,"paymentPayload":{}})",
        R"({"x402Version":null,"paymentPayload":{}})",
        R"({"x402Version":1})",
        R"({"x402Version":2,"paymentPayload":null})",
        R"({"x402Version":1,"paymentPayload":[]})",
        R"({"x402Version":1,"paymentPayload":"e30="})",
        R"({"x402Version":1,"paymentPayload":{}} trailing)",
    };
    for (const char* body : bodies) {
        CAPTURE(body);
        const auto r = parse_x402_request(body);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().code == ErrorCode::invalid_parameter);
        CHECK_FALSE(r.error().message.empty());
    }

    // An empty but well-formed envelope parses; its problems are protocol-level.
    FakeLedger ledger;
    const auto v1 = parse_x402_request(R"({"x402Version":1,"paymentPayload":{}})");
    REQUIRE(v1.ok());
    CHECK(verify_x402(*v1, kInsideWindow, ledger).invalid_reason == x402_reason::invalid_payment_requirements);
    const auto v2 = parse_x402_request(R"({"x402Version":2,"paymentPayload":{},"paymentRequirements":"x"})");
    REQUIRE(v2.ok());
    CHECK(verify_x402(*v2, kInsideWindow, ledger).invalid_reason == x402_reason::invalid_payment_requirements);
    const auto no_payload = parse_x402_request(
        R"({"x402Version":1,"paymentPayload":{"scheme":"exact","network":"base-sepolia"},)"
        R"("paymentRequirements":{"scheme":"exact","network":"base-sepolia","asset":"0x036CbD53842c5426634e7929541eC2318f3dCF7e"}})");
    REQUIRE(no_payload.ok());
    const auto verdict = verify_x402(*no_payload, kInsideWindow, ledger);
    CHECK(verdict.invalid_reason == x402_reason::invalid_payload);
    CHECK(verdict.payer.empty());
    // Deep nesting is read iteratively: a parse error, not a crash.
    CHECK_FALSE(parse_x402_request(std::string(100000, '[') + std::string(100000, ']')).ok());
}

TEST_CASE("x402: sign -> verify round trip with an emulator key") {
    crypto::SeededRandom rng(402);
    const auto payer = crypto::generate_secp256k1(rng);
    const std::string payer_address = evm_address(payer.public_uncompressed);
    const auto seller = crypto::generate_secp256k1(rng);
    const std::string seller_address = evm_address(seller.public_uncompressed);
    const X402Network* base = find_x402_network_by_chain("base");
    REQUIRE(base != nullptr);

    const auto from = *parse_evm_address_bytes(payer_address);
    const auto to = *parse_evm_address_bytes(seller_address);
    const std::int64_t now = 1767225600;  // 2026-01-01T00:00:00Z
    const auto auth = make_transfer_authorization(from, to, 1500000, 0, now + 600, rng);
    const auto signed_auth = sign_transfer_authorization(base->usdc, auth, payer.private_key);
    REQUIRE(signed_auth.has_value());
    CHECK(crypto::is_low_s(signed_auth->signature.s));
    CHECK((signed_auth->signature.v == 27 || signed_auth->signature.v == 28));
    CHECK(signed_auth->digest == transfer_with_authorization_digest(base->usdc, auth));
    CHECK(signed_auth->signature_hex().size() == 132);

    Body b;
    b.network = b.req_network = quoted(caip2_of(*base));
    b.asset = quoted(base->usdc.verifying_contract);
    b.pay_to = b.to = quoted(seller_address);
    b.from = quoted(payer_address);
    b.value = b.amount = quoted(to_decimal(auth.value));
    b.valid_after = quoted(to_decimal(auth.valid_after));
    b.valid_before = quoted(to_decimal(auth.valid_before));
    b.nonce = quoted(hex0x(auth.nonce));
    b.signature = quoted(signed_auth->signature_hex());

    SUBCASE("external payer: assumed funded") {
        FakeLedger ledger;
        const auto v = verify_body(b.json(), now, ledger);
        CHECK(v.is_valid);
        CHECK(v.payer == payer_address);
        CHECK(v.digest == signed_auth->digest);
        CHECK(ledger.balance_calls == 1);
    }
    SUBCASE("emulator payer with enough USDC") {
        FakeLedger ledger;
        ledger.balances[payer_address] = 1500000;
        CHECK(verify_body(b.json(), now, ledger).is_valid);
    }
    SUBCASE("emulator payer short of USDC") {
        FakeLedger ledger;
        ledger.balances[payer_address] = 1499999;
        const auto v = verify_body(b.json(), now, ledger);
        CHECK_FALSE(v.is_valid);
        CHECK(v.invalid_reason == x402_reason::insufficient_funds);
        CHECK(v.payer == payer_address);
    }
    SUBCASE("emulator payer, value beyond any ledger amount") {
        Body big = b;
        big.value = big.amount = "\"115792089237316195423570985008687907853269984665640564039457584007913129639935\"";
        FakeLedger ledger;
        ledger.balances[payer_address] = kMaxAmount;
        // The signature covers the original value, so re-sign the big one.
        TransferAuthorization a2 = auth;
        a2.value = *parse_uint256("115792089237316195423570985008687907853269984665640564039457584007913129639935");
        big.signature = quoted(sign_transfer_authorization(base->usdc, a2, payer.private_key)->signature_hex());
        const auto v = verify_body(big.json(), now, ledger);
        CHECK(v.invalid_reason == x402_reason::insufficient_funds);
        CHECK_FALSE(v.amount.has_value());
    }
    SUBCASE("signed for base, presented on polygon") {
        const X402Network* polygon = find_x402_network("polygon");
        Body p = b;
        p.network = p.req_network = "\"polygon\"";
        p.asset = quoted(polygon->usdc.verifying_contract);
        FakeLedger ledger;
        CHECK(verify_body(p.json(), now, ledger).invalid_reason == x402_reason::invalid_signature);
    }
    SUBCASE("the high-s twin of a valid signature is refused, as USDC refuses it") {
        const crypto::RecoverableSignature twin = crypto::high_s_twin(signed_auth->signature);
        Body h = b;
        h.signature = quoted(hex0x(crypto::encode_rsv(twin)));
        FakeLedger ledger;
        CHECK(verify_body(h.json(), now, ledger).invalid_reason == x402_reason::invalid_signature);
    }
    SUBCASE("seeded runs sign byte-identically") {
        crypto::SeededRandom again(402);
        const auto payer2 = crypto::generate_secp256k1(again);
        (void)crypto::generate_secp256k1(again);
        const auto auth2 = make_transfer_authorization(from, to, 1500000, 0, now + 600, again);
        CHECK(auth2.nonce == auth.nonce);
        const auto signed2 = sign_transfer_authorization(base->usdc, auth2, payer2.private_key);
        REQUIRE(signed2.has_value());
        CHECK(signed2->signature_hex() == signed_auth->signature_hex());
    }
}

TEST_CASE("x402: a bare payment payload (X-PAYMENT) paired with the server's requirements") {
    X402Requirements requirements;
    requirements.scheme = "exact";
    requirements.network = "eip155:84532";
    requirements.amount = "10000";
    requirements.asset = kBaseSepoliaUsdc;
    requirements.pay_to = kGoldenTo;
    requirements.resource = "https://seller.example/report";

    Body b;
    b.with_requirements = false;
    const std::string envelope = b.json();
    // paymentPayload is everything between its key and the envelope's final brace.
    const std::string key = "\"paymentPayload\":";
    const std::string pp = envelope.substr(envelope.find(key) + key.size(),
                                           envelope.size() - envelope.find(key) - key.size() - 1);
    const auto req = parse_x402_payment(pp, requirements);
    REQUIRE(req.ok());
    CHECK(req->x402_version == 2);
    CHECK(req->resource_url == "https://api.example.com/premium-data");
    FakeLedger ledger;
    CHECK(verify_x402(*req, kInsideWindow, ledger).is_valid);

    requirements.amount = "20000";
    const auto dearer = parse_x402_payment(pp, requirements);
    REQUIRE(dearer.ok());
    CHECK(verify_x402(*dearer, kInsideWindow, ledger).invalid_reason == x402_reason::value_mismatch);

    CHECK_FALSE(parse_x402_payment("{}", requirements).ok());
    CHECK_FALSE(parse_x402_payment("[1]", requirements).ok());
}

// POST/GET /api/v1/wallets. A new wallet gets real key material (a secp256k1 key for EVM, Tron and
// Bitcoin accounts, an ed25519 key for Solana) and starts PROGRESSING/GENERATING until its simulated
// key generation ends.
#include "emulator/api/handlers.hpp"
#include "emulator/api/params.hpp"
#include "emulator/api/rules.hpp"
#include "emulator/domain/ids.hpp"

namespace paratro::api {

using domain::ErrorCode;

namespace {

// The 1.9 quorum fields: a threshold-of-total_shares key with optional named signing parties.
inline constexpr std::int64_t kDefaultThreshold = 2;
inline constexpr std::int64_t kDefaultTotalShares = 3;
inline constexpr std::int64_t kMaxTotalShares = 16;
inline constexpr std::size_t kMaxSigningPartyId = 64;

domain::Result<std::int64_t> quorum_number(const rapidjson::Value& body, const char* name, std::int64_t fallback) {
  auto it = body.FindMember(name);
  if (it == body.MemberEnd() || it->value.IsNull()) return fallback;
  if (!it->value.IsInt64())
    return domain::make_error(ErrorCode::invalid_parameter, std::string(name) + " must be an integer");
  const std::int64_t n = it->value.GetInt64();
  if (n < 1 || n > kMaxTotalShares) {
    return domain::make_error(ErrorCode::invalid_parameter,
                              std::string(name) + " must be between 1 and " + std::to_string(kMaxTotalShares));
  }
  return n;
}

// Validates threshold, total_shares and signing_party_ids as the gateway does (default 2-of-3);
// nothing of them is stored or echoed: the wallet's representation has no such fields.
domain::Status check_quorum(const rapidjson::Value& body) {
  using domain::make_error;
  auto threshold = quorum_number(body, "threshold", kDefaultThreshold);
  if (!threshold) return threshold.error();
  auto total = quorum_number(body, "total_shares", kDefaultTotalShares);
  if (!total) return total.error();
  if (*threshold > *total) {
    return make_error(
        ErrorCode::invalid_parameter,
        "threshold (" + std::to_string(*threshold) + ") must not exceed total_shares (" + std::to_string(*total) + ")");
  }
  auto it = body.FindMember("signing_party_ids");
  if (it == body.MemberEnd() || it->value.IsNull()) return domain::ok_status();
  if (!it->value.IsArray())
    return make_error(ErrorCode::invalid_parameter, "signing_party_ids must be an array of strings");
  const auto& ids = it->value;
  for (rapidjson::SizeType i = 0; i < ids.Size(); ++i) {
    if (!ids[i].IsString() || ids[i].GetStringLength() == 0) {
      return make_error(ErrorCode::invalid_parameter, "signing_party_ids must be an array of non-empty strings");
    }
    const std::string_view id(ids[i].GetString(), ids[i].GetStringLength());
    if (auto st = check_length("signing_party_ids[]", id, kMaxSigningPartyId); !st) return st;
    for (rapidjson::SizeType j = 0; j < i; ++j) {
      if (id == std::string_view(ids[j].GetString(), ids[j].GetStringLength())) {
        return make_error(ErrorCode::invalid_parameter, "signing_party_ids must not repeat an id");
      }
    }
  }
  if (static_cast<std::int64_t>(ids.Size()) != *threshold) {
    return make_error(ErrorCode::invalid_parameter,
                      "signing_party_ids must name exactly threshold (" + std::to_string(*threshold) + ") parties");
  }
  return domain::ok_status();
}

}  // namespace

ApiResponse create_wallet(Services& s, const ApiRequest& r, const Caller& c) {
  auto body = parse_object(r.body);
  if (!body) return error_response(body.error());
  auto name = required_string(*body, "wallet_name");
  if (!name) return error_response(name.error());
  auto description = optional_string(*body, "description");
  if (!description) return error_response(description.error());
  const std::string desc = description->value_or("");
  if (auto st = check_length("wallet_name", *name, kMaxWalletName); !st) return error_response(st.error());
  if (auto st = check_length("description", desc, kMaxDescription); !st) return error_response(st.error());
  if (auto st = check_quorum(*body); !st) return error_response(st.error());

  const std::int64_t now = s.clock.now_ms();
  const auto w = wallet_record(c.client_id, std::move(*name), desc, domain::make_id("w_", now, s.rng), now,
                               s.options.keygen_delay_ms);
  const auto keys = random_wallet_keys(s.rng);
  if (auto st = s.store.create_wallet(w, keys, c.max_wallets); !st) return error_response(st.error());
  return one_response(w, write_wallet);
}

ApiResponse get_wallet(Services& s, const Caller& c, std::string_view id) {
  auto w = s.store.find_wallet(c.client_id, id);
  if (!w) return error_response(ErrorCode::not_found, "Wallet not found");
  return one_response(*w, write_wallet);
}

ApiResponse list_wallets(Services& s, const ApiRequest& r, const Caller& c) {
  auto page = parse_page(r);
  if (!page) return error_response(page.error());
  return page_response(s.store.list_wallets(c.client_id, *page), write_wallet);
}

}  // namespace paratro::api

// POST /api/v1/auth/token and Bearer-token authentication of every other /api/v1 route.
// Tokens are HS256 JWTs signed with a key the emulator keeps in its database, so tokens survive a
// restart on a file database. Their iat/exp read the wall clock, not the simulated one: SDKs decide
// when to refresh by comparing `expires_in` with their own wall time.
#include <array>

#include "emulator/api/handlers.hpp"
#include "emulator/api/json.hpp"
#include "emulator/crypto/hash.hpp"
#include "emulator/domain/ids.hpp"
#include "emulator/domain/jwt.hpp"

namespace paratro::api {

using domain::ErrorCode;
using domain::make_error;

std::string hash_secret(std::string_view salt, std::string_view secret) {
  return crypto::to_hex(crypto::hmac_sha256(salt, secret));
}

domain::ClientRecord client_record(std::string client_id, std::string name, std::string api_key,
                                   std::string_view api_secret, std::int64_t max_wallets, std::int64_t now_ms,
                                   crypto::RandomSource& rng) {
  domain::ClientRecord c;
  c.client_id = std::move(client_id);
  c.client_name = std::move(name);
  c.api_key = std::move(api_key);
  std::array<std::uint8_t, 16> salt{};
  rng.fill(salt);
  c.secret_salt = crypto::to_hex(salt);
  c.secret_hash = hash_secret(c.secret_salt, api_secret);
  c.max_wallets = max_wallets;
  c.created_at_ms = now_ms;
  return c;
}

ApiResponse issue_token(Services& s, const ApiRequest& r) {
  if (r.api_key.empty() || r.api_secret.empty()) {
    return error_response(ErrorCode::unauthorized, "X-API-Key and X-API-Secret headers are required");
  }
  const auto client = s.store.find_client_by_key(r.api_key);
  if (!client || !crypto::constant_time_equal(hash_secret(client->secret_salt, r.api_secret), client->secret_hash)) {
    return error_response(ErrorCode::unauthorized, "Invalid API key or secret");
  }
  if (client->status != domain::ClientStatus::active)
    return error_response(ErrorCode::forbidden, "Client is suspended");

  const std::int64_t now_s = s.wall_clock.now_ms() / 1000;
  domain::JwtClaims claims;
  claims.subject = client->client_id;
  claims.issued_at = now_s;
  claims.expires_at = now_s + s.options.token_ttl_s;
  claims.token_id = domain::make_id("jti_", s.wall_clock.now_ms(), s.rng);
  const std::string token = domain::jwt_sign(claims, s.jwt_key);

  JsonWriter w;
  w.begin_object()
      .field("token", token)
      .field("token_type", "Bearer")
      .field("expires_in", s.options.token_ttl_s)
      .key("client")
      .begin_object()
      .field("client_id", client->client_id)
      .field("client_name", client->client_name)
      .field("status", client->status)
      .field("subscription_tier", client->subscription_tier)
      .field("max_wallets", client->max_wallets)
      .end_object()
      .end_object();
  return json_response(200, w.take());
}

domain::Result<Caller> authenticate(Services& s, const ApiRequest& r) {
  if (r.authorization.empty()) {
    return make_error(ErrorCode::unauthorized, "Authorization: Bearer <token> header is required");
  }
  const auto bearer = r.bearer_token();
  if (!bearer) return make_error(ErrorCode::unauthorized, "Authorization header must use the Bearer scheme");
  const std::string_view token = *bearer;
  const std::int64_t now_s = s.wall_clock.now_ms() / 1000;
  if (auto hit = s.tokens->find(token)) {
    if (hit->expires_at <= now_s) return make_error(ErrorCode::token_expired, "Token has expired");
    return std::move(hit->client);
  }
  const auto v = domain::jwt_verify(token, s.jwt_key, now_s);
  switch (v.error) {
    case domain::JwtError::none:
      break;
    case domain::JwtError::expired:
      return make_error(ErrorCode::token_expired, "Token has expired");
    case domain::JwtError::malformed:
      return make_error(ErrorCode::invalid_token, "Token is malformed");
    case domain::JwtError::bad_signature:
      return make_error(ErrorCode::invalid_token, "Token signature is invalid");
  }
  auto client = s.store.find_client(v.claims.subject);
  if (!client) return make_error(ErrorCode::invalid_token, "Token subject is unknown");
  if (client->status != domain::ClientStatus::active) return make_error(ErrorCode::forbidden, "Client is suspended");
  s.tokens->put(token, {*client, v.claims.expires_at});
  return std::move(*client);
}

void ensure_default_client(Services& s) {
  if (s.store.find_client(kDefaultClientId)) return;
  auto c = client_record(std::string(kDefaultClientId), "Sandbox Client", std::string(kDefaultApiKey),
                         kDefaultApiSecret, s.options.default_max_wallets, s.clock.now_ms(), s.rng);
  c.api_version = s.options.default_api_version;
  (void)s.store.create_client(c);  // a concurrent creator winning, or a fixture client holding the key, is fine
}

}  // namespace paratro::api

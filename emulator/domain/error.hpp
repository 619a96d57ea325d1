// Error values of the API. Every failure a handler can report is one of the gateway's documented
// codes (CONTRACT.md's error table) plus a human message; api/ turns it into an HTTP status and the
// `{code,type,message}` body through one builder. Errors are values: nothing here throws.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace paratro::domain {

enum class ErrorCode {
  bad_request,
  invalid_parameter,
  validation_failed,
  unauthorized,
  invalid_token,
  token_expired,
  forbidden,
  not_found,
  method_not_allowed,
  conflict,
  payload_too_large,
  too_many_requests,
  wallet_limit_reached,
  insufficient_balance,
  invalid_address,
  transaction_failed,
  asset_already_exists,
  wallet_not_active,
  account_not_active,
  concurrency_error,
  internal_error,
  service_unavailable,
  address_blacklisted,  // 403: a destination on the client's blacklist (2026-09 SDKs know the code)
  endpoint_retired,     // 410: a route the client's API version no longer serves
};

struct ErrorInfo {
  int http_status;
  std::string_view code;
  std::string_view type;
};

// The HTTP status, wire code and wire type of an error code.
const ErrorInfo& error_info(ErrorCode code);

struct Error {
  ErrorCode code;
  std::string message;
};

inline Error make_error(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

// A value or an Error. Small on purpose: the project targets C++20, which has no std::expected.
// [[nodiscard]]: a dropped Result is a dropped error; cast to void only where ignoring it is the point.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace paratro::domain

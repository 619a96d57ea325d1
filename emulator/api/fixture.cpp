// The fixture loader (fixture.hpp). One pass over the document: each object's fields are checked
// with the API's rules, and when they pass (and its parent was stored) the object goes into the
// store through the same repository calls the handlers use, nested in one write batch; the store's
// own refusals (wallet limit, a second account on a chain, a repeated asset) are reported at the
// object's path. Children of a refused object are still checked, so one run lists every error.
// The loader's class is in fixture_loader.hpp; this file holds the document's top level, the history
// insert and load_fixture().
#include "emulator/api/fixture.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>

#include "emulator/api/fixture_loader.hpp"
#include "emulator/crypto/hash.hpp"

namespace paratro::api {

namespace fixture_detail {

std::string quoted(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out.push_back('"');
  out.append(s);
  out.push_back('"');
  return out;
}

void Loader::document(const Value& doc) {
  if (!doc.IsObject()) return error("$", "a fixture must be a JSON object");
  known_fields(doc, "$", {"version", "name", "description", "clients", "x402_resources"});
  if (auto it = doc.FindMember("version"); it != doc.MemberEnd() && !(it->value.IsInt() && it->value.GetInt() == 1)) {
    error("$.version", "unsupported version (this build reads version 1)");
  }
  std::optional<std::string> ignored;
  get_string(doc, "$", "name", ignored, false, 200);
  get_string(doc, "$", "description", ignored, false, kMaxDescription);
  const Value* clients = get_array(doc, "$", "clients", true);
  if (!clients) return;
  for (rapidjson::SizeType i = 0; i < clients->Size(); ++i)
    client((*clients)[i], "$.clients[" + std::to_string(i) + "]");
  // Paid resources last: their pay_to must be an account the clients above created.
  if (const Value* resources = get_array(doc, "$", "x402_resources")) {
    for (rapidjson::SizeType i = 0; i < resources->Size(); ++i) {
      x402_resource((*resources)[i], "$.x402_resources[" + std::to_string(i) + "]");
    }
  }
  insert_history();
}

void Loader::insert_history() {
  std::stable_sort(history_.begin(), history_.end(),
                   [](const auto& a, const auto& b) { return a.second.created_at_ms < b.second.created_at_ms; });
  // Not a structured binding: clang 14 cannot capture one in a lambda.
  for (const auto& row : history_) {
    store(row.first, [&] { return ctx_.store.insert_history_transaction(row.second); });
  }
  history_.clear();
}

}  // namespace fixture_detail

namespace {

std::string line_and_column(std::string_view text, std::size_t offset) {
  std::size_t line = 1, col = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col) + " (offset " + std::to_string(offset) +
         ")";
}

}  // namespace

FixtureResult load_fixture(const FixtureContext& ctx, std::string_view text) {
  FixtureResult out;
  fixture_detail::Loader loader(ctx, out);
  if (text.size() > kMaxFixtureBytes) {
    loader.error("$", "the fixture is larger than " + std::to_string(kMaxFixtureBytes) + " bytes");
    return out;
  }
  if (text.find('\0') != std::string_view::npos) {
    loader.error("$", "malformed JSON: the text contains a NUL byte");
    return out;
  }
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  if (doc.HasParseError()) {
    loader.error("$", "malformed JSON at " + line_and_column(text, doc.GetErrorOffset()) + ": " +
                          rapidjson::GetParseError_En(doc.GetParseError()));
    return out;
  }
  try {
    auto st = ctx.store.write_batch([&]() -> domain::Status {
      loader.document(doc);
      if (!out.ok()) return domain::make_error(domain::ErrorCode::invalid_parameter, "fixture refused");
      ctx.store.put_setting(kFixtureSetting, fixture_digest(text));
      return domain::ok_status();
    });
    (void)st;  // the errors are in `out`
  } catch (const std::exception& e) {
    loader.error("$", std::string("database error: ") + e.what());
  }
  return out;
}

std::string fixture_digest(std::string_view text) { return crypto::to_hex(crypto::sha256(text)); }

std::string describe(const FixtureCounts& c) {
  return std::to_string(c.clients) + " clients, " + std::to_string(c.wallets) + " wallets, " +
         std::to_string(c.accounts) + " accounts, " + std::to_string(c.assets) + " assets, " +
         std::to_string(c.transactions) + " transactions";
}

}  // namespace paratro::api

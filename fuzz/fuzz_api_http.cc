// The API's request path without a socket: the fuzz input is the raw bytes a client sends
// (request line, headers, body), read by http::parse_request — the checks and conversion the
// server applies to what Beast parses off a connection — then routed through server::Api mounted
// over a SQLite store in a scratch directory and the default plan.
//
// What must hold for every input: no answer is a 500 (a refusal the API did not foresee), every
// JSON answer is valid UTF-8 JSON (random bytes in a body once made the error message itself
// unserialisable), and a body that is not JSON is refused 400 malformed_json, quoting none of it.
//
// The store holds one fixed token per role, so that seeds reach past authentication:
// "Bearer tl_fuzz_<role>" for observer, contingent (of "uk"), analyst and admin.
#include <cstdio>
#include <cstdlib>

#include "fuzz_support.h"
#include "http/event_stream.h"
#include "http/parse.h"
#include "index/locator.h"
#include "server/api.h"
#include "store/store.h"

namespace {

using namespace truceline;

struct Service {
  std::unique_ptr<store::Store> store;
  std::unique_ptr<index::Locator> locator;
  std::unique_ptr<server::Api> api;
  http::Router router;

  Service() {
    store = store::open_store((fuzz::scratch_dir() / "record.sqlite").string());
    for (const char* role : {"observer", "contingent", "analyst", "admin"})
      store->add_token(store::sha256_hex(std::string("tl_fuzz_") + role),
                       {std::string("fuzz-") + role, role, std::string(role) == "contingent" ? "uk" : ""});
    locator = std::make_unique<index::Locator>(fuzz::default_map());
    server::ApiOptions opt;
    opt.rate_per_s = 1e9;  // the fuzzer is one token sending as fast as it can
    api = std::make_unique<server::Api>(fuzz::default_map(), *locator, *store, opt);
    api->mount(router);
  }
};

[[noreturn]] void fail(const char* what, const http::Response& res) {
  std::fprintf(stderr, "%s: status %d, body %s\n", what, res.status, res.body.c_str());
  std::abort();
}

// Any answer: never a 5xx but 503, and a JSON answer is JSON.
nlohmann::json check(const http::Response& res) {
  if (res.status >= 500 && res.status != 503) fail("a server error", res);
  const auto type = res.headers.find("Content-Type");
  if (type == res.headers.end() || type->second != "application/json") return nullptr;
  auto body = nlohmann::json::parse(res.body, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) fail("an answer that is not JSON", res);
  return body;
}

// A routed POST of observations whose body does not parse, by a caller allowed to post (not
// refused 401, 403 or 429 first): 400 malformed_json.
void check_junk(const http::Request& req, const http::Response& res, const nlohmann::json& body) {
  if (req.method != "POST" || req.path != "/v1/observations") return;
  if (res.status == 401 || res.status == 403 || res.status == 429) return;
  if (!nlohmann::json::parse(req.body, nullptr, false).is_discarded()) return;
  if (res.status != 400 || !body.is_object() || body["error"]["code"] != "malformed_json")
    fail("junk not refused as malformed_json", res);
}

}  // namespace

// Never destroyed: it lives as long as the process.
static Service* g_service = nullptr;

// The plan is compiled before the first input, outside libFuzzer's per-input timeout.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  g_service = new Service;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  http::Limits limits;
  limits.max_body = 1 << 20;
  http::Request req;
  http::Response res;
  if (!http::parse_request(std::string_view(reinterpret_cast<const char*>(data), size), limits, req, res)) {
    check(res);
    return 0;
  }
  g_service->router.handle(req, res);
  if (res.stream) res.stream->close();
  check_junk(req, res, check(res));
  return 0;
}

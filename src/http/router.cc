#include "http/router.h"

#include <iostream>
#include <nlohmann/json.hpp>

namespace truceline::http {

void set_error(Response& res, int status, const std::string& code, const std::string& message, const std::string& field) {
  nlohmann::json e{{"code", code}, {"message", message}};
  if (!field.empty()) e["field"] = field;
  res.status = status;
  // `replace`: a message quoting bytes of a request that are not UTF-8 must still serialise
  // (a JSON body of random bytes used to end as a 500 here).
  res.set_content(nlohmann::json{{"error", e}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

void Router::add(const std::string& method, const std::string& pattern, Handler h, Where where) {
  routes_.push_back({method, std::regex(pattern, std::regex::ECMAScript | std::regex::optimize), std::move(h), where});
}

const Router::Route* Router::find(Request& req, Response& res) const {
  const std::string method = req.method == "HEAD" ? "GET" : req.method;
  bool path_known = false;
  std::smatch m;
  for (const Route& r : routes_) {
    if (!std::regex_match(req.path, m, r.pattern)) continue;
    if (r.method != method) {
      path_known = true;
      continue;
    }
    req.matches.assign(m.begin(), m.end());
    return &r;
  }
  if (path_known) {
    set_error(res, 405, "method_not_allowed", req.method + " is not served at this path");
  } else {
    set_error(res, 404, "not_found", "no such endpoint");
  }
  return nullptr;
}

void Router::run(const Route& route, const Request& req, Response& res) {
  try {
    route.handler(req, res);
  } catch (const std::exception& e) {
    std::cerr << "truceline: internal error answering " << req.method << " " << req.path << ": " << e.what() << "\n";
    res = Response{};
    set_error(res, 500, "internal", "the server failed to answer this request; it has been logged");
  }
}

void Router::handle(Request& req, Response& res) const {
  if (const Route* r = find(req, res)) run(*r, req, res);
}

}  // namespace truceline::http

#pragma once
// Routes: a method and a path pattern to a handler. Handlers run on the server's handler pool
// unless a route says it may run on the event loop (answers that touch no store, no lock held for
// long). The first route registered that matches wins.
#include <functional>
#include <regex>
#include <string>
#include <vector>

#include "http/message.h"

namespace truceline::http {

using Handler = std::function<void(const Request&, Response&)>;

// The JSON error every refusal carries (docs/api.md): {"error": {"code", "message", "field"?}}.
// Text that is not valid UTF-8 is replaced, never echoed raw, so building an error cannot fail.
void set_error(Response& res, int status, const std::string& code, const std::string& message,
               const std::string& field = {});

class Router {
 public:
  enum class Where { pool, loop };
  struct Route {
    std::string method;
    std::regex pattern;
    Handler handler;
    Where where;
  };

  // `pattern` must match the whole decoded path; its groups go to Request::matches.
  void add(const std::string& method, const std::string& pattern, Handler h, Where where = Where::pool);
  void get(const std::string& pattern, Handler h, Where where = Where::pool) { add("GET", pattern, std::move(h), where); }
  void post(const std::string& pattern, Handler h, Where where = Where::pool) { add("POST", pattern, std::move(h), where); }

  // The route for `req` (HEAD finds GET's), its groups stored in req.matches; nullptr when none
  // matches, with `res` set to 404 (no such path) or 405 (the path exists for other methods).
  const Route* find(Request& req, Response& res) const;
  // Runs the route's handler; an exception it lets out becomes a 500 "internal" (handlers answer
  // their own refusals, so one that escapes is a defect, reported without its detail).
  static void run(const Route& route, const Request& req, Response& res);
  // find() and run() together, on the calling thread (the fuzz target, tests).
  void handle(Request& req, Response& res) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace truceline::http

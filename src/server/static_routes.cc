#include "server/static_routes.h"

namespace truceline::server {
namespace fs = std::filesystem;

namespace {

bool has_index(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "index.html", ec);
}

const char* kNotBuilt =
    "<!doctype html><meta charset=utf-8><title>truceline</title>"
    "<h1>The dashboard is not built</h1>"
    "<p>Run <code>make web</code> in the source tree (or <code>make build</code>), then restart "
    "<code>truceline serve</code>, or point it at a built dashboard with <code>--web DIR</code>. "
    "The API under <code>/v1/</code> works without it.</p>";

}  // namespace

std::optional<fs::path> find_dashboard(const fs::path& exe_dir) {
  const fs::path candidates[] = {exe_dir / "web", exe_dir / ".." / "web" / "dist",
                                 fs::path(TRUCELINE_SOURCE_DIR) / "web" / "dist"};
  for (const auto& c : candidates)
    if (has_index(c)) return fs::weakly_canonical(c);
  return std::nullopt;
}

bool mount_dashboard(httplib::Server& server, const std::optional<fs::path>& dir) {
  if (!dir) {
    server.Get("/", [](const httplib::Request&, httplib::Response& res) {
      res.status = 404;
      res.set_content(kNotBuilt, "text/html; charset=utf-8");
    });
    return true;
  }
  if (!has_index(*dir)) return false;
  // cpp-httplib maps the common extensions itself; these are the ones the dashboard adds.
  server.set_file_extension_and_mimetype_mapping("html", "text/html; charset=utf-8");
  server.set_file_extension_and_mimetype_mapping("js", "text/javascript; charset=utf-8");
  server.set_file_extension_and_mimetype_mapping("css", "text/css; charset=utf-8");
  server.set_file_extension_and_mimetype_mapping("map", "application/json");
  server.set_file_request_handler([](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Content-Type-Options", "nosniff");
  });
  return server.set_mount_point("/", dir->string());
}

}  // namespace truceline::server

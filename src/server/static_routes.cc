#include "server/static_routes.h"

#include <algorithm>
#include <fstream>
#include <iterator>

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

namespace {

std::string content_type(const fs::path& p) {
  static const std::pair<const char*, const char*> types[] = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"}, {".map", "application/json"},
      {".geojson", "application/geo+json"}, {".svg", "image/svg+xml"},
      {".png", "image/png"}, {".jpg", "image/jpeg"}, {".ico", "image/x-icon"},
      {".webmanifest", "application/manifest+json"}, {".txt", "text/plain; charset=utf-8"},
      {".woff2", "font/woff2"}};
  const std::string ext = p.extension().string();
  for (const auto& [e, t] : types)
    if (ext == e) return t;
  return "application/octet-stream";
}

// Pages addressed without their file name: the observer app lives at /report (and /report/, as a
// phone's address bar may complete it), its file beside the dashboard's index.html.
std::string page_file(const std::string& path) {
  if (path == "/report" || path == "/report/") return "report.html";
  return path;
}

// The file under `root` that `path` names, or nullopt for one outside it (../, a symlink out) or
// none at all. "/" is index.html.
std::optional<fs::path> file_under(const fs::path& root, const std::string& path) {
  if (path.find('\0') != std::string::npos) return std::nullopt;
  fs::path rel = fs::path(page_file(path)).relative_path();
  if (rel.empty()) rel = "index.html";
  std::error_code ec;
  const fs::path full = fs::weakly_canonical(root / rel, ec);
  if (ec) return std::nullopt;
  const auto [r, f] = std::mismatch(root.begin(), root.end(), full.begin(), full.end());
  if (r != root.end() || !fs::is_regular_file(full, ec)) return std::nullopt;
  return full;
}

}  // namespace

bool mount_dashboard(http::Router& router, const std::optional<fs::path>& dir) {
  if (!dir) {
    router.get("/", [](const http::Request&, http::Response& res) {
      res.status = 404;
      res.set_content(kNotBuilt, "text/html; charset=utf-8");
    }, http::Router::Where::loop);
    return true;
  }
  if (!has_index(*dir)) return false;
  // Registered last by serve, so that the API's paths are matched first.
  router.get("/(.*)", [root = fs::weakly_canonical(*dir)](const http::Request& req, http::Response& res) {
    const auto file = file_under(root, req.path);
    if (!file) return http::set_error(res, 404, "not_found", "no such endpoint or file");
    std::ifstream in(*file, std::ios::binary);
    std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) return http::set_error(res, 500, "internal", "cannot read " + req.path);
    res.set_content(std::move(body), content_type(*file));
    res.set_header("Cache-Control", "no-cache");
    res.set_header("X-Content-Type-Options", "nosniff");
  });
  return true;
}

}  // namespace truceline::server

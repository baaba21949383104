// The transparency log over HTTP (docs/log.md): C2SP tlog-tiles (/log/checkpoint, hash tiles,
// entry bundles) and JSON proofs. No token: the log holds only commitments. Full tiles never
// change, so any cache may keep them for a year.
#include <charconv>

#include "monitor/observation.h"
#include "server/api.h"
#include "store/log_rows.h"
#include "tlog/tiles.h"

namespace truceline::server {
namespace {

using nlohmann::json;

[[noreturn]] void refuse(int status, const std::string& code, const std::string& message, const std::string& field = {}) {
  throw monitor::ValidationError(status, code, message, field);
}

int64_t size_param(const http::Request& req, const char* name) {
  if (!req.has_param(name)) refuse(400, "missing_parameter", std::string(name) + " is required", name);
  const std::string s = req.get_param_value(name);
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < 0)
    refuse(400, "bad_parameter", std::string(name) + " is a whole number from 0", name);
  return v;
}

json hashes_json(const std::vector<tlog::Hash>& hashes) {
  json out = json::array();
  for (const tlog::Hash& h : hashes) out.push_back(tlog::base64(tlog::bytes_of(h)));
  return out;
}

void send_bytes(http::Response& res, std::string bytes, bool immutable) {
  res.status = 200;
  res.set_header("Cache-Control", immutable ? "public, max-age=31536000, immutable" : "public, max-age=60");
  res.set_content(std::move(bytes), "application/octet-stream");
}

void send_json_ok(http::Response& res, const json& body) {
  res.status = 200;
  res.set_content(body.dump(), "application/json");
}

void check_size(int64_t size, int64_t log_size, const char* field) {
  if (size > log_size)
    refuse(400, "beyond_log", std::string(field) + " " + std::to_string(size) + " is beyond the log's " +
                                  std::to_string(log_size) + " entries",
           field);
}

}  // namespace

void Api::log_checkpoint(const http::Request&, http::Response& res) {
  const auto c = store_.latest_checkpoint(true);
  if (!c) refuse(404, "no_checkpoint", "the log has published no checkpoint yet (serve signs with --log-key)");
  res.status = 200;
  // Mutable: a reader polls it; a cache may hold it a second or two.
  res.set_header("Cache-Control", "public, max-age=1");
  res.set_content(c->note, "text/plain; charset=utf-8");
}

void Api::log_tile(const http::Request& req, http::Response& res) {
  const std::string path = req.matches[1];
  const auto t = tlog::parse_tile_path(path);
  if (!t) refuse(404, "not_found", "'" + path + "' is not a tile path (tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>])");
  const int64_t size = store_.log_size();
  if (tlog::available_width(t->level, t->index, size) < t->width)
    refuse(404, "not_found", "the log of " + std::to_string(size) + " entries has no " + path);
  if (t->entries) {
    const int64_t first = t->index * tlog::kTileWidth;
    send_bytes(res, tlog::entry_bundle(store_.log_entries(first, t->width)), t->width == tlog::kTileWidth);
    return;
  }
  store::StoreHashReader reader(store_);
  send_bytes(res, tlog::hash_tile(reader, t->level, t->index, t->width), t->width == tlog::kTileWidth);
}

void Api::log_inclusion(const http::Request& req, http::Response& res) {
  const int64_t index = size_param(req, "index"), tree_size = size_param(req, "tree_size");
  check_size(tree_size, store_.log_size(), "tree_size");
  if (index >= tree_size) refuse(400, "bad_parameter", "index must be below tree_size", "index");
  store::StoreHashReader reader(store_);
  const auto entries = store_.log_entries(index, 1);
  send_json_ok(res, json{{"index", index},
                         {"tree_size", tree_size},
                         {"leaf_hash", tlog::base64(tlog::bytes_of(reader.hash({0, index})))},
                         {"entry", entries.at(0)},
                         {"proof", hashes_json(tlog::inclusion_proof(reader, index, tree_size))}});
}

void Api::log_consistency(const http::Request& req, http::Response& res) {
  const int64_t first = size_param(req, "first"), second = size_param(req, "second");
  check_size(second, store_.log_size(), "second");
  if (first > second) refuse(400, "bad_parameter", "first must not exceed second", "first");
  store::StoreHashReader reader(store_);
  send_json_ok(res, json{{"first", first}, {"second", second}, {"proof", hashes_json(tlog::consistency_proof(reader, first, second))}});
}

}  // namespace truceline::server

#pragma once
// The served transparency log as the integration tests drive it: a token and a log key made with
// the CLI, observations posted in batches, the log's part of /v1/health, and a wait until the
// published checkpoint covers the whole record.
#include <httplib.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "integration/process.h"

namespace truceline::testing {

// The last line of a command's output: keygen and token create print what they made there.
inline std::string last_line(std::string out) {
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out.substr(out.rfind('\n') + 1);
}

inline std::string make_token(const std::filesystem::path& db, const std::filesystem::path& dir, const std::string& name) {
  const RunResult r = run_cli("token create --db '" + db.string() + "' --role observer --name " + name, dir);
  EXPECT_EQ(r.code, 0) << r.err;
  return last_line(r.out);
}

// A log key for `origin` in `file`; returns its verifier key.
inline std::string make_log_key(const std::string& origin, const std::filesystem::path& file, const std::filesystem::path& dir) {
  const RunResult r = run_cli("log keygen " + origin + " -o '" + file.string() + "'", dir);
  EXPECT_EQ(r.code, 0) << r.err;
  return last_line(r.out);
}

// Observation `i` of the series `tag`: two series differ in every source_ref, so that two
// databases fed different series hold different records at the same positions.
inline nlohmann::json log_observation(const std::string& tag, int i) {
  return nlohmann::json{{"time", "2025-04-12T06:30:00Z"}, {"observer_id", "P-" + std::to_string(i % 7)},
                        {"observer_kind", "patrol"}, {"mode", "heard"}, {"event", "explosion"}, {"lat", 48.0 + i * 1e-4},
                        {"lon", 37.0}, {"source_ref", tag + "-" + std::to_string(i)}};
}

// Posts observations [from, to) of `tag` in batches; each batch must be stored.
inline void post_observations(int port, const std::string& token, const std::string& tag, int from, int to) {
  httplib::Client c("127.0.0.1", port);
  c.set_keep_alive(true);
  constexpr int kBatch = 50;
  for (int i = from; i < to; i += kBatch) {
    nlohmann::json batch = nlohmann::json::array();
    for (int k = i; k < std::min(to, i + kBatch); ++k) batch.push_back(log_observation(tag, k));
    auto r = c.Post("/v1/observations", {{"Authorization", "Bearer " + token}}, batch.dump(), "application/json");
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    ASSERT_EQ(r->status, 201) << r->body;
  }
}

// GET /v1/health, or nullopt when the server does not answer.
inline std::optional<nlohmann::json> health(int port) {
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get("/v1/health");
  if (!r || r->status != 200) return std::nullopt;
  return nlohmann::json::parse(r->body, nullptr, false);
}

// A whole number in `j` at `key`, or -1 when it is not there.
inline int64_t number_or(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number_integer() ? j[key].get<int64_t>() : -1;
}

// The served checkpoint, or "" when there is none.
inline std::string checkpoint_note(int port) {
  httplib::Client c("127.0.0.1", port);
  auto r = c.Get("/log/checkpoint");
  return r && r->status == 200 ? r->body : "";
}

// The size line of the served checkpoint, or -1.
inline int64_t checkpoint_size(int port) {
  const std::string note = checkpoint_note(port);
  const size_t a = note.find('\n');
  return a == std::string::npos ? -1 : std::atoll(note.c_str() + a + 1);
}

// Polls `done` every 50 ms until it holds or `timeout` passes; returns whether it held.
inline bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

// Waits until the published checkpoint covers every record and the record has stopped growing;
// returns that size, or -1. The incident engine appends its records a moment after the
// observations, so the size is read from the server rather than computed from what was posted:
// settled means the engine has read through the last record, the published checkpoint has its
// size, and nothing has changed for longer than the engine's flush interval and the signer's.
inline int64_t wait_for_full_checkpoint(int port, int64_t at_least) {
  constexpr auto kSettled = std::chrono::milliseconds(1500);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int64_t last = -1;
  auto since = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < deadline) {
    const auto h = health(port);
    const nlohmann::json log = h ? h->value("log", nlohmann::json::object()) : nlohmann::json::object();
    const int64_t size = number_or(log, "size");
    const bool covered = h && size >= at_least && number_or(log, "published_size") == size &&
                         number_or(*h, "incidents_read_through") == size;
    const auto now = std::chrono::steady_clock::now();
    if (!covered || size != last) {
      last = covered ? size : -1;
      since = now;
    } else if (now - since >= kSettled) {
      return size;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return -1;
}

}  // namespace truceline::testing

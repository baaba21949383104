// Load generator for `truceline serve`: POST /v1/observations over N keep-alive connections, one
// thread each, for a bounded time and count, on loopback only; then the durability check, which
// pages through GET /v1/observations and looks up every acknowledged id. Run by bench/ingest.sh,
// which starts the servers; results in docs/benchmarks.md.
//
//   truceline_ingest load  --url http://127.0.0.1:PORT --tokens FILE [--connections 64] [--batch 1]
//                          [--duration 20] [--max-requests N] [--acked FILE] [--seed 1]
//   truceline_ingest check --url http://127.0.0.1:PORT --token ANALYST_TOKEN --acked FILE...
//   truceline_ingest catch-up --url http://127.0.0.1:PORT --token ANALYST_TOKEN
//
// load: each connection uses its own observer token (one per line of --tokens, reused round-robin
// when there are fewer lines than connections): the server limits each token to 500 requests/s,
// and 64 patrols posting at once hold 64 tokens. Every request is timed from the first byte sent to
// the last byte of the answer, reconnects included. A request answered 201 is "acknowledged"; its
// ids go to --acked. Output: a summary, then `RESULT key value` lines for scripts.
// check: every id of every --acked file must be among the stored observations; prints per file the
// acknowledged and found counts, and the stored total.
// catch-up: how long after the call the incident engine has read through the chain's head as it
// was at the call (GET /v1/chain/head, then GET /v1/health every 100 ms; at most 10 minutes).
//
// INGEST_DEBUG=1 prints every request that got no answer (when, which connection, how it failed).
//
// The client is a minimal HTTP/1.1 one over blocking sockets (Content-Length bodies only, as the
// server sends them), so that the generator costs the 2-core machine as little CPU as it can.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <numeric>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "loopback_url.h"

namespace {

using Clock = std::chrono::steady_clock;

using Url = truceline::bench::LoopbackUrl;

// One keep-alive connection. Not thread-safe: one per thread.
class Connection {
 public:
  explicit Connection(const Url& u) : url_(u) {}
  ~Connection() { close_fd(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Statuses for requests that got no answer.
  static constexpr int kConnectFailed = -1, kSendFailed = -2, kTimeout = -3, kClosedNew = -4, kClosedReused = -5;
  static const char* no_answer_name(int status) {
    switch (status) {
      case kConnectFailed: return "connect-failed";
      case kSendFailed: return "send-failed";
      case kTimeout: return "timeout";
      case kClosedNew: return "closed-on-new-connection";
      case kClosedReused: return "closed-on-reused-connection";
      default: return "no-answer";
    }
  }
  struct Response {
    int status = 0;  // an HTTP status, or one of the k* codes above when there was no answer
    std::string body;
  };

  // Sends `request` (a whole HTTP/1.1 request) and reads the answer. Connects when needed; the
  // server's `Connection: close` makes the next call reconnect.
  Response roundtrip(const std::string& request) {
    Response r;
    const bool fresh = fd_ < 0;
    if (fresh && !connect_fd()) {
      r.status = kConnectFailed;
      return r;
    }
    if (!send_all(request)) {
      close_fd();
      r.status = kSendFailed;
      return r;
    }
    if (!read_response(r)) {
      r.status = errno == EAGAIN || errno == EWOULDBLOCK ? kTimeout : fresh ? kClosedNew : kClosedReused;
      close_fd();
    }
    return r;
  }

  bool connect_fd() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return false;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    timeval tv{30, 0};  // a stuck server cannot hold the run longer than this
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(url_.port));
    inet_pton(AF_INET, url_.host.c_str(), &a.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close_fd();
      return false;
    }
    ++connects;
    buf_.clear();
    return true;
  }

  int64_t connects = 0;

 private:
  void close_fd() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buf_.clear();
  }

  bool send_all(const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      const ssize_t n = ::send(fd_, s.data() + off, s.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }

  bool fill() {
    char tmp[16384];
    const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n == 0) errno = 0;  // closed by the server, not timed out
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  static bool header_is(const std::string& line, const char* name) {
    const size_t n = std::strlen(name);
    return line.size() > n && line[n] == ':' && strncasecmp(line.data(), name, n) == 0;
  }

  bool read_response(Response& r) {
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return false;
    size_t content_length = 0;
    bool close_after = false, have_length = false;
    std::istringstream head(buf_.substr(0, end));
    std::string line;
    std::getline(head, line);
    if (line.size() < 12 || line.rfind("HTTP/1.", 0) != 0) return false;
    r.status = std::atoi(line.c_str() + 9);
    while (std::getline(head, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (header_is(line, "Content-Length")) {
        content_length = std::strtoull(line.c_str() + 15, nullptr, 10);
        have_length = true;
      } else if (header_is(line, "Connection")) {
        close_after = line.find("close") != std::string::npos;
      } else if (header_is(line, "Transfer-Encoding")) {
        return false;  // the server sends Content-Length; anything else is not expected here
      }
    }
    if (!have_length) return false;
    const size_t total = end + 4 + content_length;
    while (buf_.size() < total)
      if (!fill()) return false;
    r.body = buf_.substr(end + 4, content_length);
    buf_.erase(0, total);
    if (close_after) close_fd();
    return true;
  }

  Url url_;
  int fd_ = -1;
  std::string buf_;
};

std::string request_text(const Url& u, const char* method, const std::string& target, const std::string& token,
                         const std::string& body) {
  std::string r = std::string(method) + " " + target + " HTTP/1.1\r\nHost: " + u.host + ":" + std::to_string(u.port) + "\r\n";
  if (!token.empty()) r += "Authorization: Bearer " + token + "\r\n";
  if (!body.empty()) r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  return r + "\r\n" + body;
}

// The ids of a 201 answer, {"id": …, "ids": [...]}, without a JSON parser on the hot path.
void collect_ids(const std::string& body, std::vector<std::string>& out) {
  size_t p = body.find("\"ids\":[");
  if (p == std::string::npos) return;
  p += 7;
  while (p < body.size() && body[p] != ']') {
    const size_t q = body.find('"', p);
    if (q == std::string::npos) return;
    const size_t e = body.find('"', q + 1);
    if (e == std::string::npos) return;
    out.push_back(body.substr(q + 1, e - q - 1));
    p = e + 1;
  }
}

// Observations of the kinds the docs describe, inside the default plan's area: half with their own
// position (placement "given"), half as an observer's position with a direction and a range band
// (placement "bearing_range": a geodesic direct problem per observation).
std::string observation(std::mt19937_64& rng, int64_t n) {
  static const char* kinds[] = {"patrol", "camera", "uav", "sensor"};
  static const char* events[] = {"explosion", "burst", "shot", "projectile", "armour", "muzzle_flash"};
  static const char* dirs[] = {"N", "NE", "E", "SE", "S", "SW", "W", "NW"};
  std::uniform_real_distribution<double> lat(46.5, 49.5), lon(34.0, 39.0);
  char buf[512];
  const int minute = static_cast<int>(n % 1440);
  const char* event = events[n % 6];
  if (n % 2 == 0) {
    std::snprintf(buf, sizeof buf,
                  R"({"time":"2025-04-12T%02d:%02d:00Z","observer_id":"P-%lld","observer_kind":"%s","mode":"saw",)"
                  R"("event":"%s","count":%d,"lat":%.5f,"lon":%.5f})",
                  minute / 60, minute % 60, static_cast<long long>(n % 500), kinds[n % 4], event,
                  static_cast<int>(1 + n % 7), lat(rng), lon(rng));
  } else {
    std::snprintf(buf, sizeof buf,
                  R"({"time":"2025-04-12T%02d:%02d:00+03:00","observer_id":"SMM-P%lld","observer_kind":"patrol",)"
                  R"("observer_lat":%.5f,"observer_lon":%.5f,"mode":"heard","event":"%s","count":%d,)"
                  R"("direction":"%s","range_min_km":3,"range_max_km":6})",
                  minute / 60, minute % 60, static_cast<long long>(n % 500), lat(rng), lon(rng), event,
                  static_cast<int>(1 + n % 5), dirs[n % 8]);
  }
  return buf;
}

struct Options {
  std::string url, tokens_file, token, acked_path;
  std::vector<std::string> acked_files;
  int connections = 64, batch = 1;
  double duration_s = 20;
  int64_t max_requests = 10'000'000;
  uint64_t seed = 1;
};

struct ThreadResult {
  std::vector<uint32_t> latency_us;
  std::map<int, int64_t> status;  // 0: no answer
  std::vector<std::string> ids;
  int64_t connects = 0, ok_requests = 0;
};

double percentile(const std::vector<uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  // The nearest-rank percentile: the smallest value with at least p of the samples at or below it.
  const size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  const size_t i = std::min(sorted.size() - 1, rank > 0 ? rank - 1 : 0);
  return sorted[i] / 1000.0;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

int run_load(const Options& o) {
  const Url url = truceline::bench::parse_loopback_url(o.url);
  const std::vector<std::string> tokens = read_lines(o.tokens_file);
  if (tokens.empty()) throw std::invalid_argument("--tokens holds no token");
  if (o.connections < 1 || o.connections > 1024) throw std::invalid_argument("--connections is 1 to 1024");
  if (o.batch < 1 || o.batch > 10'000) throw std::invalid_argument("--batch is 1 to 10,000");
  if (o.duration_s <= 0 || o.duration_s > 600) throw std::invalid_argument("--duration is over 0 and at most 600 s");

  // Each connection cycles through its own prepared requests, so the hot loop only sends and reads.
  const int distinct = std::max(4, 4096 / o.batch);
  std::vector<std::vector<std::string>> requests(o.connections);
  for (int c = 0; c < o.connections; ++c) {
    std::mt19937_64 rng(o.seed * 1'000'003 + c);
    for (int i = 0; i < distinct; ++i) {
      std::string body;
      const int64_t base = (int64_t{c} * distinct + i) * o.batch;
      if (o.batch == 1) {
        body = observation(rng, base);
      } else {
        body = "[";
        for (int k = 0; k < o.batch; ++k) {
          if (k) body += ',';
          body += observation(rng, base + k);
        }
        body += "]";
      }
      requests[c].push_back(request_text(url, "POST", "/v1/observations", tokens[c % tokens.size()], body));
    }
  }
  const size_t request_bytes = requests[0][0].size();

  std::vector<ThreadResult> results(o.connections);
  std::vector<std::unique_ptr<Connection>> conns;
  for (int c = 0; c < o.connections; ++c) conns.push_back(std::make_unique<Connection>(url));
  // Connections are opened before the clock starts, one after the other, each confirmed by a
  // GET /v1/health: the server's listen backlog is 5, and 64 connects at once overflow it (the
  // kernel then resets some of them). Reconnects during the run are timed.
  const std::string health = request_text(url, "GET", "/v1/health", "", "");
  int failed_connects = 0;
  for (auto& c : conns) failed_connects += c->roundtrip(health).status == 200 ? 0 : 1;
  if (failed_connects) std::cerr << "ingest: " << failed_connects << " connections failed to open; they retry per request\n";

  std::atomic<int64_t> issued{0};
  std::atomic<bool> go{false};
  const double cpu0 = cpu_seconds();
  Clock::time_point start, deadline;
  std::vector<std::thread> threads;
  for (int c = 0; c < o.connections; ++c) {
    threads.emplace_back([&, c] {
      ThreadResult& r = results[c];
      r.latency_us.reserve(static_cast<size_t>(std::min<double>(2e6, o.duration_s * 20'000 / o.connections + 1024)));
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      for (size_t i = 0;; ++i) {
        if (Clock::now() >= deadline) break;
        if (issued.fetch_add(1, std::memory_order_relaxed) >= o.max_requests) break;
        const auto t0 = Clock::now();
        const Connection::Response resp = conns[c]->roundtrip(requests[c][i % requests[c].size()]);
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
        r.latency_us.push_back(static_cast<uint32_t>(std::min<int64_t>(us, UINT32_MAX)));
        ++r.status[resp.status];
        if (resp.status == 201) {
          ++r.ok_requests;
          collect_ids(resp.body, r.ids);
        } else if (resp.status < 0) {
          if (std::getenv("INGEST_DEBUG"))
            std::fprintf(stderr, "debug: %s at %.3f s, request %zu of connection %d\n", Connection::no_answer_name(resp.status),
                         std::chrono::duration<double>(t0 - start).count(), i, c);
          std::this_thread::sleep_for(std::chrono::milliseconds(10));  // no busy loop on a dead server
        }
      }
    });
  }
  start = Clock::now();
  deadline = start + std::chrono::microseconds(static_cast<int64_t>(o.duration_s * 1e6));
  go.store(true, std::memory_order_release);
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = cpu_seconds() - cpu0;
  int64_t reconnects = 0;
  for (int c = 0; c < o.connections; ++c) reconnects += std::max<int64_t>(0, conns[c]->connects - 1);
  conns.clear();

  std::vector<uint32_t> lat;
  std::map<int, int64_t> status;
  int64_t ok = 0, ids = 0;
  for (const auto& r : results) {
    lat.insert(lat.end(), r.latency_us.begin(), r.latency_us.end());
    for (auto [s, n] : r.status) status[s] += n;
    ok += r.ok_requests;
    ids += static_cast<int64_t>(r.ids.size());
  }
  std::sort(lat.begin(), lat.end());
  if (!o.acked_path.empty()) {
    std::ofstream out(o.acked_path);
    for (const auto& r : results)
      for (const auto& id : r.ids) out << id << '\n';
    if (!out) throw std::runtime_error("cannot write " + o.acked_path);
  }
  std::string errors;
  for (auto [s, n] : status)
    if (s != 201) {
      if (!errors.empty()) errors += ' ';
      errors += (s > 0 ? std::to_string(s) : std::string(Connection::no_answer_name(s))) + ":" + std::to_string(n);
    }
  if (errors.empty()) errors = "none";

  const double mean = lat.empty() ? 0 : std::accumulate(lat.begin(), lat.end(), 0.0) / lat.size() / 1000.0;
  std::printf("%d connections, %d observation%s per POST, %.1f s, requests of %zu bytes\n", o.connections, o.batch,
              o.batch == 1 ? "" : "s", elapsed, request_bytes);
  std::printf("  acknowledged (201): %lld requests, %lld observations -> %.0f requests/s, %.0f observations/s\n",
              static_cast<long long>(ok), static_cast<long long>(ids), ok / elapsed, ids / elapsed);
  std::printf("  latency ms: mean %.2f, p50 %.2f, p90 %.2f, p99 %.2f, max %.2f; not 201: %s; reconnects %lld\n", mean,
              percentile(lat, 0.5), percentile(lat, 0.9), percentile(lat, 0.99), lat.empty() ? 0.0 : lat.back() / 1000.0,
              errors.c_str(), static_cast<long long>(reconnects));
  std::printf("  generator CPU %.1f s (%.0f%% of one core)\n", cpu, 100 * cpu / elapsed);
  std::printf("RESULT elapsed_s %.3f\nRESULT requests %lld\nRESULT acked_requests %lld\nRESULT acked_observations %lld\n",
              elapsed, static_cast<long long>(lat.size()), static_cast<long long>(ok), static_cast<long long>(ids));
  std::printf("RESULT rps %.1f\nRESULT ops %.1f\nRESULT p50_ms %.2f\nRESULT p90_ms %.2f\nRESULT p99_ms %.2f\nRESULT max_ms %.2f\n",
              ok / elapsed, ids / elapsed, percentile(lat, 0.5), percentile(lat, 0.9), percentile(lat, 0.99),
              lat.empty() ? 0.0 : lat.back() / 1000.0);
  std::printf("RESULT mean_ms %.2f\nRESULT errors %s\nRESULT reconnects %lld\nRESULT generator_cpu_s %.2f\n", mean,
              errors.c_str(), static_cast<long long>(reconnects), cpu);
  return 0;
}

// GET `target` until it answers 200 (429, the token's rate limit, and no answer are tried again:
// GET is safe to repeat); its JSON.
nlohmann::json get_json(Connection& conn, const Url& url, const std::string& target, const std::string& token) {
  for (int tries = 0; tries < 100; ++tries) {
    const auto resp = conn.roundtrip(request_text(url, "GET", target, token, ""));
    if (resp.status == 200) return nlohmann::json::parse(resp.body);
    if (resp.status != 429 && resp.status >= 0)
      throw std::runtime_error("GET " + target + " answered " + std::to_string(resp.status) + ": " + resp.body);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  throw std::runtime_error("GET " + target + " got no answer");
}

// Pages through GET /v1/observations (every kind of record the analyst may read: all) and checks
// that each acknowledged id is stored.
int run_check(const Options& o) {
  const Url url = truceline::bench::parse_loopback_url(o.url);
  Connection conn(url);
  std::unordered_set<std::string> stored;
  std::string cursor;
  int pages = 0;
  const auto deadline = Clock::now() + std::chrono::minutes(10);
  for (;;) {
    if (Clock::now() > deadline) throw std::runtime_error("check: listing the records took over 10 minutes");
    const std::string target = "/v1/observations?limit=1000" + (cursor.empty() ? "" : "&cursor=" + cursor);
    const auto page = get_json(conn, url, target, o.token);
    for (const auto& rec : page.at("observations")) stored.insert(rec.at("id").get<std::string>());
    ++pages;
    if (!page.contains("next_cursor")) break;
    cursor = page.at("next_cursor").get<std::string>();
  }
  int64_t acked_total = 0, missing_total = 0;
  std::unordered_set<std::string> acked_all;
  for (const auto& f : o.acked_files) {
    const auto ids = read_lines(f);
    int64_t found = 0;
    for (const auto& id : ids) {
      found += stored.count(id);
      acked_all.insert(id);
    }
    const int64_t missing = static_cast<int64_t>(ids.size()) - found;
    std::printf("  %s: acknowledged %zu, stored %lld, missing %lld\n", f.c_str(), ids.size(), static_cast<long long>(found),
                static_cast<long long>(missing));
    acked_total += static_cast<int64_t>(ids.size());
    missing_total += missing;
  }
  const int64_t duplicates = acked_total - static_cast<int64_t>(acked_all.size());
  int64_t unacked = 0;
  for (const auto& id : stored) unacked += acked_all.count(id) ? 0 : 1;
  std::printf("  stored observations %zu (%d pages); acknowledged %lld, of them missing %lld; ids acknowledged twice %lld;"
              " stored but not acknowledged %lld\n",
              stored.size(), pages, static_cast<long long>(acked_total), static_cast<long long>(missing_total),
              static_cast<long long>(duplicates), static_cast<long long>(unacked));
  std::printf("RESULT stored %zu\nRESULT acked %lld\nRESULT missing %lld\nRESULT duplicates %lld\nRESULT unacked %lld\n",
              stored.size(), static_cast<long long>(acked_total), static_cast<long long>(missing_total),
              static_cast<long long>(duplicates), static_cast<long long>(unacked));
  return missing_total == 0 && duplicates == 0 ? 0 : 1;
}

int run_catch_up(const Options& o) {
  const Url url = truceline::bench::parse_loopback_url(o.url);
  Connection conn(url);
  const auto start = Clock::now();
  const int64_t head = get_json(conn, url, "/v1/chain/head", o.token).at("count").get<int64_t>();
  while (get_json(conn, url, "/v1/health", "").value("incidents_read_through", int64_t{0}) < head) {
    if (Clock::now() - start > std::chrono::minutes(10)) throw std::runtime_error("catch-up: the engine took over 10 minutes");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("  incident engine read through record %lld (the head at the end of the load) %.1f s after it\n",
              static_cast<long long>(head), s);
  std::printf("RESULT catch_up_s %.1f\n", s);
  return 0;
}

[[noreturn]] void usage() {
  std::cerr << "usage: truceline_ingest load --url http://127.0.0.1:PORT --tokens FILE [--connections N] [--batch N]\n"
               "                             [--duration S] [--max-requests N] [--acked FILE] [--seed N]\n"
               "       truceline_ingest check --url http://127.0.0.1:PORT --token TOKEN --acked FILE...\n"
               "       truceline_ingest catch-up --url http://127.0.0.1:PORT --token TOKEN\n";
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) usage();
  const std::string mode = argv[1];
  Options o;
  try {
    for (int i = 2; i < argc; ++i) {
      const std::string a = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) usage();
        return argv[++i];
      };
      if (a == "--url") o.url = value();
      else if (a == "--tokens") o.tokens_file = value();
      else if (a == "--token") o.token = value();
      else if (a == "--connections") o.connections = std::stoi(value());
      else if (a == "--batch") o.batch = std::stoi(value());
      else if (a == "--duration") o.duration_s = std::stod(value());
      else if (a == "--max-requests") o.max_requests = std::stoll(value());
      else if (a == "--seed") o.seed = std::stoull(value());
      else if (a == "--acked") {
        if (mode == "load") {
          o.acked_path = value();
        } else {
          while (i + 1 < argc && std::strncmp(argv[i + 1], "--", 2) != 0) o.acked_files.push_back(argv[++i]);
        }
      } else usage();
    }
    if (o.url.empty()) usage();
    if (mode == "load" && !o.tokens_file.empty()) return run_load(o);
    if (mode == "check" && !o.token.empty()) return run_check(o);
    if (mode == "catch-up" && !o.token.empty()) return run_catch_up(o);
    usage();
  } catch (const std::exception& e) {
    std::cerr << "truceline_ingest: " << e.what() << "\n";
    return 2;
  }
}

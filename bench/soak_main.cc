// Soak test for `truceline serve` (docs/limits.md, docs/benchmarks.md): mixed traffic for a bounded
// time and count, on loopback only, then the durability check. Run by bench/soak.sh, which starts
// the servers (SQLite, PostgreSQL), makes the tokens and runs `truceline verify` afterwards.
//
//   truceline_soak --url http://127.0.0.1:PORT --observers FILE --analyst TOKEN --server-pid PID
//                  [--duration 600] [--max-requests N] [--rate 150] [--warmup 60] [--sse 4]
//                  [--slow 8] [--seed 1]
//
// Traffic, each kind on its own threads:
//   single    POST /v1/observations, one observation (observer tokens from --observers, one a line)
//   batch     POST /v1/observations, 25 observations
//   query     GET /v1/observations (pages of 100, random filters), /v1/chain/head, /v1/zones,
//             /v1/incidents (until the server has it: 404, counted apart)
//   sse       --sse readers of /v1/incidents/stream?access_token=…, each reconnecting every 30 s;
//             events and keep-alives counted. A server without the stream (404) turns them off.
//   slow      --slow connections that send a request's headers a byte at a time, slower than the
//             server's read timeout, and connections that open and say nothing: the server must
//             close them, and keep serving everyone else
//   abandon   POSTs that stop mid-body and close: nothing of them may be stored
// --rate paces single, batch and query requests together (requests per second).
//
// Every 5 s the server's resident memory (VmRSS of /proc/PID/status) is sampled. After the run,
// every acknowledged observation id is looked up by paging through GET /v1/observations.
// Output: a summary, then `RESULT key value` lines for bench/soak.sh. Exit 1 when an acknowledged
// observation is missing, a 5xx came back, or memory grew more than 10 % after the warm-up (the
// median of its last minute against the median of its first).
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "loopback_url.h"

namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Args {
  std::string host = "127.0.0.1";
  int port = 0;
  std::vector<std::string> observers;
  std::string analyst;
  int server_pid = 0;
  double duration_s = 600, rate = 150, warmup_s = 60;
  long max_requests = 50'000'000;
  int sse = 4, slow = 8;
  unsigned seed = 1;
};

void parse_url(const std::string& url, Args& a) {
  const auto u = truceline::bench::parse_loopback_url(url);
  a.host = u.host, a.port = u.port;
}

// Counts and latencies, shared by all threads.
struct Tally {
  std::mutex mu;
  std::map<std::string, long> outcomes;  // "single 201", "query transport:Read", …
  std::map<std::string, std::vector<double>> latency_ms;  // per traffic kind
  std::vector<std::string> acked;
  long served = 0, server_errors = 0;

  void add(const std::string& kind, const httplib::Result& r, double ms) {
    std::lock_guard<std::mutex> lock(mu);
    if (!r) {
      ++outcomes[kind + " transport:" + httplib::to_string(r.error())];
      return;
    }
    ++served;
    ++outcomes[kind + " " + std::to_string(r->status)];
    if (r->status >= 500) ++server_errors;
    latency_ms[kind].push_back(ms);
  }
  void count(const std::string& what, long n = 1) {
    std::lock_guard<std::mutex> lock(mu);
    outcomes[what] += n;
  }
};

std::atomic<bool> g_stop{false};
std::atomic<long> g_requests{0};

// Reports as a mission sends them: timed by the clock (up to two minutes late), from one of 40
// patrols. Event time moves on, so the incident engine closes incidents and forgets them as it
// would in service; a fixed time would keep every incident open for the whole run.
std::string report_time(std::mt19937& rng) {
  const auto lag = std::chrono::milliseconds(rng() % 120'000);
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() - lag);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

json observation(std::mt19937& rng, const std::string& ref) {
  std::uniform_real_distribution<double> lat(46.5, 49.5), lon(33.0, 39.5), bearing(0, 360);
  static const char* events[] = {"explosion", "shot", "burst", "projectile", "muzzle_flash"};
  json o{{"time", report_time(rng)}, {"observer_id", "P-soak-" + std::to_string(rng() % 40)}, {"observer_kind", "patrol"},
         {"event", events[rng() % 5]}, {"source_ref", ref}};
  if (rng() % 2) {
    o["mode"] = "saw";
    o["lat"] = lat(rng);
    o["lon"] = lon(rng);
  } else {
    o["mode"] = "heard";
    o["observer_lat"] = lat(rng);
    o["observer_lon"] = lon(rng);
    o["bearing_deg"] = bearing(rng);
    o["range_min_km"] = 2;
    o["range_max_km"] = 6;
  }
  return o;
}

// Sleeps until this thread's next turn: `per_thread_rate` requests per second.
class Pacer {
 public:
  explicit Pacer(double per_thread_rate) : step_(std::chrono::duration<double>(1.0 / per_thread_rate)), next_(Clock::now()) {}
  void wait() {
    next_ += std::chrono::duration_cast<Clock::duration>(step_);
    const auto now = Clock::now();
    if (next_ < now) next_ = now;  // behind: do not burst to catch up
    std::this_thread::sleep_until(next_);
  }

 private:
  std::chrono::duration<double> step_;
  Clock::time_point next_;
};

// Counts the request about to be sent against --max-requests.
bool keep_going(long max_requests) { return !g_stop && g_requests.fetch_add(1) < max_requests; }

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

void submitter(const Args& a, Tally& t, int id, int batch, double rate) {
  std::mt19937 rng(a.seed * 1000 + id);
  httplib::Client c(a.host, a.port);
  c.set_keep_alive(true);
  c.set_read_timeout(30, 0);
  const std::string token = a.observers[id % a.observers.size()];
  const std::string kind = batch > 1 ? "batch" : "single";
  Pacer pace(rate);
  for (long n = 0; keep_going(a.max_requests); ++n) {
    pace.wait();
    json body;
    const std::string ref = "soak-" + std::to_string(id) + "-" + std::to_string(n);
    if (batch > 1) {
      body = json::array();
      for (int i = 0; i < batch; ++i) body.push_back(observation(rng, ref + "-" + std::to_string(i)));
    } else {
      body = observation(rng, ref);
    }
    const auto t0 = Clock::now();
    auto r = c.Post("/v1/observations", {{"Authorization", "Bearer " + token}}, body.dump(), "application/json");
    t.add(kind, r, ms_since(t0));
    if (r && r->status == 201) {
      const json out = json::parse(r->body);
      std::lock_guard<std::mutex> lock(t.mu);
      for (const auto& i : out["ids"]) t.acked.push_back(i);
    }
  }
}

void querier(const Args& a, Tally& t, int id, double rate) {
  std::mt19937 rng(a.seed * 2000 + id);
  httplib::Client c(a.host, a.port);
  c.set_keep_alive(true);
  c.set_read_timeout(30, 0);
  const httplib::Headers auth{{"Authorization", "Bearer " + a.analyst}};
  static const char* paths[] = {"/v1/observations?limit=100", "/v1/observations?limit=100&event=explosion",
                                "/v1/observations?limit=50&bbox=36,47,39,49", "/v1/chain/head",
                                "/v1/incidents?limit=50", "/v1/observations?limit=100&zone_kind=dmz"};
  Pacer pace(rate);
  for (long n = 0; keep_going(a.max_requests); ++n) {
    pace.wait();
    // The zones (a few MB of GeoJSON) now and then, the rest at random.
    const std::string path = n % 50 == 49 ? "/v1/zones" : paths[rng() % 6];
    const auto t0 = Clock::now();
    auto r = c.Get(path, auth);
    const bool missing_route = r && r->status == 404 && path.rfind("/v1/incidents", 0) == 0;
    t.add(missing_route ? "query-incidents-absent" : "query", r, ms_since(t0));
  }
}

// Reads the incident stream, reconnecting every 30 s; stops for good on 404 (no stream yet).
void sse_reader(const Args& a, Tally& t) {
  while (!g_stop) {
    httplib::Client c(a.host, a.port);
    c.set_read_timeout(20, 0);  // keep-alive comments come every 15 s
    const auto opened = Clock::now();
    long events = 0, comments = 0;
    int status = 0;
    auto r = c.Get(
        "/v1/incidents/stream?access_token=" + a.analyst,
        [&](const httplib::Response& res) {
          status = res.status;
          return res.status == 200;
        },
        [&](const char* data, size_t len) {
          const std::string chunk(data, len);
          for (size_t p = 0; (p = chunk.find("event:", p)) != std::string::npos; ++p) ++events;
          for (size_t p = 0; (p = chunk.find(": keep-alive", p)) != std::string::npos; ++p) ++comments;
          return !g_stop && Clock::now() - opened < std::chrono::seconds(30);
        });
    t.count("sse events", events);
    t.count("sse keep-alives", comments);
    t.count("sse connections");
    if (status == 404) {
      t.count("sse stream-absent (404): readers off");
      return;
    }
    if (!r && r.error() != httplib::Error::Canceled) t.count("sse transport:" + httplib::to_string(r.error()));
  }
}

int raw_connect(const Args& a) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(a.port));
  inet_pton(AF_INET, a.host.c_str(), &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// A slow client: odd ids trickle a request's headers a byte every 2 s, even ids say nothing; both
// until the server closes the connection (its read timeout) or the run ends.
void slow_client(const Args& a, Tally& t, int id) {
  const std::string head = "GET /v1/chain/head HTTP/1.1\r\nHost: soak\r\nAuthorization: Bearer " + a.analyst + "\r\n\r\n";
  while (!g_stop) {
    const int fd = raw_connect(a);
    if (fd < 0) {
      t.count("slow transport:connect");
      std::this_thread::sleep_for(std::chrono::seconds(1));
      continue;
    }
    bool closed_by_server = false;
    for (size_t i = 0; !g_stop && !closed_by_server; ++i) {
      if (id % 2 && i < head.size() && send(fd, &head[i], 1, MSG_NOSIGNAL) != 1) closed_by_server = true;
      // Wait up to 2 s for the server to close (recv 0) or refuse.
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 2000) > 0) {
        char buf[512];
        if (recv(fd, buf, sizeof buf, MSG_DONTWAIT) <= 0) closed_by_server = true;
      }
    }
    close(fd);
    if (closed_by_server) t.count(id % 2 ? "slow trickling connections closed by the server" : "slow silent connections closed by the server");
  }
}

// Starts a POST of a batch, sends half its body and disconnects; about twice a second.
void abandoner(const Args& a, Tally& t) {
  std::mt19937 rng(a.seed * 3000);
  for (long n = 0; !g_stop; ++n) {
    json batch = json::array();
    for (int i = 0; i < 10; ++i) batch.push_back(observation(rng, "abandoned-" + std::to_string(n) + "-" + std::to_string(i)));
    const std::string body = batch.dump();
    const std::string req = "POST /v1/observations HTTP/1.1\r\nHost: soak\r\nAuthorization: Bearer " + a.observers[0] +
                            "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
                            "\r\n\r\n" + body.substr(0, body.size() / 2);
    const int fd = raw_connect(a);
    if (fd >= 0) {
      (void)send(fd, req.data(), req.size(), MSG_NOSIGNAL);
      close(fd);
      t.count("abandoned mid-body");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
}

long rss_kb(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const size_t k = std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

// Pages through every stored observation; returns how many acknowledged ids are missing.
long missing_acknowledged(const Args& a, const std::vector<std::string>& acked, long& stored) {
  httplib::Client c(a.host, a.port);
  c.set_read_timeout(60, 0);
  std::set<std::string> seen;
  std::string cursor;
  for (;;) {
    auto r = c.Get("/v1/observations?limit=1000" + (cursor.empty() ? "" : "&cursor=" + cursor),
                   {{"Authorization", "Bearer " + a.analyst}});
    if (!r || r->status != 200) {
      // The analyst token is rate-limited like any other: wait and retry the page.
      if (r && r->status == 429) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      throw std::runtime_error("reading back failed: " + (r ? std::to_string(r->status) + " " + r->body : httplib::to_string(r.error())));
    }
    const json page = json::parse(r->body);
    for (const auto& o : page["observations"]) seen.insert(o["id"].get<std::string>());
    if (!page.contains("next_cursor")) break;
    cursor = page["next_cursor"].get<std::string>();
  }
  stored = static_cast<long>(seen.size());
  return std::count_if(acked.begin(), acked.end(), [&](const std::string& id) { return !seen.count(id); });
}

Args parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument(k + " needs a value");
    const std::string v = argv[++i];
    if (k == "--url") parse_url(v, a);
    else if (k == "--observers") {
      std::ifstream in(v);
      for (std::string line; std::getline(in, line);)
        if (!line.empty()) a.observers.push_back(line);
    } else if (k == "--analyst") a.analyst = v;
    else if (k == "--server-pid") a.server_pid = std::stoi(v);
    else if (k == "--duration") a.duration_s = std::stod(v);
    else if (k == "--max-requests") a.max_requests = std::stol(v);
    else if (k == "--rate") a.rate = std::stod(v);
    else if (k == "--warmup") a.warmup_s = std::stod(v);
    else if (k == "--sse") a.sse = std::stoi(v);
    else if (k == "--slow") a.slow = std::stoi(v);
    else if (k == "--seed") a.seed = static_cast<unsigned>(std::stoul(v));
    else throw std::invalid_argument("unknown option " + k);
  }
  if (a.port == 0 || a.observers.empty() || a.analyst.empty() || a.server_pid <= 0)
    throw std::invalid_argument("--url, --observers, --analyst and --server-pid are required");
  if (a.duration_s <= 0 || a.duration_s > 24 * 3600) throw std::invalid_argument("--duration is 1 s to 24 h");
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  try {
    a = parse_args(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "truceline_soak: " << e.what() << "\n";
    return 2;
  }
  Tally t;
  // Threads: 4 single posters, 2 batch posters, 4 queriers share --rate (60 %, 10 %, 30 %).
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back(submitter, std::cref(a), std::ref(t), i, 1, a.rate * 0.6 / 4);
  for (int i = 0; i < 2; ++i) threads.emplace_back(submitter, std::cref(a), std::ref(t), 100 + i, 25, a.rate * 0.1 / 2);
  for (int i = 0; i < 4; ++i) threads.emplace_back(querier, std::cref(a), std::ref(t), i, a.rate * 0.3 / 4);
  for (int i = 0; i < a.sse; ++i) threads.emplace_back(sse_reader, std::cref(a), std::ref(t));
  for (int i = 0; i < a.slow; ++i) threads.emplace_back(slow_client, std::cref(a), std::ref(t), i);
  threads.emplace_back(abandoner, std::cref(a), std::ref(t));

  const auto start = Clock::now();
  std::vector<std::pair<double, long>> rss;  // (seconds since start, kB)
  while (!g_stop) {
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    rss.emplace_back(s, rss_kb(a.server_pid));
    if (rss.back().second < 0) {
      std::cerr << "truceline_soak: the server (pid " << a.server_pid << ") is gone\n";
      g_stop = true;
      break;
    }
    if (s >= a.duration_s || g_requests >= a.max_requests) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(std::min(5.0, a.duration_s - s) * 1000) + 1));
  }
  g_stop = true;
  for (auto& th : threads) th.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  // Memory after the warm-up: its first minute against its last (medians of their 5-s samples,
  // so that one sample taken just after the allocator returned pages does not set the base), and
  // the largest sample against the same base.
  // A run shorter than its warm-up measures its second half.
  const double from = a.warmup_s < elapsed ? a.warmup_s : elapsed / 2;
  std::vector<long> after;
  for (const auto& [s, kb] : rss)
    if (s >= from) after.push_back(kb);
  const auto median_of = [](std::vector<long> v) {
    if (v.empty()) return 0L;
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
  };
  const size_t minute = std::min<size_t>(12, after.size());
  const long base = median_of({after.begin(), after.begin() + minute});
  const long last = median_of({after.end() - minute, after.end()});
  const long peak = after.empty() ? 0 : *std::max_element(after.begin(), after.end());
  const double growth = base > 0 ? 100.0 * (last - base) / base : 0;
  const double peak_growth = base > 0 ? 100.0 * (peak - base) / base : 0;

  long stored = 0, missing = -1;
  try {
    missing = missing_acknowledged(a, t.acked, stored);
  } catch (const std::exception& e) {
    std::cerr << "truceline_soak: " << e.what() << "\n";
  }

  std::cout << "soak: " << elapsed << " s, " << t.served << " requests served (" << t.served / elapsed << "/s)\n";
  for (const auto& [k, n] : t.outcomes) std::cout << "  " << k << ": " << n << "\n";
  for (auto& [k, v] : t.latency_ms)
    std::cout << "  latency " << k << ": p50 " << percentile(v, 0.5) << " ms, p99 " << percentile(v, 0.99) << " ms (" << v.size() << ")\n";
  std::cout << "  server RSS (MB) every 5 s:";
  for (const auto& [s, kb] : rss) std::cout << " " << kb / 1024;
  std::cout << "\n  RSS after warm-up (median of its first minute): " << base / 1024 << " MB; median of the last minute "
            << last / 1024 << " MB (" << growth << " %); peak " << peak / 1024 << " MB (" << peak_growth << " %)\n";
  std::cout << "  acknowledged observations: " << t.acked.size() << ", missing: " << missing << ", stored: " << stored << "\n";

  std::cout << "RESULT seconds " << elapsed << "\nRESULT served " << t.served << "\nRESULT server_errors " << t.server_errors
            << "\nRESULT acked " << t.acked.size() << "\nRESULT missing " << missing << "\nRESULT rss_base_mb " << base / 1024
            << "\nRESULT rss_last_mb " << last / 1024 << "\nRESULT rss_peak_mb " << peak / 1024 << "\nRESULT rss_growth_pct "
            << growth << "\nRESULT rss_peak_growth_pct " << peak_growth << "\n";
  for (auto& [k, v] : t.latency_ms)
    std::cout << "RESULT p50_ms_" << k << " " << percentile(v, 0.5) << "\nRESULT p99_ms_" << k << " " << percentile(v, 0.99) << "\n";
  for (const auto& [k, n] : t.outcomes) std::cout << "RESULT outcome " << k << ": " << n << "\n";
  const bool ok = missing == 0 && t.server_errors == 0 && growth <= 10;
  return ok ? 0 : 1;
}

// The server under its audience (docs/benchmarks.md, "HTTP server under load"): `truceline serve`
// started as a process on a fresh SQLite record, then, at once,
//   - `--streams` event-stream readers (/v1/incidents/stream as contingent "uk"), each a raw socket
//     read by one thread with poll(),
//   - `--trickle` connections sending request headers a byte a second (each is cut at the header
//     deadline and reconnects, so that they keep coming),
//   - GET /v1/health every 10 ms on one keep-alive connection (latency recorded),
//   - `--clients` connections posting batches of 100 observations as fast as answers come, for
//     `--seconds` (latency and observations/s recorded). Each client's reports are a second of
//     event time apart, from 50 patrols of its own, within 3 km of one point: every client
//     reports each second, so the correlator sees `--clients` reports per second of event time.
// The load's observations fall in zones other contingents answer for, so the readers' streams
// stay quiet under it; afterwards `--probe` observations in the UK's zone (Lviv) are posted, and
// every reader must receive every one of their incidents: none dropped, none missed.
// Memory: the server's VmRSS before and after the readers opened, per reader.
//
//   truceline_bench_http_load --truceline BUILD/truceline --plan plans/kellogg-2025-04.toml
//       [--streams 5000] [--trickle 500] [--clients 8] [--seconds 10] [--probe 20]
#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Args {
  std::string truceline, plan;
  int streams = 5000, trickle = 500, clients = 8, seconds = 10, probe = 20;
};

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

std::string run(const std::string& cmd) {
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[512];
    while (fgets(buf, sizeof buf, p)) out = buf;  // the last line
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

int connect_to(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Every reader's socket, read by one thread; counts the probe incidents each has seen.
struct Readers {
  std::vector<int> fds;
  std::vector<std::string> tail;  // the unparsed end of each stream
  std::vector<std::vector<std::string>> probes;  // ids of probe incidents seen
  std::atomic<bool> stop{false};
  std::atomic<int> opened{0}, closed{0};

  void scan(size_t i, std::string& t) {
    for (size_t at; (at = t.find("\n\n")) != std::string::npos; t.erase(0, at + 2)) {
      const std::string ev = t.substr(0, at);
      if (ev.find(": keep-alive") != std::string::npos && !seen_open(i)) mark_open(i);
      const size_t d = ev.find("data: ");
      if (ev.find("event: incident") == std::string::npos || d == std::string::npos) continue;
      const json inc = json::parse(ev.substr(d + 6), nullptr, false);
      if (inc.is_object() && inc.value("responsible", "") == "uk") {
        const std::string id = inc.value("id", "");
        if (std::find(probes[i].begin(), probes[i].end(), id) == probes[i].end()) probes[i].push_back(id);
      }
    }
  }
  std::vector<char> open_;
  bool seen_open(size_t i) { return open_[i]; }
  void mark_open(size_t i) {
    open_[i] = 1;
    ++opened;
  }

  void loop() {
    std::vector<pollfd> p(fds.size());
    for (size_t i = 0; i < fds.size(); ++i) p[i] = {fds[i], POLLIN, 0};
    char buf[65536];
    while (!stop) {
      if (poll(p.data(), p.size(), 100) <= 0) continue;
      for (size_t i = 0; i < p.size(); ++i) {
        if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const ssize_t n = recv(p[i].fd, buf, sizeof buf, 0);
        if (n <= 0) {
          p[i].fd = -1;
          ++closed;
          continue;
        }
        tail[i].append(buf, static_cast<size_t>(n));
        scan(i, tail[i]);
      }
    }
  }
};

// Report n of a load: 50 patrols per client, event time advancing a second per report, within `spread`
// degrees of (lat, lon). A load of reports all at one instant and one spot would measure the
// correlator trying each against thousands of incidents that no real sector holds at once.
json observation(std::mt19937& rng, double lat, double lon, int n, double spread) {
  const auto jitter = [&] { return (static_cast<double>(rng() % 2001) / 1000 - 1) * spread; };
  char when[32];
  const time_t t = 1744437600 + n % 10'000'000;  // from 2025-04-12T06:00:00Z
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return json{{"time", when}, {"observer_id", "P-" + std::to_string(n / 10'000'000) + "-" + std::to_string(n % 50)}, {"observer_kind", "patrol"},
              {"mode", "heard"}, {"event", "explosion"}, {"explosion_type", "impact"}, {"lat", lat + jitter()},
              {"lon", lon + jitter()}, {"source_ref", "load-" + std::to_string(n)}};
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--truceline") a.truceline = v;
    else if (k == "--plan") a.plan = v;
    else if (k == "--streams") a.streams = std::stoi(v);
    else if (k == "--trickle") a.trickle = std::stoi(v);
    else if (k == "--clients") a.clients = std::stoi(v);
    else if (k == "--seconds") a.seconds = std::stoi(v);
    else if (k == "--probe") a.probe = std::stoi(v);
  }
  if (a.truceline.empty() || a.plan.empty()) {
    std::fprintf(stderr, "usage: truceline_bench_http_load --truceline PATH --plan PLAN [--streams N] ...\n");
    return 2;
  }
  const fs::path dir = fs::temp_directory_path() / ("truceline-http-load-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string db = (dir / "record.sqlite").string();
  const std::string tok = a.truceline + " token create --db '" + db + "' ";
  // A token per posting client, as each vehicle or post has its own: one token's request rate
  // (500/s) would cap the load at 50,000 observations/s.
  std::vector<std::string> observers;
  for (int i = 0; i < std::max(1, a.clients); ++i)
    observers.push_back(run(tok + "--name load-" + std::to_string(i) + " --role observer"));
  const std::string& observer = observers[0];
  // Readers share contingent tokens a hundred each, as a contingent's staff would: a token's
  // request rate (500/s, bursts of 1,000) bounds how fast one token opens streams.
  std::vector<std::string> uk;
  for (int i = 0; i < (a.streams + 99) / 100; ++i)
    uk.push_back(run(tok + "--name uk-" + std::to_string(i) + " --role contingent --contingent uk 2>/dev/null"));
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string out = (dir / "serve.out").string();
    freopen(out.c_str(), "w", stdout);
    execl(a.truceline.c_str(), a.truceline.c_str(), "serve", "--plan", a.plan.c_str(), "--db", db.c_str(), "--listen",
          "127.0.0.1:0", static_cast<char*>(nullptr));
    _exit(127);
  }
  int port = 0;
  for (int i = 0; i < 600 && port == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream in(dir / "serve.out");
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (const size_t at = s.rfind(':'); s.find("http://") != std::string::npos && at != std::string::npos) port = std::atoi(s.c_str() + at + 1);
  }
  if (port == 0) {
    std::fprintf(stderr, "serve did not start\n");
    kill(pid, SIGKILL);
    return 1;
  }
  std::printf("serve (pid %d) on port %d; %d readers, %d trickling, %d posting clients, %d s\n", pid, port, a.streams,
              a.trickle, a.clients, a.seconds);
  const long rss0 = rss_kib(pid);

  Readers readers;
  for (int i = 0; i < a.streams; ++i) {
    const std::string sse = "GET /v1/incidents/stream?access_token=" + uk[i / 100] + " HTTP/1.1\r\nHost: x\r\n\r\n";
    const int fd = connect_to(port);
    if (fd < 0 || send(fd, sse.data(), sse.size(), MSG_NOSIGNAL) < 0) {
      std::fprintf(stderr, "reader %d could not connect\n", i);
      return 1;
    }
    readers.fds.push_back(fd);
  }
  readers.tail.resize(readers.fds.size());
  readers.probes.resize(readers.fds.size());
  readers.open_.assign(readers.fds.size(), 0);
  std::thread reading([&] { readers.loop(); });
  const auto t_open = Clock::now();
  while (readers.opened < a.streams && ms_since(t_open) < 60'000) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const long rss1 = rss_kib(pid);
  std::printf("readers open: %d of %d in %.0f ms; server memory %ld → %ld KiB: %.1f KiB per reader\n", readers.opened.load(),
              a.streams, ms_since(t_open), rss0, rss1, static_cast<double>(rss1 - rss0) / a.streams);

  std::atomic<bool> stop{false};
  std::atomic<long> trickle_cut{0};
  std::thread trickling([&] {
    const std::string head = "GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 'a') + "\r\n\r\n";
    std::vector<int> fds(a.trickle, -1);
    std::vector<size_t> at(a.trickle, 0);
    while (!stop) {
      for (int i = 0; i < a.trickle; ++i) {
        if (fds[i] < 0) fds[i] = connect_to(port), at[i] = 0;
        if (fds[i] < 0) continue;
        if (send(fds[i], head.data() + at[i] % head.size(), 1, MSG_NOSIGNAL) != 1) {
          close(fds[i]);
          fds[i] = -1;
          ++trickle_cut;
          continue;
        }
        ++at[i];
      }
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    for (int fd : fds)
      if (fd >= 0) close(fd);
  });

  std::vector<double> health_ms;
  std::thread health([&] {
    httplib::Client c("127.0.0.1", port);
    c.set_keep_alive(true);
    while (!stop) {
      const auto t = Clock::now();
      auto r = c.Get("/v1/health");
      health_ms.push_back(r && r->status == 200 ? ms_since(t) : 1e9);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });

  std::mutex mu;
  std::vector<double> post_ms;
  std::atomic<long> acked{0}, failed{0};
  std::atomic<int> ready{0};
  std::vector<std::thread> posters;
  const auto t_load = Clock::now();
  for (int k = 0; k < a.clients; ++k) {
    posters.emplace_back([&, k] {
      std::mt19937 rng(k);
      httplib::Client c("127.0.0.1", port);
      c.set_keep_alive(true);
      // As curl and the usual HTTP libraries do: with Nagle's algorithm the body waits for the
      // server's delayed acknowledgement of the headers (40 ms on Linux).
      c.set_tcp_nodelay(true);
      c.set_read_timeout(60, 0);
      const httplib::Headers h{{"Authorization", "Bearer " + observers[k]}};
      // Bodies made before the clock starts: the load generator shares the server's two cores.
      std::vector<std::string> bodies;
      for (int b = 0, n = k * 10'000'000; b < 500; ++b) {
        json batch = json::array();
        for (int i = 0; i < 100; ++i) batch.push_back(observation(rng, 48.1, 37.4, n++, 0.03));  // DMZ near Pokrovsk
        bodies.push_back(batch.dump());
      }
      ready++;
      while (ready < a.clients) std::this_thread::yield();
      for (size_t b = 0; ms_since(t_load) < a.seconds * 1000.0; ++b) {
        const auto t = Clock::now();
        auto r = c.Post("/v1/observations", h, bodies[b % bodies.size()], "application/json");
        const double took = ms_since(t);
        if (r && r->status == 201) acked += 100;
        else ++failed;
        std::lock_guard lock(mu);
        post_ms.push_back(took);
      }
    });
  }
  for (auto& t : posters) t.join();
  const double load_s = ms_since(t_load) / 1000;
  std::printf("POST batches of 100: %ld observations acknowledged in %.1f s = %.0f obs/s; p50 %.1f ms, p99 %.1f ms; %ld failed\n",
              acked.load(), load_s, static_cast<double>(acked) / load_s, percentile(post_ms, 0.5), percentile(post_ms, 0.99),
              failed.load());
  // The probe: incidents in the UK's zone after the load; every reader must get every one.
  {
    httplib::Client c("127.0.0.1", port);
    std::mt19937 rng(99);
    for (int i = 0; i < a.probe; ++i) {
      json o = observation(rng, 49.60 + 0.02 * i, 24.03, 90'000'000 + i, 0);  // around Lviv, 2 km apart
      c.Post("/v1/observations", {{"Authorization", "Bearer " + observer}}, o.dump(), "application/json");
    }
  }
  const auto t_probe = Clock::now();
  size_t complete = 0;
  for (; ms_since(t_probe) < 300'000; std::this_thread::sleep_for(std::chrono::milliseconds(500))) {
    complete = 0;
    for (const auto& p : readers.probes) complete += static_cast<int>(p.size()) >= a.probe;
    if (complete == readers.probes.size()) break;
  }
  std::printf("probe: %zu of %zu readers received all %d probe incidents (%.1f s after posting); %d streams closed\n", complete,
              readers.probes.size(), a.probe, ms_since(t_probe) / 1000, readers.closed.load());
  stop = true;
  health.join();
  trickling.join();
  std::printf("GET /v1/health: %zu requests, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", health_ms.size(),
              percentile(health_ms, 0.5), percentile(health_ms, 0.99), percentile(health_ms, 1.0));
  std::printf("trickling connections cut at the header deadline: %ld\n", trickle_cut.load());

  readers.stop = true;
  reading.join();
  for (int fd : readers.fds) close(fd);
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  fs::remove_all(dir);
  return complete == readers.probes.size() ? 0 : 1;
}

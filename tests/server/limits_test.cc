// The service's limits (docs/limits.md), each crossed on a real server on a loopback port with
// small limits and short timeouts: the documented status and error code comes back, or the
// connection is closed, and the server goes on serving. A receive timeout on the test's own
// sockets (kGuard) keeps a regression from hanging the suite; it asserts no speed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "index/locator.h"
#include "live_server.h"
#include "server/api.h"
#include "support.h"

namespace truceline::server {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr int kGuardSeconds = 20;

json observation(int i) {
  return json{{"time", "2025-04-12T06:30:00Z"}, {"observer_id", "P-1"}, {"observer_kind", "patrol"},
              {"mode", "saw"}, {"event", "explosion"}, {"lat", 48.28}, {"lon", 37.18 + i * 1e-4},
              {"source_ref", "limit-" + std::to_string(i)}};
}

// A raw TCP connection, for requests no well-behaved client sends.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(testing::connect_loopback(port, kGuardSeconds)), connected_(fd_ >= 0) {}
  ~RawConnection() { close(fd_); }
  bool connected() const { return connected_; }
  void send_text(const std::string& s) { (void)::send(fd_, s.data(), s.size(), MSG_NOSIGNAL); }
  // Everything until the server closes; `closed` false when the guard ran out first.
  std::string read_to_close(bool& closed) {
    std::string out;
    char buf[4096];
    for (;;) {
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n > 0) {
        out.append(buf, static_cast<size_t>(n));
        continue;
      }
      closed = n == 0;
      return out;
    }
  }

  // The first bytes of an answer (up to one read).
  std::string read_some() {
    char buf[4096];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  }
  // True when the server has closed the connection (reading what it sent) within `wait`.
  bool closed_within(std::chrono::milliseconds wait) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(wait.count())) <= 0) return false;
    char buf[4096];
    for (;;) {
      const ssize_t n = recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
    }
  }

 private:
  int fd_;
  bool connected_ = false;
};

class LimitsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { locator_ = new index::Locator(testing::default_map()); }
  static void TearDownTestSuite() { delete locator_; }

  void TearDown() override {
    http_.stop();
    store_.reset();
    fs::remove_all(dir_);
  }

  void start(const ApiOptions& opt, const http::ServerOptions& server = {}) {
    dir_ = testing::fresh_test_dir("limits");
    store_ = store::open_store((dir_ / "record.sqlite").string());
    token_ = create_token(*store_, {"patrol-1", "observer", ""});
    api_ = std::make_unique<Api>(testing::default_map(), *locator_, *store_, opt);
    api_->mount(http_.router);
    http_.start(server);
    port_ = http_.port;
  }
  // Waits (within the guard) until the server holds `n` connections; false if it never does.
  bool connections_reach(size_t n) {
    for (int i = 0; i < kGuardSeconds * 100; ++i) {
      if (http_.server->connections() == n) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }

  httplib::Result post(const std::string& body) {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(kGuardSeconds, 0);
    return c.Post("/v1/observations", {{"Authorization", "Bearer " + token_}}, body, "application/json");
  }
  httplib::Result get(const std::string& path, httplib::Headers h = {}) {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(kGuardSeconds, 0);
    h.emplace("Authorization", "Bearer " + token_);
    return c.Get(path, h);
  }
  // The service still answers a well-formed request.
  void expect_still_serving() {
    auto r = get("/v1/chain/head");
    ASSERT_TRUE(r) << "no answer: " << httplib::to_string(r.error());
    EXPECT_EQ(r->status, 200) << r->body;
  }
  static std::string code(const httplib::Result& r) { return json::parse(r->body)["error"]["code"]; }
  int64_t records() { return store_->head().count; }

  static index::Locator* locator_;
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::string token_;
  std::unique_ptr<Api> api_;
  testing::LiveServer http_;
  int port_ = 0;
};
index::Locator* LimitsTest::locator_ = nullptr;

TEST_F(LimitsTest, BodyOverTheLimitGets413) {
  http::ServerOptions opt;
  opt.limits.max_body = 4096;
  start({}, opt);
  json batch = json::array();
  for (int i = 0; i < 40; ++i) batch.push_back(observation(i));
  ASSERT_GT(batch.dump().size(), 4096u);
  auto r = post(batch.dump());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(code(r), "body_too_large");
  EXPECT_EQ(records(), 0);
  EXPECT_EQ(post(observation(0).dump())->status, 201);
}

TEST_F(LimitsTest, BatchOverTheLimitGets413AndStoresNothing) {
  ApiOptions opt;
  opt.max_batch = 3;
  start(opt);
  json batch = json::array();
  for (int i = 0; i < 4; ++i) batch.push_back(observation(i));
  auto r = post(batch.dump());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(code(r), "batch_too_large");
  EXPECT_EQ(records(), 0);
  batch.erase(batch.begin());
  EXPECT_EQ(post(batch.dump())->status, 201);
  EXPECT_EQ(records(), 3);
}

// A header line over 8,192 bytes, a request line over 8,192 (http::Limits::max_line).
TEST_F(LimitsTest, HeaderLineOver8KiBGets400) {
  start({});
  auto r = get("/v1/chain/head", {{"X-Padding", std::string(9000, 'a')}});
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(code(r), "bad_request");
  expect_still_serving();
}

TEST_F(LimitsTest, RequestLineOver8KiBGets414) {
  start({});
  auto r = get("/v1/observations?zone=" + std::string(9000, 'z'));
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 414);
  EXPECT_EQ(code(r), "uri_too_long");
  expect_still_serving();
}

TEST_F(LimitsTest, RequestsOverTheRateGet429) {
  ApiOptions opt;
  opt.rate_per_s = 0.5;  // a burst of one, then one every two seconds
  start(opt);
  EXPECT_EQ(get("/v1/chain/head")->status, 200);
  auto r = get("/v1/chain/head");
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(code(r), "rate_limited");
  // Per token: another token is not slowed down.
  const std::string other = create_token(*store_, {"patrol-2", "observer", ""});
  httplib::Client c("127.0.0.1", port_);
  EXPECT_EQ(c.Get("/v1/chain/head", {{"Authorization", "Bearer " + other}})->status, 200);
}

// Two connections held open (one trickling its headers, one idle): a third is over the limit,
// refused with 503 and closed. The limit was on worker threads before the server was event-driven.
TEST_F(LimitsTest, ConnectionsOverTheLimitGet503) {
  http::ServerOptions opt;
  opt.max_connections = 2;
  opt.header_timeout_s = 2;
  start({}, opt);
  RawConnection held(port_), idle(port_);
  ASSERT_TRUE(held.connected() && idle.connected());
  held.send_text("GET /v1/health HTTP/1.1\r\nHost: x\r\n");
  ASSERT_TRUE(connections_reach(2));
  RawConnection third(port_);
  third.send_text("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
  bool closed = false;
  const std::string answer = third.read_to_close(closed);
  EXPECT_TRUE(closed) << "the refused connection is closed";
  EXPECT_NE(answer.find("HTTP/1.1 503"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"overloaded\""), std::string::npos) << answer;
  EXPECT_NE(answer.find("Retry-After: 1"), std::string::npos) << answer;
  // Both held connections reach their header deadline, and the server is free again.
  held.read_to_close(closed);
  EXPECT_TRUE(closed);
  idle.read_to_close(closed);
  EXPECT_TRUE(closed);
  expect_still_serving();
}

// Headers sent a byte at a time, each well inside any idle timeout: the deadline is on the whole
// header, so the connection is closed although bytes keep coming. cpp-httplib's per-byte read
// timeout let such a client hold a worker forever.
TEST_F(LimitsTest, HeadersTrickledPastTheDeadlineAreClosed) {
  http::ServerOptions opt;
  opt.header_timeout_s = 1;
  start({}, opt);
  RawConnection slow(port_);
  const std::string request = "GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(400, 'a') + "\r\n\r\n";
  size_t sent = 0;
  bool closed = false;
  for (; sent < request.size() && !closed; ++sent) {
    slow.send_text(request.substr(sent, 1));
    closed = slow.closed_within(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(closed) << "the server waited for all " << request.size() << " bytes";
  EXPECT_LT(sent, request.size());
  expect_still_serving();
}

// A body that stops arriving: the connection is closed once its deadline (the header timeout plus
// its size at the minimum rate) passes, and nothing is stored.
TEST_F(LimitsTest, StalledBodyIsClosedAndStoresNothing) {
  http::ServerOptions opt;
  opt.header_timeout_s = 1;
  start({}, opt);
  RawConnection slow(port_);
  slow.send_text("POST /v1/observations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token_ +
                 "\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"time\":");
  bool closed = false;
  const std::string answer = slow.read_to_close(closed);
  EXPECT_TRUE(closed) << "the server closes a request that stalls mid-body";
  EXPECT_EQ(answer.find(" 201 "), std::string::npos) << answer;
  EXPECT_EQ(records(), 0);
  expect_still_serving();
}

// The overflow fuzz_geojson found in the layer reader, in a request body: nlohmann::json threw
// out_of_range, which the API answered 500 internal.
TEST_F(LimitsTest, NumberBeyondADoubleGets400) {
  start({});
  auto r = post(R"({"time":"2025-04-12T06:30:00Z","observer_id":"P-1","observer_kind":"patrol","mode":"saw",)"
                R"("event":"explosion","lat":48.28,"lon":1e999})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400) << r->body;
  EXPECT_EQ(code(r), "malformed_json");
  EXPECT_EQ(records(), 0);
}

TEST_F(LimitsTest, ClientGoneMidBodyStoresNothing) {
  start({});
  {
    RawConnection gone(port_);
    const std::string body = json::array({observation(1), observation(2)}).dump();
    gone.send_text("POST /v1/observations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token_ +
                   "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                   body.substr(0, body.size() / 2));
  }
  expect_still_serving();
  EXPECT_EQ(records(), 0);
}

TEST_F(LimitsTest, KeepAliveTimeoutClosesAnIdleConnection) {
  http::ServerOptions opt;
  opt.keep_alive_timeout_s = 1;
  start({}, opt);
  RawConnection idle(port_);
  idle.send_text("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
  bool closed = false;
  const std::string answer = idle.read_to_close(closed);
  EXPECT_TRUE(closed) << "an idle keep-alive connection is closed";
  EXPECT_NE(answer.find("HTTP/1.1 200"), std::string::npos) << answer;
}

// A client that asks for 64 MB (more than any socket buffer holds) and never reads: the write's
// deadline closes the connection, while others are served. The deadline grows with the answer's
// size (min_rate), set high here so that the test takes seconds.
TEST_F(LimitsTest, WriteDeadlineClosesAClientThatDoesNotRead) {
  http::ServerOptions opt;
  opt.write_timeout_s = 1;
  opt.min_rate = 100 << 20;
  opt.keep_alive_timeout_s = 3600;  // only the write deadline can close it
  http_.router.get("/big", [](const http::Request&, http::Response& res) { res.set_content(std::string(64 << 20, 'x'), "text/plain"); });
  start({}, opt);
  const int fd = testing::connect_loopback(port_, kGuardSeconds, 4096);
  ASSERT_GE(fd, 0);
  const std::string req = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
  ASSERT_TRUE(connections_reach(1));
  expect_still_serving();
  EXPECT_TRUE(connections_reach(0)) << "the connection that does not read is still open";
  close(fd);
}

// Per client address (off by default): a third connection from one address gets 429. Behind a
// trusted proxy the address is X-Forwarded-For's; from anyone else that header is ignored.
TEST_F(LimitsTest, ConnectionsPerAddressOverTheLimitGet429) {
  http::ServerOptions opt;
  opt.max_conns_per_ip = 2;
  start({}, opt);
  RawConnection a(port_), b(port_);
  a.send_text("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
  b.send_text("GET /v1/health HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(connections_reach(2));
  RawConnection c(port_);
  c.send_text("GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.9\r\n\r\n");
  bool closed = false;
  const std::string answer = c.read_to_close(closed);
  EXPECT_NE(answer.find("HTTP/1.1 429"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"too_many_connections\""), std::string::npos) << answer;
}

TEST_F(LimitsTest, BehindATrustedProxyEachForwardedAddressHasItsOwnLimit) {
  http::ServerOptions opt;
  opt.max_conns_per_ip = 1;
  opt.trusted_proxies = {"127.0.0.1"};
  start({}, opt);
  auto open_as = [&](RawConnection& c, const std::string& client) {
    c.send_text("GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: " + client + "\r\n\r\n");
  };
  RawConnection a(port_), b(port_), again(port_);
  open_as(a, "198.51.100.1");
  open_as(b, "198.51.100.2");
  EXPECT_NE(a.read_some().find("HTTP/1.1 200"), std::string::npos);
  EXPECT_NE(b.read_some().find("HTTP/1.1 200"), std::string::npos);
  open_as(again, "198.51.100.1");
  EXPECT_NE(again.read_some().find("HTTP/1.1 429"), std::string::npos);
}

}  // namespace
}  // namespace truceline::server

// The HTTP server alone, over routes of the test's own: parsing and its limits (parse_request,
// the same checks a socket's bytes get), the client's address behind proxies, thousands of
// event-stream readers waiting on the loops while other requests are answered, the stream limit,
// and TLS with a self-signed certificate.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "http/client_address.h"
#include "http/event_stream.h"
#include "http/parse.h"
#include "server/live_server.h"

namespace truceline::http {
namespace {

namespace fs = std::filesystem;
constexpr int kGuardMs = 20'000;  // a bound for a hung test, not a measurement

TEST(ParseRequest, TargetHeadersAndBody) {
  Request req;
  Response err;
  ASSERT_TRUE(parse_request("POST /v1/x%20y?a=1&b=two+words&a=2 HTTP/1.1\r\nHost: h\r\ncontent-LENGTH: 4\r\n"
                            "X-Thing: v\r\n\r\nbody",
                            {}, req, err));
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.path, "/v1/x y");
  EXPECT_EQ(req.get_param_value("a"), "1");
  EXPECT_EQ(req.params.count("a"), 2u);
  EXPECT_EQ(req.get_param_value("b"), "two words");
  EXPECT_EQ(req.get_header_value("x-thing"), "v");
  EXPECT_EQ(req.body, "body");
}

TEST(ParseRequest, EachLimitHasItsStatus) {
  Limits small;
  small.max_body = 10;
  Request req;
  Response err;
  EXPECT_FALSE(parse_request("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n01234567890", small, req, err));
  EXPECT_EQ(err.status, 413);
  err = {};
  EXPECT_FALSE(parse_request("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n", {}, req, err));
  EXPECT_EQ(err.status, 414);
  err = {};
  EXPECT_FALSE(parse_request("GET / HTTP/1.1\r\nX: " + std::string(9000, 'a') + "\r\n\r\n", {}, req, err));
  EXPECT_EQ(err.status, 400);
  err = {};
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 100; ++i) many += "X-" + std::to_string(i) + ": " + std::string(1000, 'a') + "\r\n";
  EXPECT_FALSE(parse_request(many + "\r\n", {}, req, err));
  EXPECT_EQ(err.status, 431);
  err = {};
  EXPECT_FALSE(parse_request("\x01\x02 nonsense\r\n\r\n", {}, req, err));
  EXPECT_EQ(err.status, 400);
  err = {};
  EXPECT_FALSE(parse_request("GET /a%zz HTTP/1.1\r\n\r\n", {}, req, err));
  EXPECT_EQ(err.status, 400);
}

// An error quoting bytes that are not UTF-8 still serialises, with them replaced.
TEST(SetError, BytesThatAreNotUtf8AreReplacedNotEchoed) {
  Response res;
  set_error(res, 400, "bad_parameter", std::string("'\xff\xfe' is not a number"), "limit");
  const auto j = nlohmann::json::parse(res.body);
  EXPECT_EQ(j["error"]["code"], "bad_parameter");
  EXPECT_EQ(res.body.find('\xff'), std::string::npos);
}

TEST(ClientAddress, OnlyTrustedProxiesAreBelievedFromTheRight) {
  const std::vector<std::string> proxies{"10.0.0.1", "10.0.0.2"};
  EXPECT_EQ(client_address("192.0.2.7", "203.0.113.1", proxies), "192.0.2.7");  // not a proxy: header ignored
  EXPECT_EQ(client_address("10.0.0.1", "203.0.113.1", proxies), "203.0.113.1");
  // The client wrote the leftmost entry itself; the proxies appended the rest.
  EXPECT_EQ(client_address("10.0.0.1", "198.51.100.9, 203.0.113.1, 10.0.0.2", proxies), "203.0.113.1");
  EXPECT_EQ(client_address("10.0.0.1", "", proxies), "10.0.0.1");
  EXPECT_EQ(client_address("10.0.0.1", "10.0.0.2", proxies), "10.0.0.2");
}

// A raw connection that opens an event stream and reads what arrives.
class StreamReader {
 public:
  StreamReader(int port, const std::string& path) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok_ = connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    const std::string req = "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
    ok_ = ok_ && ::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size());
  }
  ~StreamReader() { close(fd_); }
  StreamReader(const StreamReader&) = delete;
  // Reads until `needle` has arrived, the stream ends, or the guard runs out.
  bool wait_for(const std::string& needle, int guard_ms = kGuardMs) {
    for (int waited = 0; text_.find(needle) == std::string::npos; waited += 50) {
      if (waited > guard_ms) return false;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      char buf[4096];
      const ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return text_.find(needle) != std::string::npos;
      text_.append(buf, static_cast<size_t>(n));
    }
    return true;
  }
  const std::string& text() const { return text_; }
  bool ok() const { return ok_; }

 private:
  int fd_;
  bool ok_ = false;
  std::string text_;
};

class ServerTest : public ::testing::Test {
 protected:
  // /stream opens an event stream kept in streams_; /ping answers on the pool.
  void start(ServerOptions opt = {}) {
    live_.router.get("/stream", [this](const Request&, Response& res) {
      res.stream = std::make_shared<EventStream>();
      std::lock_guard lock(mu_);
      streams_.push_back(res.stream);
    });
    live_.router.get("/ping", [](const Request&, Response& res) { res.set_content("pong", "text/plain"); });
    live_.start(opt);
  }
  size_t opened() {
    std::lock_guard lock(mu_);
    return streams_.size();
  }
  void publish(int64_t id, const std::string& data) {
    const Event e{id, format_event(id, "note", data)};
    std::lock_guard lock(mu_);
    for (const auto& s : streams_) s->push(e);
  }
  std::string ping() {
    httplib::Client c("127.0.0.1", live_.port);
    c.set_read_timeout(kGuardMs / 1000, 0);
    auto r = c.Get("/ping");
    return r ? r->body : "no answer: " + httplib::to_string(r.error());
  }

  testing::LiveServer live_;
  std::mutex mu_;
  std::vector<std::shared_ptr<EventStream>> streams_;
};

// 2,000 readers, each a connection waiting on two loops: other requests are still answered,
// and one publication reaches every reader. cpp-httplib served 64 connections at once.
TEST_F(ServerTest, ThousandsOfStreamsWaitOnTheLoopsWhileRequestsAreAnswered) {
  start();
  constexpr int kReaders = 2000;
  std::vector<std::unique_ptr<StreamReader>> readers;
  for (int i = 0; i < kReaders; ++i) {
    readers.push_back(std::make_unique<StreamReader>(live_.port, "/stream"));
    ASSERT_TRUE(readers.back()->ok()) << "reader " << i;
  }
  for (auto& r : readers) ASSERT_TRUE(r->wait_for(": keep-alive")) << r->text();
  EXPECT_EQ(opened(), static_cast<size_t>(kReaders));
  EXPECT_EQ(live_.server->streams(), static_cast<size_t>(kReaders));
  EXPECT_EQ(ping(), "pong");
  publish(1, "{\"n\":1}");
  for (auto& r : readers) ASSERT_TRUE(r->wait_for("id: 1\nevent: note\ndata: {\"n\":1}\n\n")) << r->text();
}

TEST_F(ServerTest, StreamsBeyondTheLimitGet503) {
  ServerOptions opt;
  opt.max_streams = 2;
  start(opt);
  StreamReader a(live_.port, "/stream"), b(live_.port, "/stream");
  ASSERT_TRUE(a.wait_for(": keep-alive") && b.wait_for(": keep-alive"));
  StreamReader c(live_.port, "/stream");
  ASSERT_TRUE(c.wait_for("\r\n\r\n"));
  EXPECT_NE(c.text().find("HTTP/1.1 503"), std::string::npos) << c.text();
  EXPECT_TRUE(c.wait_for("too_many_streams")) << c.text();
  EXPECT_EQ(ping(), "pong");
}

// A quiet stream carries a comment every interval, so that proxies and readers know it lives.
TEST_F(ServerTest, AQuietStreamCarriesKeepAliveComments) {
  ServerOptions opt;
  opt.stream_keep_alive_s = 0.05;
  start(opt);
  StreamReader a(live_.port, "/stream");
  ASSERT_TRUE(a.wait_for(": keep-alive\n\n\r\n"));
  size_t n = 0;
  for (int i = 0; i < kGuardMs / 50 && n < 4; ++i) {
    a.wait_for("never sent: this reads for one poll interval", 0);
    n = 0;
    for (size_t at = a.text().find(": keep-alive"); at != std::string::npos; at = a.text().find(": keep-alive", at + 1)) ++n;
  }
  EXPECT_GE(n, 4u) << a.text();
  publish(5, "{}");
  EXPECT_TRUE(a.wait_for("id: 5\n")) << a.text();
}

// A reader that goes is noticed at once (the loop reads its end), not at the next write.
TEST_F(ServerTest, AReaderThatGoesEndsItsStream) {
  start();
  {
    StreamReader a(live_.port, "/stream");
    ASSERT_TRUE(a.wait_for(": keep-alive"));
    ASSERT_EQ(live_.server->streams(), 1u);
  }
  for (int i = 0; i < kGuardMs / 10 && live_.server->streams() != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(live_.server->streams(), 0u);
  std::lock_guard lock(mu_);
  EXPECT_TRUE(streams_.at(0)->closed());
}

// HTTPS with a self-signed certificate made for the test, keep-alive across requests.
TEST(ServerTls, ServesHttpsWithTheGivenCertificate) {
  const fs::path dir = fs::temp_directory_path() / ("truceline-tls-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout '" + key +
                          "' -out '" + cert + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl could not make a certificate";
  testing::LiveServer live;
  live.router.get("/ping", [](const Request&, Response& res) { res.set_content("pong", "text/plain"); });
  ServerOptions opt;
  opt.tls_cert = cert;
  opt.tls_key = key;
  live.start(opt);
  httplib::SSLClient c("127.0.0.1", live.port);
  c.set_ca_cert_path(cert.c_str());
  c.enable_server_certificate_verification(true);
  c.set_keep_alive(true);
  for (int i = 0; i < 3; ++i) {
    auto r = c.Get("/ping");
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    EXPECT_EQ(r->body, "pong");
  }
  // Plain HTTP to the TLS port gets no answer.
  httplib::Client plain("127.0.0.1", live.port);
  plain.set_read_timeout(5, 0);
  EXPECT_FALSE(plain.Get("/ping"));
  // A key that does not load is refused when the server is made.
  ServerOptions bad = opt;
  bad.tls_key = (dir / "missing.pem").string();
  testing::LiveServer other;
  EXPECT_THROW(other.start(bad), std::runtime_error);
  live.stop();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace truceline::http

// The CoT feed over real TCP: the plan's shapes for anyone, a token line for the record, each
// role's incidents only (server/caller.h), an unknown token closed, and a client that stops
// reading disconnected while another gets every event.
#include "server/cot_feed.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "http/beast.h"
#include "index/locator.h"
#include "server/api.h"
#include "server/incident_engine.h"
#include "support.h"

namespace truceline::server {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// A blocking TCP client; reads give up after 20 s (a bound for a hung test, not a measurement).
class Client {
 public:
  explicit Client(int port, int rcvbuf = 0) : fd_(testing::connect_loopback(port, 20, rcvbuf)) { EXPECT_GE(fd_, 0); }
  ~Client() { close(fd_); }
  void send_line(const std::string& line) { send_raw(line + "\n"); }
  void send_raw(const std::string& s) { ASSERT_EQ(::send(fd_, s.data(), s.size(), MSG_NOSIGNAL), ssize_t(s.size())); }
  // Reads until the text holds `needle` (true), or the connection ends or times out (false).
  bool read_until(const std::string& needle) {
    while (text_.find(needle, seen_) == std::string::npos) {
      if (!read_some()) return false;
    }
    seen_ = text_.find(needle, seen_) + needle.size();
    return true;
  }
  // Reads to the end; true when the server closed the connection (not a timeout).
  bool read_to_end() {
    while (read_some()) {
    }
    return eof_;
  }
  const std::string& text() const { return text_; }
  size_t count(const std::string& needle) const {
    size_t n = 0;
    for (size_t at = text_.find(needle); at != std::string::npos; at = text_.find(needle, at + 1)) ++n;
    return n;
  }

 private:
  bool read_some() {
    char buf[65536];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = n == 0;
      return false;
    }
    text_.append(buf, static_cast<size_t>(n));
    return true;
  }
  int fd_;
  std::string text_;
  size_t seen_ = 0;
  bool eof_ = false;
};

json revision(int n, const std::string& responsible, size_t padding = 0) {
  return json{{"id", "i-" + std::to_string(n)}, {"revision", 1}, {"first_time", "2025-04-12T06:30:00.000Z"},
              {"last_time", "2025-04-12T06:30:00.000Z"}, {"event", "explosion"}, {"lat", 48.0}, {"lon", 37.0},
              {"err_major_m", 100.0}, {"err_minor_m", 50.0}, {"err_azimuth_deg", 0.0}, {"n_observations", 1},
              {"observation_ids", {"o-1"}}, {"zone", std::string(padding, 'z') + "dmz"}, {"zone_kind", "dmz"},
              {"responsible", responsible}, {"violations", json::array()}};
}

// Waits (20 s at most, a bound for a hung test) until `f()` holds.
template <class F>
bool eventually(F f) {
  for (int i = 0; i < 2000; ++i) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

class CotFeedTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { locator_ = new index::Locator(testing::default_map()); }
  static void TearDownTestSuite() { delete locator_; }

  void SetUp() override {
    dir_ = testing::fresh_test_dir("cot");
    store_ = store::open_store((dir_ / "record.sqlite").string());
    for (const auto& [name, role, contingent] : std::vector<std::array<std::string, 3>>{
             {"obs", "observer", ""}, {"uk", "contingent", "uk"}, {"analyst", "analyst", ""}})
      tokens_[name] = create_token(*store_, {name, role, contingent});
    // Not started: the feed is fed by hand here; the engine only answers the (empty) list.
    engine_ = std::make_unique<IncidentEngine>(testing::default_map(), *locator_, *store_);
    view_ = std::make_unique<CotView>(testing::default_map(), *engine_, formats::CotOptions{});
    api_ = std::make_unique<Api>(testing::default_map(), *locator_, *store_);
  }
  // Tokens may come a minute after connecting: a loaded machine must not make a test's line late.
  void start(CotFeedOptions opt = {}) {
    opt.token_wait_s = 60;
    feed_ = std::make_unique<CotFeed>(*view_, *store_, opt, api_.get());
    port_ = feed_->listen("127.0.0.1", 0);
    feed_->start();
  }
  void TearDown() override {
    feed_.reset();
    api_.reset();
    view_.reset();
    engine_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }
  static std::string uid(int n) { return "uid=\"truceline.incident.i-" + std::to_string(n) + "\""; }
  // The last shape of the plan: a client has every shape once it has read it.
  std::string last_shape() const {
    const std::string& e = view_->shape_events().back();
    return e.substr(0, e.find('>') + 1);
  }

  static index::Locator* locator_;
  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<IncidentEngine> engine_;
  std::unique_ptr<CotView> view_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<CotFeed> feed_;
  int port_ = 0;
};

index::Locator* CotFeedTest::locator_ = nullptr;

TEST_F(CotFeedTest, EveryConnectionGetsTheShapesAtOnce) {
  start();
  Client plain(port_);
  ASSERT_TRUE(plain.read_until(last_shape()));
  EXPECT_EQ(plain.count("<event "), view_->shape_events().size());
  EXPECT_EQ(plain.count("type=\"u-d-f\""), view_->shape_events().size());
}

// Revisions published before a client shows a token never reach it: after its token it gets a
// marker published later, and whatever was queued for it would have come first.
TEST_F(CotFeedTest, WithoutATokenNoIncidentThenWithOneItsRole) {
  start();
  Client plain(port_), uk(port_), analyst(port_);
  ASSERT_TRUE(plain.read_until(last_shape()));
  uk.send_line("token " + tokens_["uk"]);
  analyst.send_line(tokens_["analyst"]);  // the bare token works too
  ASSERT_TRUE(eventually([&] { return feed_->subscribers() == 2; }));
  feed_->publish(revision(1, "uk"), 10);
  feed_->publish(revision(2, "fr"), 11);
  ASSERT_TRUE(analyst.read_until(uid(1)));
  ASSERT_TRUE(analyst.read_until(uid(2)));
  plain.send_line("token " + tokens_["analyst"]);
  ASSERT_TRUE(eventually([&] { return feed_->subscribers() == 3; }));
  feed_->publish(revision(3, "uk"), 12);
  ASSERT_TRUE(uk.read_until(uid(3)));
  ASSERT_TRUE(plain.read_until(uid(3)));
  EXPECT_EQ(uk.count(uid(1)), 1u);
  EXPECT_EQ(uk.count(uid(2)), 0u) << "a contingent got another's incident";
  EXPECT_EQ(plain.count(uid(1)) + plain.count(uid(2)), 0u) << "a connection without a token got incidents";
}

TEST_F(CotFeedTest, AnObserverGetsTheShapesOnly) {
  start();
  Client observer(port_);
  observer.send_line("token " + tokens_["obs"]);
  ASSERT_TRUE(observer.read_until(last_shape()));
  // The worker takes tokens in turn: once the analyst's is in, the observer's was handled.
  Client analyst(port_);
  analyst.send_line("token " + tokens_["analyst"]);
  ASSERT_TRUE(eventually([&] { return feed_->subscribers() >= 1; }));
  EXPECT_EQ(feed_->subscribers(), 1u);
  EXPECT_EQ(feed_->clients(), 2u);
}

TEST_F(CotFeedTest, AnUnknownTokenIsClosed) {
  start();
  Client c(port_);
  c.send_line("token not-a-token");
  EXPECT_TRUE(c.read_to_end());
  EXPECT_TRUE(eventually([&] { return feed_->clients() == 0; }));
}

std::string spot(const std::string& uid, double lat, const std::string& remarks) {
  return "<?xml version='1.0' encoding='UTF-8' standalone='yes'?><event version='2.0' uid='" + uid +
         "' type='b-m-p-s-m' how='h-g-i-g-o' time='2025-04-12T06:30:00.000Z' start='2025-04-12T06:30:00.000Z' "
         "stale='2025-04-13T06:30:00.000Z'><point lat='" + std::to_string(lat) + "' lon='36.28' hae='9999999.0' "
         "ce='9999999.0' le='9999999.0'/><detail><contact callsign='ALPHA 2'/><remarks>" + remarks + "</remarks></detail></event>";
}

// An observer's TAK client: its token line with a spot report in the same packet, its own position
// and a ping (dropped), the same report again (stored once), a broken one, and a second report cut
// across two writes. An analyst may not submit.
TEST_F(CotFeedTest, SpotReportsOfAnObserverBecomeObservations) {
  start();
  Client observer(port_);
  const std::string sa = "<event version='2.0' uid='ANDROID-1' type='a-f-G-U-C' how='m-g' time='2025-04-12T06:30:00Z' "
                         "start='2025-04-12T06:30:00Z' stale='2025-04-12T06:36:00Z'><point lat='47' lon='36' hae='0' ce='9' le='9'/>"
                         "<detail/></event>";
  const std::string ping = "<event version='2.0' uid='ping' type='t-x-c-t' how='h-g-i-g-o' time='2025-04-12T06:30:00Z' "
                           "start='2025-04-12T06:30:00Z' stale='2025-04-12T06:30:20Z'><point lat='0' lon='0' hae='0' ce='9' le='9'/></event>";
  const std::string second = spot("S-2", 47.63, "burst of small arms");
  observer.send_raw("token " + tokens_["obs"] + "\n" + spot("S-1", 47.62, "explosion, impact") + sa + ping +
                    spot("S-1", 47.62, "explosion, impact") + "<event uid='x' type='b-m-p-s-m'><point lat='1'/></event>" +
                    second.substr(0, 100));
  ASSERT_TRUE(eventually([&] { return feed_->reports_taken() + feed_->reports_refused() == 3; }));
  observer.send_raw(second.substr(100));
  ASSERT_TRUE(eventually([&] { return feed_->reports_taken() + feed_->reports_refused() == 4; }))
      << feed_->reports_taken() << " taken, " << feed_->reports_refused() << " refused";
  EXPECT_EQ(feed_->reports_taken(), 3u) << "S-1 twice (one record), S-2";
  EXPECT_EQ(feed_->reports_refused(), 1u);
  store::Query q;
  q.submitter = "obs";
  const auto recs = store_->query(q);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].body["observation"]["event"], "explosion");
  EXPECT_EQ(recs[0].body["observation"]["lat"], 47.62);
  EXPECT_EQ(recs[0].body["observation"]["observer_id"], "ALPHA 2");
  EXPECT_EQ(recs[1].body["observation"]["event"], "burst");
  EXPECT_EQ(recs[1].body["observation"]["notes"], "burst of small arms");

  Client analyst(port_);
  analyst.send_line("token " + tokens_["analyst"] + "\n" + spot("S-3", 47.64, "shot"));
  ASSERT_TRUE(eventually([&] { return feed_->reports_refused() == 2; }));
  q.submitter = "analyst";
  EXPECT_EQ(store_->query(q).size(), 0u);
}

// A client that stops reading fills its socket, then its queue of 8, and is disconnected; the
// client that reads gets all 3,000 events of 8 KB (24 MB, beyond what the kernel buffers hold).
TEST_F(CotFeedTest, ASlowReaderIsDroppedAndStallsNoOne) {
  CotFeedOptions opt;
  opt.max_queue = 8;
  start(opt);
  Client slow(port_, 4096), fast(port_);
  slow.send_line("token " + tokens_["analyst"]);
  fast.send_line("token " + tokens_["analyst"]);
  ASSERT_TRUE(eventually([&] { return feed_->subscribers() == 2; }));
  const int kEvents = 3000;
  for (int n = 1; n <= kEvents; ++n) {
    feed_->publish(revision(n, "uk", 8000), n);
    ASSERT_TRUE(fast.read_until(uid(n))) << n;
  }
  EXPECT_TRUE(eventually([&] { return feed_->clients() == 1; })) << "the slow reader is still connected";
  EXPECT_TRUE(slow.read_to_end());
  EXPECT_LT(slow.count("<event "), view_->shape_events().size() + kEvents);
}

// TLS as TAK clients use it: a CA, a server certificate, and a client certificate signed by the CA.
class CotTlsTest : public CotFeedTest {
 protected:
  void SetUp() override {
    CotFeedTest::SetUp();
    const std::string d = dir_.string();
    const std::string cmds[] = {
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=test-ca -keyout '" + d + "/ca.key' -out '" + d + "/ca.pem'",
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -keyout '" + d + "/server.key' -out '" + d + "/server.pem'",
        "openssl req -newkey rsa:2048 -nodes -subj /CN=atak-1 -keyout '" + d + "/client.key' -out '" + d + "/client.csr'",
        "openssl x509 -req -days 1 -in '" + d + "/client.csr' -CA '" + d + "/ca.pem' -CAkey '" + d + "/ca.key' -CAcreateserial -out '" +
            d + "/client.pem'",
        "openssl x509 -noout -fingerprint -sha256 -in '" + d + "/client.pem' -out '" + d + "/client.fp'"};
    for (const std::string& c : cmds) ASSERT_EQ(std::system((c + " >/dev/null 2>&1").c_str()), 0) << c;
  }
  // The client certificate's fingerprint as openssl prints it ("AB:CD:…").
  std::string fingerprint() const {
    std::ifstream in(dir_ / "client.fp");
    std::string line;
    std::getline(in, line);
    return line.substr(line.find('=') + 1, 95);
  }
  CotFeedOptions tls_options(const std::string& clients_toml) const {
    CotFeedOptions o;
    o.token_wait_s = 60;
    o.tls_cert = (dir_ / "server.pem").string(), o.tls_key = (dir_ / "server.key").string();
    o.client_ca = (dir_ / "ca.pem").string();
    o.client_tokens = cot_client_tokens(clients_toml, "clients.toml");
    return o;
  }
  void start_tls(const CotFeedOptions& o) {
    feed_ = std::make_unique<CotFeed>(*view_, *store_, o);
    port_ = feed_->listen_tls("127.0.0.1", 0);
    feed_->start();
  }
  // What a TLS client reads until `needle` or the end; `with_certificate` false: it shows none.
  std::string read_tls(bool with_certificate, const std::string& needle) {
    namespace asio = boost::asio;
    asio::io_context io;
    asio::ssl::context ctx(asio::ssl::context::tls_client);
    if (with_certificate) {
      ctx.use_certificate_file((dir_ / "client.pem").string(), asio::ssl::context::pem);
      ctx.use_private_key_file((dir_ / "client.key").string(), asio::ssl::context::pem);
    }
    asio::ssl::stream<asio::ip::tcp::socket> s(io, ctx);
    s.lowest_layer().connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)});
    boost::system::error_code ec;
    s.handshake(asio::ssl::stream_base::client, ec);
    std::string text;
    char buf[65536];
    while (!ec && text.find(needle) == std::string::npos) text.append(buf, s.read_some(asio::buffer(buf), ec));
    return text;
  }
};

TEST_F(CotTlsTest, ACertificateTakesItsTokensRoleWithoutATokenLine) {
  start_tls(tls_options("[[client]]\nname = \"ATAK 1\"\ncertificate_sha256 = \"" + fingerprint() + "\"\ntoken_sha256 = \"" +
                        store::sha256_hex(tokens_["uk"]) + "\"\n"));
  std::thread publisher([&] {
    if (eventually([&] { return feed_->subscribers() == 1; })) {
      feed_->publish(revision(1, "fr"), 10);
      feed_->publish(revision(2, "uk"), 11);
    }
  });
  const std::string got = read_tls(true, uid(2));
  publisher.join();
  EXPECT_NE(got.find(last_shape()), std::string::npos);
  EXPECT_NE(got.find(uid(2)), std::string::npos);
  EXPECT_EQ(got.find(uid(1)), std::string::npos) << "the UK's certificate got France's incident";
}

TEST_F(CotTlsTest, AnotherCertificateOfTheCaGetsTheShapesOnly) {
  start_tls(tls_options(""));
  const std::string got = read_tls(true, last_shape());
  EXPECT_NE(got.find(last_shape()), std::string::npos);
  EXPECT_EQ(feed_->subscribers(), 0u);
}

TEST_F(CotTlsTest, NoCertificateNoConnection) {
  start_tls(tls_options(""));
  EXPECT_EQ(read_tls(false, "<event ").find("<event "), std::string::npos);
}

TEST(CotClientTokens, ReadsFingerprintsAsOpensslPrintsThemAndRefusesOthers) {
  const std::string cert(64, 'A'), token(64, 'b');
  std::string colons;
  for (size_t i = 0; i < 64; i += 2) colons += (i ? ":" : "") + cert.substr(i, 2);
  const auto m = cot_client_tokens("[[client]]\ncertificate_sha256 = \"" + colons + "\"\ntoken_sha256 = \"" + token + "\"\n", "c.toml");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m.begin()->first, std::string(64, 'a'));
  EXPECT_EQ(m.begin()->second, token);
  EXPECT_THROW(cot_client_tokens("[[client]]\ncertificate_sha256 = \"abc\"\ntoken_sha256 = \"" + token + "\"\n", "c.toml"),
               std::invalid_argument);
  EXPECT_THROW(cot_client_tokens("[[client]\n", "c.toml"), std::invalid_argument);
}

}  // namespace
}  // namespace truceline::server

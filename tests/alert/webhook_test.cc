// Webhook delivery against a local receiver that checks the signature and refuses the first two
// attempts: the retries, their backoff and every attempt land in the delivery log.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <latch>
#include <mutex>
#include <thread>

#include "alert/delivery_log.h"
#include "alert/hmac.h"
#include "alert/webhook.h"

namespace truceline::alert {
namespace {

namespace fs = std::filesystem;

class Receiver {
 public:
  explicit Receiver(int fail_first) : fail_first_(fail_first) {
    http_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      ++calls_;
      const bool signed_ok = equal_constant_time(req.get_header_value("X-Truceline-Signature"), signature_header(kSecret, req.body));
      if (!signed_ok) ++bad_signatures_;
      bodies_.push_back(req.body);
      res.status = !signed_ok ? 401 : calls_ <= fail_first_ ? 500 : 204;
    });
    port_ = http_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { http_.listen_after_bind(); });
    while (!http_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() {
    http_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  int bad_signatures() {
    std::lock_guard lock(mu_);
    return bad_signatures_;
  }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }

  static constexpr const char* kSecret = "test-secret-0123456789";

 private:
  int fail_first_;
  std::mutex mu_;
  int calls_ = 0, bad_signatures_ = 0;
  std::vector<std::string> bodies_;
  httplib::Server http_;
  int port_ = 0;
  std::thread thread_;
};

fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("truceline-webhook-" + std::to_string(getpid()) + "-" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

Alert sample() {
  Alert a;
  a.time_ms = 1'744'430'000'000;
  a.contingent = "uk", a.zone = "allied-north", a.type = "violation", a.incident_id = "i-3";
  a.rules = {"fire-across-line"};
  a.message = "incident i-3 breaks fire-across-line";
  return a;
}

TEST(Webhook, SignedRetriedWithBackoffAndLogged) {
  Receiver rx(2);
  const fs::path dir = scratch("retry");
  AlertConfig cfg;
  cfg.delivery.max_attempts = 5;
  cfg.delivery.backoff_ms = 100;
  cfg.contingents["uk"] = {rx.url(), Receiver::kSecret};
  DeliveryLog log((dir / "alerts.sqlite").string());
  Alert a = sample();
  log.add_alert(a);
  EXPECT_EQ(a.id, "a-1");
  {
    WebhookSender sender(cfg, log);
    sender.send(a);
    sender.drain();
  }
  EXPECT_EQ(rx.calls(), 3);
  EXPECT_EQ(rx.bad_signatures(), 0);
  ASSERT_FALSE(rx.bodies().empty());
  EXPECT_EQ(nlohmann::json::parse(rx.bodies()[0]), to_json(a));

  const auto at = log.attempts(a.id);
  ASSERT_EQ(at.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(at[i].attempt, i + 1);
    EXPECT_EQ(at[i].url, rx.url());
    EXPECT_EQ(at[i].contingent, "uk");
  }
  EXPECT_EQ(at[0].status, 500);
  EXPECT_EQ(at[0].error, "HTTP 500");
  EXPECT_EQ(at[1].status, 500);
  EXPECT_EQ(at[2].status, 204);
  EXPECT_TRUE(at[2].delivered());
  // Backoff: the second retry waited at least twice as long as the first.
  EXPECT_GE(at[1].time_ms - at[0].time_ms, 100);
  EXPECT_GE(at[2].time_ms - at[1].time_ms, 200);

  // The log is durable: a new handle on the file reads the same.
  DeliveryLog again((dir / "alerts.sqlite").string());
  EXPECT_EQ(again.attempts().size(), 3u);
  ASSERT_EQ(again.alerts().size(), 1u);
  EXPECT_EQ(again.alerts()[0].incident_id, "i-3");
  fs::remove_all(dir);
}

// Two servers on one PostgreSQL database, started in one directory, share the default log file:
// opening it together must work, and each one's alerts land in it.
TEST(DeliveryLogShared, LogsOpenedTogetherOnANewFileAllWork) {
  const fs::path dir = scratch("shared-log");
  for (int round = 0; round < 20; ++round) {
    const std::string path = (dir / ("alerts-" + std::to_string(round) + ".sqlite")).string();
    std::atomic<int> logged{0};
    std::latch go(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&] {
        go.arrive_and_wait();
        try {
          DeliveryLog log(path);
          Alert a = sample();
          log.add_alert(a);
          ++logged;
        } catch (const std::exception& e) {
          ADD_FAILURE() << "round " << round << ": " << e.what();
        }
      });
    for (auto& th : threads) th.join();
    ASSERT_EQ(logged, 4) << "round " << round;
    EXPECT_EQ(DeliveryLog(path).alerts().size(), 4u);
  }
  fs::remove_all(dir);
}

TEST(Webhook, GivesUpAfterMaxAttempts) {
  const fs::path dir = scratch("give-up");
  AlertConfig cfg;
  cfg.delivery.max_attempts = 3;
  cfg.delivery.backoff_ms = 10;
  cfg.delivery.timeout_s = 2;
  // Nothing listens on port 9 of the loopback (discard, not served): connection refused.
  cfg.contingents["uk"] = {"http://127.0.0.1:9/hook", Receiver::kSecret};
  DeliveryLog log((dir / "alerts.sqlite").string());
  Alert a = sample();
  log.add_alert(a);
  {
    WebhookSender sender(cfg, log);
    sender.send(a);
    Alert other = sample();
    other.contingent = "fr";  // no webhook: not sent, not logged
    log.add_alert(other);
    sender.send(other);
    sender.drain();
  }
  const auto at = log.attempts();
  ASSERT_EQ(at.size(), 3u);
  for (const auto& x : at) {
    EXPECT_EQ(x.alert_id, a.id);
    EXPECT_EQ(x.status, 0);
    EXPECT_FALSE(x.error.empty());
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace truceline::alert

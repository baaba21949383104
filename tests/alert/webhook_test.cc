// Webhook delivery from the store's outbox against a local receiver that checks the signature and
// refuses the first attempts: the retries, their backoff, every attempt in the outbox, and
// retries that outlive the sender that began them (a restart) or a claim left by a killed process.
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "alert/hmac.h"
#include "alert/outbox.h"
#include "alert/webhook.h"
#include "store/store_test_support.h"

namespace truceline::alert {
namespace {

using nlohmann::json;

struct Received {
  std::string body, alert_id, attempt;
};

class Receiver {
 public:
  explicit Receiver(int fail_first) : fail_first_(fail_first) {
    http_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      const bool signed_ok = equal_constant_time(req.get_header_value("X-Truceline-Signature"), signature_header(kSecret, req.body));
      if (!signed_ok) ++bad_signatures_;
      got_.push_back({req.body, req.get_header_value("X-Truceline-Alert-Id"), req.get_header_value("X-Truceline-Attempt")});
      res.status = !signed_ok ? 401 : static_cast<int>(got_.size()) <= fail_first_ ? 500 : 204;
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
  std::vector<Received> got() {
    std::lock_guard lock(mu_);
    return got_;
  }
  int bad_signatures() {
    std::lock_guard lock(mu_);
    return bad_signatures_;
  }

  static constexpr const char* kSecret = "test-secret-0123456789";

 private:
  int fail_first_;
  std::mutex mu_;
  std::vector<Received> got_;
  int bad_signatures_ = 0;
  httplib::Server http_;
  int port_ = 0;
  std::thread thread_;
};

int64_t system_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Alert sample(const std::string& contingent = "uk") {
  Alert a;
  a.time_ms = system_ms();
  a.contingent = contingent, a.zone = "allied-north", a.type = "violation", a.incident_id = "i-3";
  a.rules = {"fire-across-line"};
  a.message = "incident i-3 breaks fire-across-line";
  return a;
}

class WebhookTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = store::open_store((dir_.path() / "record.sqlite").string()); }

  // Records the alerts as the engine does, pending for the contingents `cfg` has a webhook for.
  std::vector<Alert> record(const AlertConfig& cfg, std::vector<Alert> alerts) {
    record_alerts(*store_, alerts, [&](const std::string& c) { return cfg.contingents.count(c) > 0; });
    return alerts;
  }
  store::OutboxItem item(const Alert& a) {
    store::OutboxFilter f;
    f.after_id = alert_number(a.id) - 1;
    f.limit = 1;
    const auto found = store_->query_outbox(f);
    EXPECT_EQ(found.size(), 1u);
    return found.empty() ? store::OutboxItem{} : found[0];
  }
  // Waits until the item has had `n` attempts (no bound on how long: the test's own timeout is).
  void wait_for_attempts(const Alert& a, int n) {
    while (item(a).attempts < n) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }

  store::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(WebhookTest, SignedRetriedWithBackoffAndEveryAttemptKept) {
  Receiver rx(2);
  AlertConfig cfg;
  cfg.delivery.max_attempts = 5;
  cfg.delivery.backoff_ms = 100;
  cfg.contingents["uk"] = {rx.url(), Receiver::kSecret};
  const Alert a = record(cfg, {sample()})[0];
  EXPECT_EQ(a.id, "a-1");
  {
    WebhookSender sender(cfg, *store_);
    sender.send(a);
    sender.drain();
  }
  const auto got = rx.got();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(rx.bad_signatures(), 0);
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(json::parse(got[i].body), to_json(a)) << i;  // the same alert, with its id, each time
    EXPECT_EQ(got[i].alert_id, "a-1");
    EXPECT_EQ(got[i].attempt, std::to_string(i + 1));
  }

  const store::OutboxItem it = item(a);
  EXPECT_EQ(it.status, "delivered");
  EXPECT_EQ(it.attempts, 3);
  EXPECT_EQ(it.last_status, 204);
  EXPECT_EQ(it.last_error, "");
  EXPECT_GT(it.delivered_ms, 0);
  const auto at = store_->outbox_attempts(it.id);
  ASSERT_EQ(at.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(at[i].attempt, i + 1);
    EXPECT_EQ(at[i].url, rx.url());
  }
  EXPECT_EQ(at[0].status, 500);
  EXPECT_EQ(at[0].error, "HTTP 500");
  EXPECT_EQ(at[1].status, 500);
  EXPECT_EQ(at[2].status, 204);
  EXPECT_EQ(at[2].outcome, "delivered");
  // Backoff: each retry was set due the base, then twice the base, after the failure before it.
  EXPECT_EQ(at[0].outcome, "pending");
  EXPECT_EQ(at[0].next_attempt_ms - at[0].time_ms, 100);
  EXPECT_EQ(at[1].next_attempt_ms - at[1].time_ms, 200);
  EXPECT_GE(at[1].time_ms, at[0].next_attempt_ms);
  EXPECT_GE(at[2].time_ms, at[1].next_attempt_ms);
}

// A restart: the first sender fails once and is destroyed while its retry waits for the backoff;
// a new sender on the same database makes the retry, with the same id and body.
TEST_F(WebhookTest, RetryPendingInTheOutboxIsMadeByTheNextSender) {
  Receiver rx(1);
  AlertConfig cfg;
  cfg.delivery.backoff_ms = 60'000;  // the first sender is gone long before the retry is due
  cfg.contingents["uk"] = {rx.url(), Receiver::kSecret};
  const Alert a = record(cfg, {sample()})[0];
  {
    WebhookSender first(cfg, *store_);
    first.send(a);
    wait_for_attempts(a, 1);
  }
  store::OutboxItem it = item(a);
  ASSERT_EQ(it.status, "pending");
  EXPECT_EQ(it.attempts, 1);
  EXPECT_EQ(it.claim, "");
  ASSERT_EQ(rx.got().size(), 1u);

  // The store is reopened, as after a restart, and the next sender's clock is past the backoff.
  store_.reset();
  store_ = store::open_store((dir_.path() / "record.sqlite").string());
  SenderOptions later;
  later.clock = [] { return system_ms() + 120'000; };
  {
    WebhookSender next(cfg, *store_, later);
    next.drain();
  }
  const auto got = rx.got();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].body, got[0].body);
  EXPECT_EQ(json::parse(got[1].body)["id"], "a-1");
  EXPECT_EQ(got[1].alert_id, "a-1");
  EXPECT_EQ(got[1].attempt, "2");
  it = item(a);
  EXPECT_EQ(it.status, "delivered");
  EXPECT_EQ(it.attempts, 2);
  EXPECT_EQ(store_->outbox_attempts(it.id).size(), 2u);
}

// A process killed while it held a claim never records its attempt: once the lease has run out,
// another sender takes the item.
TEST_F(WebhookTest, ClaimOfAKilledProcessLapsesAndTheItemIsDelivered) {
  Receiver rx(0);
  AlertConfig cfg;
  cfg.contingents["uk"] = {rx.url(), Receiver::kSecret};
  const Alert a = record(cfg, {sample()})[0];
  const int64_t now = system_ms();
  const auto claimed = store_->claim_due_outbox(now, 60'000, 8, {"uk"});
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_TRUE(store_->claim_due_outbox(now, 60'000, 8, {"uk"}).empty());  // held

  SenderOptions later;
  later.clock = [] { return system_ms() + 120'000; };
  {
    WebhookSender next(cfg, *store_, later);
    next.drain();
  }
  ASSERT_EQ(rx.got().size(), 1u);
  EXPECT_EQ(item(a).status, "delivered");
  // The dead process's claim cannot overwrite what the live one recorded.
  store::OutboxAttempt stale;
  stale.outbox_id = claimed[0].id, stale.claim = claimed[0].claim, stale.attempt = 1, stale.url = rx.url();
  stale.outcome = "dead";
  EXPECT_FALSE(store_->record_outbox_attempt(stale));
  EXPECT_EQ(item(a).status, "delivered");
}

TEST_F(WebhookTest, DeadAfterMaxAttempts) {
  AlertConfig cfg;
  cfg.delivery.max_attempts = 3;
  cfg.delivery.backoff_ms = 10;
  cfg.delivery.timeout_s = 2;
  // Nothing listens on port 9 of the loopback (discard, not served): connection refused.
  cfg.contingents["uk"] = {"http://127.0.0.1:9/hook", Receiver::kSecret};
  const auto alerts = record(cfg, {sample("uk"), sample("fr")});  // fr: no webhook
  {
    WebhookSender sender(cfg, *store_);
    for (const Alert& a : alerts) sender.send(a);
    sender.drain();
  }
  const store::OutboxItem uk = item(alerts[0]), fr = item(alerts[1]);
  EXPECT_EQ(uk.status, "dead");
  EXPECT_EQ(uk.attempts, 3);
  EXPECT_FALSE(uk.last_error.empty());
  EXPECT_EQ(uk.last_status, 0);
  const auto at = store_->outbox_attempts(0);
  ASSERT_EQ(at.size(), 3u);
  for (const auto& x : at) {
    EXPECT_EQ(x.outbox_id, uk.id);
    EXPECT_EQ(x.status, 0);
    EXPECT_FALSE(x.error.empty());
  }
  EXPECT_EQ(at[0].outcome, "pending");
  EXPECT_EQ(at[1].outcome, "pending");
  EXPECT_EQ(at[2].outcome, "dead");
  EXPECT_EQ(fr.status, "none");
  EXPECT_EQ(fr.attempts, 0);
}

}  // namespace
}  // namespace truceline::alert

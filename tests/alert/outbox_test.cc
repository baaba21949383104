// Alerts in the outbox: ids, the round trip of an alert through its row, GET /v1/alerts's listing
// with its filters and cursor, and the stream's resumption after an id.
#include <gtest/gtest.h>

#include "alert/outbox.h"
#include "monitor/observation.h"
#include "store/store_test_support.h"

namespace truceline::alert {
namespace {

using nlohmann::json;

Alert make(int64_t time_ms, const std::string& contingent, const std::string& incident) {
  Alert a;
  a.time_ms = time_ms;
  a.contingent = contingent, a.zone = "dmz", a.type = "violation", a.incident_id = incident;
  a.rules = {"weapon-in-dmz"};
  a.message = "incident " + incident + " breaks weapon-in-dmz";
  return a;
}

std::vector<std::string> ids(const json& list) {
  std::vector<std::string> out;
  for (const auto& a : list["alerts"]) out.push_back(a["id"]);
  return out;
}

class AlertOutboxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = store::open_store((dir_.path() / "record.sqlite").string());
    // uk has a webhook, fr has none.
    alerts_ = {make(1000, "uk", "i-1"), make(2000, "fr", "i-2"), make(3000, "uk", "i-3"), make(4000, "uk", "i-4")};
    record_alerts(*store_, alerts_, [](const std::string& c) { return c == "uk"; });
  }
  store::testing::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::vector<Alert> alerts_;
};

TEST(AlertIds, RoundTripAndRejectOthers) {
  EXPECT_EQ(alert_id(17), "a-17");
  EXPECT_EQ(alert_number("a-17"), 17);
  EXPECT_EQ(alert_number("a-"), 0);
  EXPECT_EQ(alert_number("i-17"), 0);
  EXPECT_EQ(alert_number("a-1x"), 0);
  EXPECT_EQ(alert_number("a-99999999999999999999"), 0);
}

TEST_F(AlertOutboxTest, RecordingGivesIdsAndStatusesByWebhook) {
  EXPECT_EQ(alerts_[0].id, "a-1");
  EXPECT_EQ(alerts_[3].id, "a-4");
  const json all = list_alerts(*store_, {});
  ASSERT_EQ(all["alerts"].size(), 4u);
  const json& first = all["alerts"][0];
  // The listing's alert is the alert as raised (and as streamed and delivered), plus its delivery.
  json bare = first;
  bare.erase("delivery");
  EXPECT_EQ(bare, to_json(alerts_[0]));
  EXPECT_EQ(first["delivery"]["status"], "pending");
  EXPECT_EQ(first["delivery"]["attempts"], 0);
  EXPECT_EQ(first["delivery"]["next_attempt"], monitor::format_time_ms(1000));
  EXPECT_TRUE(first["delivery"]["delivered"].is_null());
  EXPECT_TRUE(first["delivery"]["last_error"].is_null());
  EXPECT_EQ(all["alerts"][1]["delivery"]["status"], "none");
  EXPECT_TRUE(all["alerts"][1]["delivery"]["next_attempt"].is_null());
  EXPECT_TRUE(all["next_cursor"].is_null());
}

TEST_F(AlertOutboxTest, ListFiltersBySinceContingentAndStatus) {
  AlertQuery q;
  q.since_ms = 2000;
  EXPECT_EQ(ids(list_alerts(*store_, q)), (std::vector<std::string>{"a-2", "a-3", "a-4"}));
  q.contingent = "uk";
  EXPECT_EQ(ids(list_alerts(*store_, q)), (std::vector<std::string>{"a-3", "a-4"}));
  // a-3 delivered, a-4 still pending.
  const auto claimed = store_->claim_due_outbox(10'000, 60'000, 10, {"uk"});
  ASSERT_EQ(claimed.size(), 3u);
  store::OutboxAttempt done;
  done.outbox_id = claimed[1].id, done.claim = claimed[1].claim, done.attempt = 1, done.url = "http://h/";
  done.status = 204, done.time_ms = 5000, done.outcome = "delivered";
  ASSERT_TRUE(store_->record_outbox_attempt(done));
  q.status = "delivered";
  const json delivered = list_alerts(*store_, q);
  ASSERT_EQ(ids(delivered), (std::vector<std::string>{"a-3"}));
  EXPECT_EQ(delivered["alerts"][0]["delivery"]["delivered"], monitor::format_time_ms(5000));
  EXPECT_EQ(delivered["alerts"][0]["delivery"]["last_status"], 204);
  EXPECT_EQ(delivered["alerts"][0]["delivery"]["attempts"], 1);
  q.status = "none";
  EXPECT_TRUE(ids(list_alerts(*store_, q)).empty());
  q.contingent = "fr";
  EXPECT_EQ(ids(list_alerts(*store_, q)), (std::vector<std::string>{"a-2"}));
}

TEST_F(AlertOutboxTest, PagesFollowTheCursorToTheEnd) {
  AlertQuery q;
  q.limit = 3;
  const json first = list_alerts(*store_, q);
  EXPECT_EQ(ids(first), (std::vector<std::string>{"a-1", "a-2", "a-3"}));
  ASSERT_EQ(first["next_cursor"], "3");
  q.after = std::stoll(first["next_cursor"].get<std::string>());
  const json second = list_alerts(*store_, q);
  EXPECT_EQ(ids(second), (std::vector<std::string>{"a-4"}));
  EXPECT_TRUE(second["next_cursor"].is_null());
  q.limit = 0;  // clamped to one
  q.after = 0;
  EXPECT_EQ(ids(list_alerts(*store_, q)), (std::vector<std::string>{"a-1"}));
}

TEST_F(AlertOutboxTest, StreamResumesAfterAnIdForOneContingent) {
  const auto after = alerts_after(*store_, alert_number("a-1"), "uk");
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0], to_json(alerts_[2]));
  EXPECT_EQ(after[1]["id"], "a-4");
  EXPECT_EQ(alerts_after(*store_, 0, "").size(), 4u);
  EXPECT_TRUE(alerts_after(*store_, 4, "").empty());
}

}  // namespace
}  // namespace truceline::alert

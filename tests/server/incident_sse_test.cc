// The SSE hub alone: audiences, and a client that stops reading is dropped rather than waited for.
#include <gtest/gtest.h>

#include "server/sse.h"

namespace truceline::server {
namespace {

using nlohmann::json;

TEST(SseHub, EachSubscriberSeesItsAudienceOnly) {
  SseHub hub;
  auto all = hub.subscribe(true, "");
  auto uk = hub.subscribe(false, "uk");
  hub.publish("incident", json{{"id", "i-1"}}, "fr");
  hub.publish("incident", json{{"id", "i-2"}}, "uk");
  const auto got_all = all->take(std::chrono::milliseconds(0));
  const auto got_uk = uk->take(std::chrono::milliseconds(0));
  ASSERT_EQ(got_all.size(), 2u);
  EXPECT_EQ(got_all[0], "event: incident\ndata: {\"id\":\"i-1\"}\n\n");
  ASSERT_EQ(got_uk.size(), 1u);
  EXPECT_NE(got_uk[0].find("i-2"), std::string::npos);
}

TEST(SseHub, ASubscriberThatStopsReadingIsDroppedNotWaitedFor) {
  SseHub::Options opt;
  opt.max_queue = 3;
  SseHub hub(opt);
  auto slow = hub.subscribe(true, "");
  auto reader = hub.subscribe(true, "");
  for (int i = 0; i < 10; ++i) {
    hub.publish("incident", json{{"n", i}}, "");
    EXPECT_EQ(reader->take(std::chrono::milliseconds(0)).size(), 1u);
  }
  EXPECT_TRUE(slow->closed());
  EXPECT_FALSE(reader->closed());
  EXPECT_EQ(hub.subscribers(), 1u);
  EXPECT_TRUE(slow->take(std::chrono::milliseconds(0)).empty());
}

TEST(SseHub, CloseEndsEveryStreamAndUnsubscribeForgets) {
  SseHub hub;
  auto a = hub.subscribe(true, ""), b = hub.subscribe(false, "uk");
  hub.unsubscribe(a);
  EXPECT_TRUE(a->closed());
  EXPECT_EQ(hub.subscribers(), 1u);
  hub.close();
  EXPECT_TRUE(b->closed());
  EXPECT_EQ(hub.subscribers(), 0u);
  hub.publish("incident", json::object(), "uk");  // nobody left: nothing happens
}

}  // namespace
}  // namespace truceline::server

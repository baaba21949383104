// The SSE hub and a reader's queue alone: audiences, one serialisation shared by every reader,
// a reader that stops reading dropped rather than waited for, and resuming after Last-Event-ID.
#include <gtest/gtest.h>

#include "server/sse.h"

namespace truceline::server {
namespace {

using nlohmann::json;

TEST(SseHub, EachSubscriberSeesItsAudienceOnly) {
  SseHub hub;
  auto all = hub.subscribe(true, "");
  auto uk = hub.subscribe(false, "uk");
  hub.publish("incident", json{{"id", "i-1"}}, "fr", 7);
  hub.publish("incident", json{{"id", "i-2"}}, "uk", 8);
  const auto got_all = all->take();
  const auto got_uk = uk->take();
  ASSERT_EQ(got_all.size(), 2u);
  EXPECT_EQ(*got_all[0], "id: 7\nevent: incident\ndata: {\"id\":\"i-1\"}\n\n");
  ASSERT_EQ(got_uk.size(), 1u);
  EXPECT_NE(got_uk[0]->find("i-2"), std::string::npos);
}

// Ten thousand readers of one revision hold one string, not ten thousand copies.
TEST(SseHub, AnEventIsSerialisedOnceForEveryReader) {
  SseHub hub;
  std::vector<std::shared_ptr<http::EventStream>> readers;
  for (int i = 0; i < 100; ++i) readers.push_back(hub.subscribe(true, ""));
  hub.publish("incident", json{{"id", "i-1"}}, "uk", 1);
  const auto first = readers[0]->take();
  ASSERT_EQ(first.size(), 1u);
  for (size_t i = 1; i < readers.size(); ++i) {
    const auto got = readers[i]->take();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].get(), first[0].get()) << "reader " << i << " got a copy";
  }
}

TEST(SseHub, ASubscriberThatStopsReadingIsDroppedNotWaitedFor) {
  SseHub::Options opt;
  opt.max_queue = 3;
  SseHub hub(opt);
  auto slow = hub.subscribe(true, "");
  auto reader = hub.subscribe(true, "");
  for (int i = 0; i < 10; ++i) {
    hub.publish("incident", json{{"n", i}}, "");
    EXPECT_EQ(reader->take().size(), 1u);
  }
  EXPECT_TRUE(slow->closed());
  EXPECT_FALSE(reader->closed());
  EXPECT_EQ(hub.subscribers(), 1u);
  EXPECT_TRUE(slow->take().empty());
}

TEST(SseHub, CloseEndsEveryStreamAndAClosedReaderIsForgotten) {
  SseHub hub;
  auto a = hub.subscribe(true, ""), b = hub.subscribe(false, "uk");
  a->close();  // what the server does when its reader goes
  EXPECT_EQ(hub.subscribers(), 1u);
  hub.close();
  EXPECT_TRUE(b->closed());
  EXPECT_EQ(hub.subscribers(), 0u);
  hub.publish("incident", json::object(), "uk");  // nobody left: nothing happens
}

// A resuming reader: live events published while the missed ones are read from the store wait,
// then follow them; one in both (published after the subscription, read by the replay) goes once.
TEST(EventStream, ResumingQueuesTheMissedEventsThenTheLiveOnesOnce) {
  SseHub hub;
  auto s = hub.subscribe(true, "", /*holding=*/true);
  hub.publish("incident", json{{"rev", 12}}, "", 12);
  hub.publish("incident", json{{"rev", 13}}, "", 13);
  EXPECT_TRUE(s->take().empty()) << "nothing goes out before the replay";
  s->release({{11, http::format_event(11, "incident", "{\"rev\":11}")},
              {12, http::format_event(12, "incident", "{\"rev\":12}")}});
  const auto got = s->take();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_NE(got[0]->find("id: 11\n"), std::string::npos);
  EXPECT_NE(got[1]->find("id: 12\n"), std::string::npos);
  EXPECT_NE(got[2]->find("id: 13\n"), std::string::npos);
  hub.publish("incident", json{{"rev", 14}}, "", 14);
  const auto live = s->take();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_NE(live[0]->find("id: 14\n"), std::string::npos);
}

TEST(EventStream, TheWakerHearsOfEveryEventAndOfTheClose) {
  http::EventStream s(8);
  int woken = 0;
  s.set_waker([&] { ++woken; });
  s.push({1, http::format_event(1, "x", "{}")});
  s.push({2, http::format_event(2, "x", "{}")});
  s.push({2, http::format_event(2, "x", "{}")});  // the same id again: dropped, nobody woken
  EXPECT_EQ(woken, 2);
  s.close();
  EXPECT_EQ(woken, 3);
  EXPECT_EQ(s.take().size(), 2u);
}

}  // namespace
}  // namespace truceline::server

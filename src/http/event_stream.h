#pragma once
// One Server-Sent Events reader's queue, between whoever publishes (any thread) and the server's
// event loop, which writes what is queued to the socket. Events are shared, already serialised
// text: one publication is formatted once, whatever the number of readers. A reader that falls
// `max_queue` events behind is closed rather than buffered without bound.
//
// Resuming (Last-Event-ID): a stream made holding queues live events aside until release() hands
// it the events the reader missed; then the held ones follow, those already replayed skipped by
// their id. Thread-safe.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace truceline::http {

using SharedText = std::shared_ptr<const std::string>;

struct Event {
  int64_t id = 0;  // 0: no id (not resumable, never skipped)
  SharedText text;
};

// "id: <id>\nevent: <event>\ndata: <data>\n\n" (no id line for id 0). `data` must hold no newline.
SharedText format_event(int64_t id, const std::string& event, const std::string& data);

class EventStream {
 public:
  explicit EventStream(size_t max_queue = 1024, bool holding = false) : max_queue_(max_queue), holding_(holding) {}

  // Queues an event; dropped when its id is at or below the last one queued (a replayed event
  // seen again live). Closes the stream when the reader is `max_queue` events behind.
  void push(const Event& e);
  // Ends holding: queues `missed` (oldest first), then the live events held meanwhile.
  void release(const std::vector<Event>& missed);
  // Ends the stream; the server writes what is queued, then closes the response.
  void close();
  bool closed() const;

  // The server's side. take() empties the queue; `waker` is called whenever something is queued or
  // the stream closes, on the publishing thread with the stream's lock held: it may only post.
  std::vector<SharedText> take();
  void set_waker(std::function<void()> waker);

 private:
  void queue_locked(const Event& e);
  void wake_locked();

  const size_t max_queue_;
  mutable std::mutex mu_;
  bool holding_, closed_ = false;
  int64_t last_id_ = 0;
  std::vector<SharedText> queue_;
  std::vector<Event> held_;
  std::function<void()> waker_;
};

}  // namespace truceline::http

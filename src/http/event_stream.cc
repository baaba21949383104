#include "http/event_stream.h"

namespace truceline::http {

SharedText format_event(int64_t id, const std::string& event, const std::string& data) {
  std::string out;
  out.reserve(data.size() + event.size() + 32);
  if (id > 0) out += "id: " + std::to_string(id) + "\n";
  out += "event: " + event + "\ndata: " + data + "\n\n";
  return std::make_shared<const std::string>(std::move(out));
}

void EventStream::push(const Event& e) {
  std::lock_guard lock(mu_);
  if (closed_) return;
  if (holding_) {
    // Bounded like the queue: a reader whose replay takes this long is as far behind.
    if (held_.size() >= max_queue_) {
      closed_ = true;
      wake_locked();
      return;
    }
    held_.push_back(e);
    return;
  }
  queue_locked(e);
}

void EventStream::release(const std::vector<Event>& missed) {
  std::lock_guard lock(mu_);
  holding_ = false;
  for (const Event& e : missed) queue_locked(e);
  for (const Event& e : held_) queue_locked(e);
  held_.clear();
  wake_locked();
}

void EventStream::queue_locked(const Event& e) {
  if (closed_) return;
  if (e.id > 0 && e.id <= last_id_) return;
  if (queue_.size() >= max_queue_) {
    // A reader this far behind has stopped reading: drop it rather than hold its backlog.
    closed_ = true;
    queue_.clear();
  } else {
    queue_.push_back(e.text);
    if (e.id > 0) last_id_ = e.id;
  }
  wake_locked();
}

void EventStream::wake_locked() {
  if (waker_) waker_();
}

void EventStream::close() {
  std::lock_guard lock(mu_);
  if (closed_) return;
  closed_ = true;
  wake_locked();
}

bool EventStream::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

std::vector<SharedText> EventStream::take() {
  std::lock_guard lock(mu_);
  std::vector<SharedText> out;
  out.swap(queue_);
  return out;
}

void EventStream::set_waker(std::function<void()> waker) {
  std::lock_guard lock(mu_);
  waker_ = std::move(waker);
  if (waker_ && (!queue_.empty() || closed_)) waker_();
}

}  // namespace truceline::http

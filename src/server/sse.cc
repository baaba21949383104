#include "server/sse.h"

#include <algorithm>

namespace truceline::server {

std::vector<std::string> SseHub::Subscriber::take(std::chrono::milliseconds for_ms) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, for_ms, [this] { return closed_ || !queue_.empty(); });
  std::vector<std::string> out(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
  queue_.clear();
  return out;
}

bool SseHub::Subscriber::closed() {
  std::lock_guard lock(mu_);
  return closed_;
}

std::shared_ptr<SseHub::Subscriber> SseHub::subscribe(bool all, const std::string& audience) {
  auto s = std::make_shared<Subscriber>();
  s->all_ = all, s->audience_ = audience;
  std::lock_guard lock(mu_);
  subs_.push_back(s);
  return s;
}

void SseHub::unsubscribe(const std::shared_ptr<Subscriber>& s) {
  {
    std::lock_guard lock(s->mu_);
    s->closed_ = true;
  }
  s->cv_.notify_all();
  std::lock_guard lock(mu_);
  std::erase(subs_, s);
}

void SseHub::publish(const std::string& event, const nlohmann::json& data, const std::string& audience) {
  const std::string text = "event: " + event + "\ndata: " + data.dump() + "\n\n";
  std::lock_guard lock(mu_);
  std::erase_if(subs_, [&](const std::shared_ptr<Subscriber>& s) {
    std::lock_guard sl(s->mu_);
    if (s->closed_) return true;
    if (!s->all_ && s->audience_ != audience) return false;
    if (s->queue_.size() >= opt_.max_queue) {
      // A client this far behind has stopped reading: drop it rather than hold the publisher.
      s->closed_ = true;
      s->queue_.clear();
      s->cv_.notify_all();
      return true;
    }
    s->queue_.push_back(text);
    s->cv_.notify_all();
    return false;
  });
}

void SseHub::close() {
  std::lock_guard lock(mu_);
  for (const auto& s : subs_) {
    std::lock_guard sl(s->mu_);
    s->closed_ = true;
    s->cv_.notify_all();
  }
  subs_.clear();
}

size_t SseHub::subscribers() {
  std::lock_guard lock(mu_);
  return subs_.size();
}

void SseHub::stream(httplib::Response& res, std::shared_ptr<Subscriber> s) {
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  // A comment goes out at once, so that the client sees the stream open.
  auto last_write = std::make_shared<std::chrono::steady_clock::time_point>();
  // cpp-httplib calls the provider again as long as it returns true and the server runs; each
  // call waits at most one slice, so that a stopping server is never held up by a quiet stream.
  res.set_chunked_content_provider(
      "text/event-stream",
      [this, s, last_write](size_t, httplib::DataSink& sink) {
        if (s->closed()) {
          sink.done();
          return true;
        }
        std::string out;
        for (auto& e : s->take(opt_.slice)) out += e;
        const auto now = std::chrono::steady_clock::now();
        if (out.empty() && now - *last_write >= opt_.keep_alive) out = ": keep-alive\n\n";
        if (out.empty()) return true;
        *last_write = now;
        return sink.is_writable() && sink.write(out.data(), out.size());
      },
      [this, s](bool) { unsubscribe(s); });
}

}  // namespace truceline::server

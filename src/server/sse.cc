#include "server/sse.h"

namespace truceline::server {

std::shared_ptr<http::EventStream> SseHub::subscribe(bool all, const std::string& audience, bool holding) {
  auto s = std::make_shared<http::EventStream>(opt_.max_queue, holding);
  add(s, all, audience);
  return s;
}

void SseHub::add(std::shared_ptr<http::EventStream> stream, bool all, const std::string& audience) {
  std::lock_guard lock(mu_);
  readers_.push_back({std::move(stream), all, audience});
}

void SseHub::publish(const std::string& event, const nlohmann::json& data, const std::string& audience, int64_t id) {
  publish(http::Event{id, http::format_event(id, event, data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))},
          audience);
}

void SseHub::publish(const http::Event& e, const std::string& audience) {
  std::lock_guard lock(mu_);
  std::erase_if(readers_, [&](const Reader& r) {
    if (r.stream->closed()) return true;
    if (r.all || r.audience == audience) r.stream->push(e);
    return false;
  });
}

void SseHub::close() {
  std::lock_guard lock(mu_);
  for (const Reader& r : readers_) r.stream->close();
  readers_.clear();
}

size_t SseHub::subscribers() {
  std::lock_guard lock(mu_);
  std::erase_if(readers_, [](const Reader& r) { return r.stream->closed(); });
  return readers_.size();
}

}  // namespace truceline::server

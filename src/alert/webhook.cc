#include "alert/webhook.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>

#include "alert/hmac.h"

namespace truceline::alert {
namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// "https://host:port/path" → scheme+host+port, and path.
std::pair<std::string, std::string> split_url(const std::string& url) {
  const auto scheme_end = url.find("://");
  const auto slash = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  if (slash == std::string::npos) return {url, "/"};
  return {url.substr(0, slash), url.substr(slash)};
}

}  // namespace

int64_t backoff_before(int attempt, const DeliveryOptions& opt) {
  int64_t wait = opt.backoff_ms;
  for (int i = 2; i < attempt && wait < opt.max_backoff_ms; ++i) wait *= 2;
  return std::min(wait, opt.max_backoff_ms);
}

WebhookSender::WebhookSender(const AlertConfig& config, DeliveryLog& log)
    : config_(config), log_(log), thread_([this] { loop(); }) {}

WebhookSender::~WebhookSender() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  for (const Job& j : jobs_) {
    const auto it = config_.contingents.find(j.alert.contingent);
    if (it != config_.contingents.end())
      log_.add_attempt({j.alert.id, j.alert.contingent, it->second.url, j.attempt, 0, "abandoned at shutdown", now_ms()});
  }
}

void WebhookSender::send(const Alert& a) {
  if (!config_.contingents.count(a.contingent)) return;
  {
    std::lock_guard lock(mu_);
    jobs_.push_back({a, to_json(a).dump(), 1, now_ms()});
  }
  cv_.notify_all();
}

void WebhookSender::drain() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return (jobs_.empty() && !busy_) || stopping_; });
}

Attempt WebhookSender::attempt(const Job& j, const Webhook& w) {
  const auto [base, path] = split_url(w.url);
  httplib::Client client(base);
  const auto timeout = std::chrono::seconds(config_.delivery.timeout_s);
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  const httplib::Headers headers{{"X-Truceline-Signature", signature_header(w.secret, j.body)},
                                 {"X-Truceline-Alert-Id", j.alert.id},
                                 {"X-Truceline-Attempt", std::to_string(j.attempt)}};
  Attempt at{j.alert.id, j.alert.contingent, w.url, j.attempt, 0, "", 0};
  const auto res = client.Post(path, headers, j.body, "application/json");
  at.time_ms = now_ms();
  if (!res) {
    at.error = httplib::to_string(res.error());
  } else {
    at.status = res->status;
    if (!at.delivered()) at.error = "HTTP " + std::to_string(res->status);
  }
  return at;
}

void WebhookSender::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (jobs_.empty()) {
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      continue;
    }
    // The job due first; wait for it unless it is due now.
    auto next = std::min_element(jobs_.begin(), jobs_.end(), [](const Job& a, const Job& b) { return a.due_ms < b.due_ms; });
    const int64_t wait = next->due_ms - now_ms();
    if (wait > 0) {
      cv_.wait_for(lock, std::chrono::milliseconds(wait));
      continue;
    }
    Job job = std::move(*next);
    jobs_.erase(next);
    busy_ = true;
    lock.unlock();
    const Webhook& w = config_.contingents.at(job.alert.contingent);
    const Attempt at = attempt(job, w);
    log_.add_attempt(at);
    lock.lock();
    busy_ = false;
    if (!at.delivered() && job.attempt < config_.delivery.max_attempts) {
      job.attempt += 1;
      job.due_ms = at.time_ms + backoff_before(job.attempt, config_.delivery);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_all();
  }
}

}  // namespace truceline::alert

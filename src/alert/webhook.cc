#include "alert/webhook.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include "alert/hmac.h"
#include "alert/outbox.h"

namespace truceline::alert {
namespace {

int64_t system_ms() {
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

struct Answer {
  int status = 0;     // 0: none came
  std::string error;  // "" when delivered
  bool delivered() const { return status >= 200 && status < 300; }
};

// One signed POST of `body`.
Answer post(const Webhook& w, const std::string& alert_id, int attempt, const std::string& body, int timeout_s) {
  const auto [base, path] = split_url(w.url);
  httplib::Client client(base);
  const auto timeout = std::chrono::seconds(timeout_s);
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  const httplib::Headers headers{{"X-Truceline-Signature", signature_header(w.secret, body)},
                                 {"X-Truceline-Alert-Id", alert_id},
                                 {"X-Truceline-Attempt", std::to_string(attempt)}};
  const auto res = client.Post(path, headers, body, "application/json");
  if (!res) return {0, httplib::to_string(res.error())};
  Answer a{res->status, ""};
  if (!a.delivered()) a.error = "HTTP " + std::to_string(res->status);
  return a;
}

}  // namespace

int64_t backoff_before(int attempt, const DeliveryOptions& opt) {
  int64_t wait = opt.backoff_ms;
  for (int i = 2; i < attempt && wait < opt.max_backoff_ms; ++i) wait *= 2;
  return std::min(wait, opt.max_backoff_ms);
}

WebhookSender::WebhookSender(const AlertConfig& config, store::Store& store, SenderOptions opt)
    : config_(config), store_(store), opt_(std::move(opt)) {
  for (const auto& [contingent, hook] : config_.contingents) contingents_.push_back(contingent);
  thread_ = std::thread([this] { loop(); });
}

WebhookSender::~WebhookSender() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

int64_t WebhookSender::now() const { return opt_.clock ? opt_.clock() : system_ms(); }

// A claim must outlast every attempt of its batch, or another process could take an item while
// this one is still sending it. Each attempt is bounded by its connect, write and read timeouts;
// the margin covers the clocks of several hosts disagreeing a little.
int64_t WebhookSender::lease_ms() const {
  return int64_t{std::max(opt_.batch, 1)} * 3 * config_.delivery.timeout_s * 1000 + 30'000;
}

bool WebhookSender::stopping() {
  std::lock_guard lock(mu_);
  return stopping_;
}

void WebhookSender::send(const Alert&) {
  {
    std::lock_guard lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

void WebhookSender::drain() {
  const auto pending = [this] {
    store::OutboxFilter f;
    f.status = "pending";
    f.limit = 1;
    for (const std::string& c : contingents_) {
      f.contingent = c;
      if (!store_.query_outbox(f).empty()) return true;
    }
    return false;
  };
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const int64_t seen = rounds_;
    lock.unlock();
    const bool more = pending();
    lock.lock();
    if (!more) return;
    wake_ = true;
    cv_.notify_all();
    cv_.wait(lock, [&] { return rounds_ > seen || stopping_; });
  }
}

int64_t WebhookSender::deliver(const store::OutboxItem& item) {
  store::OutboxAttempt at;
  at.outbox_id = item.id, at.claim = item.claim, at.attempt = item.attempts + 1;
  const auto hook = config_.contingents.find(item.contingent);
  at.url = hook->second.url;
  Answer ans;
  try {
    // The body is made from the stored row alike on every attempt, by whichever process makes
    // it: the same id and bytes each time, so that receivers can drop repeats.
    const Alert a = from_outbox(item);
    ans = post(hook->second, a.id, at.attempt, to_json(a).dump(), config_.delivery.timeout_s);
  } catch (const nlohmann::json::exception& e) {
    ans.error = std::string("unreadable alert: ") + e.what();
    at.attempt = config_.delivery.max_attempts;  // no later attempt could read it either
  }
  at.time_ms = now();
  at.status = ans.status, at.error = ans.error;
  if (ans.delivered()) {
    at.outcome = "delivered";
  } else if (at.attempt >= config_.delivery.max_attempts) {
    at.outcome = "dead";
  } else {
    at.outcome = "pending";
    at.next_attempt_ms = at.time_ms + backoff_before(at.attempt + 1, config_.delivery);
  }
  store_.record_outbox_attempt(at);
  return at.next_attempt_ms;
}

int64_t WebhookSender::round() {
  const int64_t start = now();
  int64_t next = start + opt_.poll_ms;
  if (contingents_.empty()) return next;
  const std::vector<store::OutboxItem> items = store_.claim_due_outbox(start, lease_ms(), opt_.batch, contingents_);
  size_t tried = 0;
  for (; tried < items.size() && !stopping(); ++tried)
    if (const int64_t again = deliver(items[tried])) next = std::min(next, again);
  if (tried < items.size()) store_.release_outbox(items[0].claim);
  // A full batch: more may be due already.
  if (static_cast<int>(items.size()) == opt_.batch) next = now();
  return next;
}

void WebhookSender::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    wake_ = false;
    lock.unlock();
    int64_t next = now() + opt_.poll_ms;
    try {
      next = round();
    } catch (const std::exception& e) {
      // The store failed (a lost connection, a busy file): the outbox still holds everything, and
      // the next round tries again.
      std::cerr << "truceline: alerts: " << e.what() << "\n";
    }
    lock.lock();
    ++rounds_;
    cv_.notify_all();
    const int64_t wait = next - now();
    if (wait > 0) cv_.wait_for(lock, std::chrono::milliseconds(wait), [this] { return wake_ || stopping_; });
  }
}

}  // namespace truceline::alert

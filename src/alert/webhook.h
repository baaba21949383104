#pragma once
// Delivery of alerts to the contingents' webhooks: a POST of the alert JSON signed with
// HMAC-SHA256 (X-Truceline-Signature), retried with exponential backoff up to a bounded number of
// attempts, every attempt written to the delivery log. One thread of its own: nothing that raises
// an alert ever waits for a receiver. Thread-safe.
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alert/alert.h"
#include "alert/config.h"
#include "alert/delivery_log.h"

namespace truceline::alert {

// The wait before attempt `attempt` (2, 3, …): backoff_ms · 2^(attempt−2), at most max_backoff_ms.
int64_t backoff_before(int attempt, const DeliveryOptions& opt);

class WebhookSender {
 public:
  // The config and log must outlive the sender.
  WebhookSender(const AlertConfig& config, DeliveryLog& log);
  // Stops: waits for an attempt under way (at most the timeout); retries not yet due are logged
  // as abandoned.
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // Queues the alert for its contingent's webhook; an alert for a contingent with none is dropped
  // (it still reaches the SSE stream). The alert must have its id.
  void send(const Alert& a);
  // Blocks until nothing is queued or under way (for tests and orderly shutdown).
  void drain();

 private:
  struct Job {
    Alert alert;
    std::string body;
    int attempt = 1;
    int64_t due_ms = 0;
  };
  void loop();
  Attempt attempt(const Job& j, const Webhook& w);

  const AlertConfig& config_;
  DeliveryLog& log_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Job> jobs_;
  bool busy_ = false, stopping_ = false;
  std::thread thread_;
};

}  // namespace truceline::alert

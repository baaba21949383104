#pragma once
// Delivery of alerts to the contingents' webhooks, from the store's outbox (alert/outbox.h): a
// POST of the alert JSON signed with HMAC-SHA256 (X-Truceline-Signature), retried with
// exponential backoff up to a bounded number of attempts, every attempt kept in the outbox. What
// is to be sent lives in the database, not here, so retries survive a restart (or a kill) and any
// process on the same database may make them; a claim with a lease keeps two from making the same
// attempt at once. One thread of its own: nothing that raises an alert ever waits for a
// receiver. Thread-safe.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alert/alert.h"
#include "alert/config.h"
#include "store/store.h"

namespace truceline::alert {

// The wait before attempt `attempt` (2, 3, …): backoff_ms · 2^(attempt−2), at most max_backoff_ms.
int64_t backoff_before(int attempt, const DeliveryOptions& opt);

struct SenderOptions {
  int batch = 8;         // outbox items claimed at once. DEFAULT: 8
  int poll_ms = 1000;    // looks for due items this often without a send(). DEFAULT: 1 s
  // The clock due times are read against, in ms since the epoch. DEFAULT: the system clock. Tests
  // move it forward to make a retry due without waiting for it.
  std::function<int64_t()> clock;
};

class WebhookSender {
 public:
  // Starts the thread, which first takes what is already due: retries left by an earlier run.
  // The config and store must outlive the sender.
  WebhookSender(const AlertConfig& config, store::Store& store, SenderOptions opt = {});
  // Stops: waits for an attempt under way (at most the timeout) and gives back the items claimed
  // but not yet tried. Retries not yet due stay pending in the outbox for the next sender.
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  // Whether alerts for `contingent` go to a webhook (record_alerts makes them pending).
  bool has_webhook(const std::string& contingent) const { return config_.contingents.count(contingent) > 0; }
  // The alert is in the outbox (record_alerts): look now rather than at the next poll.
  void send(const Alert& a);
  // Blocks until no alert of this sender's contingents is pending: each delivered or dead (tests;
  // an orderly shutdown that may wait for the backoff).
  void drain();

 private:
  void loop();
  // Claims what is due and tries it; returns when to look again (ms on clock()).
  int64_t round();
  // One attempt at `item`, recorded in the outbox; returns the item's next attempt time (0 when none).
  int64_t deliver(const store::OutboxItem& item);
  int64_t now() const;
  int64_t lease_ms() const;
  bool stopping();

  const AlertConfig& config_;
  store::Store& store_;
  SenderOptions opt_;
  std::vector<std::string> contingents_;  // those with a webhook
  std::mutex mu_;
  std::condition_variable cv_;
  bool wake_ = false, stopping_ = false;
  int64_t rounds_ = 0;  // rounds finished: drain() waits for the next one
  std::thread thread_;
};

}  // namespace truceline::alert

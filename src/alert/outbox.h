#pragma once
// Alerts in the store's outbox (store/store.h, OutboxItem; docs/incidents.md, Alerts): how an
// Alert becomes an outbox item and back, recording the alerts a flush raised, and reading them
// for GET /v1/alerts and for resuming /v1/alerts/stream. The store keeps the rows without knowing
// what an alert is; this is the one place that knows both.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "alert/alert.h"
#include "store/store.h"

namespace truceline::alert {

// "a-<n>" for outbox id n; alert_number gives n back, or 0 for anything else.
std::string alert_id(int64_t n);
int64_t alert_number(const std::string& id);

// The item for a new alert: "pending" and due at once when its contingent has a webhook,
// "none" otherwise. Its body is the alert's JSON without the id, which the database gives.
store::OutboxItem to_outbox(const Alert& a, bool has_webhook);
// The alert an item holds, with its id.
Alert from_outbox(const store::OutboxItem& item);

// Stores `alerts` in the outbox in one transaction and sets each one's id. `has_webhook` says
// whether a contingent has a webhook (null: none has). Throws store::StoreError.
void record_alerts(store::Store& store, std::vector<Alert>& alerts,
                   const std::function<bool(const std::string&)>& has_webhook);

struct AlertQuery {
  std::optional<int64_t> since_ms;  // alerts raised at or after
  std::string contingent;           // "" for every contingent
  std::string status;               // pending, delivered, dead, none; "" for any
  int64_t after = 0;                // cursor: alerts numbered above this ("a-<n>": n)
  int limit = 100;                  // clamped to 1 … kMaxAlertPage
};
inline constexpr int kMaxAlertPage = 1000;

// {"status", "attempts", "last_error", "last_status", "delivered", "next_attempt"}: times ISO 8601
// or null (delivered: until it is; next_attempt: unless pending); last_error and last_status null
// before any attempt failed or answered.
nlohmann::json delivery_json(const store::OutboxItem& item);

// GET /v1/alerts: {"alerts": [ALERT + "delivery": {...}, …], "next_cursor": "<n>" or null}, in
// id order (oldest first). next_cursor is set when more alerts match after this page.
nlohmann::json list_alerts(store::Store& store, const AlertQuery& q);

// Resuming /v1/alerts/stream after Last-Event-ID "a-<after>": the ALERT JSON (as the stream sends
// it) of up to `limit` alerts numbered above `after`, of `contingent` ("" for all), in id order.
std::vector<nlohmann::json> alerts_after(store::Store& store, int64_t after, const std::string& contingent,
                                         int limit = kMaxAlertPage);

}  // namespace truceline::alert

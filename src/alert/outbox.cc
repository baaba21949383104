#include "alert/outbox.h"

#include <algorithm>

#include "monitor/observation.h"

namespace truceline::alert {
namespace {

using nlohmann::json;

json time_or_null(int64_t ms) { return ms > 0 ? json(monitor::format_time_ms(ms)) : json(nullptr); }

}  // namespace

std::string alert_id(int64_t n) { return "a-" + std::to_string(n); }

int64_t alert_number(const std::string& id) {
  if (id.size() < 3 || id.compare(0, 2, "a-") != 0) return 0;
  int64_t n = 0;
  for (size_t i = 2; i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9' || n > (INT64_MAX - 9) / 10) return 0;
    n = n * 10 + (id[i] - '0');
  }
  return n;
}

store::OutboxItem to_outbox(const Alert& a, bool has_webhook) {
  store::OutboxItem it;
  it.time_ms = a.time_ms;
  it.contingent = a.contingent, it.type = a.type, it.incident_id = a.incident_id;
  json body = to_json(a);
  body.erase("id");  // the row's id, known only once the database gave it
  it.body = body.dump();
  it.status = has_webhook ? "pending" : "none";
  it.next_attempt_ms = has_webhook ? a.time_ms : 0;
  return it;
}

Alert from_outbox(const store::OutboxItem& item) {
  const json j = json::parse(item.body);
  Alert a;
  a.id = alert_id(item.id);
  a.time_ms = item.time_ms;
  a.contingent = item.contingent, a.type = item.type, a.incident_id = item.incident_id;
  a.zone = j.value("zone", "");
  a.rules = j.value("rules", std::vector<std::string>{});
  a.message = j.value("message", "");
  return a;
}

void record_alerts(store::Store& store, std::vector<Alert>& alerts,
                   const std::function<bool(const std::string&)>& has_webhook) {
  if (alerts.empty()) return;
  std::vector<store::OutboxItem> items;
  items.reserve(alerts.size());
  for (const Alert& a : alerts) items.push_back(to_outbox(a, has_webhook && has_webhook(a.contingent)));
  const std::vector<int64_t> ids = store.add_outbox(items);
  for (size_t i = 0; i < alerts.size(); ++i) alerts[i].id = alert_id(ids.at(i));
}

json delivery_json(const store::OutboxItem& item) {
  return json{{"status", item.status},
              {"attempts", item.attempts},
              {"last_error", item.last_error.empty() ? json(nullptr) : json(item.last_error)},
              {"last_status", item.last_status > 0 ? json(item.last_status) : json(nullptr)},
              {"delivered", time_or_null(item.delivered_ms)},
              {"next_attempt", item.status == "pending" ? time_or_null(item.next_attempt_ms) : json(nullptr)}};
}

json list_alerts(store::Store& store, const AlertQuery& q) {
  const int limit = std::clamp(q.limit, 1, kMaxAlertPage);
  store::OutboxFilter f;
  f.since_ms = q.since_ms;
  f.contingent = q.contingent, f.status = q.status;
  f.after_id = std::max<int64_t>(q.after, 0);
  f.limit = limit + 1;  // one more than the page: whether a next page exists, without a count
  std::vector<store::OutboxItem> items = store.query_outbox(f);
  const bool more = static_cast<int>(items.size()) > limit;
  if (more) items.resize(static_cast<size_t>(limit));
  json list = json::array();
  for (const store::OutboxItem& it : items) {
    json a = to_json(from_outbox(it));
    a["delivery"] = delivery_json(it);
    list.push_back(std::move(a));
  }
  const json next = more ? json(std::to_string(items.back().id)) : json(nullptr);
  return json{{"alerts", std::move(list)}, {"next_cursor", next}};
}

std::vector<json> alerts_after(store::Store& store, int64_t after, const std::string& contingent, int limit) {
  store::OutboxFilter f;
  f.contingent = contingent;
  f.after_id = std::max<int64_t>(after, 0);
  f.limit = std::clamp(limit, 1, kMaxAlertPage);
  std::vector<json> out;
  for (const store::OutboxItem& it : store.query_outbox(f)) out.push_back(to_json(from_outbox(it)));
  return out;
}

}  // namespace truceline::alert

#include "alert/delivery_log.h"

#include "monitor/observation.h"

namespace truceline::alert {

using nlohmann::json;

DeliveryLog::DeliveryLog(const std::string& path) : db_(path, true) {
  db_.open_wal(R"sql(
CREATE TABLE IF NOT EXISTS alerts(n INTEGER PRIMARY KEY AUTOINCREMENT, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS deliveries(n INTEGER PRIMARY KEY AUTOINCREMENT, alert_id TEXT NOT NULL,
  contingent TEXT NOT NULL, url TEXT NOT NULL, attempt INTEGER NOT NULL, status INTEGER NOT NULL,
  error TEXT NOT NULL, time_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS deliveries_alert ON deliveries(alert_id);
)sql");
}

void DeliveryLog::add_alert(Alert& a) {
  std::vector<Alert> one{a};
  add_alerts(one);
  a.id = one[0].id;
}

void DeliveryLog::add_alerts(std::vector<Alert>& alerts) {
  if (alerts.empty()) return;
  std::lock_guard lock(mu_);
  db_.exec("BEGIN IMMEDIATE");
  try {
    for (Alert& a : alerts) {
      // The row is taken first so that the id is the row's number, then the JSON that holds it.
      db_.cached("INSERT INTO alerts(json) VALUES ('{}')").reset().run();
      const int64_t n = sqlite3_last_insert_rowid(db_.handle());
      a.id = "a-" + std::to_string(n);
      db_.cached("UPDATE alerts SET json = ? WHERE n = ?").reset().bind(1, to_json(a).dump()).bind(2, n).run();
    }
    db_.exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void DeliveryLog::add_attempt(const Attempt& at) {
  std::lock_guard lock(mu_);
  db_.cached("INSERT INTO deliveries(alert_id, contingent, url, attempt, status, error, time_ms) VALUES (?,?,?,?,?,?,?)")
      .reset().bind(1, at.alert_id).bind(2, at.contingent).bind(3, at.url).bind(4, int64_t{at.attempt})
      .bind(5, int64_t{at.status}).bind(6, at.error).bind(7, at.time_ms).run();
}

std::vector<Attempt> DeliveryLog::attempts(const std::string& alert_id) {
  std::lock_guard lock(mu_);
  store::sqlite::Stmt& s =
      alert_id.empty()
          ? db_.cached("SELECT alert_id, contingent, url, attempt, status, error, time_ms FROM deliveries ORDER BY n").reset()
          : db_.cached("SELECT alert_id, contingent, url, attempt, status, error, time_ms FROM deliveries WHERE alert_id = ? ORDER BY n")
                .reset().bind(1, alert_id);
  std::vector<Attempt> out;
  while (s.step())
    out.push_back({s.text(0), s.text(1), s.text(2), static_cast<int>(s.int64(3)), static_cast<int>(s.int64(4)), s.text(5), s.int64(6)});
  return out;
}

std::vector<Alert> DeliveryLog::alerts() {
  std::lock_guard lock(mu_);
  store::sqlite::Stmt& s = db_.cached("SELECT json FROM alerts ORDER BY n").reset();
  std::vector<Alert> out;
  while (s.step()) {
    const json j = json::parse(s.text(0));
    Alert a;
    a.id = j.value("id", ""), a.contingent = j.value("contingent", ""), a.zone = j.value("zone", "");
    a.type = j.value("type", ""), a.incident_id = j.value("incident_id", ""), a.message = j.value("message", "");
    a.rules = j.value("rules", std::vector<std::string>{});
    a.time_ms = monitor::parse_time_ms(j.value("time", "")).value_or(0);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace truceline::alert

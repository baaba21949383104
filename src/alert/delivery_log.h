#pragma once
// The durable log of alerts and of every attempt to deliver one: a small SQLite file of its own
// (docs/incidents.md, Alerts, says why not the record's database). Thread-safe.
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "alert/alert.h"
#include "store/sqlite_db.h"

namespace truceline::alert {

struct Attempt {
  std::string alert_id, contingent, url;
  int attempt = 1;       // 1 for the first try
  int status = 0;        // HTTP status; 0 when no answer came
  std::string error;     // why it failed: "HTTP 500", "connection refused", … ("" when delivered)
  int64_t time_ms = 0;   // when the attempt ended
  bool delivered() const { return status >= 200 && status < 300; }
};

class DeliveryLog {
 public:
  // Opens or creates the file. Throws store::StoreError when it cannot.
  explicit DeliveryLog(const std::string& path);

  // Stores the alert and gives it its id, "a-<n>" in the order alerts were raised.
  void add_alert(Alert& a);
  // The same for several, in one transaction (one sync of the file, not one per alert).
  void add_alerts(std::vector<Alert>& alerts);
  void add_attempt(const Attempt& at);
  // Attempts in the order they were made; only those for `alert_id` when it is not empty.
  std::vector<Attempt> attempts(const std::string& alert_id = {});
  // Every alert, oldest first.
  std::vector<Alert> alerts();

 private:
  std::mutex mu_;
  store::sqlite::Db db_;
};

}  // namespace truceline::alert

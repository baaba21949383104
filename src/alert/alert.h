#pragma once
// Alerts: what the service tells a contingent, and when (docs/incidents.md, Alerts). A
// "violation" alert for an incident breaking a rule of at least the plan's violation_severity; a
// "threshold" alert when a zone sees the plan's number of violating incidents within its window.
#include <cstdint>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "plan/plan.h"

namespace truceline::alert {

struct Alert {
  std::string id;          // "a-<n>", given when it is logged
  int64_t time_ms = 0;     // when it was raised (server clock)
  std::string contingent;  // party id it goes to
  std::string zone;
  std::string type;        // violation, threshold
  std::string incident_id;
  std::vector<std::string> rules;
  std::string message;
};

// {"id", "time", "contingent", "zone", "type", "incident_id", "rules", "message"}
nlohmann::json to_json(const Alert& a);

// Decides which alerts an incident revision raises. Each incident raises a violation alert once
// per rule (a later revision that breaks a further rule raises one for that rule), and counts once
// towards its zone's thresholds, at the first revision that breaks a counted rule. A threshold
// fires at exactly its N-th counted incident whose first report lies within the window of the
// latest one; the incidents it counted are then spent, so the next alert needs N more. Not
// thread-safe.
class Trigger {
 public:
  explicit Trigger(const plan::AlertRules& rules);
  // `incident` is the INCIDENT JSON of docs/api.md; `now_ms` stamps the alerts. Alerts come without
  // ids. Incidents with no responsible contingent raise none.
  std::vector<Alert> on_incident(const nlohmann::json& incident, int64_t now_ms);
  // Counts an incident towards thresholds and marks its rules alerted without raising anything:
  // state rebuilt from the record on restart.
  void remember(const nlohmann::json& incident);
  // The incident will not be revised again: its state goes (the thresholds' windows keep counting it).
  void forget(const std::string& incident_id);

 private:
  std::vector<Alert> evaluate(const nlohmann::json& incident, int64_t now_ms, bool raise);

  plan::AlertRules rules_;
  std::map<std::string, std::set<std::string>> alerted_;  // incident → rules already alerted
  std::set<std::string> counted_;                           // incidents counted towards thresholds
  std::map<size_t, std::deque<int64_t>> windows_;           // threshold index → first times counted
};

}  // namespace truceline::alert

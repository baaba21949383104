#include "alert/alert.h"

#include <algorithm>

#include "monitor/incident_json.h"
#include "plan/severity.h"
#include "monitor/observation.h"

namespace truceline::alert {

using nlohmann::json;

json to_json(const Alert& a) {
  return json{{"id", a.id},     {"time", monitor::format_time_ms(a.time_ms)},
              {"contingent", a.contingent}, {"zone", a.zone},
              {"type", a.type}, {"incident_id", a.incident_id},
              {"rules", a.rules}, {"message", a.message}};
}

Trigger::Trigger(const plan::AlertRules& rules) : rules_(rules) {}

std::vector<Alert> Trigger::on_incident(const json& incident, int64_t now_ms) { return evaluate(incident, now_ms, true); }

void Trigger::remember(const json& incident) { evaluate(incident, 0, false); }

void Trigger::forget(const std::string& incident_id) {
  alerted_.erase(incident_id);
  counted_.erase(incident_id);
}

std::vector<Alert> Trigger::evaluate(const json& inc, int64_t now_ms, bool raise) {
  std::vector<Alert> out;
  const std::string id = inc.value("id", ""), zone = inc.value("zone", ""), responsible = inc.value("responsible", "");
  if (responsible.empty()) return out;
  const int64_t first_ms = monitor::parse_time_ms(inc.value("first_time", "")).value_or(0);

  // Violation alerts: rules of at least violation_severity not alerted before for this incident.
  const int violation_rank = plan::severity_rank(rules_.violation_severity);
  std::vector<std::string> fresh;
  int worst = 0;
  for (const auto& v : inc.value("violations", json::array())) {
    const std::string rule = v.value("rule", ""), severity = v.value("severity", "");
    worst = std::max(worst, plan::severity_rank(severity));
    if (plan::severity_rank(severity) >= violation_rank && alerted_[id].insert(rule).second) fresh.push_back(rule);
  }
  if (!fresh.empty() && raise) {
    std::string list;
    for (const auto& r : fresh) list += (list.empty() ? "" : ", ") + r;
    out.push_back({"", now_ms, responsible, zone, "violation", id, fresh,
                   "incident " + id + " (" + inc.value("event", "") + ") in zone " + zone + " breaks " + list});
  }

  // Thresholds: the incident counts once, towards every threshold of its zone whose severity it reaches.
  if (worst == 0 || counted_.count(id)) return out;
  bool counted = false;
  for (size_t t = 0; t < rules_.thresholds.size(); ++t) {
    const plan::Threshold& th = rules_.thresholds[t];
    if (th.zone != zone || worst < plan::severity_rank(th.min_severity)) continue;
    counted = true;
    std::deque<int64_t>& w = windows_[t];
    w.insert(std::upper_bound(w.begin(), w.end(), first_ms), first_ms);
    const int64_t window_ms = int64_t{th.window_minutes} * 60'000;
    const int64_t latest = w.back();
    while (!w.empty() && w.front() <= latest - window_ms) w.pop_front();
    if (static_cast<int>(w.size()) < th.violations) continue;
    w.clear();  // spent: the next alert needs N more
    if (!raise) continue;
    out.push_back({"", now_ms, responsible, zone, "threshold", id, {},
                   std::to_string(th.violations) + " incidents breaking a rule within " + std::to_string(th.window_minutes) +
                       " min in zone " + zone});
  }
  if (counted) counted_.insert(id);
  return out;
}

}  // namespace truceline::alert

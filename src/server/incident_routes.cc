// The incident and alert endpoints of the HTTP API (docs/api.md, Incidents and alerts), served
// from the IncidentEngine: GET /v1/incidents, GET /v1/incidents/{id}, and the Server-Sent Events
// streams /v1/incidents/stream and /v1/alerts/stream.
#include <charconv>
#include <cmath>

#include "monitor/observation.h"
#include "server/api.h"
#include "server/incident_engine.h"

namespace truceline::server {
namespace {

using nlohmann::json;

// Refusals go out through mount()'s handler, which answers a ValidationError with its status,
// code and field.
[[noreturn]] void refuse(int status, const std::string& code, const std::string& message, const std::string& field = {}) {
  throw monitor::ValidationError(status, code, message, field);
}

void send(httplib::Response& res, const json& body) {
  res.status = 200;
  res.set_content(body.dump(), "application/json");
}

std::optional<int64_t> time_param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  auto t = monitor::parse_time_ms(req.get_param_value(name));
  if (!t) refuse(400, "bad_parameter", std::string(name) + " must be an ISO 8601 time with offset", name);
  return t;
}

int64_t whole_param(const httplib::Request& req, const char* name, int64_t lo, int64_t hi) {
  const std::string s = req.get_param_value(name);
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi)
    refuse(400, "bad_parameter", std::string(name) + " is a whole number from " + std::to_string(lo) + " to " + std::to_string(hi), name);
  return v;
}

// An observation record as GET /v1/observations gives it.
json observation_json(const store::Record& r) {
  json j{{"id", r.id}, {"seq", r.seq}, {"kind", r.kind}, {"submitter", r.submitter},
         {"received", monitor::format_time_ms(r.received_ms)}, {"hash", r.hash}, {"prev_hash", r.prev_hash}};
  if (!r.target_id.empty()) j["target_id"] = r.target_id;
  for (const auto& [k, v] : r.body.items()) j[k] = v;
  return j;
}

}  // namespace

void Api::list_incidents(const httplib::Request& req, httplib::Response& res) {
  const Caller who = authenticate(req, {"contingent", "analyst", "admin"});
  IncidentFilter f;
  f.since_ms = time_param(req, "since");
  f.until_ms = time_param(req, "until");
  f.zone = req.get_param_value("zone");
  f.event = req.get_param_value("event");
  f.responsible = req.get_param_value("responsible");
  if (req.has_param("limit")) f.limit = static_cast<int>(whole_param(req, "limit", 1, opt_.max_page));
  if (req.has_param("cursor")) f.after = whole_param(req, "cursor", 0, INT64_MAX);
  if (who.role == "contingent") {
    // A contingent sees its own incidents only; asking for another's finds none.
    if (!f.responsible.empty() && f.responsible != who.contingent) f.responsible = "\n";
    else f.responsible = who.contingent;
  }
  int64_t next = 0;
  const auto list = incidents_->list(f, &next);
  json out{{"incidents", list}, {"next_cursor", nullptr}};
  if (next) out["next_cursor"] = std::to_string(next);
  send(res, out);
}

void Api::get_incident(const httplib::Request& req, httplib::Response& res) {
  const Caller who = authenticate(req, {"contingent", "analyst", "admin"});
  const std::string id = req.matches[1];
  auto inc = incidents_->get(id);
  if (!inc) refuse(404, "not_found", "no incident " + id, "id");
  if (who.role == "contingent" && inc->value("responsible", "") != who.contingent)
    refuse(403, "forbidden", "incident " + id + " is not your contingent's", "id");
  json observations = json::array();
  for (const auto& oid : (*inc)["observation_ids"])
    if (auto rec = store_.get(oid.get<std::string>()); rec && rec->kind == "observation") observations.push_back(observation_json(*rec));
  json out = *inc;
  out["revisions"] = incidents_->revisions(id);
  out["observations"] = observations;
  send(res, out);
}

void Api::incident_stream(const httplib::Request& req, httplib::Response& res) {
  const Caller who = authenticate(req, {"contingent", "analyst", "admin"});
  SseHub& hub = incidents_->incident_events();
  hub.stream(res, hub.subscribe(who.role != "contingent", who.contingent));
}

void Api::alert_stream(const httplib::Request& req, httplib::Response& res) {
  const Caller who = authenticate(req, {"contingent", "analyst", "admin"});
  SseHub& hub = incidents_->alert_events();
  hub.stream(res, hub.subscribe(who.role != "contingent", who.contingent));
}

}  // namespace truceline::server

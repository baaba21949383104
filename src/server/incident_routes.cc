// The incident and alert endpoints of the HTTP API (docs/api.md, Incidents and alerts), served
// from the IncidentEngine: GET /v1/incidents, GET /v1/incidents/{id}, and the Server-Sent Events
// streams /v1/incidents/stream and /v1/alerts/stream.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>

#include "monitor/observation.h"
#include "alert/outbox.h"
#include "server/api.h"
#include "server/cot_view.h"
#include "server/incident_engine.h"

namespace truceline::server {
namespace {

using nlohmann::json;

// Refusals go out through mount()'s handler, which answers a ValidationError with its status,
// code and field.
[[noreturn]] void refuse(int status, const std::string& code, const std::string& message, const std::string& field = {}) {
  throw monitor::ValidationError(status, code, message, field);
}

void send(http::Response& res, const json& body) {
  res.status = 200;
  res.set_content(body.dump(), "application/json");
}

std::optional<int64_t> time_param(const http::Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  auto t = monitor::parse_time_ms(req.get_param_value(name));
  if (!t) refuse(400, "bad_parameter", std::string(name) + " must be an ISO 8601 time with offset", name);
  return t;
}

int64_t whole_param(const http::Request& req, const char* name, int64_t lo, int64_t hi) {
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

// A contingent narrowed to its own contingent's; asking for another's finds none.
void narrow_to(std::string& field, const std::string& contingent) {
  field = !field.empty() && field != contingent ? "\n" : contingent;
}

}  // namespace

// Contingents read their own incidents and alerts; analysts and admins all.
void Api::scope(const Caller& who, IncidentFilter& f) {
  if (who.role == "contingent") narrow_to(f.responsible, who.contingent);
}

void Api::scope(const Caller& who, alert::AlertQuery& q) {
  if (who.role == "contingent") narrow_to(q.contingent, who.contingent);
}

void Api::list_incidents(const http::Request& req, http::Response& res) {
  const Caller who = authenticate(req, {"contingent", "analyst", "admin"});
  IncidentFilter f;
  f.since_ms = time_param(req, "since");
  f.until_ms = time_param(req, "until");
  f.zone = req.get_param_value("zone");
  f.event = req.get_param_value("event");
  f.responsible = req.get_param_value("responsible");
  if (req.has_param("limit")) f.limit = static_cast<int>(whole_param(req, "limit", 1, opt_.max_page));
  if (req.has_param("cursor")) f.after = whole_param(req, "cursor", 0, INT64_MAX);
  scope(who, f);
  int64_t next = 0;
  const auto list = incidents_->list(f, &next);
  json out{{"incidents", list}, {"next_cursor", nullptr}};
  if (next) out["next_cursor"] = std::to_string(next);
  send(res, out);
}

void Api::get_incident(const http::Request& req, http::Response& res) {
  const Caller who = authenticate(req, {"contingent", "analyst", "admin"});
  const std::string id = req.matches[1];
  auto inc = incidents_->get(id);
  if (!inc) refuse(404, "not_found", "no incident " + id, "id");
  if (!may_read_incident(who, *inc))
    refuse(403, "forbidden", "incident " + id + " is not your contingent's", "id");
  json observations = json::array();
  for (const auto& oid : (*inc)["observation_ids"])
    if (auto rec = store_.get(oid.get<std::string>()); rec && rec->kind == "observation") observations.push_back(observation_json(*rec));
  json out = *inc;
  out["revisions"] = incidents_->revisions(id);
  out["observations"] = observations;
  send(res, out);
}

// The event a reader last had: EventSource sends it as Last-Event-ID when it reconnects; a tool
// that cannot set headers may pass ?last_event_id=. 0: none (a fresh reader).
int64_t Api::last_event_id(const http::Request& req) {
  std::string s = req.get_header_value("Last-Event-ID");
  const char* field = "Last-Event-ID";
  if (s.empty() && req.has_param("last_event_id")) s = req.get_param_value("last_event_id"), field = "last_event_id";
  if (s.empty()) return 0;
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0)
    refuse(400, "bad_parameter", std::string(field) + " is the id of an event of this stream, a whole number", field);
  return v;
}

// The incident revisions recorded after `last` that `who` may see, as their stream events; more
// than max_replay give one "reset" event instead, telling the reader to reload the list.
std::vector<http::Event> Api::missed_incidents(const Caller& who, int64_t last) {
  store::Query q;
  q.kind = "incident";
  q.after_seq = last;
  q.limit = static_cast<int>(opt_.max_replay) + 1;
  const std::vector<store::Record> recs = store_.query(q);
  std::vector<http::Event> out;
  if (recs.size() > opt_.max_replay) {
    const int64_t head = store_.head().count;
    const json why{{"reason", "more than " + std::to_string(opt_.max_replay) + " revisions were missed; reload the list"},
                   {"through", head}};
    out.push_back({head, http::format_event(head, "reset", why.dump())});
    return out;
  }
  for (const store::Record& r : recs)
    if (may_read_incident(who, r.body))
      out.push_back({r.seq, http::format_event(r.seq, "incident", r.body.dump(-1, ' ', false, json::error_handler_t::replace))});
  return out;
}

void Api::incident_stream(const http::Request& req, http::Response& res) {
  const Caller who = authenticate(req, {"contingent", "analyst", "admin"});
  const int64_t last = last_event_id(req);
  // Subscribed before the store is read, holding live events meanwhile: a revision recorded
  // between the two is in one or the other, and one in both is sent once.
  res.stream = incidents_->incident_events().subscribe(reads_every_incident(who), who.contingent, last > 0);
  if (last > 0) res.stream->release(missed_incidents(who, last));
}

void Api::list_alerts(const http::Request& req, http::Response& res) {
  const Caller who = authenticate(req, {"contingent", "analyst", "admin"});
  alert::AlertQuery q;
  q.since_ms = time_param(req, "since");
  q.contingent = req.get_param_value("contingent");
  q.status = req.get_param_value("status");
  static const char* statuses[] = {"", "pending", "delivered", "dead", "none"};
  if (std::none_of(std::begin(statuses), std::end(statuses), [&](const char* st) { return q.status == st; }))
    refuse(400, "bad_parameter", "status is pending, delivered, dead or none", "status");
  if (req.has_param("limit")) q.limit = static_cast<int>(whole_param(req, "limit", 1, alert::kMaxAlertPage));
  if (req.has_param("cursor")) q.after = whole_param(req, "cursor", 0, INT64_MAX);
  scope(who, q);
  send(res, alert::list_alerts(store_, q));
}

// The alerts raised after `last` (an alert's number) that `who` may see, as stream events; more
// than max_replay give one "reset" event, as for incidents.
std::vector<http::Event> Api::missed_alerts(const Caller& who, int64_t last) {
  const std::string contingent = who.role == "contingent" ? who.contingent : "";
  const auto alerts = alert::alerts_after(store_, last, contingent, static_cast<int>(opt_.max_replay) + 1);
  std::vector<http::Event> out;
  if (alerts.size() > opt_.max_replay) {
    const json why{{"reason", "more than " + std::to_string(opt_.max_replay) + " alerts were missed; reload the list"}};
    out.push_back({0, http::format_event(0, "reset", why.dump())});
    return out;
  }
  for (const json& a : alerts) {
    const int64_t n = alert::alert_number(a.value("id", ""));
    out.push_back({n, http::format_event(n, "alert", a.dump(-1, ' ', false, json::error_handler_t::replace))});
  }
  return out;
}

void Api::alert_stream(const http::Request& req, http::Response& res) {
  const Caller who = authenticate(req, {"contingent", "analyst", "admin"});
  const int64_t last = last_event_id(req);
  res.stream = incidents_->alert_events().subscribe(who.role != "contingent", who.contingent, last > 0);
  if (last > 0) res.stream->release(missed_alerts(who, last));
}

// The CoT feed's events as one document (docs/cot.md): the plan's shapes for any token, and the
// incidents its role may read whose last report is at or after `since` (DEFAULT: the last 24 h).
void Api::get_cot(const http::Request& req, http::Response& res) {
  const Caller who = authenticate(req, {"observer", "contingent", "analyst", "admin"});
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  const int64_t since = time_param(req, "since").value_or(now - 24 * 3600'000LL);
  std::vector<std::string> events = cot_->shape_events();
  bool more = false;
  for (std::string& e : cot_->incidents(who, since, now, 10'000, &more)) events.push_back(std::move(e));
  // A document cut at 10,000 incidents says so; ask again with a later since.
  if (more) res.set_header("X-Truceline-Truncated", "true");
  res.status = 200;
  res.set_content(formats::events_document(events), "application/xml");
}

}  // namespace truceline::server

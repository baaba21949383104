// Strict parsing of one observation, and its JSON form. The rules and error codes are those of
// docs/observations.md; every rejection names the field so a submitter can fix it in one go.
#include "monitor/observation.h"

#include <algorithm>
#include <cmath>

#include "geo/errors.h"
#include "geo/mgrs.h"
#include "io/json_text.h"
#include "monitor/vocabulary.h"

namespace truceline::monitor {

using nlohmann::json;

namespace {

constexpr int kInvalid = 422;
constexpr size_t kMaxId = 200;       // observer_id, source_ref, weapon
constexpr size_t kMaxNotes = 4000;
constexpr size_t kMaxShort = 64;     // time, observer_mgrs
constexpr int64_t kFutureSlackMs = 10 * 60'000;  // clocks in the field drift; ten minutes is generous
constexpr int kMaxCount = 100'000;   // OSCE daily reports ran to a few thousand; more is a typo
constexpr double kMaxRangeKm = 1000; // beyond any heard or seen range; keeps the geodesic sane

const std::vector<std::string> kFields = {
    "time", "observer_id", "observer_kind", "observer_lat", "observer_lon", "observer_mgrs", "mode",
    "event", "explosion_type", "count", "bearing_deg", "direction", "range_min_km", "range_max_km",
    "lat", "lon", "weapon", "weapon_class", "notes", "source_ref", "acled", "restriction_type", "imposed_by",
    "duration_min", "site_id", "site_status", "weapons", "casualties", "damage"};
const std::vector<std::string> kAcledFields = {
    "event_type", "sub_event_type", "disorder_type", "time_precision", "geo_precision", "actor1", "actor2",
    "country", "admin1", "admin2", "location", "source", "fatalities"};
constexpr size_t kMaxAcledText = 1000;  // ACLED's source lists run to a few hundred characters
const std::vector<std::string> kCasualtyFields = {"killed", "injured", "civilian", "corroborated"};
constexpr int kMaxDurationMin = 7 * 24 * 60;  // a week: a restriction longer than that is a closure
using namespace vocab;

[[noreturn]] void fail(const std::string& code, const std::string& field, const std::string& message) {
  throw ValidationError(kInvalid, code, message, field);
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

using vocab::contains, vocab::joined;

// All unknown fields at once: a submitter with two typos should not need two round trips.
void reject_unknown_fields(const json& obj) {
  std::vector<std::string> unknown;
  for (const auto& [key, _] : obj.items())
    if (!contains(kFields, key)) unknown.push_back(key);
  if (unknown.empty()) return;
  fail("unknown_field", unknown.front(),
       std::string(unknown.size() == 1 ? "unknown field: " : "unknown fields: ") + joined(unknown) +
           " (allowed: " + joined(kFields) + ")");
}

// A field's value, or nullptr when it is absent or null (null means "not given").
const json* value(const json& obj, const std::string& key) {
  const auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

std::string trimmed(const std::string& s) {
  const char* ws = " \t\r\n\f\v";
  const size_t b = s.find_first_not_of(ws);
  return b == std::string::npos ? std::string() : s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// Length in characters (UTF-8 code points), which is what a person writing Cyrillic counts.
size_t chars(const std::string& s) {
  return std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

// A trimmed string, "" when absent, null or blank.
std::string text(const json& obj, const std::string& key, size_t max_chars) {
  const json* v = value(obj, key);
  if (!v) return {};
  if (!v->is_string()) fail("bad_type", key, key + " must be a string, not " + v->type_name());
  std::string s = trimmed(v->get<std::string>());
  if (chars(s) > max_chars)
    fail("too_long", key, key + " has " + std::to_string(chars(s)) + " characters; at most " + std::to_string(max_chars));
  return s;
}

std::string required_text(const json& obj, const std::string& key, size_t max_chars) {
  std::string s = text(obj, key, max_chars);
  if (s.empty()) fail("missing_field", key, key + " is required");
  return s;
}

// One of `allowed`, or "" when absent and not required.
std::string choice(const json& obj, const std::string& key, Words allowed, bool required) {
  std::string s = required ? required_text(obj, key, kMaxShort) : text(obj, key, kMaxShort);
  if (!s.empty() && !contains(allowed, s))
    fail("bad_value", key, key + " '" + s + "' is not one of: " + joined(allowed));
  return s;
}

std::string bound(double x) {
  std::string s = std::to_string(x);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

// A finite number in [lo, hi] (or [lo, hi) when hi_open), nullopt when absent.
std::optional<double> number(const json& obj, const std::string& key, double lo, double hi, bool hi_open = false) {
  const json* v = value(obj, key);
  if (!v) return std::nullopt;
  if (!v->is_number()) fail("bad_type", key, key + " must be a number, not " + v->type_name());
  const double x = v->get<double>();
  if (!std::isfinite(x)) fail("bad_value", key, key + " must be a finite number");
  if (x < lo || x > hi || (hi_open && x == hi))
    fail("out_of_range", key, key + " = " + bound(x) + " is outside [" + bound(lo) + ", " + bound(hi) + (hi_open ? ")" : "]"));
  return x;
}

// Both of a pair or neither: half a coordinate is no position.
void both_or_neither(const json& obj, const std::string& a, const std::string& b) {
  const bool has_a = value(obj, a) != nullptr, has_b = value(obj, b) != nullptr;
  if (has_a != has_b) fail("missing_field", has_a ? b : a, (has_a ? a : b) + " is given without " + (has_a ? b : a));
}

int64_t read_time(const json& obj, int64_t now_ms) {
  const std::string s = required_text(obj, "time", kMaxShort);
  const auto t = parse_time_ms(s);
  if (!t)
    fail("bad_value", "time",
         "time '" + s + "' is not ISO 8601 with an offset, such as 2025-04-12T06:30:00+03:00 or 2025-04-12T03:30:00Z");
  if (*t > now_ms + kFutureSlackMs)
    fail("time_in_future", "time", "time " + s + " is more than ten minutes after the server's clock (" + format_time_ms(now_ms) + ")");
  return *t;
}

// observer_lat/observer_lon or observer_mgrs; not both, so that two disagreeing positions never pass.
void read_observer(const json& obj, Observation& o) {
  both_or_neither(obj, "observer_lat", "observer_lon");
  o.observer_lat = number(obj, "observer_lat", -90, 90);
  o.observer_lon = number(obj, "observer_lon", -180, 180);
  o.observer_mgrs = text(obj, "observer_mgrs", kMaxShort);
  if (o.observer_mgrs.empty()) return;
  if (o.observer_lat) fail("conflict", "observer_mgrs", "give observer_mgrs or observer_lat/observer_lon, not both");
  try {
    const geo::LonLat p = geo::mgrs_to_lonlat(o.observer_mgrs);
    o.observer_lat = p.lat, o.observer_lon = p.lon;
  } catch (const InputError& e) {
    fail("bad_value", "observer_mgrs", e.what());
  }
}

int read_count(const json& obj) {
  const auto n = number(obj, "count", 1, kMaxCount);
  if (!n) return 1;
  if (*n != std::floor(*n)) fail("bad_value", "count", "count must be a whole number, not " + bound(*n));
  return static_cast<int>(*n);
}

// bearing_deg, direction, or both when they agree (the bearing lies in the direction's 22.5° sector).
void read_direction(const json& obj, Observation& o) {
  o.bearing_deg = number(obj, "bearing_deg", 0, 360, true);
  o.direction = choice(obj, "direction", kDirections, false);
  if (o.direction.empty()) return;
  const double dir_deg = direction_deg(o.direction);
  if (!o.bearing_deg) {
    o.bearing_deg = dir_deg;
    return;
  }
  const double diff = std::fabs(std::remainder(*o.bearing_deg - dir_deg, 360.0));
  if (diff > 11.25)
    fail("conflict", "direction", "direction " + o.direction + " (" + bound(dir_deg) + "°) disagrees with bearing_deg " + bound(*o.bearing_deg));
}

void read_range(const json& obj, Observation& o) {
  both_or_neither(obj, "range_min_km", "range_max_km");
  o.range_min_km = number(obj, "range_min_km", 0, kMaxRangeKm);
  o.range_max_km = number(obj, "range_max_km", 0, kMaxRangeKm);
  if (o.range_min_km && *o.range_min_km > *o.range_max_km)
    fail("conflict", "range_min_km", "range_min_km " + bound(*o.range_min_km) + " is more than range_max_km " + bound(*o.range_max_km));
}

void read_event_position(const json& obj, Observation& o) {
  both_or_neither(obj, "lat", "lon");
  o.lat = number(obj, "lat", -90, 90);
  o.lon = number(obj, "lon", -180, 180);
  if (!o.lat && !o.observer_lat)
    fail("missing_field", "observer_lat",
         "an observation needs the observer's position (observer_lat/observer_lon or observer_mgrs) or the event's (lat/lon)");
}

// A whole number in [lo, hi], `fallback` when absent.
int whole(const json& obj, const std::string& key, int lo, int hi, int fallback) {
  const auto n = number(obj, key, lo, hi);
  if (!n) return fallback;
  if (*n != std::floor(*n)) fail("bad_value", key, key + " must be a whole number, not " + bound(*n));
  return static_cast<int>(*n);
}

// Fields that belong to one event only are refused on another: a restriction_type on an
// explosion report is a mistake, not information.
void only_for(const json& obj, const std::string& event, const std::string& wanted, std::initializer_list<const char*> keys) {
  if (event == wanted) return;
  for (const char* k : keys)
    if (value(obj, k)) fail("conflict", k, std::string(k) + " is for event '" + wanted + "' only, not '" + event + "'");
}

void read_restriction(const json& obj, Observation& o) {
  only_for(obj, o.event, "restriction", {"restriction_type", "imposed_by", "duration_min"});
  if (o.event != "restriction") return;
  o.restriction_type = choice(obj, "restriction_type", kRestrictionTypes, true);
  o.imposed_by = text(obj, "imposed_by", kMaxShort);
  if (value(obj, "duration_min")) o.duration_min = whole(obj, "duration_min", 0, kMaxDurationMin, 0);
}

// {"artillery_ge_100": 4, …}: whole counts by weapon class.
std::map<std::string, int> read_weapons(const json& obj) {
  const json* v = value(obj, "weapons");
  if (!v) return {};
  if (!v->is_object()) fail("bad_type", "weapons", std::string("weapons must be an object of counts by weapon_class, not ") + v->type_name());
  std::map<std::string, int> out;
  for (const auto& [cls, _] : v->items()) {
    if (!contains(kWeaponClasses, cls))
      fail("bad_value", "weapons." + cls, "weapons." + cls + ": '" + cls + "' is not one of: " + joined(kWeaponClasses));
    try {
      out[cls] = whole(*v, cls, 0, kMaxCount, 0);
    } catch (const ValidationError& e) {
      throw ValidationError(e.status(), e.code(), "weapons." + std::string(e.what()), "weapons." + e.field());
    }
  }
  return out;
}

void read_weapons_site(const json& obj, Observation& o) {
  only_for(obj, o.event, "weapons_site", {"site_id", "site_status", "weapons"});
  if (o.event != "weapons_site") return;
  o.site_id = required_text(obj, "site_id", kMaxId);
  o.site_status = choice(obj, "site_status", kSiteStatuses, true);
  o.weapons = read_weapons(obj);
}

bool flag(const json& obj, const std::string& key, bool fallback) {
  const json* v = value(obj, key);
  if (!v) return fallback;
  if (!v->is_boolean()) fail("bad_type", key, key + " must be true or false, not " + v->type_name());
  return v->get<bool>();
}

std::optional<Casualties> read_casualties(const json& obj, const std::string& event) {
  const json* v = value(obj, "casualties");
  if (!v) {
    if (event == "casualty") fail("missing_field", "casualties", "a casualty report needs casualties: {\"killed\": …, \"injured\": …}");
    return std::nullopt;
  }
  if (!v->is_object()) fail("bad_type", "casualties", std::string("casualties must be an object, not ") + v->type_name());
  try {
    for (const auto& [key, _] : v->items())
      if (!contains(kCasualtyFields, key)) fail("unknown_field", key, "unknown field: " + key + " (allowed: " + joined(kCasualtyFields) + ")");
    Casualties c;
    c.killed = whole(*v, "killed", 0, kMaxCount, 0);
    c.injured = whole(*v, "injured", 0, kMaxCount, 0);
    c.civilian = flag(*v, "civilian", true);
    c.corroborated = flag(*v, "corroborated", false);
    if (c.killed + c.injured == 0) fail("bad_value", "killed", "killed and injured are both 0; leave casualties out when there are none");
    return c;
  } catch (const ValidationError& e) {
    throw ValidationError(e.status(), e.code(), "casualties." + std::string(e.what()), "casualties." + e.field());
  }
}

std::vector<std::string> read_damage(const json& obj, const std::string& event) {
  const json* v = value(obj, "damage");
  if (!v) {
    if (event == "damage") fail("missing_field", "damage", "a damage report needs damage: a list such as [\"residential\", \"power\"]");
    return {};
  }
  if (!v->is_array() || v->empty()) fail("bad_type", "damage", "damage must be a non-empty list of: " + joined(kDamageTypes));
  std::vector<std::string> out;
  for (const json& d : *v) {
    const std::string t = d.is_string() ? d.get<std::string>() : std::string();
    if (!contains(kDamageTypes, t)) fail("bad_value", "damage", "damage '" + (d.is_string() ? t : d.dump()) + "' is not one of: " + joined(kDamageTypes));
    if (!contains(out, t)) out.push_back(t);
  }
  return out;
}

// The `acled` object: ACLED's coding of an imported event. Errors name the field as acled.<key>.
std::optional<AcledInfo> read_acled(const json& obj) {
  const json* v = value(obj, "acled");
  if (!v) return std::nullopt;
  if (!v->is_object()) fail("bad_type", "acled", std::string("acled must be an object, not ") + v->type_name());
  try {
    for (const auto& [key, _] : v->items())
      if (!contains(kAcledFields, key)) fail("unknown_field", key, "unknown field: " + key + " (allowed: " + joined(kAcledFields) + ")");
    AcledInfo a;
    a.event_type = required_text(*v, "event_type", kMaxShort);
    a.sub_event_type = text(*v, "sub_event_type", kMaxShort);
    a.disorder_type = text(*v, "disorder_type", kMaxShort);
    a.time_precision = whole(*v, "time_precision", 1, 3, 1);
    a.geo_precision = whole(*v, "geo_precision", 1, 3, 1);
    a.actor1 = text(*v, "actor1", kMaxAcledText), a.actor2 = text(*v, "actor2", kMaxAcledText);
    a.country = text(*v, "country", kMaxId), a.admin1 = text(*v, "admin1", kMaxId);
    a.admin2 = text(*v, "admin2", kMaxId), a.location = text(*v, "location", kMaxId);
    a.source = text(*v, "source", kMaxAcledText);
    a.fatalities = whole(*v, "fatalities", 0, kMaxCount, 0);
    return a;
  } catch (const ValidationError& e) {
    throw ValidationError(e.status(), e.code(), "acled." + std::string(e.what()), "acled." + e.field());
  }
}

json acled_json(const AcledInfo& a) {
  json j = {{"event_type", a.event_type}, {"time_precision", a.time_precision}, {"geo_precision", a.geo_precision},
            {"fatalities", a.fatalities}};
  for (const auto& [key, s] : {std::pair<const char*, const std::string*>{"sub_event_type", &a.sub_event_type},
                               {"disorder_type", &a.disorder_type}, {"actor1", &a.actor1}, {"actor2", &a.actor2},
                               {"country", &a.country}, {"admin1", &a.admin1}, {"admin2", &a.admin2},
                               {"location", &a.location}, {"source", &a.source}})
    if (!s->empty()) j[key] = *s;
  return j;
}

}  // namespace

Observation parse_observation(const json& obj, int64_t now_ms) {
  if (!obj.is_object())
    throw ValidationError(400, "not_an_object", std::string("an observation must be a JSON object, not ") + obj.type_name());
  reject_unknown_fields(obj);
  Observation o;
  o.time_ms = read_time(obj, now_ms);
  o.observer_id = required_text(obj, "observer_id", kMaxId);
  o.observer_kind = choice(obj, "observer_kind", kObserverKinds, true);
  read_observer(obj, o);
  o.mode = choice(obj, "mode", kModes, true);
  o.event = choice(obj, "event", kEvents, true);
  o.explosion_type = choice(obj, "explosion_type", kExplosionTypes, false);
  if (!o.explosion_type.empty() && o.event != "explosion")
    fail("conflict", "explosion_type", "explosion_type is for event 'explosion' only, not '" + o.event + "'");
  o.count = read_count(obj);
  read_direction(obj, o);
  read_range(obj, o);
  read_event_position(obj, o);
  o.weapon = text(obj, "weapon", kMaxId);
  o.weapon_class = choice(obj, "weapon_class", kWeaponClasses, false);
  o.notes = text(obj, "notes", kMaxNotes);
  o.source_ref = text(obj, "source_ref", kMaxId);
  o.acled = read_acled(obj);
  read_kind_fields(obj, o);
  return o;
}

void read_kind_fields(const json& obj, Observation& o) {
  read_restriction(obj, o);
  read_weapons_site(obj, o);
  o.casualties = read_casualties(obj, o.event);
  o.damage = read_damage(obj, o.event);
}

void check_with_plan(const Observation& o, const plan::Plan& plan) {
  if (o.imposed_by.empty() || plan.party(o.imposed_by)) return;
  std::vector<std::string> ids;
  for (const plan::Party& p : plan.parties) ids.push_back(p.id);
  fail("unknown_party", "imposed_by", "imposed_by '" + o.imposed_by + "' is not a party of the plan (" + joined(ids) + ")");
}

namespace {

// Every member of an observation's JSON form, handed to `out` (to_json builds a json object from
// them, append_json writes text): one list, so the two forms cannot drift apart.
template <class Out>
void each_member(const Observation& o, Out& out) {
  out.text("time", format_time_ms(o.time_ms));
  out.integer("time_ms", o.time_ms);
  out.text("observer_id", o.observer_id);
  out.text("observer_kind", o.observer_kind);
  out.text("mode", o.mode);
  out.text("event", o.event);
  out.integer("count", o.count);
  const auto put = [&out](const char* key, const std::optional<double>& v) {
    if (v) out.number(key, *v);
  };
  const auto put_text = [&out](const char* key, const std::string& s) {
    if (!s.empty()) out.text(key, s);
  };
  put("observer_lat", o.observer_lat), put("observer_lon", o.observer_lon);
  put("bearing_deg", o.bearing_deg);
  put("range_min_km", o.range_min_km), put("range_max_km", o.range_max_km);
  put("lat", o.lat), put("lon", o.lon);
  put_text("observer_mgrs", o.observer_mgrs), put_text("explosion_type", o.explosion_type);
  put_text("direction", o.direction), put_text("weapon", o.weapon), put_text("weapon_class", o.weapon_class);
  put_text("notes", o.notes), put_text("source_ref", o.source_ref);
  if (o.acled) out.nested("acled", acled_json(*o.acled));
  put_text("restriction_type", o.restriction_type), put_text("imposed_by", o.imposed_by);
  if (o.duration_min) out.integer("duration_min", *o.duration_min);
  put_text("site_id", o.site_id), put_text("site_status", o.site_status);
  if (!o.weapons.empty()) out.nested("weapons", json(o.weapons));
  if (o.casualties)
    out.nested("casualties", json{{"killed", o.casualties->killed}, {"injured", o.casualties->injured},
                                  {"civilian", o.casualties->civilian}, {"corroborated", o.casualties->corroborated}});
  if (!o.damage.empty()) out.nested("damage", json(o.damage));
}

}  // namespace

json to_json(const Observation& o) {
  io::JsonTreeMembers out;
  each_member(o, out);
  return std::move(out.j);
}

void append_json(std::string& out, const Observation& o) {
  io::JsonObjectText members;
  each_member(o, members);
  members.finish(out);
}

}  // namespace truceline::monitor

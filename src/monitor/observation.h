#pragma once
// The observation model (docs/observations.md): what a patrol, camera, drone, sensor or open
// source reports, modelled on how the OSCE's monitors recorded ceasefire violations in Donbas —
// heard or seen, from where, in which direction and range band, what kind of event and weapon.
//
// Parsing is strict: unknown fields, wrong types, values out of range and times more than ten
// minutes in the future are errors naming the field, so that a party's record cannot be padded
// with data nobody validated.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "index/locator.h"
#include "plan/zone_map.h"

namespace truceline::monitor {

// A rejected observation: HTTP-style status (400 malformed, 422 invalid), a code, the field.
class ValidationError : public std::runtime_error {
 public:
  ValidationError(int status, std::string code, const std::string& message, std::string field = {})
      : std::runtime_error(message), status_(status), code_(std::move(code)), field_(std::move(field)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& field() const { return field_; }

 private:
  int status_;
  std::string code_, field_;
};

// What an ACLED export said of an event imported from it (docs/formats.md), kept beside the
// mapped event so that nothing of the original coding is lost and an export can give it back.
struct AcledInfo {
  std::string event_type, sub_event_type, disorder_type;  // ACLED's own categories, as given
  int time_precision = 1;  // 1 the day is known, 2 the week, 3 the month
  int geo_precision = 1;   // 1 the place, 2 near it or part of a region, 3 a larger region
  std::string actor1, actor2, country, admin1, admin2, location, source;
  int fatalities = 0;
};

// Casualties a report gives (the SMM's daily reports had a section of their own for them).
struct Casualties {
  int killed = 0, injured = 0;
  bool civilian = true;       // DEFAULT: true; false for combatants
  bool corroborated = false;  // DEFAULT: false; true once confirmed (a hospital, a morgue, a visit)
};

struct Observation {
  int64_t time_ms = 0;        // event time, UTC milliseconds since 1970
  std::string observer_id;
  std::string observer_kind;  // patrol, camera, uav, sensor, satellite, osint
  std::optional<double> observer_lat, observer_lon;  // from observer_lat/lon or observer_mgrs
  std::string observer_mgrs;  // as given, when given
  std::string mode;           // heard, saw, recorded
  std::string event;          // explosion, projectile, muzzle_flash, illumination_flare, burst, shot,
                              // heavy_weapon, armour, troops, aircraft, uav, restriction,
                              // weapons_site, casualty, damage, other
  std::string explosion_type; // impact, airburst, outgoing, undetermined (explosions only)
  int count = 1;
  std::optional<double> bearing_deg;  // true north; from `direction` when that was given instead
  std::string direction;              // N, NNE, … as given
  std::optional<double> range_min_km, range_max_km;
  std::optional<double> lat, lon;     // the event's own position, when known
  std::string weapon, weapon_class;   // weapon_class: small_arms, mortar_lt_100, artillery_ge_100,
                                      // mlrs, mlrs_heavy, tank, missile, air_defence, other
  std::string notes, source_ref;
  std::optional<AcledInfo> acled;     // only for observations imported from ACLED
  // event restriction (of the monitors' freedom of movement): denied_passage, delayed,
  // mines_or_uxo, armed_threat, uav_jammed, uav_fired_upon, other; the party that imposed it (an
  // id of the plan's parties, checked where the plan is known); how long it held them.
  std::string restriction_type, imposed_by;
  std::optional<int> duration_min;
  // event weapons_site (a check of a holding area or storage site): its id, all_present,
  // weapons_missing, site_abandoned or access_denied, and the weapons counted, by weapon_class.
  std::string site_id, site_status;
  std::map<std::string, int> weapons;
  // Any event: casualties and damage to civilian objects (residential, school, medical, water,
  // power, gas, road, bridge, other) it caused; events casualty and damage report them alone.
  std::optional<Casualties> casualties;
  std::vector<std::string> damage;
};

// Where the event probably was, and what the plan says of that place.
struct Placement {
  std::string method;                 // given, bearing_range, observer, none
  std::optional<double> lat, lon;     // estimated event position
  std::optional<double> err_m;        // 1σ radius of its uncertainty, metres
  int zone = -1;                      // index into ZoneMap::zones; -1 outside or unknown
  std::string zone_id, zone_kind, responsible;
  std::optional<double> dist_loc_km;  // geodesic distance to the line of contact
  std::optional<double> outside_by_m;  // set when the position lies just beyond the land border (plan::Snapped)
};

// Parses one JSON object. `now_ms` is the server's clock, for the ten-minute rule. Throws
// ValidationError: 400 "not_an_object" when `obj` is not a JSON object; 422 with a code and the
// field for everything else (docs/observations.md lists the codes).
Observation parse_observation(const nlohmann::json& obj, int64_t now_ms);

// The fields of the other kinds — restriction, weapons site, casualties, damage — read from `obj`
// into `o`, whose event is set: parse_observation's own rules, for readers of other forms (the
// observations CSV) that hand those fields over as JSON. Throws ValidationError as it does.
void read_kind_fields(const nlohmann::json& obj, Observation& o);

// What only the plan can check: `imposed_by` names one of its parties. Throws ValidationError 422
// "unknown_party" naming the field.
void check_with_plan(const Observation& obs, const plan::Plan& plan);

// The uncertainties assumed where an observation states none (docs/observations.md): of one
// report's placement and of the correlator's input alike (monitor/sighting.h).
struct PlaceOptions {
  // 1σ error of a position given in the observation itself (read off a map, geolocated from
  // footage). DEFAULT: 50 m; zero would claim a precision no field report has. An ACLED event's
  // follows its geo_precision instead (monitor/uncertainty.h).
  double given_err_m = 50;
  // 1σ error of a bearing taken by eye, compass or camera. DEFAULT: 3°, or the plan's [monitoring].
  double bearing_sigma_saw_deg = 3;
  // 1σ error of a bearing taken by ear; sound reflects off buildings and slopes. DEFAULT: 10°, or
  // the plan's [monitoring]; also for a bearing of unknown mode.
  double bearing_sigma_heard_deg = 10;
  // The plan's bearing σ, the rest by default.
  static PlaceOptions of(const plan::MonitoringDefaults& m) {
    PlaceOptions o;
    o.bearing_sigma_saw_deg = m.bearing_sigma_saw_deg, o.bearing_sigma_heard_deg = m.bearing_sigma_heard_deg;
    return o;
  }
};

// Estimates the event's position (given; else observer + bearing + middle of the range band,
// with the band and bearing uncertainty as error; else method "observer" with no event position
// when the observer gave no direction) and classifies it. Thread safety: as the Locator's.
Placement place(const Observation& obs, const index::Locator& locator, const plan::ZoneMap& map,
                const PlaceOptions& opt = {});

// JSON forms with a fixed key order (nlohmann objects sort keys), omitting absent optionals.
nlohmann::json to_json(const Observation& obs);
nlohmann::json to_json(const Placement& p);
// The same as text, appended to `out`: exactly what to_json(…).dump() gives, without the tree
// (the ingest path writes tens of thousands a second).
void append_json(std::string& out, const Observation& obs);
void append_json(std::string& out, const Placement& p);

// ISO 8601 with offset ("2025-04-12T06:30:00+03:00", "...Z", fractional seconds allowed) → UTC
// milliseconds; nullopt when malformed. And back, as "YYYY-MM-DDTHH:MM:SS.mmmZ".
std::optional<int64_t> parse_time_ms(const std::string& iso);
std::string format_time_ms(int64_t ms);

}  // namespace truceline::monitor

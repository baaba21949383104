// Observations from CSV, and back. The reader is the offline twin of parse_observation: the same
// enumerations (monitor/vocabulary.h), the same rules for the other kinds (read_kind_fields) and
// the same sighting (sighting_of), but errors name the file, line and column, since a CSV has no
// fields to point at otherwise. It is written for files of millions of rows: one reused field
// vector and observation, std::from_chars for numbers, and no per-row lookups by name.
#include "formats/observations_csv.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "geo/errors.h"
#include "io/csv.h"
#include "monitor/observation.h"
#include "monitor/uncertainty.h"
#include "monitor/vocabulary.h"

namespace truceline::formats {

using monitor::Observation;
using monitor::Sighting;

namespace {

// The columns, in the order observation_csv_row writes them.
enum Col {
  kId, kTime, kObserverId, kObserverLat, kObserverLon, kMode, kEvent, kExplosionType, kCount, kBearing,
  kDirection, kRangeMin, kRangeMax, kLat, kLon, kWeapon, kWeaponClass,
  // The other kinds' fields (docs/observations.md), empty on most rows.
  kRestrictionType, kImposedBy, kDurationMin, kSiteId, kSiteStatus, kWeapons, kKilled, kInjured, kCivilian,
  kCorroborated, kDamage, kColumns
};
constexpr std::array<std::string_view, kColumns> kNames = {
    "id", "time", "observer_id", "observer_lat", "observer_lon", "mode", "event", "explosion_type", "count",
    "bearing_deg", "direction", "range_min_km", "range_max_km", "lat", "lon", "weapon", "weapon_class",
    "restriction_type", "imposed_by", "duration_min", "site_id", "site_status", "weapons", "killed", "injured",
    "civilian", "corroborated", "damage"};
constexpr Col kFirstKindCol = kRestrictionType;

using monitor::vocab::joined;

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// One data row being read: where it is, for errors, and its cells by column.
class Row {
 public:
  Row(const std::string& name, const std::array<int, kColumns>& at) : name_(name), at_(at) {}
  void reset(const std::vector<std::string>* fields, long line) { fields_ = fields, line_ = line; }

  // The trimmed cell of column c, "" when the column is absent or the row is short.
  std::string_view cell(Col c) const {
    const int i = at_[c];
    if (i < 0 || i >= static_cast<int>(fields_->size())) return {};
    return trimmed((*fields_)[i]);
  }

  // `s` copied into a buffer kept between rows: parse_time_ms wants a std::string, and a fresh one
  // per row would cost an allocation (times are longer than the small-string buffer).
  const std::string& scratch(std::string_view s) const { return scratch_.assign(s); }

  [[noreturn]] void fail(Col c, const std::string& what, const std::string& fix) const {
    throw InputError(name_ + ":" + std::to_string(line_),
                     "column " + std::to_string(at_[c] + 1) + " (" + std::string(kNames[c]) + "): " + what, fix);
  }

  std::optional<double> number(Col c, double lo, double hi, bool hi_open = false) const {
    const std::string_view s = cell(c);
    if (s.empty()) return std::nullopt;
    double x = 0;
    const char* b = s.data() + (s.front() == '+' ? 1 : 0);
    const auto [end, ec] = std::from_chars(b, s.data() + s.size(), x);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(x))
      fail(c, "'" + std::string(s) + "' is not a number", "write a decimal number such as 48.25");
    if (x < lo || x > hi || (hi_open && x == hi))
      fail(c, std::string(s) + " is outside [" + fmt(lo) + ", " + fmt(hi) + (hi_open ? ")" : "]"),
           "check the value and its unit");
    return x;
  }

  // One of `allowed`, or "" when empty; an error names the choices.
  std::string choice(Col c, monitor::vocab::Words allowed) const {
    const std::string_view s = cell(c);
    if (s.empty()) return {};
    if (std::find(allowed.begin(), allowed.end(), s) == allowed.end())
      fail(c, "'" + std::string(s) + "' is not one of: " + joined(allowed), "use one of the listed values");
    return std::string(s);
  }

 private:
  static std::string fmt(double x) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, r.ptr);
  }

  const std::string& name_;
  const std::array<int, kColumns>& at_;
  const std::vector<std::string>* fields_ = nullptr;
  long line_ = 0;
  mutable std::string scratch_;
};

std::array<int, kColumns> read_header(const std::vector<std::string>& header, const std::string& name) {
  std::array<int, kColumns> at{};
  for (int c = 0; c < kColumns; ++c) at[c] = io::find_column(header, {kNames[c]});
  for (Col c : {kTime, kEvent})
    if (at[c] < 0)
      throw InputError(name + ":1", "the header has no '" + std::string(kNames[c]) + "' column",
                       "the first line must name the columns; time and event are required (" + joined(kNames) + ")");
  return at;
}

// Both of a pair or neither: half a coordinate is no position.
void read_point(const Row& r, Col lat_col, Col lon_col, std::optional<double>& lat, std::optional<double>& lon) {
  lat = r.number(lat_col, -90, 90);
  lon = r.number(lon_col, -180, 180);
  if (lat.has_value() != lon.has_value())
    r.fail(lat ? lon_col : lat_col, "is empty while " + std::string(kNames[lat ? lat_col : lon_col]) + " is given",
           "give both coordinates or neither");
}

// bearing_deg, else the direction's 16-point bearing; both must agree within half a sector.
std::optional<double> read_bearing(const Row& r) {
  const auto bearing = r.number(kBearing, 0, 360, true);
  const std::string dir = r.choice(kDirection, monitor::vocab::kDirections);
  if (dir.empty()) return bearing;
  const double dir_deg = monitor::vocab::direction_deg(dir);
  if (bearing && std::fabs(std::remainder(*bearing - dir_deg, 360.0)) > 11.25)
    r.fail(kDirection, dir + " disagrees with bearing_deg " + std::string(r.cell(kBearing)),
           "correct one of them or leave direction empty");
  return bearing ? bearing : dir_deg;
}

void read_range(const Row& r, Observation& o) {
  o.range_min_km = r.number(kRangeMin, 0, 1000);
  o.range_max_km = r.number(kRangeMax, 0, 1000);
  if (o.range_min_km.has_value() != o.range_max_km.has_value())
    r.fail(o.range_min_km ? kRangeMax : kRangeMin, "is empty while the other end of the range band is given",
           "give range_min_km and range_max_km together");
  if (o.range_min_km && *o.range_min_km > *o.range_max_km)
    r.fail(kRangeMin, "is more than range_max_km", "swap the two ends of the band");
}

int read_count(const Row& r) {
  const std::string_view s = r.cell(kCount);
  if (s.empty()) return 1;
  int n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size() || n < 1 || n > 100'000)
    r.fail(kCount, "'" + std::string(s) + "' is not a whole number from 1 to 100000", "write how many were observed");
  return n;
}

// The ';'-separated parts of a cell, trimmed, empty parts dropped.
std::vector<std::string_view> parts(std::string_view cell) {
  std::vector<std::string_view> out;
  while (!cell.empty()) {
    const size_t at = cell.find(';');
    const std::string_view p = trimmed(cell.substr(0, at));
    if (!p.empty()) out.push_back(p);
    cell = at == std::string_view::npos ? std::string_view() : cell.substr(at + 1);
  }
  return out;
}

// weapons as "artillery_ge_100=4;tank=2", into the JSON object parse_observation reads.
nlohmann::json read_weapons(const Row& r) {
  nlohmann::json out = nlohmann::json::object();
  for (std::string_view p : parts(r.cell(kWeapons))) {
    const size_t eq = p.find('=');
    double n = 0;
    const std::string_view num = eq == std::string_view::npos ? std::string_view() : trimmed(p.substr(eq + 1));
    const auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), n);
    if (num.empty() || ec != std::errc() || end != num.data() + num.size())
      r.fail(kWeapons, "'" + std::string(p) + "' is not weapon_class=count", "write e.g. artillery_ge_100=4;tank=2");
    out[std::string(trimmed(p.substr(0, eq)))] = n;
  }
  return out;
}

bool read_flag(const Row& r, Col c) {
  const std::string_view s = r.cell(c);
  if (s != "true" && s != "false") r.fail(c, "'" + std::string(s) + "' is not true or false", "write true or false, or leave it empty");
  return s == "true";
}

// The column a kind field's ValidationError points at ("weapons.tank" → weapons).
Col column_of(const std::string& field) {
  const std::string head = field.substr(0, field.find('.'));
  const std::string leaf = field.substr(field.rfind('.') + 1);
  if (head == "casualties") {
    for (Col c : {kKilled, kInjured, kCivilian, kCorroborated})
      if (kNames[c] == leaf) return c;
    return kKilled;
  }
  for (int c = kFirstKindCol; c < kColumns; ++c)
    if (kNames[c] == head) return static_cast<Col>(c);
  return kEvent;
}

// The other kinds' columns, handed to read_kind_fields as the JSON fields they stand for, so that
// a CSV row and a posted report are held to the same rules. Rows without any (most) skip this.
void read_kind_columns(const Row& r, Observation& o) {
  nlohmann::json obj = nlohmann::json::object();
  const auto put_text = [&](Col c) {
    if (!r.cell(c).empty()) obj[std::string(kNames[c])] = std::string(r.cell(c));
  };
  for (Col c : {kRestrictionType, kImposedBy, kSiteId, kSiteStatus}) put_text(c);
  if (const auto d = r.number(kDurationMin, 0, 1e9)) obj["duration_min"] = *d;
  if (!r.cell(kWeapons).empty()) obj["weapons"] = read_weapons(r);
  nlohmann::json casualties = nlohmann::json::object();
  for (Col c : {kKilled, kInjured})
    if (const auto n = r.number(c, 0, 1e9)) casualties[std::string(kNames[c])] = *n;
  for (Col c : {kCivilian, kCorroborated})
    if (!r.cell(c).empty()) casualties[std::string(kNames[c])] = read_flag(r, c);
  if (!casualties.empty()) obj["casualties"] = casualties;
  if (!r.cell(kDamage).empty()) {
    nlohmann::json& damage = obj["damage"] = nlohmann::json::array();
    for (std::string_view p : parts(r.cell(kDamage))) damage.push_back(std::string(p));
  }
  try {
    monitor::read_kind_fields(obj, o);
  } catch (const monitor::ValidationError& e) {
    r.fail(column_of(e.field()), e.what(), "see docs/observations.md for the fields of event '" + o.event + "'");
  }
}

bool has_kind_columns(const Row& r) {
  for (int c = kFirstKindCol; c < kColumns; ++c)
    if (!r.cell(static_cast<Col>(c)).empty()) return true;
  return false;
}

// The row's observation. Fields it leaves empty are reset, since `o` is reused between rows.
void read_row(const Row& r, Observation& o) {
  const std::string_view t = r.cell(kTime);
  const auto ms = t.empty() ? std::nullopt : monitor::parse_time_ms(r.scratch(t));
  if (!ms) r.fail(kTime, "'" + std::string(t) + "' is not an ISO 8601 time with an offset", "write e.g. 2025-04-12T03:30:00Z");
  o.time_ms = *ms;
  o.event = r.choice(kEvent, monitor::vocab::kEvents);
  if (o.event.empty()) r.fail(kEvent, "is empty", "every observation needs an event: " + joined(monitor::vocab::kEvents));
  o.explosion_type = r.choice(kExplosionType, monitor::vocab::kExplosionTypes);
  if (!o.explosion_type.empty() && o.event != "explosion")
    r.fail(kExplosionType, "is for event 'explosion' only, not '" + o.event + "'", "leave it empty");
  o.mode = r.choice(kMode, monitor::vocab::kModes);
  o.observer_id = r.cell(kObserverId);
  read_point(r, kObserverLat, kObserverLon, o.observer_lat, o.observer_lon);
  o.count = read_count(r);
  o.bearing_deg = read_bearing(r);
  read_range(r, o);
  read_point(r, kLat, kLon, o.lat, o.lon);
  o.weapon = r.cell(kWeapon);
  o.weapon_class = r.choice(kWeaponClass, monitor::vocab::kWeaponClasses);
  o.restriction_type.clear(), o.imposed_by.clear(), o.duration_min.reset();
  o.site_id.clear(), o.site_status.clear(), o.weapons.clear(), o.casualties.reset(), o.damage.clear();
  if (has_kind_columns(r) || monitor::vocab::contains(monitor::vocab::kKindEvents, o.event)) read_kind_columns(r, o);
}

bool blank(const std::vector<std::string>& fields) {
  return std::all_of(fields.begin(), fields.end(), [](const std::string& f) { return trimmed(f).empty(); });
}

// Shortest text that reads back as the same double; "" for none.
void put_number(std::string& out, std::optional<double> x) {
  if (!x) return;
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, *x);
  out.append(buf, r.ptr);
}

// Fixed decimals, for coordinates (6: 0.1 m) and bearings (1: a tenth of a degree).
void put_fixed(std::string& out, std::optional<double> x, int decimals) {
  if (!x) return;
  char buf[48];
  const auto r = std::to_chars(buf, buf + sizeof buf, *x, std::chars_format::fixed, decimals);
  out.append(buf, r.ptr);
}

// A bearing rounded to the written 0.1°, kept in [0, 360): 359.97 is written 0.0, not 360.0,
// which the reader would reject.
std::optional<double> tenths_of_circle(std::optional<double> b) {
  if (!b) return std::nullopt;
  double r = std::round(*b * 10) / 10;
  if (r >= 360) r -= 360;
  return r;
}

std::optional<double> km(std::optional<double> m) {
  if (!m) return std::nullopt;
  return *m / 1000;
}

// The event position the report gave: not the one sighting_of derives at the observer for events
// that happen there (monitor/uncertainty.h), which reading the row derives again.
std::optional<geo::LonLat> reported_position(const Sighting& s) {
  const bool derived = s.position && s.observer && !s.bearing_deg && monitor::at_observer(s.event) &&
                       s.position_sigma_m == monitor::kAtObserverSigmaM && s.position->lat == s.observer->lat &&
                       s.position->lon == s.observer->lon;
  return derived ? std::nullopt : s.position;
}

template <class Range, class Put>
void put_list(std::string& out, const Range& items, Put put) {
  std::string cell;
  for (const auto& item : items) (cell += cell.empty() ? "" : ";"), put(cell, item);
  io::append_csv_field(out, cell);
}

void put_kind_columns(std::string& out, const Sighting& s) {
  out += ',', io::append_csv_field(out, s.restriction_type);
  out += ',', io::append_csv_field(out, s.imposed_by);
  (out += ',') += s.duration_min ? std::to_string(*s.duration_min) : "";
  out += ',', io::append_csv_field(out, s.site_id);
  out += ',', io::append_csv_field(out, s.site_status);
  out += ',', put_list(out, s.weapons, [](std::string& c, const auto& w) { (c += w.first) += "=" + std::to_string(w.second); });
  const bool casualties = s.killed + s.injured > 0;
  (out += ',') += casualties ? std::to_string(s.killed) : "";
  (out += ',') += casualties ? std::to_string(s.injured) : "";
  (out += ',') += casualties ? (s.civilian ? "true" : "false") : "";
  (out += ',') += casualties ? (s.corroborated ? "true" : "false") : "";
  out += ',', put_list(out, s.damage, [](std::string& c, const std::string& d) { c += d; });
}

}  // namespace

std::vector<Sighting> read_observations_csv(std::istream& in, const std::string& name, const monitor::PlaceOptions& opt) {
  io::CsvReader csv(in, name);
  std::vector<std::string> fields;
  if (!csv.next(fields)) throw InputError(name, "the file is empty", "the first line must name the columns, e.g. " + observations_csv_header());
  const std::array<int, kColumns> at = read_header(fields, name);
  Row row(name, at);
  std::vector<Sighting> out;
  long row_number = 0;
  Observation o;
  while (csv.next(fields)) {
    if (blank(fields)) continue;
    row.reset(&fields, csv.line());
    read_row(row, o);
    const std::string_view id = row.cell(kId);
    ++row_number;
    out.push_back(monitor::sighting_of(o, id.empty() ? std::to_string(row_number) : std::string(id), opt));
  }
  return out;
}

std::string observations_csv_header() {
  std::string out;
  for (auto n : kNames) (out += out.empty() ? "" : ",") += n;
  return out + "\n";
}

std::string observation_csv_row(const Sighting& s) {
  std::string out;
  out.reserve(192);
  io::append_csv_field(out, s.id);
  (out += ',') += monitor::format_time_ms(s.time_ms);
  out += ',', io::append_csv_field(out, s.observer_id);
  out += ',', put_fixed(out, s.observer ? std::optional(s.observer->lat) : std::nullopt, 6);
  out += ',', put_fixed(out, s.observer ? std::optional(s.observer->lon) : std::nullopt, 6);
  out += ',', io::append_csv_field(out, s.mode);
  out += ',', io::append_csv_field(out, s.event);
  out += ',', io::append_csv_field(out, s.explosion_type);
  (out += ',') += std::to_string(s.count);
  out += ',', put_fixed(out, tenths_of_circle(s.bearing_deg), 1);
  out += ',';  // direction: the bearing says it more precisely
  out += ',', put_number(out, km(s.range_min_m));
  out += ',', put_number(out, km(s.range_max_m));
  const auto position = reported_position(s);
  out += ',', put_fixed(out, position ? std::optional(position->lat) : std::nullopt, 6);
  out += ',', put_fixed(out, position ? std::optional(position->lon) : std::nullopt, 6);
  out += ',', io::append_csv_field(out, s.weapon);
  out += ',', io::append_csv_field(out, s.weapon_class);
  put_kind_columns(out, s);
  out += '\n';
  return out;
}

std::string observations_csv(const std::vector<RecordedObservation>& recorded) {
  std::string out = observations_csv_header();
  for (const auto& r : recorded) out += observation_csv_row(monitor::sighting_of(r.obs, r.id));
  return out;
}

}  // namespace truceline::formats

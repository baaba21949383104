// Observations from CSV, and back. The reader is the offline twin of parse_observation: the same
// enumerations and ranges, but errors name the file, line and column, since a CSV has no fields
// to point at otherwise. It is written for files of millions of rows: one reused field vector,
// std::from_chars for numbers, and no per-row lookups by name.
#include "monitor/obs_csv.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "geo/errors.h"
#include "io/csv.h"
#include "monitor/observation.h"
#include "monitor/uncertainty.h"

namespace truceline::monitor {

namespace {

// Kept in step with monitor/observation.cc and docs/observations.md.
constexpr std::array<std::string_view, 3> kModes = {"heard", "saw", "recorded"};
constexpr std::array<std::string_view, 12> kEvents = {
    "explosion", "projectile", "muzzle_flash", "illumination_flare", "burst", "shot",
    "heavy_weapon", "armour", "troops", "aircraft", "uav", "other"};
constexpr std::array<std::string_view, 4> kExplosionTypes = {"impact", "airburst", "outgoing", "undetermined"};
constexpr std::array<std::string_view, 9> kWeaponClasses = {"small_arms", "mortar_lt_100", "artillery_ge_100",
                                                            "mlrs", "mlrs_heavy", "tank", "missile",
                                                            "air_defence", "other"};
// Clockwise from north, 22.5° apart: the index gives the bearing.
constexpr std::array<std::string_view, 16> kDirections = {"N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
                                                          "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW"};

// The columns, in the order observation_csv_row writes them.
enum Col {
  kId, kTime, kObserverId, kObserverLat, kObserverLon, kMode, kEvent, kExplosionType, kCount, kBearing,
  kDirection, kRangeMin, kRangeMax, kLat, kLon, kWeapon, kWeaponClass, kColumns
};
constexpr std::array<std::string_view, kColumns> kNames = {
    "id", "time", "observer_id", "observer_lat", "observer_lon", "mode", "event", "explosion_type", "count",
    "bearing_deg", "direction", "range_min_km", "range_max_km", "lat", "lon", "weapon", "weapon_class"};

template <size_t N>
std::string joined(const std::array<std::string_view, N>& v) {
  std::string out;
  for (auto s : v) (out += out.empty() ? "" : ", ") += s;
  return out;
}

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
  template <size_t N>
  std::string choice(Col c, const std::array<std::string_view, N>& allowed) const {
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
std::optional<geo::LonLat> read_point(const Row& r, Col lat_col, Col lon_col) {
  const auto lat = r.number(lat_col, -90, 90);
  const auto lon = r.number(lon_col, -180, 180);
  if (lat.has_value() != lon.has_value())
    r.fail(lat ? lon_col : lat_col, "is empty while " + std::string(kNames[lat ? lat_col : lon_col]) + " is given",
           "give both coordinates or neither");
  if (!lat) return std::nullopt;
  return geo::LonLat{*lon, *lat};
}

// bearing_deg, else the direction's 16-point bearing; both must agree within half a sector.
std::optional<double> read_bearing(const Row& r) {
  const auto bearing = r.number(kBearing, 0, 360, true);
  const std::string dir = r.choice(kDirection, kDirections);
  if (dir.empty()) return bearing;
  const double dir_deg = 22.5 * static_cast<double>(std::find(kDirections.begin(), kDirections.end(), dir) - kDirections.begin());
  if (bearing && std::fabs(std::remainder(*bearing - dir_deg, 360.0)) > 11.25)
    r.fail(kDirection, dir + " disagrees with bearing_deg " + std::string(r.cell(kBearing)),
           "correct one of them or leave direction empty");
  return bearing ? bearing : dir_deg;
}

void read_range(const Row& r, Sighting& s) {
  const auto lo = r.number(kRangeMin, 0, 1000);
  const auto hi = r.number(kRangeMax, 0, 1000);
  if (lo.has_value() != hi.has_value())
    r.fail(lo ? kRangeMax : kRangeMin, "is empty while the other end of the range band is given",
           "give range_min_km and range_max_km together");
  if (!lo) return;
  if (*lo > *hi) r.fail(kRangeMin, "is more than range_max_km", "swap the two ends of the band");
  s.range_min_m = *lo * 1000, s.range_max_m = *hi * 1000;
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

void read_row(const Row& r, long row_number, const ObsCsvOptions& opt, Sighting& s) {
  const std::string_view id = r.cell(kId);
  s.id = id.empty() ? std::to_string(row_number) : std::string(id);
  const std::string_view t = r.cell(kTime);
  const auto ms = t.empty() ? std::nullopt : parse_time_ms(r.scratch(t));
  if (!ms) r.fail(kTime, "'" + std::string(t) + "' is not an ISO 8601 time with an offset", "write e.g. 2025-04-12T03:30:00Z");
  s.time_ms = *ms;
  s.event = r.choice(kEvent, kEvents);
  if (s.event.empty()) r.fail(kEvent, "is empty", "every observation needs an event: " + joined(kEvents));
  s.explosion_type = r.choice(kExplosionType, kExplosionTypes);
  if (!s.explosion_type.empty() && s.event != "explosion")
    r.fail(kExplosionType, "is for event 'explosion' only, not '" + s.event + "'", "leave it empty");
  s.mode = r.choice(kMode, kModes);
  s.observer_id = std::string(r.cell(kObserverId));
  s.observer = read_point(r, kObserverLat, kObserverLon);
  s.count = read_count(r);
  s.bearing_deg = read_bearing(r);
  s.bearing_sigma_deg = bearing_sigma_deg(s.mode, opt.sigma_saw_deg, opt.sigma_heard_deg);
  read_range(r, s);
  s.position = read_point(r, kLat, kLon);
  s.weapon = std::string(r.cell(kWeapon));
  s.weapon_class = r.choice(kWeaponClass, kWeaponClasses);
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

}  // namespace

std::vector<Sighting> read_observations_csv(std::istream& in, const std::string& name, const ObsCsvOptions& opt) {
  io::CsvReader csv(in, name);
  std::vector<std::string> fields;
  if (!csv.next(fields)) throw InputError(name, "the file is empty", "the first line must name the columns, e.g. " + observations_csv_header());
  const std::array<int, kColumns> at = read_header(fields, name);
  Row row(name, at);
  std::vector<Sighting> out;
  long row_number = 0;
  while (csv.next(fields)) {
    if (blank(fields)) continue;
    row.reset(&fields, csv.line());
    read_row(row, ++row_number, opt, out.emplace_back());
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
  (out += ',') += format_time_ms(s.time_ms);
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
  out += ',', put_fixed(out, s.position ? std::optional(s.position->lat) : std::nullopt, 6);
  out += ',', put_fixed(out, s.position ? std::optional(s.position->lon) : std::nullopt, 6);
  out += ',', io::append_csv_field(out, s.weapon);
  out += ',', io::append_csv_field(out, s.weapon_class);
  out += '\n';
  return out;
}

}  // namespace truceline::monitor

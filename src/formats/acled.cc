// ACLED rows read, mapped to observations, and written back. The reader is strict in the way the
// observation CSV reader is: a value that cannot be read stops the file with its line and column,
// since a silently dropped strike is worse than a refused import.
#include "formats/acled.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <tuple>

#include "geo/errors.h"
#include "io/csv.h"

namespace truceline::formats {

namespace {

using nlohmann::json;

constexpr size_t kMaxNotes = 4000;  // the observation model's limit on notes

const std::array<const char*, 12> kMonths = {"january", "february", "march", "april", "may", "june",
                                             "july", "august", "september", "october", "november", "december"};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trimmed(const std::string& s) {
  const char* ws = " \t\r\n";
  const size_t b = s.find_first_not_of(ws);
  return b == std::string::npos ? std::string() : s.substr(b, s.find_last_not_of(ws) - b + 1);
}

// "April", "apr" → 4; 0 when no month.
int month_number(const std::string& word) {
  const std::string w = lower(word);
  for (size_t i = 0; i < kMonths.size(); ++i) {
    const std::string m = kMonths[i];
    if (w == m || (w.size() == 3 && m.compare(0, 3, w) == 0)) return static_cast<int>(i) + 1;
  }
  return 0;
}

bool whole_number(const std::string& s, int& out) {
  if (s.empty() || s.size() > 4) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

std::optional<std::string> calendar_date(int y, int m, int d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1) return std::nullopt;
  if (d > kDays[m - 1] + (m == 2 && leap(y) ? 1 : 0)) return std::nullopt;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return std::string(buf);
}

// Splits on spaces, hyphens and commas.
std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == '-' || c == ',' || c == '/') {
      if (!cur.empty()) out.push_back(cur), cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Cuts at a code point boundary so that Cyrillic notes stay valid UTF-8.
std::string cut_notes(const std::string& s) {
  size_t cps = 0, i = 0;
  for (; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++cps > kMaxNotes - 6) break;
  return i >= s.size() ? s : s.substr(0, i) + " […]";
}

}  // namespace

const std::vector<std::string>& acled_columns() {
  static const std::vector<std::string> cols = {
      "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
      "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
      "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
      "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp"};
  return cols;
}

std::optional<std::string> parse_acled_date(const std::string& text) {
  const std::string s = trimmed(text);
  int y = 0, m = 0, d = 0;
  if (s.size() == 10 && s[4] == '-' && s[7] == '-') {  // 2025-04-12
    if (whole_number(s.substr(0, 4), y) && whole_number(s.substr(5, 2), m) && whole_number(s.substr(8, 2), d))
      return calendar_date(y, m, d);
    return std::nullopt;
  }
  const auto w = words(s);
  if (w.size() != 3) return std::nullopt;
  if (whole_number(w[0], d) && (m = month_number(w[1])) && whole_number(w[2], y) && w[2].size() == 4)
    return calendar_date(y, m, d);  // 12 April 2025, 12-Apr-2025
  if ((m = month_number(w[0])) && whole_number(w[1], d) && whole_number(w[2], y) && w[2].size() == 4)
    return calendar_date(y, m, d);  // April 12, 2025
  return std::nullopt;
}

std::string shortest(double x) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, r.ptr);
}

// ---------------------------------------------------------------------------------------------
// Reader

enum Col {
  kId, kDate, kTimePrecision, kDisorderType, kEventType, kSubEventType, kActor1, kActor2, kCountry, kAdmin1,
  kAdmin2, kLocation, kLat, kLon, kGeoPrecision, kSource, kNotes, kFatalities, kCols
};
constexpr std::array<const char*, kCols> kColNames = {
    "event_id_cnty", "event_date", "time_precision", "disorder_type", "event_type", "sub_event_type", "actor1",
    "actor2", "country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "source",
    "notes", "fatalities"};

struct AcledReader::Impl {
  io::CsvReader csv;
  std::array<int, kCols> at{};
  std::vector<std::string> fields;

  Impl(std::istream& in, std::string name) : csv(in, std::move(name)) {}

  [[noreturn]] void fail(Col c, const std::string& what, const std::string& fix) const {
    throw InputError(csv.name() + ":" + std::to_string(csv.line()),
                     "column " + std::to_string(at[c] + 1) + " (" + kColNames[c] + "): " + what, fix);
  }

  std::string cell(Col c) const {
    const int i = at[c];
    return i < 0 || i >= static_cast<int>(fields.size()) ? std::string() : trimmed(fields[i]);
  }

  std::string required(Col c) const {
    std::string s = cell(c);
    if (s.empty()) fail(c, "is empty", "every ACLED row has an " + std::string(kColNames[c]));
    return s;
  }

  double coordinate(Col c, double limit) const {
    const std::string s = required(c);
    double x = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), x);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(x))
      fail(c, "'" + s + "' is not a number", "ACLED writes decimal degrees such as 47.8388");
    if (std::fabs(x) > limit) fail(c, s + " is outside ±" + shortest(limit), "check that latitude and longitude are not swapped");
    return x;
  }

  int code(Col c, int lo, int hi, int fallback) const {
    const std::string s = cell(c);
    if (s.empty()) return fallback;
    int v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi)
      fail(c, "'" + s + "' is not a whole number from " + std::to_string(lo) + " to " + std::to_string(hi),
           "ACLED's codes are " + std::to_string(lo) + "–" + std::to_string(hi));
    return v;
  }
};

AcledReader::AcledReader(std::istream& in, std::string name) : impl_(std::make_unique<Impl>(in, std::move(name))) {
  std::vector<std::string> header;
  if (!impl_->csv.next(header))
    throw InputError(impl_->csv.name(), "the file is empty", "give an ACLED export with its header line");
  if (!header.empty() && header[0].rfind("\xEF\xBB\xBF", 0) == 0) header[0].erase(0, 3);  // spreadsheet BOM
  for (int c = 0; c < kCols; ++c) impl_->at[c] = io::find_column(header, {kColNames[c]});
  std::vector<std::string> missing;
  for (Col c : {kId, kDate, kEventType, kLat, kLon})
    if (impl_->at[c] < 0) missing.push_back(kColNames[c]);
  if (!missing.empty())
    throw InputError(impl_->csv.name() + ":1", "the header has no " + joined(missing) + " column" + (missing.size() > 1 ? "s" : ""),
                     "export from ACLED with its standard columns (" + joined(acled_columns()) + ")");
}

AcledReader::~AcledReader() = default;

bool AcledReader::next(AcledRow& row) {
  Impl& r = *impl_;
  do {
    if (!r.csv.next(r.fields)) return false;
  } while (r.fields.size() == 1 && trimmed(r.fields[0]).empty());  // blank lines
  row = AcledRow{};
  row.line = r.csv.line();
  row.event_id_cnty = r.required(kId);
  if (row.event_id_cnty.size() > 200) r.fail(kId, "is longer than 200 characters", "check the column layout");
  const std::string date = r.required(kDate);
  const auto iso = parse_acled_date(date);
  if (!iso) r.fail(kDate, "'" + date + "' is not a date", "write 2025-04-12 or 12 April 2025");
  row.event_date = *iso;
  row.time_precision = r.code(kTimePrecision, 1, 3, 1);
  row.geo_precision = r.code(kGeoPrecision, 1, 3, 1);
  row.event_type = r.required(kEventType);
  row.sub_event_type = r.cell(kSubEventType);
  row.disorder_type = r.cell(kDisorderType);
  row.actor1 = r.cell(kActor1), row.actor2 = r.cell(kActor2);
  row.country = r.cell(kCountry), row.admin1 = r.cell(kAdmin1), row.admin2 = r.cell(kAdmin2);
  row.location = r.cell(kLocation), row.source = r.cell(kSource), row.notes = r.cell(kNotes);
  row.latitude = r.coordinate(kLat, 90);
  row.longitude = r.coordinate(kLon, 180);
  row.fatalities = r.code(kFatalities, 0, 100000, 0);
  for (auto [c, s] : {std::pair{kActor1, &row.actor1}, {kActor2, &row.actor2}, {kSource, &row.source}})
    if (s->size() > 1000) r.fail(c, "is longer than 1,000 characters", "check the column layout");
  for (auto [c, s] : {std::pair{kCountry, &row.country}, {kAdmin1, &row.admin1}, {kAdmin2, &row.admin2},
                      {kLocation, &row.location}})
    if (s->size() > 200) r.fail(c, "is longer than 200 characters", "check the column layout");
  for (auto [c, s] : {std::pair{kEventType, &row.event_type}, {kSubEventType, &row.sub_event_type},
                      {kDisorderType, &row.disorder_type}})
    if (s->size() > 64) r.fail(c, "is longer than 64 characters", "check the column layout");
  return true;
}

// ---------------------------------------------------------------------------------------------
// Mapping

EventMapping mapping_for(const std::string& event_type, const std::string& sub_event_type, const std::string& notes) {
  const std::string t = lower(event_type), s = lower(sub_event_type);
  if (t == "explosions/remote violence") {
    if (s == "shelling/artillery/missile attack") return {"explosion", "artillery_ge_100", "impact"};
    if (s == "air/drone strike") {
      // ACLED's notes say which: "drone", "UAV", "Shahed" are drones; the rest aircraft.
      const std::string n = lower(notes);
      const bool drone = n.find("drone") != std::string::npos || n.find("uav") != std::string::npos ||
                         n.find("shahed") != std::string::npos || n.find("geran") != std::string::npos;
      return {drone ? "uav" : "aircraft", "", ""};
    }
    if (s == "grenade") return {"explosion", "small_arms", "impact"};
    return {"explosion", "other", "undetermined"};  // remote explosive/landmine/IED, suicide bomb, chemical
  }
  if (t == "battles") {
    if (s == "armed clash") return {"burst", "small_arms", ""};
    return {"troops", "", ""};  // territory taken or regained
  }
  if (t == "violence against civilians") return {"shot", "", ""};
  if (t == "strategic developments") {
    if (s == "disrupted weapons use") return {"other", "air_defence", ""};
    if (s == "headquarters or base established") return {"troops", "", ""};
  }
  return {"other", "", ""};  // protests, riots, agreements, arrests, …
}

json observation_json(const AcledRow& row) {
  const EventMapping m = mapping_for(row.event_type, row.sub_event_type, row.notes);
  json acled = {{"event_type", row.event_type}, {"time_precision", row.time_precision},
                {"geo_precision", row.geo_precision}, {"fatalities", row.fatalities}};
  for (const auto& [key, s] : {std::pair<const char*, const std::string*>{"sub_event_type", &row.sub_event_type},
                               {"disorder_type", &row.disorder_type}, {"actor1", &row.actor1}, {"actor2", &row.actor2},
                               {"country", &row.country}, {"admin1", &row.admin1}, {"admin2", &row.admin2},
                               {"location", &row.location}, {"source", &row.source}})
    if (!s->empty()) acled[key] = *s;
  json o = {{"time", row.event_date + "T00:00:00Z"}, {"observer_id", "ACLED"}, {"observer_kind", "osint"},
            {"mode", "recorded"}, {"event", m.event}, {"lat", row.latitude}, {"lon", row.longitude},
            {"source_ref", row.event_id_cnty}, {"acled", acled}};
  if (!m.weapon_class.empty()) o["weapon_class"] = m.weapon_class;
  if (!m.explosion_type.empty()) o["explosion_type"] = m.explosion_type;
  if (!row.notes.empty()) o["notes"] = cut_notes(row.notes);
  return o;
}

std::pair<std::string, std::string> acled_types_for_event(const std::string& e) {
  if (e == "explosion" || e == "projectile" || e == "muzzle_flash" || e == "illumination_flare")
    return {"Explosions/Remote violence", "Shelling/artillery/missile attack"};
  if (e == "uav" || e == "aircraft") return {"Explosions/Remote violence", "Air/drone strike"};
  if (e == "burst" || e == "shot") return {"Battles", "Armed clash"};
  // Weapons, armour, troops seen; restrictions of the monitors' movement, holding areas checked,
  // casualties and damage reported alone: ACLED codes none of these as an event of its own
  // (docs/formats.md), so they go as "Other" strategic developments, their kind in the notes.
  return {"Strategic developments", "Other"};
}

namespace {

// What an "Other" row stands for, at the head of its notes, so that an analyst can tell a
// restriction from a holding-area check in ACLED's columns: "[restriction: denied_passage by ru]".
std::string kind_note(const monitor::Observation& o) {
  if (o.event == "restriction")
    return "[restriction: " + o.restriction_type + (o.imposed_by.empty() ? "" : " by " + o.imposed_by) + "]";
  if (o.event == "weapons_site") return "[weapons_site " + o.site_id + ": " + o.site_status + "]";
  if (o.event == "casualty" && o.casualties)
    return "[casualty: " + std::to_string(o.casualties->killed) + " killed, " + std::to_string(o.casualties->injured) +
           " injured" + (o.casualties->civilian ? ", civilians" : "") + "]";
  if (o.event == "damage") {
    std::string list;
    for (const std::string& d : o.damage) list += (list.empty() ? "" : ", ") + d;
    return "[damage: " + list + "]";
  }
  return {};
}

}  // namespace

AcledRow acled_row_of(const monitor::Observation& o, const std::string& record_id) {
  AcledRow r;
  r.event_date = monitor::format_time_ms(o.time_ms).substr(0, 10);
  r.latitude = o.lat.value_or(o.observer_lat.value_or(0));
  r.longitude = o.lon.value_or(o.observer_lon.value_or(0));
  r.notes = o.notes;
  if (o.acled) {
    const auto& a = *o.acled;
    r.event_id_cnty = o.source_ref.empty() ? "TL-" + record_id : o.source_ref;
    r.event_type = a.event_type, r.sub_event_type = a.sub_event_type, r.disorder_type = a.disorder_type;
    r.time_precision = a.time_precision, r.geo_precision = a.geo_precision;
    r.actor1 = a.actor1, r.actor2 = a.actor2, r.country = a.country, r.admin1 = a.admin1, r.admin2 = a.admin2;
    r.location = a.location, r.source = a.source, r.fatalities = a.fatalities;
    return r;
  }
  r.event_id_cnty = "TL-" + record_id;
  std::tie(r.event_type, r.sub_event_type) = acled_types_for_event(o.event);
  r.disorder_type = "Political violence";
  // An event placed only by its observer's position is known to the neighbourhood, not the place.
  r.geo_precision = o.lat ? 1 : 2;
  r.source = o.observer_id + (o.source_ref.empty() ? "" : " (" + o.source_ref + ")");
  if (o.casualties) r.fatalities = o.casualties->killed;
  if (const std::string kind = kind_note(o); !kind.empty()) r.notes = kind + (r.notes.empty() ? "" : " " + r.notes);
  return r;
}

std::string acled_csv_header() {
  std::string out;
  for (const auto& c : acled_columns()) (out += out.empty() ? "" : ",") += c;
  return out + "\n";
}

std::string acled_csv_row(const AcledRow& r) {
  const auto& cols = acled_columns();
  std::vector<std::string> f(cols.size());
  const auto set = [&](const char* name, std::string v) {
    f[std::find(cols.begin(), cols.end(), name) - cols.begin()] = std::move(v);
  };
  set("event_id_cnty", r.event_id_cnty);
  set("event_date", r.event_date);
  set("year", r.event_date.substr(0, 4));
  set("time_precision", std::to_string(r.time_precision));
  set("disorder_type", r.disorder_type);
  set("event_type", r.event_type);
  set("sub_event_type", r.sub_event_type);
  set("actor1", r.actor1);
  set("actor2", r.actor2);
  set("country", r.country);
  set("admin1", r.admin1);
  set("admin2", r.admin2);
  set("location", r.location);
  set("latitude", shortest(r.latitude));
  set("longitude", shortest(r.longitude));
  set("geo_precision", std::to_string(r.geo_precision));
  set("source", r.source);
  set("notes", r.notes);
  set("fatalities", std::to_string(r.fatalities));
  return io::csv_record(f);
}

}  // namespace truceline::formats

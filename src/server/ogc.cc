#include "server/ogc.h"

#include <charconv>
#include <cmath>
#include <deque>
#include <set>

#include "monitor/observation.h"

namespace truceline::server::ogc {
namespace {

using nlohmann::json;

constexpr int64_t kDayMs = 86'400'000;

double number(const std::string& s, const std::string& field, const std::string& what) {
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(v))
    throw ParamError(field, "'" + s + "' in " + field + " is not a number; " + what);
  return v;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t at; (at = s.find(sep, start)) != std::string::npos; start = at + 1) out.push_back(s.substr(start, at - start));
  out.push_back(s.substr(start));
  return out;
}

bool is_date(const std::string& s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-';
}

// One end of a datetime: nullopt when open. A date alone is its day's first or last millisecond.
std::optional<int64_t> time_end(const std::string& s, bool is_start) {
  if (s.empty() || s == "..") return std::nullopt;
  const auto t = monitor::parse_time_ms(is_date(s) ? s + "T00:00:00Z" : s);
  if (!t)
    throw ParamError("datetime", "datetime '" + s +
                                     "' is not an RFC 3339 time with an offset (2025-04-12T06:30:00Z), a date, or '..'");
  return is_date(s) && !is_start ? *t + kDayMs - 1 : *t;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) (out += out.empty() ? "" : ", ") += s;
  return out;
}

bool same_text(const json& v, const std::string& want) {
  if (v.is_string()) return v.get<std::string>() == want;
  if (v.is_null()) return want.empty();
  return v.dump() == want;
}

}  // namespace

Box parse_bbox(const std::string& text) {
  const char* how = "bbox is min_lon,min_lat,max_lon,max_lat in degrees (CRS84)";
  const auto parts = split(text, ',');
  if (parts.size() != 4 && parts.size() != 6) throw ParamError("bbox", std::string(how) + ", 4 numbers (or 6 with heights)");
  std::vector<double> v;
  for (const auto& p : parts) v.push_back(number(p, "bbox", how));
  // Six numbers: min_lon, min_lat, min_h, max_lon, max_lat, max_h.
  const Box b = parts.size() == 4 ? Box{v[0], v[1], v[2], v[3]} : Box{v[0], v[1], v[3], v[4]};
  if (b.min_lat > b.max_lat) throw ParamError("bbox", "bbox's min_lat is above its max_lat; " + std::string(how));
  if (b.min_lon > b.max_lon)
    throw ParamError("bbox", "bbox's min_lon is east of its max_lon: boxes across the antimeridian are not served");
  return b;
}

Interval parse_datetime(const std::string& text) {
  const auto parts = split(text, '/');
  if (parts.size() > 2 || text.empty())
    throw ParamError("datetime", "datetime is an instant or an interval START/END (either may be '..')");
  if (parts.size() == 1) {
    if (text == "..") throw ParamError("datetime", "datetime '..' alone is no instant; use START/.. or ../END");
    return {time_end(text, true), time_end(text, false)};
  }
  Interval i{time_end(parts[0], true), time_end(parts[1], false)};
  if (i.start_ms && i.end_ms && *i.start_ms > *i.end_ms) throw ParamError("datetime", "datetime's start is after its end");
  return i;
}

Cursor parse_cursor(const std::string& text) {
  Cursor c;
  std::string digits;
  if (text.rfind("after-", 0) == 0) digits = text.substr(6);
  else if (text.rfind("before-", 0) == 0) c.backwards = true, digits = text.substr(7);
  int64_t v = -1;
  const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || v < 0)
    throw ParamError("cursor", "cursor is taken from a next or prev link (after-N or before-N), not made up");
  c.key = v;
  return c;
}

std::string cursor_text(const Cursor& c) { return (c.backwards ? "before-" : "after-") + std::to_string(c.key); }

int parse_limit(const std::string& text) {
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || p != text.data() + text.size() || (ec != std::errc() && ec != std::errc::result_out_of_range) ||
      (ec == std::errc() && v < 1) || text[0] == '-')
    throw ParamError("limit", "limit is a whole number from 1 (at most " + std::to_string(kMaxLimit) + " are returned)");
  return ec == std::errc::result_out_of_range || v > kMaxLimit ? kMaxLimit : static_cast<int>(v);
}

namespace {

void check_format(const std::multimap<std::string, std::string>& params) {
  const auto f = params.find("f");
  if (f != params.end() && f->second != "json" && f->second != "geojson")
    throw ParamError("f", "f is json (or geojson for items); no other encoding is served");
}

void check_once(const std::multimap<std::string, std::string>& params, const std::string& name) {
  if (params.count(name) > 1 && name != "access_token") throw ParamError(name, name + " is given more than once");
}

}  // namespace

ItemQuery parse_items_query(const std::multimap<std::string, std::string>& params, const std::vector<std::string>& queryables) {
  static const std::vector<std::string> kCommon{"bbox", "datetime", "limit", "cursor", "access_token", "f"};
  std::set<std::string> known(kCommon.begin(), kCommon.end());
  known.insert(queryables.begin(), queryables.end());
  ItemQuery q;
  for (const auto& [name, value] : params) {
    if (!known.count(name)) {
      std::vector<std::string> all = kCommon;
      all.insert(all.end(), queryables.begin(), queryables.end());
      throw ParamError(name, "unknown parameter '" + name + "'; this collection's items take " + joined(all));
    }
    check_once(params, name);
    if (name == "bbox") q.bbox = parse_bbox(value);
    else if (name == "datetime") q.datetime = parse_datetime(value);
    else if (name == "limit") q.limit = parse_limit(value);
    else if (name == "cursor") q.cursor = parse_cursor(value);
    else if (name != "access_token" && name != "f") q.equals[name] = value;
  }
  check_format(params);
  return q;
}

void check_plain_params(const std::multimap<std::string, std::string>& params) {
  for (const auto& [name, value] : params) {
    if (name != "access_token" && name != "f") throw ParamError(name, "unknown parameter '" + name + "'; this path takes access_token and f");
    check_once(params, name);
  }
  check_format(params);
}

json feature_json(const Feature& f) {
  return json{{"type", "Feature"}, {"id", f.id}, {"geometry", f.geometry}, {"properties", f.properties}};
}

namespace {

void extend(std::optional<Box>& b, const json& coords) {
  if (coords.is_array() && coords.size() >= 2 && coords[0].is_number()) {
    const double lon = coords[0].get<double>(), lat = coords[1].get<double>();
    if (!b) b = Box{lon, lat, lon, lat};
    b->min_lon = std::min(b->min_lon, lon), b->max_lon = std::max(b->max_lon, lon);
    b->min_lat = std::min(b->min_lat, lat), b->max_lat = std::max(b->max_lat, lat);
    return;
  }
  if (coords.is_array())
    for (const json& c : coords) extend(b, c);
}

}  // namespace

std::optional<Box> box_of(const json& geometry) {
  std::optional<Box> b;
  if (!geometry.is_object()) return b;
  if (geometry.contains("geometries"))
    for (const json& g : geometry["geometries"]) extend(b, g.value("coordinates", json()));
  extend(b, geometry.value("coordinates", json()));
  return b;
}

Page page_of(const std::vector<Feature>& all, const ItemQuery& q) {
  const auto matches = [&](const Feature& f) {
    if (q.bbox && (!f.box || !q.bbox->intersects(*f.box))) return false;
    if (q.datetime && f.first_ms && !q.datetime->meets(*f.first_ms, f.last_ms.value_or(*f.first_ms))) return false;
    for (const auto& [name, want] : q.equals)
      if (!same_text(f.properties.value(name, json()), want)) return false;
    return true;
  };
  Page page;
  std::deque<const Feature*> found;
  bool before = false, after = false;
  const size_t limit = static_cast<size_t>(q.limit);
  for (const Feature& f : all) {
    if (!matches(f)) continue;
    ++page.matched;
    if (q.cursor.backwards) {
      if (f.key >= q.cursor.key) after = true;
      else if (found.push_back(&f); found.size() > limit) found.pop_front(), before = true;
    } else if (f.key <= q.cursor.key) {
      before = true;
    } else if (found.size() < limit) {
      found.push_back(&f);
    } else {
      after = true;
    }
  }
  for (const Feature* f : found) page.features.push_back(feature_json(*f));
  if (!found.empty() && after) page.next = Cursor{false, found.back()->key};
  if (!found.empty() && before) page.prev = Cursor{true, found.front()->key};
  return page;
}

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out.push_back(static_cast<char>(c));
    else out += '%', out += hex[c >> 4], out += hex[c & 15];
  }
  return out;
}

std::string origin(const std::string& host_header, const std::string& forwarded_proto) {
  return (forwarded_proto == "https" ? "https://" : "http://") + (host_header.empty() ? "localhost" : host_header);
}

std::string query_with(std::multimap<std::string, std::string> params, const std::optional<Cursor>& cursor) {
  params.erase("cursor");
  if (cursor) params.emplace("cursor", cursor_text(*cursor));
  std::string out;
  for (const auto& [k, v] : params) out += (out.empty() ? "?" : "&") + url_encode(k) + "=" + url_encode(v);
  return out;
}

json link(const std::string& href, const std::string& rel, const std::string& type, const std::string& title) {
  json l{{"href", href}, {"rel", rel}, {"type", type}};
  if (!title.empty()) l["title"] = title;
  return l;
}

}  // namespace truceline::server::ogc

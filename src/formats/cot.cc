#include "formats/cot.h"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <sstream>

#include "io/xml_text.h"
#include "monitor/observation.h"

namespace truceline::formats {
namespace {

using nlohmann::json;
using io::xml_escape;

// 64-point Gauss–Legendre nodes and weights on [−1, 1], by Newton's method on P₆₄ (exact to the
// last bits of a double after a few steps).
struct GaussLegendre {
  static constexpr int kN = 64;
  std::array<double, kN> x{}, w{};
  GaussLegendre() {
    for (int i = 0; i < kN; ++i) {
      double z = std::cos(M_PI * (i + 0.75) / (kN + 0.5)), dp = 0;
      for (int it = 0; it < 100; ++it) {
        double p0 = 1, p1 = 0;
        for (int j = 1; j <= kN; ++j) {
          const double p2 = p1;
          p1 = p0;
          p0 = ((2.0 * j - 1) * z * p1 - (j - 1.0) * p2) / j;
        }
        dp = kN * (z * p0 - p1) / (z * z - 1);
        const double step = p0 / dp;
        z -= step;
        if (std::fabs(step) < 1e-16) break;
      }
      x[i] = z;
      w[i] = 2 / ((1 - z * z) * dp * dp);
    }
  }
};

const GaussLegendre& gauss_legendre() {
  static const GaussLegendre g;
  return g;
}

std::string fixed(double v, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string attr(const char* name, std::string_view value) {
  return std::string(" ") + name + "=\"" + xml_escape(value) + "\"";
}

std::string str(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

double num(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : 0.0;
}

// "#c8553d" → TAK's colour: ARGB as a signed 32-bit integer, the form ATAK writes.
std::string tak_colour(const std::string& hex, unsigned alpha) {
  unsigned rgb = 0x808080;
  if (hex.size() == 7 && hex[0] == '#') rgb = static_cast<unsigned>(std::strtoul(hex.c_str() + 1, nullptr, 16));
  return std::to_string(static_cast<int32_t>((alpha << 24) | (rgb & 0xFFFFFFu)));
}

// <event …> up to the point: what every event opens with.
std::string event_head(const std::string& uid, const std::string& type, const std::string& how, int64_t time_ms,
                       int64_t start_ms, int64_t stale_ms) {
  return "<event version=\"2.0\"" + attr("uid", uid) + attr("type", type) + attr("how", how) +
         attr("time", monitor::format_time_ms(time_ms)) + attr("start", monitor::format_time_ms(start_ms)) +
         attr("stale", monitor::format_time_ms(stale_ms)) + ">";
}

// hae and le are CoT's "unknown" (9999999.0): truceline knows no heights.
std::string point(double lat, double lon, const std::string& ce) {
  return "<point lat=\"" + fixed(lat, 7) + "\" lon=\"" + fixed(lon, 7) + "\" hae=\"9999999.0\" ce=\"" + ce +
         "\" le=\"9999999.0\"/>";
}

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) (out += out.empty() ? "" : sep) += s;
  return out;
}

// What a TAK user reads in the marker's details: what, how many reports, where, who answers for
// the place, which rules it breaks, and the uncertainty.
std::string remarks(const json& inc) {
  std::string r = str(inc, "event");
  const auto n = static_cast<int64_t>(num(inc, "n_observations"));
  r += ", " + std::to_string(n) + (n == 1 ? " observation" : " observations");
  r += "; zone " + (str(inc, "zone").empty() ? std::string("none") : str(inc, "zone"));
  if (!str(inc, "zone_kind").empty()) r += " (" + str(inc, "zone_kind") + ")";
  r += "; responsible " + (str(inc, "responsible").empty() ? std::string("none") : str(inc, "responsible"));
  std::vector<std::string> broken;
  if (const auto v = inc.find("violations"); v != inc.end() && v->is_array())
    for (const json& x : *v) broken.push_back(str(x, "rule") + " (" + str(x, "severity") + ")");
  r += "; breaks " + (broken.empty() ? std::string("no rule") : joined(broken, ", "));
  if (!str(inc, "origin_side").empty()) r += "; fire from the " + str(inc, "origin_side") + " side";
  r += "; 1σ ellipse " + fixed(num(inc, "err_major_m"), 0) + " × " + fixed(num(inc, "err_minor_m"), 0) +
       " m, major axis " + fixed(num(inc, "err_azimuth_deg"), 1) + "°";
  r += "; first " + str(inc, "first_time") + ", last " + str(inc, "last_time");
  r += "; revision " + std::to_string(static_cast<int64_t>(num(inc, "revision")));
  return r;
}

// A drawing shape: u-d-f with one <link point="lat,lon"/> per vertex; closed when the first
// vertex is repeated last (how ATAK and node-cot tell a polygon from a polyline).
struct Shape {
  std::string uid, name, remarks, stroke, fill;  // fill "" for a line
  double weight = 3;
  bool dashed = false;
  geo::LonLat centre;
  std::vector<geo::LonLat> vertices;
};

std::string shape_event(const Shape& s, int64_t now_ms, const CotOptions& opt) {
  std::string e = event_head(s.uid, "u-d-f", "h-e", now_ms, now_ms, now_ms + opt.shape_stale_ms);
  e += point(s.centre.lat, s.centre.lon, "9999999.0");
  e += "<detail>";
  e += "<contact" + attr("callsign", s.name) + "/>";
  for (const geo::LonLat& v : s.vertices) e += "<link point=\"" + fixed(v.lat, 6) + "," + fixed(v.lon, 6) + "\"/>";
  e += "<strokeColor value=\"" + s.stroke + "\"/><strokeWeight value=\"" + fixed(s.weight, 1) + "\"/>";
  e += std::string("<strokeStyle value=\"") + (s.dashed ? "dashed" : "solid") + "\"/>";
  if (!s.fill.empty()) e += "<fillColor value=\"" + s.fill + "\"/>";
  e += "<labels_on value=\"true\"/><remarks>" + xml_escape(s.remarks) + "</remarks>";
  e += "</detail></event>";
  return e;
}

// Douglas–Peucker in lon/lat with a tolerance doubled until the part has at most max_vertices:
// a drawing on a screen, not geometry anything is computed from (that is the plan's GeoJSON).
std::vector<geo::LonLat> simplified(const geo::Context& ctx, const std::vector<geo::LonLat>& pts, size_t max_vertices) {
  if (pts.size() <= max_vertices) return pts;
  for (double tol = 0.0005; tol < 10; tol *= 2) {
    const geo::Geom line = geo::make_line(ctx, pts);
    const geo::Geom simple(ctx, GEOSSimplify_r(ctx.handle(), line.get(), tol));
    std::vector<geo::LonLat> out = geo::coords(ctx, simple.get());
    if (out.size() <= max_vertices) return out;
  }
  return {pts.front(), pts.back()};
}

std::string line_colour(const std::string& kind) {
  if (kind == "line_of_contact") return "#d7191c";
  if (kind == "dmz_edge") return "#f2a900";
  return "#555555";
}

void add_zone_shapes(const geo::Context& ctx, const plan::Zone& z, const CotOptions& opt, std::vector<Shape>& out) {
  const auto parts = geo::polygon_parts(z.geom);
  for (size_t k = 0; k < parts.size(); ++k) {
    Shape s;
    s.vertices = simplified(ctx, parts[k].front(), opt.max_vertices);
    if (s.vertices.size() < 4) continue;  // a sliver simplified away
    s.uid = opt.uid_prefix + ".zone." + z.id + "." + std::to_string(k);
    s.name = z.name;
    s.remarks = "zone " + z.id + " (" + z.kind + ")" + (z.responsible.empty() ? "" : "; responsible " + z.responsible);
    s.stroke = tak_colour(z.colour, 0xFF);
    s.fill = tak_colour(z.colour, 0x40);
    s.weight = 2;
    const geo::Geom ring = geo::make_polygon(ctx, {s.vertices});
    const geo::Geom inside = ring.point_on_surface();
    s.centre = s.vertices.front();
    GEOSGeomGetX_r(ctx.handle(), inside.get(), &s.centre.lon);
    GEOSGeomGetY_r(ctx.handle(), inside.get(), &s.centre.lat);
    out.push_back(std::move(s));
  }
}

void add_line_shapes(const geo::Context& ctx, const plan::Line& l, size_t n, const CotOptions& opt, std::vector<Shape>& out) {
  const auto parts = geo::line_parts(l.geom);
  for (size_t k = 0; k < parts.size(); ++k) {
    Shape s;
    s.vertices = simplified(ctx, parts[k], opt.max_vertices);
    if (s.vertices.size() < 2) continue;
    s.uid = opt.uid_prefix + ".line." + std::to_string(n) + "." + std::to_string(k);
    s.name = l.name.empty() ? l.kind : l.name;
    s.remarks = l.kind + (l.side.empty() ? "" : "; " + l.side + " side") +
                (l.offset_km > 0 ? "; " + fixed(l.offset_km, 1) + " km from the line of contact" : "");
    s.stroke = tak_colour(line_colour(l.kind), 0xFF);
    s.weight = l.kind == "line_of_contact" ? 4 : 2;
    s.dashed = l.kind != "line_of_contact";
    s.centre = s.vertices[s.vertices.size() / 2];
    out.push_back(std::move(s));
  }
}

}  // namespace

double probability_within(const monitor::Ellipse& e, double r) {
  const double a = std::max(e.major_m, e.minor_m), b = std::min(e.major_m, e.minor_m);
  if (r <= 0) return 0;
  if (a <= 0) return 1;
  // P(x² + y² < r²) for x ~ N(0, a²), y ~ N(0, b²): ∫ φ_a(x) P(|y| < √(r² − x²)) dx over |x| < r,
  // with x = r sin t, which takes the square root's kink out: t ∈ [0, π/2], doubled by symmetry.
  const GaussLegendre& g = gauss_legendre();
  double sum = 0;
  for (int i = 0; i < GaussLegendre::kN; ++i) {
    const double t = M_PI / 4 * (g.x[i] + 1);
    const double x = r * std::sin(t), y = r * std::cos(t);
    const double across = b > 0 ? std::erf(y / (b * M_SQRT2)) : 1.0;
    sum += g.w[i] * std::exp(-x * x / (2 * a * a)) * across * y;
  }
  return 2 * (M_PI / 4) * sum / (a * std::sqrt(2 * M_PI));
}

double circular_error_m(const monitor::Ellipse& e) {
  const double a = std::max(e.major_m, e.minor_m);
  if (a <= 0) return 0;
  static const double kOneSigma = 1 - std::exp(-0.5);  // 39.35 %: a circular 1σ
  // P within a is at least the circle's of σ = a, so the answer lies in [0, a].
  double lo = 0, hi = a;
  while (hi - lo > std::max(1e-3, 1e-6 * a)) {
    const double mid = 0.5 * (lo + hi);
    (probability_within(e, mid) < kOneSigma ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

std::string cot_how(const json& incident) {
  if (str(incident, "position_method") != "given") return "h-e";
  const std::string by = str(incident, "position_given_by");
  if (by == "patrol") return "h-t";
  if (by == "camera" || by == "uav" || by == "sensor" || by == "satellite") return "m-i";
  if (by == "osint") return "m-p";
  return "m-f";
}

std::string incident_uid(const std::string& incident_id, const CotOptions& opt) {
  return opt.uid_prefix + ".incident." + incident_id;
}

std::string incident_delete(const std::string& incident_id, int64_t now_ms, const CotOptions& opt) {
  const std::string uid = incident_uid(incident_id, opt);
  // Stale a minute on: a relay (TAK Server) drops an event stale on arrival instead of passing it on.
  std::string e = event_head(uid, "t-x-d-d", "h-g-i-g-o", now_ms, now_ms, now_ms + 60'000);
  e += point(0, 0, "9999999.0");
  e += "<detail><link" + attr("uid", uid) + " relation=\"none\" type=\"none\"/><__forcedelete/>";
  e += "<remarks>" + xml_escape(incident_id + ": every report of it was retracted") + "</remarks></detail></event>";
  return e;
}

std::string incident_event(const json& inc, int64_t now_ms, const CotOptions& opt) {
  const std::string id = str(inc, "id");
  if (num(inc, "n_observations") == 0) return incident_delete(id, now_ms, opt);
  const auto lat = inc.find("lat"), lon = inc.find("lon");
  if (lat == inc.end() || lon == inc.end() || !lat->is_number() || !lon->is_number()) return "";
  const monitor::Ellipse err{num(inc, "err_major_m"), num(inc, "err_minor_m"), num(inc, "err_azimuth_deg")};
  const int64_t first = monitor::parse_time_ms(str(inc, "first_time")).value_or(now_ms);
  std::string e = event_head(incident_uid(id, opt), "a-u-G", cot_how(inc), now_ms, std::min(first, now_ms), now_ms + opt.stale_ms);
  e += point(lat->get<double>(), lon->get<double>(), fixed(circular_error_m(err), 1));
  e += "<detail>";
  e += "<contact" + attr("callsign", id + " " + str(inc, "event")) + "/>";
  e += "<remarks>" + xml_escape(remarks(inc)) + "</remarks>";
  if (!opt.dashboard_url.empty())
    e += "<link" + attr("url", opt.dashboard_url + "/#incident=" + id) + attr("remarks", "truceline dashboard: " + id) +
         " mime=\"text/html\" relation=\"r-u\"/>";
  e += "</detail></event>";
  return e;
}

namespace {

// The observation model's kinds a spot report can be without further fields (a restriction, a
// weapons-site check, casualties and damage need theirs), as TAK users would write them.
constexpr const char* kSpotKinds[] = {"explosion", "projectile", "muzzle flash", "illumination flare", "burst", "shot",
                                      "heavy weapon", "armour", "troops", "aircraft", "uav"};

// The first kind the remarks name as a word, or "other".
std::string spot_kind(std::string remarks) {
  for (char& c : remarks) c = c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t best = std::string::npos;
  std::string kind = "other";
  for (const char* k : kSpotKinds) {
    const std::string w = k;
    for (size_t at = remarks.find(w); at != std::string::npos; at = remarks.find(w, at + 1)) {
      const bool starts = at == 0 || !std::isalnum(static_cast<unsigned char>(remarks[at - 1]));
      const size_t after = at + w.size();
      const bool ends = after == remarks.size() || !std::isalnum(static_cast<unsigned char>(remarks[after]));
      if (starts && ends && at < best) best = at, kind = w;
      if (starts && ends) break;
    }
  }
  for (char& c : kind) c = c == ' ' ? '_' : c;
  return kind;
}

}  // namespace

std::optional<SpotReport> spot_report(const std::string& event_xml) {
  namespace pt = boost::property_tree;
  pt::ptree doc;
  try {
    std::istringstream in(event_xml);
    pt::read_xml(in, doc);
  } catch (const pt::xml_parser_error& e) {
    throw std::invalid_argument(std::string("not well-formed XML: ") + e.message());
  }
  const auto event = doc.get_child_optional("event");
  if (!event) throw std::invalid_argument("no <event>");
  if (event->get("<xmlattr>.type", "") != "b-m-p-s-m") return std::nullopt;
  const auto lat = event->get_optional<double>("point.<xmlattr>.lat");
  const auto lon = event->get_optional<double>("point.<xmlattr>.lon");
  if (!lat || !lon) throw std::invalid_argument("a spot report needs <point lat lon>");
  const std::string uid = event->get("<xmlattr>.uid", ""), time = event->get("<xmlattr>.time", "");
  const std::string remarks = event->get("detail.remarks", "");
  std::string observer = event->get("detail.contact.<xmlattr>.callsign", "");
  if (observer.empty()) observer = uid;
  SpotReport r;
  r.observation = {{"time", time}, {"observer_id", observer}, {"observer_kind", "patrol"}, {"mode", "saw"},
                   {"event", spot_kind(remarks)}, {"lat", *lat}, {"lon", *lon}, {"source_ref", "cot:" + uid}};
  if (!remarks.empty()) r.observation["notes"] = remarks;
  r.key = "cot:" + uid + "@" + time;
  return r;
}

std::vector<std::string> plan_shapes(const plan::ZoneMap& map, int64_t now_ms, const CotOptions& opt) {
  const geo::Context ctx;
  std::vector<Shape> shapes;
  for (const plan::Zone& z : map.zones) add_zone_shapes(ctx, z, opt, shapes);
  for (size_t n = 0; n < map.lines.size(); ++n) add_line_shapes(ctx, map.lines[n], n, opt, shapes);
  std::vector<std::string> out;
  out.reserve(shapes.size());
  for (const Shape& s : shapes) out.push_back(shape_event(s, now_ms, opt));
  return out;
}

std::string events_document(const std::vector<std::string>& events) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<events>\n";
  for (const std::string& e : events) out += e + "\n";
  return out + "</events>\n";
}

}  // namespace truceline::formats

#include "report/svg_map.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "geo/projection.h"

// Layout, top to bottom: title, map, legend. The map is drawn in a Lambert conformal conic fitted
// to the area, so shapes and angles look right and the scale bar holds across the map to ~0.2 %.
// Geometry is simplified in pixel space (what the reader cannot see is not written), which keeps
// the default plan's map a few hundred kB.

namespace truceline::report {

namespace {

constexpr double kMargin = 20;
constexpr double kTitleHeight = 56;
constexpr double kLegendGap = 16;
constexpr double kLegendRow = 20;
// Vertices closer than this to the previous kept one are dropped; then a Douglas–Peucker pass
// removes those within kMaxDeviationPx of the simplified outline. Both are below what shows.
constexpr double kMinStepPx = 0.5;
constexpr double kMaxDeviationPx = 0.3;
constexpr double kZoneOpacity = 0.55;
constexpr double kLabelFontPx = 11;
constexpr double kMaxAspect = 2;  // map height at most twice its width

struct Pt {
  double x = 0, y = 0;
};

// ---- text -----------------------------------------------------------------------------------

std::string esc(std::string_view s) { return xml_escape(s); }

// One decimal, as every coordinate in the file; "-0.0" would be noise.
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  if (std::string_view(buf) == "-0.0") return "0.0";
  return buf;
}

void append_num(std::string& out, double v) { out += num(v); }

std::string thousands(long long v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

std::string area_text(double km2) {
  if (km2 > 0 && km2 < 1) return "<1 km²";
  return thousands(std::llround(km2)) + " km²";
}

// Width of a label in sans-serif, roughly: enough to keep labels from overlapping, not to typeset.
double text_width(std::string_view s, double font_px) {
  size_t chars = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++chars;  // count UTF-8 code points, not bytes
  return 0.58 * font_px * static_cast<double>(chars);
}

// ---- canvas: lon/lat → projected metres → pixels ---------------------------------------------

// Outer rings of what the map must show: the plan's area, or its zones should the area be empty
// (a plan always has an area; the fallback lets a partial map still draw).
std::vector<std::vector<geo::LonLat>> extent_rings(const plan::ZoneMap& map) {
  std::vector<std::vector<geo::LonLat>> rings;
  auto add = [&](const geo::Geom& g) {
    if (!g || g.empty()) return;
    for (auto& poly : geo::polygon_parts(g)) rings.push_back(std::move(poly.front()));
  };
  add(map.area);
  if (rings.empty())
    for (const auto& z : map.zones) add(z.geom);
  return rings;
}

// The outline of a lon/lat box, densified: the conic bends its parallels, and the frame must
// hold the whole box.
std::vector<std::vector<geo::LonLat>> box_ring(const geo::LonLatBox& b) {
  constexpr int kSteps = 16;
  std::vector<geo::LonLat> ring;
  for (int i = 0; i <= kSteps; ++i) ring.push_back({b.min_lon + (b.max_lon - b.min_lon) * i / kSteps, b.min_lat});
  for (int i = 0; i <= kSteps; ++i) ring.push_back({b.max_lon - (b.max_lon - b.min_lon) * i / kSteps, b.max_lat});
  return {ring};
}

geo::LonLatBox lonlat_bounds(const std::vector<std::vector<geo::LonLat>>& rings) {
  geo::LonLatBox b{std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
                   std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
  for (const auto& ring : rings)
    for (const auto& p : ring) {
      b.min_lon = std::min(b.min_lon, p.lon), b.max_lon = std::max(b.max_lon, p.lon);
      b.min_lat = std::min(b.min_lat, p.lat), b.max_lat = std::max(b.max_lat, p.lat);
    }
  return b;
}

class Canvas {
 public:
  // Fits the projected area (not its lon/lat box: the conic bends the box's edges) into
  // `width` pixels less the margins, below `top`.
  Canvas(const std::vector<std::vector<geo::LonLat>>& extent, double width, double top)
      : proj_(geo::fitted_lcc(lonlat_bounds(extent))), left_(kMargin), top_(top) {
    double x0 = std::numeric_limits<double>::max(), y0 = x0, x1 = std::numeric_limits<double>::lowest(), y1 = x1;
    for (const auto& ring : extent)
      for (const auto& p : ring) {
        const geo::XY q = proj_.forward(p);
        x0 = std::min(x0, q.x), x1 = std::max(x1, q.x), y0 = std::min(y0, q.y), y1 = std::max(y1, q.y);
      }
    min_x_ = x0;
    max_y_ = y1;
    const double span_x = std::max(x1 - x0, 1.0), span_y = std::max(y1 - y0, 1.0);
    width_ = width - 2 * kMargin;
    // A very tall area would make a page no one can print: cap the map's height and centre it.
    px_per_m_ = std::min(width_ / span_x, kMaxAspect * width_ / span_y);
    left_ += (width_ - span_x * px_per_m_) / 2;
    height_ = span_y * px_per_m_;
  }

  Pt px(geo::LonLat p) const {
    const geo::XY q = proj_.forward(p);
    return {left_ + (q.x - min_x_) * px_per_m_, top_ + (max_y_ - q.y) * px_per_m_};
  }
  double px_per_m() const { return px_per_m_; }
  double left() const { return kMargin; }  // of the frame; the map is centred in it
  double top() const { return top_; }
  double width() const { return width_; }
  double height() const { return height_; }
  bool contains(Pt p) const { return p.x >= kMargin && p.x <= kMargin + width_ && p.y >= top_ && p.y <= top_ + height_; }
  const geo::Projection& projection() const { return proj_; }

 private:
  geo::Projection proj_;
  double left_, top_;
  double min_x_ = 0, max_y_ = 0, px_per_m_ = 1, width_ = 0, height_ = 0;
};

// ---- simplification and paths ----------------------------------------------------------------

double seg_distance(Pt p, Pt a, Pt b) {
  const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
  t = std::clamp(t, 0.0, 1.0);
  return std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

// Douglas–Peucker with an explicit stack: rings of the DMZ hold tens of thousands of vertices.
std::vector<Pt> douglas_peucker(const std::vector<Pt>& pts, double tol) {
  if (pts.size() < 3) return pts;
  std::vector<char> keep(pts.size(), 0);
  keep.front() = keep.back() = 1;
  std::vector<std::pair<size_t, size_t>> stack{{0, pts.size() - 1}};
  while (!stack.empty()) {
    auto [i, j] = stack.back();
    stack.pop_back();
    double worst = -1;
    size_t at = i;
    for (size_t k = i + 1; k < j; ++k) {
      const double d = seg_distance(pts[k], pts[i], pts[j]);
      if (d > worst) worst = d, at = k;
    }
    if (worst > tol) {
      keep[at] = 1;
      stack.push_back({i, at});
      stack.push_back({at, j});
    }
  }
  std::vector<Pt> out;
  for (size_t k = 0; k < pts.size(); ++k)
    if (keep[k]) out.push_back(pts[k]);
  return out;
}

// Projects and simplifies one ring or line; returns the pixel points, rounded to 0.1 px with
// repeats removed. The last input point is always kept so lines end where they should.
std::vector<Pt> simplify(const std::vector<geo::LonLat>& coords, const Canvas& c) {
  std::vector<Pt> radial;
  radial.reserve(coords.size());
  for (size_t i = 0; i < coords.size(); ++i) {
    const Pt p = c.px(coords[i]);
    const bool last = i + 1 == coords.size();
    if (radial.empty() || last || std::hypot(p.x - radial.back().x, p.y - radial.back().y) >= kMinStepPx)
      radial.push_back(p);
  }
  std::vector<Pt> out;
  for (Pt p : douglas_peucker(radial, kMaxDeviationPx)) {
    p = {std::round(p.x * 10) / 10, std::round(p.y * 10) / 10};
    if (out.empty() || p.x != out.back().x || p.y != out.back().y) out.push_back(p);
  }
  return out;
}

// "M x y x y …" (implicit lineto after moveto), closed with Z for rings.
void append_path(std::string& d, const std::vector<Pt>& pts, bool close) {
  for (size_t i = 0; i < pts.size(); ++i) {
    d += i == 0 ? 'M' : ' ';
    append_num(d, pts[i].x);
    d += ' ';
    append_num(d, pts[i].y);
  }
  if (close) d += 'Z';
}

std::string polygon_path(const geo::Geom& g, const Canvas& c) {
  std::string d;
  if (!g || g.empty()) return d;
  for (const auto& poly : geo::polygon_parts(g))
    for (const auto& ring : poly) {
      auto pts = simplify(ring, c);
      if (pts.size() > 1 && pts.front().x == pts.back().x && pts.front().y == pts.back().y) pts.pop_back();
      if (pts.size() >= 3) append_path(d, pts, true);  // rings smaller than a pixel vanish
    }
  return d;
}

std::string line_path(const geo::Geom& g, const Canvas& c) {
  std::string d;
  if (!g || g.empty()) return d;
  for (const auto& line : geo::line_parts(g)) {
    const auto pts = simplify(line, c);
    if (pts.size() >= 2) append_path(d, pts, false);
  }
  return d;
}

// ---- styles -----------------------------------------------------------------------------------

struct LineStyle {
  const char* stroke;
  double width;
  const char* dash;  // empty: solid
  const char* legend;
  int order;  // drawing order: higher on top
};

LineStyle line_style(const std::string& kind) {
  if (kind == "line_of_contact") return {"#8b0000", 2.6, "", "Line of contact", 3};
  if (kind == "dividing_line") return {"#1f5fbf", 1.8, "", "Dividing line", 2};
  if (kind == "dmz_edge") return {"#8b0000", 1.1, "6 4", "DMZ edge", 1};
  if (kind == "withdrawal_line") return {"#777777", 1.1, "1.5 3", "Withdrawal line", 0};
  return {"#555555", 0.8, "", "Line", 0};
}

std::string stroke_attrs(const LineStyle& s) {
  std::string a = " fill=\"none\" stroke=\"" + std::string(s.stroke) + "\" stroke-width=\"" + num(s.width) +
                  "\" stroke-linejoin=\"round\" stroke-linecap=\"round\"";
  if (*s.dash) a += std::string(" stroke-dasharray=\"") + s.dash + "\"";
  return a;
}

// ---- layers -----------------------------------------------------------------------------------

void draw_zones(std::string& out, const plan::ZoneMap& map, const Canvas& c) {
  out += "<g id=\"zones\" fill-rule=\"evenodd\" fill-opacity=\"" + num(kZoneOpacity) +
         "\" stroke=\"#444444\" stroke-width=\"0.5\" stroke-opacity=\"0.8\" stroke-linejoin=\"round\">\n";
  for (const auto& z : map.zones) {
    const std::string d = polygon_path(z.geom, c);
    if (d.empty()) continue;
    out += "<path class=\"zone\" data-zone=\"" + esc(z.id) + "\" fill=\"" + esc(z.colour) + "\" d=\"" + d + "\"/>\n";
  }
  out += "</g>\n";
}

void draw_area(std::string& out, const plan::ZoneMap& map, const Canvas& c) {
  const std::string d = polygon_path(map.area, c);
  if (d.empty()) return;
  out += "<path id=\"area\" fill=\"none\" stroke=\"#222222\" stroke-width=\"1.2\" stroke-linejoin=\"round\" d=\"" + d +
         "\"/>\n";
}

void draw_lines(std::string& out, const plan::ZoneMap& map, const Canvas& c) {
  std::vector<const plan::Line*> lines;
  for (const auto& l : map.lines) lines.push_back(&l);
  std::stable_sort(lines.begin(), lines.end(), [](const plan::Line* a, const plan::Line* b) {
    return line_style(a->kind).order < line_style(b->kind).order;
  });
  out += "<g id=\"lines\">\n";
  for (const auto* l : lines) {
    const std::string d = line_path(l->geom, c);
    if (d.empty()) continue;
    out += "<path class=\"" + esc(l->kind) + "\"" + stroke_attrs(line_style(l->kind)) + " d=\"" + d + "\"><title>" +
           esc(l->name) + "</title></path>\n";
  }
  out += "</g>\n";
}

struct Box {
  double x0, y0, x1, y1;
  bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

double dot_radius(long population) {
  return std::max(1.6, 1.6 + 1.3 * std::log10(static_cast<double>(population) / 1e5));
}

// Largest first (the settlements come sorted by population): a label that would overlap one
// already placed tries the other side of its dot, then is left out; the dot stays. A second
// settlement of the same name within a few pixels is the same place listed twice and is skipped.
void draw_settlements(std::string& out, const plan::ZoneMap& map, const Canvas& c, long min_population) {
  struct Placed {
    std::string name;
    Pt at;
  };
  std::vector<Placed> placed;
  std::vector<Box> taken;
  std::string dots, labels;
  for (const auto& s : map.settlements) {
    if (s.population < min_population) continue;
    const Pt p = c.px(s.pos);
    if (!c.contains(p)) continue;
    const bool duplicate = std::any_of(placed.begin(), placed.end(), [&](const Placed& q) {
      return q.name == s.name && std::hypot(q.at.x - p.x, q.at.y - p.y) < 30;
    });
    if (duplicate) continue;
    placed.push_back({s.name, p});
    const double r = dot_radius(s.population);
    dots += "<circle cx=\"" + num(p.x) + "\" cy=\"" + num(p.y) + "\" r=\"" + num(r) + "\"/>\n";
    taken.push_back({p.x - r, p.y - r, p.x + r, p.y + r});

    const double w = text_width(s.name, kLabelFontPx), h = kLabelFontPx;
    const Box right{p.x + r + 2, p.y - h * 0.7, p.x + r + 2 + w, p.y + h * 0.3};
    const Box left{p.x - r - 2 - w, right.y0, p.x - r - 2, right.y1};
    auto free = [&](const Box& b) {
      const bool on_page = b.x0 >= 0 && b.x1 <= c.left() + c.width() + kMargin;
      return on_page && std::none_of(taken.begin(), taken.end() - 1, [&](const Box& t) { return t.overlaps(b); });
    };
    const Box* at = free(right) ? &right : free(left) ? &left : nullptr;
    if (!at) continue;
    taken.push_back(*at);
    labels += "<text x=\"" + num(at->x0) + "\" y=\"" + num(p.y + h * 0.35) + "\">" + esc(s.name) + "</text>\n";
  }
  out += "<g id=\"settlements\" fill=\"#111111\" stroke=\"#ffffff\" stroke-width=\"0.8\">\n" + dots + "</g>\n";
  out += "<g id=\"labels\" font-size=\"" + num(kLabelFontPx) +
         "\" fill=\"#111111\" stroke=\"#ffffff\" stroke-width=\"2.5\" stroke-linejoin=\"round\" "
         "paint-order=\"stroke\">\n" +
         labels + "</g>\n";
}

// A round length (1, 2 or 5 × 10ⁿ km) about a fifth of the map's width, in four alternating
// segments. Projected metres: true at the standard parallels, within ~0.2 % elsewhere.
void draw_scale_bar(std::string& out, const Canvas& c) {
  const double target_km = c.width() / 5 / c.px_per_m() / 1000;
  const double p10 = std::pow(10.0, std::floor(std::log10(target_km)));
  double km = p10;
  for (double m : {2.0, 5.0, 10.0})
    if (m * p10 <= target_km) km = m * p10;
  const double len = km * 1000 * c.px_per_m();
  const double x = c.left() + 10, y = c.top() + c.height() - 14;
  out += "<g id=\"scale\" font-size=\"11\" fill=\"#222222\">\n";
  for (int i = 0; i < 4; ++i)
    out += "<rect x=\"" + num(x + i * len / 4) + "\" y=\"" + num(y) + "\" width=\"" + num(len / 4) +
           "\" height=\"5\" stroke=\"#222222\" stroke-width=\"0.6\" fill=\"" + (i % 2 ? "#ffffff" : "#222222") +
           "\"/>\n";
  char km_text[32];
  std::snprintf(km_text, sizeof km_text, "%g km", km);
  out += "<text x=\"" + num(x) + "\" y=\"" + num(y - 4) + "\" text-anchor=\"middle\">0</text>\n";
  out += "<text x=\"" + num(x + len) + "\" y=\"" + num(y - 4) + "\" text-anchor=\"middle\">" + km_text + "</text>\n";
  out += "</g>\n";
}

std::string responsible_text(const plan::ZoneMap& map, const std::string& id) {
  const plan::Party* p = map.plan.party(id);
  if (!p) return id;
  if (p->lead.empty() || p->lead == p->name) return p->name;
  return p->name + " (" + p->lead + ")";
}

// The kinds of line on the map, once each, in drawing order from the top.
std::vector<std::string> line_kinds(const plan::ZoneMap& map) {
  std::vector<std::string> kinds;
  for (const auto& l : map.lines)
    if (std::find(kinds.begin(), kinds.end(), l.kind) == kinds.end() && l.geom && !l.geom.empty())
      kinds.push_back(l.kind);
  std::stable_sort(kinds.begin(), kinds.end(),
                   [](const std::string& a, const std::string& b) { return line_style(a).order > line_style(b).order; });
  return kinds;
}

double legend_height(const plan::ZoneMap& map, const SvgMapOptions& opt) {
  const size_t rows = std::max(map.zones.size(), line_kinds(map).size() + opt.marker_legend.size());
  return kLegendGap + static_cast<double>(rows) * kLegendRow;
}

// Zones on the left (swatch, name, kind, who is responsible, area); line kinds on the right.
void draw_legend(std::string& out, const plan::ZoneMap& map, const SvgMapOptions& opt, double top, double width) {
  out += "<g id=\"legend\" font-size=\"12\" fill=\"#222222\">\n";
  double y = top + kLegendGap;
  for (const auto& z : map.zones) {
    out += "<rect x=\"" + num(kMargin) + "\" y=\"" + num(y) + "\" width=\"16\" height=\"11\" fill=\"" + esc(z.colour) +
           "\" fill-opacity=\"" + num(kZoneOpacity) + "\" stroke=\"#444444\" stroke-width=\"0.5\"/>\n";
    out += "<text x=\"" + num(kMargin + 24) + "\" y=\"" + num(y + 10) + "\"><tspan font-weight=\"bold\">" +
           esc(z.name) + "</tspan> — " + esc(z.kind) + "; " + esc(responsible_text(map, z.responsible)) + "; " +
           area_text(z.area_km2) + "</text>\n";
    y += kLegendRow;
  }
  const double x = kMargin + (width - 2 * kMargin) * 0.66;
  y = top + kLegendGap;
  for (const auto& kind : line_kinds(map)) {
    const LineStyle s = line_style(kind);
    out += "<path" + stroke_attrs(s) + " d=\"M" + num(x) + " " + num(y + 6) + "H" + num(x + 30) + "\"/>\n";
    out += "<text x=\"" + num(x + 38) + "\" y=\"" + num(y + 10) + "\">" + s.legend;
    if (const plan::Line* l = map.find_line(kind); l && kind == "line_of_contact" && l->length_km > 0)
      out += " (" + thousands(std::llround(l->length_km)) + " km)";
    out += "</text>\n";
    y += kLegendRow;
  }
  for (const auto& [colour, text] : opt.marker_legend) {
    out += "<circle cx=\"" + num(x + 15) + "\" cy=\"" + num(y + 6) + "\" r=\"4\" fill=\"" + esc(colour) +
           "\" stroke=\"#ffffff\" stroke-width=\"0.8\"/>\n";
    out += "<text x=\"" + num(x + 38) + "\" y=\"" + num(y + 10) + "\">" + esc(text) + "</text>\n";
    y += kLegendRow;
  }
  out += "</g>\n";
}

// Markers, in the order given (later ones on top), each label beside its dot.
void draw_markers(std::string& out, const std::vector<SvgMarker>& markers, const Canvas& c) {
  std::string dots, labels;
  for (const auto& m : markers) {
    const Pt p = c.px(m.pos);
    dots += "<circle cx=\"" + num(p.x) + "\" cy=\"" + num(p.y) + "\" r=\"" + num(m.radius_px) + "\" fill=\"" +
            esc(m.colour) + "\">";
    if (!m.title.empty()) dots += "<title>" + esc(m.title) + "</title>";
    dots += "</circle>\n";
    if (!m.label.empty())
      labels += "<text x=\"" + num(p.x + m.radius_px + 2) + "\" y=\"" + num(p.y + 4) + "\">" + esc(m.label) + "</text>\n";
  }
  out += "<g id=\"markers\" stroke=\"#ffffff\" stroke-width=\"1\">\n" + dots + "</g>\n";
  if (!labels.empty())
    out += "<g id=\"marker-labels\" font-size=\"10\" fill=\"#111111\" stroke=\"#ffffff\" stroke-width=\"2.5\" "
           "stroke-linejoin=\"round\" paint-order=\"stroke\">\n" +
           labels + "</g>\n";
}

void draw_title(std::string& out, const plan::ZoneMap& map, const std::string& subtitle) {
  out += "<text x=\"" + num(kMargin) + "\" y=\"" + num(kMargin + 16) +
         "\" font-size=\"20\" font-weight=\"bold\" fill=\"#111111\">" + esc(map.plan.name) + "</text>\n";
  std::string sub = map.plan.date.empty() ? std::string() : "Plan of " + map.plan.date + " · ";
  sub += "area " + area_text(map.area_km2) + " · Lambert conformal conic";
  if (!subtitle.empty()) sub = subtitle;
  out += "<text x=\"" + num(kMargin) + "\" y=\"" + num(kMargin + 36) + "\" font-size=\"12\" fill=\"#444444\">" +
         esc(sub) + "</text>\n";
}

}  // namespace

std::string svg_map(const plan::ZoneMap& map, const SvgMapOptions& opt) {
  if (opt.width_px < 200) throw std::invalid_argument("svg_map: width_px must be at least 200");
  const double width = opt.width_px;
  const auto extent = opt.extent ? box_ring(*opt.extent) : extent_rings(map);
  if (extent.empty()) throw GeometryError("svg_map: the plan's area and zones are empty");
  if (opt.extent && !(opt.extent->max_lon > opt.extent->min_lon && opt.extent->max_lat > opt.extent->min_lat))
    throw std::invalid_argument("svg_map: the extent box is empty");

  const Canvas canvas(extent, width, kMargin + kTitleHeight);
  const double legend_top = canvas.top() + canvas.height();
  const int height = static_cast<int>(std::ceil(legend_top + legend_height(map, opt) + kMargin));

  std::string out;
  out.reserve(1 << 20);
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(opt.width_px) + "\" height=\"" +
         std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(opt.width_px) + " " + std::to_string(height) +
         "\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\">\n";
  out += "<title>" + esc(map.plan.name) + (map.plan.date.empty() ? "" : " (" + esc(map.plan.date) + ")") + "</title>\n";
  out += "<desc>" + esc(canvas.projection().definition()) + "</desc>\n";
  out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  // A framed box clips what lies beyond it; the whole area needs no clip (and gets none, so
  // the plan's own map stays a plain drawing).
  if (opt.extent)
    out += "<clipPath id=\"map-frame\"><rect x=\"" + num(canvas.left()) + "\" y=\"" + num(canvas.top()) +
           "\" width=\"" + num(canvas.width()) + "\" height=\"" + num(canvas.height()) +
           "\"/></clipPath>\n<g clip-path=\"url(#map-frame)\">\n";
  draw_zones(out, map, canvas);
  draw_area(out, map, canvas);
  draw_lines(out, map, canvas);
  if (opt.extent) out += "</g>\n";
  draw_settlements(out, map, canvas, opt.label_min_population);
  if (!opt.markers.empty()) draw_markers(out, opt.markers, canvas);
  draw_scale_bar(out, canvas);
  draw_title(out, map, opt.subtitle);
  draw_legend(out, map, opt, legend_top, width);
  out += "</svg>\n";
  return out;
}

}  // namespace truceline::report

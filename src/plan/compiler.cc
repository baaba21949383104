#include "plan/compiler.h"

#include <GeographicLib/Geodesic.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <map>
#include <set>

#include "geo/buffer.h"
#include "geo/errors.h"
#include "geo/geodesy.h"
#include "geo/planar.h"
#include "geo/split.h"
#include "plan/seams.h"

namespace truceline::plan {
namespace {

using geo::Geom;

using geo::polygons_only;

double km2(const Geom& g) { return geo::area_m2(g) / 1e6; }

std::string km_text(double m) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g km", m / 1000);
  return buf;
}

// Geodesic diagonal of the area's bounding box: no band wider than this can fit inside it.
double extent_m(const Geom& area) {
  double xmin, ymin, xmax, ymax;
  GEOSGeom_getXMin_r(area.h(), area.get(), &xmin);
  GEOSGeom_getYMin_r(area.h(), area.get(), &ymin);
  GEOSGeom_getXMax_r(area.h(), area.get(), &xmax);
  GEOSGeom_getYMax_r(area.h(), area.get(), &ymax);
  return geo::distance_m({xmin, ymin}, {xmax, ymax});
}

class Compiler {
 public:
  Compiler(const Plan& plan, const io::Warn& warn, const CompileOptions& opt) : plan_(plan), opt_(opt) {
    map_.ctx = std::make_unique<geo::Context>();
    map_.plan = plan;
    warn_ = [this, warn](const std::string& w) {
      map_.warnings.push_back(w);
      if (warn) warn(w);
    };
  }

  ZoneMap run() {
    for (const std::string& w : plan_.warnings) warn_(w);
    load_area();
    build_line_of_contact();
    build_bands();
    build_divide();
    build_zones();
    place_settlements();
    return std::move(map_);
  }

 private:
  const geo::Context& ctx() const { return *map_.ctx; }

  [[noreturn]] void fail(const std::string& what, const std::string& fix) const {
    throw InputError(plan_.path, what, fix);
  }

  void load_area() {
    auto features = io::read_geojson(ctx(), plan_.area_layer, warn_);
    std::set<std::string> wanted(plan_.area_regions.begin(), plan_.area_regions.end());
    std::vector<Geom> parts;
    for (auto& f : features) {
      if (!wanted.empty() && !wanted.count(f.id)) continue;
      wanted.erase(f.id);
      regions_.emplace(f.id, f.geom.clone());
      parts.push_back(std::move(f.geom));
    }
    if (!plan_.area_regions.empty() && !wanted.empty())
      fail("[area] regions: '" + *wanted.begin() + "' is not a feature id of " + plan_.area_layer,
           "use the ids of that layer's features");
    if (parts.empty()) fail("[area] layer " + plan_.area_layer + " holds no polygon", "give a polygon layer");
    map_.area = polygons_only(geo::unary_union(ctx(), std::move(parts)));
    map_.area_km2 = km2(map_.area);
    shapes_.emplace("area", map_.area.clone());
    plane_.emplace(geo::fitted_lcc(geo::bounds(map_.area)));
    if (!plan_.land_border_layer.empty()) load_land_border();
  }

  void load_land_border() {
    std::vector<Geom> parts;
    for (auto& f : io::read_geojson(ctx(), plan_.land_border_layer, warn_)) {
      if (f.geom.type() != GEOS_LINESTRING && f.geom.type() != GEOS_MULTILINESTRING)
        throw InputError(plan_.land_border_layer, "feature " + f.id + " is not a line",
                         "give the land border as LineString or MultiLineString features");
      parts.push_back(std::move(f.geom));
    }
    if (parts.empty()) throw InputError(plan_.land_border_layer, "holds no line", "give the area's land border as lines");
    land_border_ = geo::unary_union(ctx(), std::move(parts));
  }

  // A named shape, clipped to the area. Defined shapes are built on first use.
  const Geom& shape(const std::string& id) {
    if (auto it = shapes_.find(id); it != shapes_.end()) return it->second;
    auto def = std::find_if(plan_.shapes.begin(), plan_.shapes.end(), [&](const ShapeDef& s) { return s.id == id; });
    if (def == plan_.shapes.end())
      fail("shape '" + id + "' is used before it can be built", "shapes that depend on the line, the DMZ or the divide "
                                                                  "can be used by zones only");
    if (!building_.insert(id).second) fail("shape '" + id + "' is defined in terms of itself", "break the cycle in [shapes]");
    Geom g = build_shape(*def);
    building_.erase(id);
    if (def->layer.empty()) return shapes_.emplace(id, polygons_only(g.intersection(map_.area))).first->second;
    // A layer of its own meets the area's outline only roughly: clip it and close the seams.
    GapFill fill = close_gaps(g, map_.area, plan_.gap_tolerance_m, *plane_);
    fill.report.shape = id;
    map_.seams.push_back(fill.report);
    return shapes_.emplace(id, std::move(fill.shape)).first->second;
  }

  Geom build_shape(const ShapeDef& def) {
    std::vector<Geom> parts;
    if (!def.layer.empty()) {
      for (auto& f : io::read_geojson(ctx(), def.layer, warn_)) parts.push_back(std::move(f.geom));
      if (parts.empty()) fail("[shapes] " + def.id + ": layer " + def.layer + " is empty", "give a polygon layer");
    }
    for (const auto& r : def.regions) {
      auto it = regions_.find(r);
      if (it == regions_.end())
        fail("[shapes] " + def.id + ": '" + r + "' is not a region of the area", "use the ids of " + plan_.area_layer);
      parts.push_back(it->second.clone());
    }
    if (!def.polygon.empty()) {
      Geom p = geo::make_polygon(ctx(), def.polygon);
      std::string reason;
      if (!p.is_valid(&reason)) {
        warn_(plan_.path + ": [shapes] " + def.id + ": invalid polygon (" + reason + "), repaired with MakeValid");
        p = p.make_valid();
      }
      parts.push_back(std::move(p));
    }
    for (const auto& u : def.union_of) parts.push_back(shape(u).clone());
    return geo::unary_union(ctx(), std::move(parts));
  }

  void add_line(std::string kind, std::string name, Geom g, std::string side = {}, double offset_m = 0,
                std::string weapon_class = {}) {
    Line l{std::move(kind), std::move(name), std::move(side), std::move(weapon_class), offset_m / 1000, std::move(g), 0};
    l.length_km = geo::length_m(l.geom) / 1000;
    map_.lines.push_back(std::move(l));
  }

  Geom densified(const Geom& lines) {
    std::vector<Geom> parts;
    for (const auto& p : geo::line_parts(lines)) parts.push_back(geo::make_line(ctx(), geo::densify(p, opt_.max_edge_m)));
    return geo::make_collection(ctx(), GEOS_MULTILINESTRING, std::move(parts));
  }

  // The part of the inside shape's boundary that lies within the area, at least `tolerance` from
  // the area's outline (a border or a coast is no line of contact), in pieces of `min_piece` or more.
  // Distances to the outline are measured in the area's plane (geo/planar.h: within 0.2 %, 6 m of
  // a 3 km tolerance), probing the boundary every 100 m.
  Geom derive_line(const Geom& inside) {
    const double tol = std::max(plan_.line.tolerance_m, 1.0);
    const Geom outline =
        geo::to_plane(geo::clip_to_box(map_.area.boundary(), geo::widened(geo::bounds(inside), 2 * tol)), *plane_);
    const geo::Prepared obstacle(outline);
    std::vector<Geom> kept;
    for (const auto& ring : geo::line_parts(inside.boundary()))
      for (auto& piece : geo::stretches_clear_of(ring, true, obstacle, *plane_, tol, 100))
        if (geo::length_m(piece) >= plan_.line.min_piece_m) kept.push_back(geo::make_line(ctx(), piece));
    return geo::make_collection(ctx(), GEOS_MULTILINESTRING, std::move(kept));
  }

  void build_line_of_contact() {
    Geom line;
    if (!plan_.line.boundary_of.empty()) {
      inside_ = shape(plan_.line.boundary_of).clone();
      line = derive_line(inside_);
    } else {
      std::vector<Geom> parts;
      for (auto& f : io::read_geojson(ctx(), plan_.line.layer, warn_)) parts.push_back(std::move(f.geom));
      Geom given = geo::unary_union(ctx(), std::move(parts)).line_merge();
      line = given.intersection(map_.area);
      try {
        inside_ = geo::split_by_line(map_.area, given).left;
      } catch (const GeometryError& e) {
        throw InputError(plan_.line.layer, std::string("line of contact: ") + e.what(),
                         "extend the line beyond the area's outline at both ends");
      }
    }
    if (line.empty() || geo::length_m(line) == 0)
      fail("[line_of_contact]: the line of contact is empty", "check the shape meets the area away from its outline, "
                                                             "or lower tolerance/min_piece");
    line_ = densified(line);
    outside_ = polygons_only(map_.area.difference(inside_));
    shapes_.emplace(plan_.line.inside, inside_.clone());
    shapes_.emplace(plan_.line.outside, outside_.clone());
    map_.shape_area_km2.emplace_back(plan_.line.inside, km2(inside_));
    add_line("line_of_contact", "line of contact", line_.clone());
  }

  // Points within `distance` of the line on one side, and the edge of that band.
  std::pair<Geom, Geom> band(double distance, const Geom& side) {
    Geom buf = geo::geodesic_buffer(line_, distance);
    Geom area_part = polygons_only(buf.intersection(side));
    Geom edge = buf.boundary().intersection(side);
    return {std::move(area_part), std::move(edge)};
  }

  void check_width(const std::string& what, double w) {
    const double extent = extent_m(map_.area);
    if (w >= extent)
      fail(what + " of " + km_text(w) + " is wider than the area itself (" + km_text(extent) + " across)",
           "give a distance smaller than the area");
  }

  void build_bands() {
    if (plan_.dmz) {
      std::vector<Geom> dmz_parts;
      const std::pair<const std::string&, double> sides[] = {{plan_.line.inside, plan_.dmz->inside_m},
                                                             {plan_.line.outside, plan_.dmz->outside_m}};
      for (const auto& [name, w] : sides) {
        Geom part = geo::empty_polygon(ctx());
        if (w > 0) {
          check_width("[dmz] width", w);
          auto [poly, edge] = band(w, shape(name));
          add_line("dmz_edge", "DMZ edge (" + name + ")", std::move(edge), name, w);
          part = std::move(poly);
        }
        dmz_parts.push_back(part.clone());
        shapes_.emplace("dmz_" + name, std::move(part));
      }
      shapes_.emplace("dmz", polygons_only(geo::unary_union(ctx(), std::move(dmz_parts))));
      if (km2(shape("dmz")) >= map_.area_km2 * 0.999)
        fail("[dmz] covers the whole area", "make the DMZ narrower than the area");
    }
    for (const auto& w : plan_.withdrawals) {
      const std::pair<const std::string&, double> sides[] = {{plan_.line.inside, w.inside_m}, {plan_.line.outside, w.outside_m}};
      for (const auto& [name, d] : sides) {
        if (d <= 0) continue;
        check_width("[[withdrawal]] " + w.weapon_class, d);
        add_line("withdrawal_line", w.label + " (" + name + ", " + km_text(d) + ")", band(d, shape(name)).second, name, d,
                 w.weapon_class);
      }
    }
  }

  void build_divide() {
    if (!plan_.divide) return;
    std::vector<Geom> parts;
    for (auto& f : io::read_geojson(ctx(), plan_.divide->layer, warn_)) parts.push_back(std::move(f.geom));
    Geom line = geo::unary_union(ctx(), std::move(parts));
    if (!line.intersects(map_.area))
      throw InputError(plan_.divide->layer, "the dividing line does not cross the area",
                       "give a line that crosses " + plan_.area_layer + " from edge to edge");
    geo::Sides s;
    try {
      s = geo::split_by_line(map_.area, line);
    } catch (const GeometryError& e) {
      throw InputError(plan_.divide->layer, e.what(), "give one connected line that crosses the area from edge to edge");
    }
    shapes_.emplace(plan_.divide->left, polygons_only(s.left));
    shapes_.emplace(plan_.divide->right, polygons_only(s.right));
    add_line("dividing_line", "dividing line", densified(line.intersection(map_.area)));
  }

  // Zones in precedence order: each takes the intersection of its shapes, less what earlier took.
  void build_zones() {
    // What earlier zones left. Every shape lies within the area already, so a zone starts from its
    // first shape and never pays for an overlay with the whole (finely coasted) area.
    Geom left = map_.area.clone();
    for (const auto& def : plan_.zones) {
      Geom g = def.within.empty() ? left.clone() : shape(def.within[0]).clone();
      for (size_t i = 1; i < def.within.size(); ++i) g = g.intersection(shape(def.within[i]));
      if (!def.within.empty()) g = polygons_only(g.intersection(left));
      left = polygons_only(left.difference(g));
      Zone z{def.id, def.name, def.kind, def.responsible, def.colour, std::move(g), {}, 0, 0};
      if (z.colour.empty()) {
        const Party* p = plan_.party(def.responsible);
        z.colour = p ? p->colour : "#cccccc";
      }
      z.area_km2 = km2(z.geom);
      map_.zones.push_back(std::move(z));
    }
    map_.fragments = reassign_fragments(map_.zones, {plan_.enclaves, &line_, plan_.line.min_piece_m});
    if (land_border_)
      for (auto& z : map_.zones) z.land_border = land_border_.intersection(z.geom);
    const double left_km2 = km2(left);
    if (left_km2 > opt_.unassigned_warn_km2)
      warn_(plan_.path + ": " + std::to_string(left_km2) + " km² of the area is in no zone (points there classify as outside)");
  }

  void place_settlements() {
    if (plan_.settlements_layer.empty()) return;
    map_.settlements = read_settlements(plan_.settlements_layer);
    std::vector<std::unique_ptr<geo::Prepared>> prepared;
    for (const auto& z : map_.zones) prepared.push_back(std::make_unique<geo::Prepared>(z.geom));
    for (auto& s : map_.settlements) {
      Geom pt = geo::make_point(ctx(), s.pos.lon, s.pos.lat);
      for (size_t i = 0; i < prepared.size(); ++i)
        if (prepared[i]->covers(pt)) {
          s.zone = static_cast<int>(i);
          break;
        }
      if (s.zone < 0) {
        const Snapped snap = snap_to_land_border(map_, [&](int z) { return distance_to_lines_m(s.pos, map_.zones[z].land_border); });
        s.zone = snap.zone;
        s.outside_by_m = snap.outside_by_m;
      }
      if (s.zone >= 0) map_.zones[s.zone].population += s.population;
    }
  }

  // Brute force over the segments: only the few settlements outside every zone come here.
  static double distance_to_lines_m(geo::LonLat p, const Geom& lines) {
    double best = std::numeric_limits<double>::infinity();
    for (const auto& line : geo::line_parts(lines))
      for (size_t i = 1; i < line.size(); ++i) best = std::min(best, geo::distance_to_segment_m(p, line[i - 1], line[i]));
    return best;
  }

  const Plan& plan_;
  CompileOptions opt_;
  ZoneMap map_;
  io::Warn warn_;
  std::map<std::string, Geom> regions_;
  std::map<std::string, Geom> shapes_;
  std::set<std::string> building_;
  Geom line_, inside_, outside_;
  Geom land_border_;
  std::optional<geo::Projection> plane_;  // for the seams' morphology (geo/planar.h)
};

}  // namespace

ZoneMap compile(const Plan& plan, const io::Warn& warn, const CompileOptions& opt) {
  return Compiler(plan, warn, opt).run();
}

}  // namespace truceline::plan

#include "plan/seams.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "geo/geodesy.h"
#include "geo/planar.h"

namespace truceline::plan {
namespace {

using geo::Geom;

double km2(const Geom& g) { return geo::area_m2(g) / 1e6; }

using geo::polygons_of;

Geom box_polygon(const geo::Context& ctx, const geo::LonLatBox& b) {
  return geo::make_polygon(ctx, {{{b.min_lon, b.min_lat}, {b.max_lon, b.min_lat}, {b.max_lon, b.max_lat},
                                  {b.min_lon, b.max_lat}, {b.min_lon, b.min_lat}}});
}

}  // namespace

GapFill close_gaps(const Geom& shape, const Geom& area, double gap_m, const geo::Projection& plane) {
  const geo::Context& ctx = area.ctx();
  GapFill out;
  out.shape = geo::polygons_only(shape.intersection(area));
  out.report.clipped_km2 = std::max(0.0, km2(shape) - km2(out.shape));
  if (gap_m <= 0 || out.shape.empty()) return out;

  // A gap lies within gap_m of the shape: work in its box widened by a margin, so that the opening
  // never runs over the whole country. The box's edges stay 3 gaps from the shape, and a piece
  // must touch both the shape and the outline, so a cut along the box never counts as a gap.
  const Geom window = box_polygon(ctx, geo::widened(geo::bounds(out.shape), 3 * gap_m));
  const Geom near_area = area.intersection(window);
  const Geom gaps_ll = geo::polygons_only(near_area.difference(out.shape));
  if (gaps_ll.empty()) return out;
  const Geom gaps = geo::to_plane(gaps_ll, plane);
  const Geom opened = geo::planar_buffer(geo::planar_buffer(gaps, -gap_m / 2), gap_m / 2);
  const Geom narrow = gaps.difference(opened);

  // A piece touches the shape when it meets the shape grown by 1 m, and the outline when it is not
  // inside the area shrunk by 1 m: both sides of a gap are exact edges of its pieces, so 1 m is
  // generous, and a prepared polygon answers each piece at once (a distance to the whole outline
  // for each of the ~1,500 pieces cost half a second).
  constexpr double touch_m = 1.0;
  const Geom grown = geo::planar_buffer(geo::to_plane(out.shape, plane), touch_m, 1);
  const Geom core = geo::planar_buffer(geo::to_plane(near_area, plane), -touch_m, 1);
  const geo::Prepared near_shape(grown), inner(core);
  std::vector<Geom> fill;
  for (auto& piece : polygons_of(narrow))
    if (near_shape.intersects(piece) && !inner.contains(piece)) fill.push_back(std::move(piece));
  if (fill.empty()) return out;
  out.report.gaps = static_cast<int>(fill.size());
  // Back in lon/lat, widened by a hair and cut to the gaps, so that the filled pieces share their
  // edges with the shape and the outline exactly (the projection's round trip is 1e-9° off).
  Geom back = geo::from_plane(geo::unary_union(ctx, std::move(fill)), plane);
  Geom exact = geo::polygons_only(geo::planar_buffer(back, 1e-7).intersection(gaps_ll));
  out.report.filled_km2 = km2(exact);
  std::vector<Geom> both;
  both.push_back(std::move(out.shape));
  both.push_back(std::move(exact));
  out.shape = geo::polygons_only(geo::unary_union(ctx, std::move(both)));
  return out;
}

namespace {

struct Part {
  Geom geom;
  double km2 = 0;
};

std::vector<Part> parts_of(const Geom& g) {
  std::vector<Part> out;
  for (auto& p : polygons_of(g)) {
    const double a = km2(p);
    out.push_back({std::move(p), a});
  }
  return out;
}

// Length in metres of the part's boundary that runs along zone `other` (the part's edges lying in it).
double shared_boundary_m(const Geom& part_edge, const geo::LonLatBox& box, const Geom& other) {
  const Geom near = geo::clip_to_box(other, geo::widened(box, 100));
  if (near.empty()) return 0;
  return geo::length_m(part_edge.intersection(near));
}

bool holds(const Part& p, geo::LonLat at) {
  const Geom pt = geo::make_point(p.geom.ctx(), at.lon, at.lat);
  return GEOSCovers_r(pt.h(), p.geom.get(), pt.get()) == 1;
}

bool declared(const Part& p, const std::string& zone, const std::vector<Enclave>& enclaves) {
  return std::any_of(enclaves.begin(), enclaves.end(), [&](const Enclave& e) { return e.zone == zone && holds(p, e.at); });
}

// Whether the line of contact runs through or along the part for at least `min_m`: such a part is
// the plan's own structure (the DMZ around a pocket held across the border), not a seam.
bool carries_line(const Part& p, const geo::LonLatBox& box, const FragmentRules& rules) {
  if (!rules.line || rules.line->empty()) return false;
  const Geom near = geo::clip_to_box(*rules.line, geo::widened(box, 100));
  return !near.empty() && geo::length_m(near.intersection(p.geom)) >= rules.on_line_m;
}

geo::LonLat inside_point(const Geom& g) {
  const Geom pt = g.point_on_surface();
  geo::LonLat p;
  GEOSGeomGetX_r(pt.h(), pt.get(), &p.lon);
  GEOSGeomGetY_r(pt.h(), pt.get(), &p.lat);
  return p;
}

// One pass: detached parts, each either kept or moved. Returns true if any moved.
// One pass over every detached part. Only parts that touch another zone's main body move, to the
// main body they share most boundary with: the bodies never move, so a part cannot be sent back
// and forth, and a part bordered only by other fragments waits for them (a DeepStateMap island
// inside a seam strip joins the occupied body once the strip has). With `any_part`, only the one
// smallest part bordered by fragments alone moves instead, to the zone it shares most boundary
// with: an island two zones share becomes one. With `dry`, nothing moves. Returns whether
// anything moved; `kept` gets the parts that stay, `moved` those that went.
bool reassign_once(std::vector<Zone>& zones, const FragmentRules& rules, bool any_part, bool dry,
                   std::vector<Fragment>& moved, std::vector<Fragment>& kept) {
  const geo::Context& ctx = zones.front().geom.ctx();
  std::vector<std::vector<Part>> parts(zones.size());
  std::vector<size_t> main(zones.size(), 0);
  std::vector<Geom> bodies;
  for (size_t z = 0; z < zones.size(); ++z) {
    parts[z] = parts_of(zones[z].geom);
    for (size_t i = 1; i < parts[z].size(); ++i)
      if (parts[z][i].km2 > parts[z][main[z]].km2) main[z] = i;
    bodies.push_back(parts[z].empty() ? geo::empty_polygon(ctx) : parts[z][main[z]].geom.clone());
  }
  // Most detached parts are islets that no other zone touches: a prepared test per zone rules a
  // zone out before its boundary is clipped and measured (a clip of a whole zone costs ~1 ms).
  std::vector<std::unique_ptr<geo::Prepared>> touch;
  for (const auto& z : zones) touch.push_back(std::make_unique<geo::Prepared>(z.geom));
  struct Move {
    size_t z, i, to;
    Fragment f;
  };
  std::vector<Move> moves;
  for (size_t z = 0; z < zones.size(); ++z) {
    for (size_t i = 0; i < parts[z].size(); ++i) {
      if (i == main[z]) continue;
      const Part& part = parts[z][i];
      Fragment f{zones[z].id, "", "", part.km2, inside_point(part.geom), 0};
      const Geom edge = part.geom.boundary();
      const geo::LonLatBox box = geo::bounds(part.geom);
      size_t best = z;
      double best_m = 0, all_m = 0, best_body_m = 0;
      size_t best_body = z;
      for (size_t y = 0; y < zones.size(); ++y) {
        if (y == z || !touch[y]->intersects(part.geom)) continue;
        const double all = shared_boundary_m(edge, box, zones[y].geom);
        all_m += all;
        if (all > best_m) best = y, best_m = all;
        if (all > 0) {
          const double m = shared_boundary_m(edge, box, bodies[y]);
          if (m > best_body_m) best_body = y, best_body_m = m;
        }
      }
      const char* keep = declared(part, zones[z].id, rules.enclaves) ? "declared"
                         : all_m == 0                                   ? "island"
                         : carries_line(part, box, rules)               ? "on_line"
                                                                        : nullptr;
      if (!keep && !any_part && best_body != z) {
        f.moved_to = zones[best_body].id, f.reason = "moved", f.shared_m = best_body_m;
        moves.push_back({z, i, best_body, std::move(f)});
      } else if (!keep && any_part && best_body == z) {
        f.moved_to = zones[best].id, f.reason = "moved", f.shared_m = best_m;
        moves.push_back({z, i, best, std::move(f)});
      } else {
        f.reason = keep ? keep : "fragment", f.shared_m = all_m;
        kept.push_back(std::move(f));
      }
    }
  }
  if (any_part && moves.size() > 1) {
    auto smallest = std::min_element(moves.begin(), moves.end(), [](const Move& a, const Move& b) { return a.f.area_km2 < b.f.area_km2; });
    Move one = std::move(*smallest);
    moves.clear();
    moves.push_back(std::move(one));
  }
  if (dry || moves.empty()) return false;

  std::vector<std::vector<bool>> leaving(zones.size());
  for (size_t z = 0; z < zones.size(); ++z) leaving[z].assign(parts[z].size(), false);
  std::map<size_t, std::vector<Geom>> gains;
  for (auto& m : moves) {
    leaving[m.z][m.i] = true;
    gains[m.to].push_back(parts[m.z][m.i].geom.clone());
    moved.push_back(std::move(m.f));
  }
  for (size_t z = 0; z < zones.size(); ++z) {
    if (std::none_of(leaving[z].begin(), leaving[z].end(), [](bool b) { return b; })) continue;
    std::vector<Geom> stay;
    for (size_t i = 0; i < parts[z].size(); ++i)
      if (!leaving[z][i]) stay.push_back(std::move(parts[z][i].geom));
    zones[z].geom = geo::multipolygon(ctx, std::move(stay));
  }
  for (auto& [z, add] : gains) {
    add.push_back(std::move(zones[z].geom));
    zones[z].geom = geo::polygons_only(geo::unary_union(ctx, std::move(add)));
  }
  for (auto& z : zones) z.area_km2 = km2(z.geom);
  return true;
}

}  // namespace

std::vector<Fragment> reassign_fragments(std::vector<Zone>& zones, const FragmentRules& rules) {
  std::vector<Fragment> moved, kept;
  if (zones.empty()) return moved;
  // Each pass reaches one ring of fragments further from the bodies; a few settle it. What is left
  // after the last has nowhere to go ("fragment") or is kept on purpose.
  // Then a part that only fragments border (an island two zones share) joins its largest
  // neighbour, smallest first, and the bodies reach out again. A last dry pass reports.
  constexpr int max_passes = 64;
  for (int pass = 0; pass < max_passes; ++pass) {
    std::vector<Fragment> ignored;
    if (reassign_once(zones, rules, false, false, moved, ignored)) continue;
    if (!reassign_once(zones, rules, true, false, moved, ignored)) break;
  }
  reassign_once(zones, rules, false, true, moved, kept);
  moved.insert(moved.end(), std::make_move_iterator(kept.begin()), std::make_move_iterator(kept.end()));
  return moved;
}

}  // namespace truceline::plan

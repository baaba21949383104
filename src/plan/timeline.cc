#include "plan/timeline.h"

#include "geo/errors.h"
#include "geo/geodesy.h"
#include "io/geojson.h"

namespace truceline::plan {

geo::Geom read_territory(const geo::Context& ctx, const std::string& path, const io::Warn& warn) {
  std::vector<geo::Geom> parts;
  for (auto& f : io::read_geojson(ctx, path, warn ? warn : [](const std::string&) {})) parts.push_back(std::move(f.geom));
  if (parts.empty()) throw InputError(path, "holds no polygon", "give the layer of the occupied territory");
  return geo::polygons_only(geo::unary_union(ctx, std::move(parts)).make_valid());
}

Difference difference_pieces(const geo::Geom& after, const geo::Geom& before, double sliver_km2) {
  Difference d;
  std::vector<geo::Geom> kept;
  for (geo::Geom& piece : geo::polygons_of(after.difference(before))) {
    const double km2 = geo::area_m2(piece) / 1e6;
    if (km2 < sliver_km2) {
      d.dropped_km2 += km2, ++d.dropped_pieces;
      continue;
    }
    d.kept_km2 += km2, ++d.kept_pieces;
    kept.push_back(std::move(piece));
  }
  d.kept = geo::multipolygon(after.ctx(), std::move(kept));
  return d;
}

namespace {

std::vector<bool> inside(const geo::Geom& territory, const std::vector<geo::Geom>& points) {
  const geo::Prepared p(territory);
  std::vector<bool> out;
  out.reserve(points.size());
  for (const geo::Geom& pt : points) out.push_back(p.covers(pt));
  return out;
}

}  // namespace

std::vector<TimelineStep> timeline(const geo::Context& ctx, const std::vector<SeriesLayer>& series,
                                   const std::vector<Settlement>& settlements, const TimelineOptions& opt,
                                   const std::function<double(const std::string& date)>& line_km,
                                   const io::Warn& warn) {
  std::vector<geo::Geom> points;
  for (const Settlement& s : settlements) points.push_back(geo::make_point(ctx, s.pos.lon, s.pos.lat));
  std::vector<TimelineStep> out;
  geo::Geom before;
  std::vector<bool> held_before;
  for (const SeriesLayer& layer : series) {
    TimelineStep step;
    step.date = layer.date, step.path = layer.path;
    geo::Geom now = read_territory(ctx, layer.path, warn);
    step.area_km2 = geo::area_m2(now) / 1e6;
    std::vector<bool> held = inside(now, points);
    if (before) {
      Difference taken = difference_pieces(now, before, opt.sliver_km2);
      Difference returned = difference_pieces(before, now, opt.sliver_km2);
      step.taken_km2 = taken.kept_km2, step.taken_pieces = taken.kept_pieces;
      step.returned_km2 = returned.kept_km2, step.returned_pieces = returned.kept_pieces;
      step.dropped_km2 = taken.dropped_km2 + returned.dropped_km2;
      step.dropped_pieces = taken.dropped_pieces + returned.dropped_pieces;
      step.taken = std::move(taken.kept), step.returned = std::move(returned.kept);
      for (size_t i = 0; i < settlements.size(); ++i)
        if (held[i] != held_before[i])
          step.settlements.push_back({settlements[i].name, settlements[i].population, settlements[i].pos, held[i]});
    }
    if (line_km) step.line_km = line_km(layer.date);
    out.push_back(std::move(step));
    before = std::move(now);
    held_before = std::move(held);
  }
  return out;
}

}  // namespace truceline::plan

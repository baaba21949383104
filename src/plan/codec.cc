#include "plan/codec.h"

#include "geo/wkb.h"

namespace truceline::plan {
namespace {

void put(io::ByteWriter& w, geo::LonLat p) {
  w.f64(p.lon);
  w.f64(p.lat);
}
geo::LonLat get_lonlat(io::ByteReader& r) {
  const double lon = r.f64();
  return {lon, r.f64()};
}

// A vector of anything, each element by `each`; at least one byte per element, for the length check.
template <class T, class Fn>
void put_all(io::ByteWriter& w, const std::vector<T>& v, Fn&& each) {
  w.u64(v.size());
  for (const auto& x : v) each(x);
}
template <class T, class Fn>
std::vector<T> get_all(io::ByteReader& r, Fn&& each) {
  std::vector<T> v(r.count(1));
  for (auto& x : v) x = each();
  return v;
}

// A geometry, or none: a flag, then its WKB.
void put_geom(io::ByteWriter& w, const geo::Geom& g) {
  w.boolean(static_cast<bool>(g));
  if (g) w.str(geo::to_wkb(g));
}
geo::Geom get_geom(io::ByteReader& r, const geo::Context& ctx) {
  if (!r.boolean()) return {};
  const size_t n = r.count(1);
  return geo::from_wkb(ctx, r.view(n));
}

void put_ring(io::ByteWriter& w, const std::vector<geo::LonLat>& ring) {
  put_all(w, ring, [&](geo::LonLat p) { put(w, p); });
}
std::vector<geo::LonLat> get_ring(io::ByteReader& r) {
  return get_all<geo::LonLat>(r, [&] { return get_lonlat(r); });
}

void put_shape(io::ByteWriter& w, const ShapeDef& s) {
  w.str(s.id);
  w.str(s.layer);
  w.strings(s.regions);
  put_all(w, s.polygon, [&](const auto& ring) { put_ring(w, ring); });
  w.strings(s.union_of);
}
ShapeDef get_shape(io::ByteReader& r) {
  ShapeDef s;
  s.id = r.str();
  s.layer = r.str();
  s.regions = r.strings();
  s.polygon = get_all<std::vector<geo::LonLat>>(r, [&] { return get_ring(r); });
  s.union_of = r.strings();
  return s;
}

}  // namespace

void write_plan(io::ByteWriter& w, const Plan& p) {
  for (const auto* s : {&p.path, &p.name, &p.date, &p.description, &p.source, &p.area_layer}) w.str(*s);
  w.strings(p.area_regions);
  w.f64(p.gap_tolerance_m);
  w.str(p.land_border_layer);
  w.f64(p.border_snap_m);
  put_all(w, p.enclaves, [&](const Enclave& e) {
    w.str(e.name);
    put(w, e.at);
    w.str(e.zone);
  });
  w.str(p.settlements_layer);
  put_all(w, p.parties, [&](const Party& x) {
    for (const auto* s : {&x.id, &x.name, &x.lead, &x.colour, &x.role}) w.str(*s);
  });
  put_all(w, p.shapes, [&](const ShapeDef& s) { put_shape(w, s); });
  for (const auto* s : {&p.line.boundary_of, &p.line.layer}) w.str(*s);
  w.f64(p.line.tolerance_m);
  w.f64(p.line.min_piece_m);
  w.str(p.line.inside);
  w.str(p.line.outside);
  w.boolean(p.dmz.has_value());
  if (p.dmz) {
    w.f64(p.dmz->inside_m);
    w.f64(p.dmz->outside_m);
  }
  w.boolean(p.divide.has_value());
  if (p.divide)
    for (const auto* s : {&p.divide->layer, &p.divide->left, &p.divide->right}) w.str(*s);
  put_all(w, p.zones, [&](const ZoneDef& z) {
    for (const auto* s : {&z.id, &z.name, &z.kind, &z.responsible, &z.colour}) w.str(*s);
    w.strings(z.within);
  });
  put_all(w, p.withdrawals, [&](const Withdrawal& x) {
    w.str(x.weapon_class);
    w.str(x.label);
    w.f64(x.inside_m);
    w.f64(x.outside_m);
  });
  put_all(w, p.rules, [&](const Rule& x) {
    for (const auto* s : {&x.id, &x.kind, &x.severity}) w.str(*s);
    w.strings(x.weapon_classes);
  });
  w.f64(p.monitoring.bearing_sigma_saw_deg);
  w.f64(p.monitoring.bearing_sigma_heard_deg);
  w.str(p.alerts.violation_severity);
  put_all(w, p.alerts.thresholds, [&](const Threshold& t) {
    w.str(t.zone);
    w.i32(t.violations);
    w.i32(t.window_minutes);
    w.str(t.min_severity);
  });
}

Plan read_plan(io::ByteReader& r) {
  Plan p;
  for (auto* s : {&p.path, &p.name, &p.date, &p.description, &p.source, &p.area_layer}) *s = r.str();
  p.area_regions = r.strings();
  p.gap_tolerance_m = r.f64();
  p.land_border_layer = r.str();
  p.border_snap_m = r.f64();
  p.enclaves = get_all<Enclave>(r, [&] {
    Enclave e;
    e.name = r.str();
    e.at = get_lonlat(r);
    e.zone = r.str();
    return e;
  });
  p.settlements_layer = r.str();
  p.parties = get_all<Party>(r, [&] {
    Party x;
    for (auto* s : {&x.id, &x.name, &x.lead, &x.colour, &x.role}) *s = r.str();
    return x;
  });
  p.shapes = get_all<ShapeDef>(r, [&] { return get_shape(r); });
  for (auto* s : {&p.line.boundary_of, &p.line.layer}) *s = r.str();
  p.line.tolerance_m = r.f64();
  p.line.min_piece_m = r.f64();
  p.line.inside = r.str();
  p.line.outside = r.str();
  if (r.boolean()) {
    Dmz d;
    d.inside_m = r.f64();
    d.outside_m = r.f64();
    p.dmz = d;
  }
  if (r.boolean()) {
    Divide d;
    for (auto* s : {&d.layer, &d.left, &d.right}) *s = r.str();
    p.divide = d;
  }
  p.zones = get_all<ZoneDef>(r, [&] {
    ZoneDef z;
    for (auto* s : {&z.id, &z.name, &z.kind, &z.responsible, &z.colour}) *s = r.str();
    z.within = r.strings();
    return z;
  });
  p.withdrawals = get_all<Withdrawal>(r, [&] {
    Withdrawal x;
    x.weapon_class = r.str();
    x.label = r.str();
    x.inside_m = r.f64();
    x.outside_m = r.f64();
    return x;
  });
  p.rules = get_all<Rule>(r, [&] {
    Rule x;
    for (auto* s : {&x.id, &x.kind, &x.severity}) *s = r.str();
    x.weapon_classes = r.strings();
    return x;
  });
  p.monitoring.bearing_sigma_saw_deg = r.f64();
  p.monitoring.bearing_sigma_heard_deg = r.f64();
  p.alerts.violation_severity = r.str();
  p.alerts.thresholds = get_all<Threshold>(r, [&] {
    Threshold t;
    t.zone = r.str();
    t.violations = r.i32();
    t.window_minutes = r.i32();
    t.min_severity = r.str();
    return t;
  });
  return p;
}

void write_zone_map(io::ByteWriter& w, const ZoneMap& m) {
  write_plan(w, m.plan);
  put_geom(w, m.area);
  w.f64(m.area_km2);
  put_all(w, m.zones, [&](const Zone& z) {
    for (const auto* s : {&z.id, &z.name, &z.kind, &z.responsible, &z.colour}) w.str(*s);
    put_geom(w, z.geom);
    put_geom(w, z.land_border);
    w.f64(z.area_km2);
    w.i64(z.population);
  });
  put_all(w, m.lines, [&](const Line& l) {
    for (const auto* s : {&l.kind, &l.name, &l.side, &l.weapon_class}) w.str(*s);
    w.f64(l.offset_km);
    put_geom(w, l.geom);
    w.f64(l.length_km);
  });
  put_all(w, m.shape_area_km2, [&](const auto& sa) {
    w.str(sa.first);
    w.f64(sa.second);
  });
  put_all(w, m.settlements, [&](const Settlement& s) {
    w.str(s.name);
    w.str(s.admin);
    put(w, s.pos);
    w.i64(s.population);
    w.i32(s.zone);
    w.f64(s.outside_by_m);
  });
  w.strings(m.warnings);
  put_all(w, m.seams, [&](const SeamFill& s) {
    w.str(s.shape);
    w.f64(s.clipped_km2);
    w.f64(s.filled_km2);
    w.i32(s.gaps);
  });
  put_all(w, m.fragments, [&](const Fragment& f) {
    for (const auto* s : {&f.zone, &f.moved_to, &f.reason}) w.str(*s);
    w.f64(f.area_km2);
    put(w, f.at);
    w.f64(f.shared_m);
  });
}

ZoneMap read_zone_map(io::ByteReader& r) {
  ZoneMap m;
  m.ctx = std::make_unique<geo::Context>();
  const geo::Context& ctx = *m.ctx;
  m.plan = read_plan(r);
  m.area = get_geom(r, ctx);
  m.area_km2 = r.f64();
  m.zones = get_all<Zone>(r, [&] {
    Zone z;
    for (auto* s : {&z.id, &z.name, &z.kind, &z.responsible, &z.colour}) *s = r.str();
    z.geom = get_geom(r, ctx);
    z.land_border = get_geom(r, ctx);
    z.area_km2 = r.f64();
    z.population = r.i64();
    return z;
  });
  m.lines = get_all<Line>(r, [&] {
    Line l;
    for (auto* s : {&l.kind, &l.name, &l.side, &l.weapon_class}) *s = r.str();
    l.offset_km = r.f64();
    l.geom = get_geom(r, ctx);
    l.length_km = r.f64();
    return l;
  });
  m.shape_area_km2 = get_all<std::pair<std::string, double>>(r, [&] {
    std::string id = r.str();
    return std::pair{std::move(id), r.f64()};
  });
  m.settlements = get_all<Settlement>(r, [&] {
    Settlement s;
    s.name = r.str();
    s.admin = r.str();
    s.pos = get_lonlat(r);
    s.population = r.i64();
    s.zone = r.i32();
    s.outside_by_m = r.f64();
    return s;
  });
  for (const auto& s : m.settlements)
    if (s.zone < -1 || s.zone >= static_cast<int>(m.zones.size())) throw io::DecodeError("a settlement's zone is out of range");
  m.warnings = r.strings();
  m.seams = get_all<SeamFill>(r, [&] {
    SeamFill s;
    s.shape = r.str();
    s.clipped_km2 = r.f64();
    s.filled_km2 = r.f64();
    s.gaps = r.i32();
    return s;
  });
  m.fragments = get_all<Fragment>(r, [&] {
    Fragment f;
    for (auto* s : {&f.zone, &f.moved_to, &f.reason}) *s = r.str();
    f.area_km2 = r.f64();
    f.at = get_lonlat(r);
    f.shared_m = r.f64();
    return f;
  });
  return m;
}

}  // namespace truceline::plan

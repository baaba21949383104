#include "plan/codec.h"

#include <optional>
#include <utility>

#include "geo/wkb.h"

namespace truceline::plan {
namespace {

// Each struct's fields, listed once for both directions: `io` is a Put (writes them) or a Get
// (reads them back), so the two can never disagree on an order. Put never changes what it is given.
template <class IO>
void describe(IO& io, Party& x) {
  io(x.id, x.name, x.lead, x.colour, x.role);
}
template <class IO>
void describe(IO& io, ShapeDef& x) {
  io(x.id, x.layer, x.series, x.series_date, x.regions, x.polygon, x.union_of);
}
template <class IO>
void describe(IO& io, LineOfContact& x) {
  io(x.boundary_of, x.layer, x.tolerance_m, x.min_piece_m, x.inside, x.outside);
}
template <class IO>
void describe(IO& io, Dmz& x) {
  io(x.inside_m, x.outside_m);
}
template <class IO>
void describe(IO& io, Divide& x) {
  io(x.layer, x.left, x.right);
}
template <class IO>
void describe(IO& io, ZoneDef& x) {
  io(x.id, x.name, x.kind, x.responsible, x.colour, x.within);
}
template <class IO>
void describe(IO& io, Withdrawal& x) {
  io(x.weapon_class, x.label, x.inside_m, x.outside_m);
}
template <class IO>
void describe(IO& io, Enclave& x) {
  io(x.name, x.at, x.zone);
}
template <class IO>
void describe(IO& io, Rule& x) {
  io(x.id, x.kind, x.severity, x.weapon_classes);
}
template <class IO>
void describe(IO& io, MonitoringDefaults& x) {
  io(x.bearing_sigma_saw_deg, x.bearing_sigma_heard_deg);
}
template <class IO>
void describe(IO& io, Threshold& x) {
  io(x.zone, x.violations, x.window_minutes, x.min_severity);
}
template <class IO>
void describe(IO& io, AlertRules& x) {
  io(x.violation_severity, x.thresholds);
}
template <class IO>
void describe(IO& io, Forces& x) {
  io(x.post_spacing_m, x.troops_per_post, x.base_area_km2, x.patrol_depth_m, x.troops_per_base, x.rotation);
}
template <class IO>
void describe(IO& io, Plan& x) {
  io(x.path, x.name, x.date, x.description, x.source, x.area_layer, x.area_regions, x.gap_tolerance_m,
     x.land_border_layer, x.border_snap_m, x.enclaves, x.settlements_layer, x.parties, x.shapes, x.line, x.dmz,
     x.divide, x.zones, x.withdrawals, x.rules, x.monitoring, x.alerts, x.forces, x.warnings);
}
template <class IO>
void describe(IO& io, Zone& x) {
  io(x.id, x.name, x.kind, x.responsible, x.colour, x.geom, x.land_border, x.area_km2, x.population);
}
template <class IO>
void describe(IO& io, Line& x) {
  io(x.kind, x.name, x.side, x.weapon_class, x.offset_km, x.geom, x.length_km);
}
template <class IO>
void describe(IO& io, Settlement& x) {
  io(x.name, x.admin, x.pos, x.population, x.zone, x.outside_by_m);
}
template <class IO>
void describe(IO& io, SeamFill& x) {
  io(x.shape, x.clipped_km2, x.filled_km2, x.gaps);
}
template <class IO>
void describe(IO& io, Fragment& x) {
  io(x.zone, x.moved_to, x.reason, x.area_km2, x.at, x.shared_m);
}
template <class IO>
void describe(IO& io, ZoneMap& x) {  // every field but the context, which the reader makes
  io(x.plan, x.area, x.area_km2, x.zones, x.lines, x.shape_area_km2, x.settlements, x.warnings, x.seams, x.fragments);
}

// What Put and Get share: a list of fields taken one by one, a pair as its two parts, a struct as
// its describe(); Self gives one() for every other kind of field.
template <class Self>
class Fields {
 public:
  template <class... T>
  void operator()(T&... v) {
    (self().one(v), ...);
  }

 protected:
  template <class A, class B>
  void one(std::pair<A, B>& p) {
    self().one(p.first);
    self().one(p.second);
  }
  template <class T>
  void one(T& x) {
    describe(self(), x);
  }

 private:
  Self& self() { return static_cast<Self&>(*this); }
};

// Strings and arrays go as a u64 length and their contents, an optional as a one-byte flag and
// its value, a geometry as a flag and its WKB (io/binary.h).
class Put : public Fields<Put> {
 public:
  explicit Put(io::ByteWriter& w) : w_(w) {}

 private:
  friend class Fields<Put>;
  using Fields<Put>::one;
  void one(std::string& s) { w_.str(s); }
  void one(double& v) { w_.f64(v); }
  void one(int& v) { w_.i32(v); }
  void one(long& v) { w_.i64(v); }
  void one(geo::LonLat& p) {
    w_.f64(p.lon);
    w_.f64(p.lat);
  }
  void one(geo::Geom& g) {
    w_.boolean(static_cast<bool>(g));
    if (g) w_.str(geo::to_wkb(g));
  }
  template <class T>
  void one(std::vector<T>& v) {
    w_.u64(v.size());
    for (auto& x : v) one(x);
  }
  template <class T>
  void one(std::optional<T>& v) {
    w_.boolean(v.has_value());
    if (v) one(*v);
  }

  io::ByteWriter& w_;
};

// The fewest bytes a value of a kind can take (an empty string its length, a struct the sum of its
// fields): how many elements a length can honestly claim in what is left of the input.
class MinBytes : public Fields<MinBytes> {
 public:
  template <class T>
  static size_t of() {
    MinBytes m;
    T x{};
    m.one(x);
    return m.n_;
  }

 private:
  friend class Fields<MinBytes>;
  using Fields<MinBytes>::one;
  void one(std::string&) { n_ += 8; }
  void one(double&) { n_ += 8; }
  void one(int&) { n_ += 4; }
  void one(long&) { n_ += 8; }
  void one(geo::LonLat&) { n_ += 16; }
  void one(geo::Geom&) { n_ += 1; }
  template <class T>
  void one(std::vector<T>&) {
    n_ += 8;
  }
  template <class T>
  void one(std::optional<T>&) {
    n_ += 1;
  }

  size_t n_ = 0;
};

class Get : public Fields<Get> {
 public:
  Get(io::ByteReader& r, const geo::Context& ctx) : r_(r), ctx_(ctx) {}

 private:
  friend class Fields<Get>;
  using Fields<Get>::one;
  void one(std::string& s) { s = r_.str(); }
  void one(double& v) { v = r_.f64(); }
  void one(int& v) { v = r_.i32(); }
  void one(long& v) { v = r_.i64(); }
  void one(geo::LonLat& p) {
    p.lon = r_.f64();
    p.lat = r_.f64();
  }
  void one(geo::Geom& g) {
    if (!r_.boolean()) return;
    const size_t n = r_.count(1);
    g = geo::from_wkb(ctx_, r_.view(n));
  }
  template <class T>
  void one(std::vector<T>& v) {
    // A damaged length cannot claim more elements than the rest of the input could hold.
    v.resize(r_.count(MinBytes::of<T>()));
    for (auto& x : v) one(x);
  }
  template <class T>
  void one(std::optional<T>& v) {
    v.reset();
    if (r_.boolean()) one(v.emplace());
  }

  io::ByteReader& r_;
  const geo::Context& ctx_;
};

}  // namespace

void write_plan(io::ByteWriter& w, const Plan& p) {
  Put put(w);
  put(const_cast<Plan&>(p));  // Put only reads
}

Plan read_plan(io::ByteReader& r) {
  const geo::Context ctx;  // a Plan holds no geometry
  Plan p;
  Get get(r, ctx);
  get(p);
  return p;
}

void write_zone_map(io::ByteWriter& w, const ZoneMap& map) {
  Put put(w);
  put(const_cast<ZoneMap&>(map));  // Put only reads
}

ZoneMap read_zone_map(io::ByteReader& r) {
  ZoneMap m;
  m.ctx = std::make_unique<geo::Context>();
  Get get(r, *m.ctx);
  get(m);
  for (const auto& s : m.settlements)
    if (s.zone < -1 || s.zone >= static_cast<int>(m.zones.size())) throw io::DecodeError("a settlement's zone is out of range");
  return m;
}

}  // namespace truceline::plan

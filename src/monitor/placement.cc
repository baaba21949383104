// Where an observed event probably was, and what the plan says of that place (declared in
// observation.h; the rules and their uncertainties are explained in docs/observations.md).
//
// Accuracy: the position along a bearing is GeographicLib's exact direct geodesic (nanometres);
// the stated error is a 1σ model of what observers know, not of the arithmetic.
#include <cmath>
#include <numbers>

#include "geo/geodesy.h"
#include "io/json_text.h"
#include "monitor/observation.h"
#include "monitor/uncertainty.h"

namespace truceline::monitor {

using nlohmann::json;

namespace {

struct Band {
  double min_km, max_km;
};

Band band_of(const Observation& o) {
  if (o.range_min_km && o.range_max_km) return {*o.range_min_km, *o.range_max_km};
  const RangeBand d = default_band(o.event, o.mode);
  return {d.min_m / 1000, d.max_m / 1000};
}

// Along the bearing, half the band stands for 1σ (conservative: a uniform band has σ = width/√12);
// across it, the bearing's σ at the middle of the band. The two are independent, so they add in
// quadrature: err = sqrt((width/2)² + (range·σθ)²).
double bearing_range_err_m(const Band& b, double sigma_deg) {
  const double half_m = (b.max_km - b.min_km) / 2 * 1000;
  const double mid_m = (b.min_km + b.max_km) / 2 * 1000;
  const double across_m = mid_m * sigma_deg * std::numbers::pi / 180;
  return std::hypot(half_m, across_m);
}

Placement from_bearing(const Observation& o, const PlaceOptions& opt) {
  const Band b = band_of(o);
  const double mid_m = (b.min_km + b.max_km) / 2 * 1000;
  const double sigma = bearing_sigma_deg(o.mode, opt.bearing_sigma_saw_deg, opt.bearing_sigma_heard_deg);
  const geo::LonLat at = geo::destination({*o.observer_lon, *o.observer_lat}, *o.bearing_deg, mid_m);
  Placement p;
  p.method = "bearing_range";
  p.lat = at.lat, p.lon = at.lon;
  p.err_m = bearing_range_err_m(b, sigma);
  return p;
}

Placement estimate(const Observation& o, const PlaceOptions& opt) {
  Placement p;
  if (o.lat && o.lon) {
    p.method = "given";
    p.lat = o.lat, p.lon = o.lon;
    p.err_m = o.acled ? acled_position_sigma_m(o.acled->geo_precision) : opt.given_err_m;
  } else if (o.observer_lat && o.observer_lon && o.bearing_deg) {
    p = from_bearing(o, opt);
  } else if (o.observer_lat && o.observer_lon && at_observer(o.event)) {
    p.method = "at_observer";
    p.lat = o.observer_lat, p.lon = o.observer_lon;
    p.err_m = kAtObserverSigmaM;
  } else {
    // Without a direction the event could be anywhere around the observer: naming a zone for it
    // would attribute it to whoever holds the observer's ground.
    p.method = o.observer_lat && o.observer_lon ? "observer" : "none";
  }
  return p;
}

void classify(Placement& p, const index::Locator& locator, const plan::ZoneMap& map) {
  const geo::LonLat at{*p.lon, *p.lat};
  const plan::Snapped where = locator.locate(at);
  p.zone = where.zone;
  if (where.outside_by_m > 0) p.outside_by_m = where.outside_by_m;
  if (p.zone < 0) {
    p.zone_id = p.zone_kind = "outside";
  } else {
    const plan::Zone& z = map.zones.at(p.zone);
    p.zone_id = z.id, p.zone_kind = z.kind, p.responsible = z.responsible;
  }
  const double d = locator.distance_to_line_m(at);
  if (std::isfinite(d)) p.dist_loc_km = d / 1000;
}

}  // namespace

Placement place(const Observation& obs, const index::Locator& locator, const plan::ZoneMap& map,
                const PlaceOptions& opt) {
  Placement p = estimate(obs, opt);
  if (p.lat && p.lon) classify(p, locator, map);
  return p;
}

namespace {

// Every member of a placement's JSON form; see each_member in observation.cc.
template <class Out>
void each_member(const Placement& p, Out& out) {
  out.text("method", p.method);
  const auto put = [&out](const char* key, const std::optional<double>& v) {
    if (v) out.number(key, *v);
  };
  const auto put_text = [&out](const char* key, const std::string& s) {
    if (!s.empty()) out.text(key, s);
  };
  put("lat", p.lat), put("lon", p.lon), put("err_m", p.err_m), put("dist_loc_km", p.dist_loc_km), put("outside_by_m", p.outside_by_m);
  put_text("zone_id", p.zone_id), put_text("zone_kind", p.zone_kind), put_text("responsible", p.responsible);
}

}  // namespace

json to_json(const Placement& p) {
  io::JsonTreeMembers out;
  each_member(p, out);
  return std::move(out.j);
}

void append_json(std::string& out, const Placement& p) {
  io::JsonObjectText members;
  each_member(p, members);
  members.finish(out);
}

}  // namespace truceline::monitor

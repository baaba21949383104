#include "geo/projection.h"

#include <cmath>
#include <cstdio>
#include <utility>

namespace truceline::geo {

namespace {

std::string proj_error(PJ_CONTEXT* ctx) {
  const int e = proj_context_errno(ctx);
  const char* s = proj_context_errno_string(ctx, e);
  return s ? s : "unknown PROJ error";
}

// Input in degrees (lon, lat order, as everywhere in truceline), converted to the radians the
// projection step expects; the inverse direction converts back.
std::string pipeline_for(const std::string& definition) {
  return "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad +step " + definition;
}

std::string fmt_deg(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

}  // namespace

Projection::Projection(const std::string& definition) : definition_(definition) {
  if (definition.find("+proj=") == std::string::npos || definition.find("pipeline") != std::string::npos)
    throw GeometryError("projection \"" + definition + "\": expected one PROJ operation such as \"+proj=lcc ...\"");
  ctx_ = proj_context_create();
  if (!ctx_) throw GeometryError("PROJ: cannot create a context");
  // Errors are reported through the exception below, not printed by PROJ on stderr.
  proj_log_level(ctx_, PJ_LOG_NONE);
  proj_context_set_enable_network(ctx_, 0);
  pj_ = proj_create(ctx_, pipeline_for(definition).c_str());
  if (!pj_) {
    const std::string why = proj_error(ctx_);
    reset();
    throw GeometryError("projection \"" + definition + "\": " + why);
  }
  if (!proj_pj_info(pj_).has_inverse) {
    reset();
    throw GeometryError("projection \"" + definition + "\": has no inverse");
  }
}

Projection::~Projection() { reset(); }

Projection::Projection(Projection&& o) noexcept
    : definition_(std::move(o.definition_)), ctx_(std::exchange(o.ctx_, nullptr)), pj_(std::exchange(o.pj_, nullptr)) {}

Projection& Projection::operator=(Projection&& o) noexcept {
  if (this != &o) {
    reset();
    definition_ = std::move(o.definition_);
    ctx_ = std::exchange(o.ctx_, nullptr);
    pj_ = std::exchange(o.pj_, nullptr);
  }
  return *this;
}

void Projection::reset() noexcept {
  // The operation belongs to the context: destroy it first.
  if (pj_) proj_destroy(pj_);
  if (ctx_) proj_context_destroy(ctx_);
  pj_ = nullptr;
  ctx_ = nullptr;
}

XY Projection::forward(LonLat p) const {
  proj_errno_reset(pj_);
  const PJ_COORD c = proj_trans(pj_, PJ_FWD, proj_coord(p.lon, p.lat, 0, 0));
  if (!std::isfinite(c.xy.x) || !std::isfinite(c.xy.y) || c.xy.x == HUGE_VAL)
    throw GeometryError("projection \"" + definition_ + "\": cannot project lon " + fmt_deg(p.lon) + ", lat " +
                        fmt_deg(p.lat) + ": " + proj_error(ctx_));
  return {c.xy.x, c.xy.y};
}

LonLat Projection::inverse(XY p) const {
  proj_errno_reset(pj_);
  const PJ_COORD c = proj_trans(pj_, PJ_INV, proj_coord(p.x, p.y, 0, 0));
  if (!std::isfinite(c.lp.lam) || !std::isfinite(c.lp.phi) || c.lp.lam == HUGE_VAL)
    throw GeometryError("projection \"" + definition_ + "\": cannot invert x " + fmt_deg(p.x) + ", y " +
                        fmt_deg(p.y) + ": " + proj_error(ctx_));
  // After the inverse unitconvert step the coordinates are degrees again.
  return {c.lp.lam, c.lp.phi};
}

std::string fitted_lcc_definition(const LonLatBox& box) {
  if (!(box.max_lat >= box.min_lat) || !(box.max_lon >= box.min_lon))
    throw GeometryError("fitted_lcc: empty or inverted lon/lat box");
  const double span = box.max_lat - box.min_lat;
  const double lat_1 = box.min_lat + span / 6;
  const double lat_2 = box.max_lat - span / 6;
  const double lat_0 = (box.min_lat + box.max_lat) / 2;
  const double lon_0 = (box.min_lon + box.max_lon) / 2;
  return "+proj=lcc +lat_1=" + fmt_deg(lat_1) + " +lat_2=" + fmt_deg(lat_2) + " +lat_0=" + fmt_deg(lat_0) +
         " +lon_0=" + fmt_deg(lon_0) + " +ellps=WGS84";
}

Projection fitted_lcc(const LonLatBox& box) { return Projection(fitted_lcc_definition(box)); }

}  // namespace truceline::geo

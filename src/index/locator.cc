#include "index/locator.h"

namespace truceline::index {

Locator::Locator(const plan::ZoneMap& map) : ctx_(std::make_unique<geo::Context>()) {
  for (const auto& z : map.zones) {
    ZoneShape s{0, 0, 0, 0, geo::Geom(*ctx_, GEOSGeom_clone_r(ctx_->handle(), z.geom.get())), nullptr};
    if (!s.geom.empty()) {
      GEOSGeom_getXMin_r(ctx_->handle(), s.geom.get(), &s.xmin);
      GEOSGeom_getYMin_r(ctx_->handle(), s.geom.get(), &s.ymin);
      GEOSGeom_getXMax_r(ctx_->handle(), s.geom.get(), &s.xmax);
      GEOSGeom_getYMax_r(ctx_->handle(), s.geom.get(), &s.ymax);
    } else {
      s.xmin = s.ymin = 1;
      s.xmax = s.ymax = 0;  // an empty zone matches nothing
    }
    s.prepared = std::make_unique<geo::Prepared>(s.geom);
    zones_.push_back(std::move(s));
  }
  if (const plan::Line* l = map.find_line("line_of_contact")) loc_ = LineIndex(geo::line_parts(l->geom));
}

Locator::~Locator() {
  // Prepared geometries refer to their geometries: release them first.
  for (auto& z : zones_) z.prepared.reset();
}

int Locator::zone_of(geo::LonLat p) const {
  geo::Geom pt;
  for (size_t i = 0; i < zones_.size(); ++i) {
    const ZoneShape& z = zones_[i];
    if (p.lon < z.xmin || p.lon > z.xmax || p.lat < z.ymin || p.lat > z.ymax) continue;
    if (!pt) pt = geo::make_point(*ctx_, p.lon, p.lat);
    if (z.prepared->covers(pt)) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace truceline::index

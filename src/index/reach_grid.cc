#include "index/reach_grid.h"

#include <algorithm>
#include <cmath>

namespace truceline::index {
namespace {

constexpr double kDeg = M_PI / 180;
constexpr double kA = 6378137.0;
constexpr double kF = 1 / 298.257223563;
constexpr double kE2 = kF * (2 - kF);
constexpr double kMeridianPerDeg = kA * (1 - kE2) * kDeg;  // the least meridian arc per degree, at the equator
constexpr double kBulge_m = 100;

}  // namespace

ReachGrid::ReachGrid(const std::vector<std::vector<geo::LonLat>>& lines, double reach_m, double cell_deg) {
  double lon0 = 180, lon1 = -180, lat0 = 90, lat1 = -90;
  for (const auto& l : lines)
    for (const auto& p : l) {
      lon0 = std::min(lon0, p.lon), lon1 = std::max(lon1, p.lon);
      lat0 = std::min(lat0, p.lat), lat1 = std::max(lat1, p.lat);
    }
  if (lon0 > lon1) return;  // no points: nothing within reach
  const double reach = reach_m + kBulge_m;
  const double dlat = reach / kMeridianPerDeg;
  // Any path of length ≤ reach from a point of the lines stays below this latitude.
  const double lat_max = std::max(std::abs(lat0), std::abs(lat1)) + dlat;
  if (lat_max >= 89) {
    everywhere_ = true;
    return;
  }
  const double dlon = reach / (kA * std::cos(lat_max * kDeg) * kDeg);
  if (lon0 - dlon <= -180 || lon1 + dlon >= 180) {
    everywhere_ = true;
    return;
  }
  cell_ = cell_deg;
  inv_cell_ = 1 / cell_;
  x0_ = lon0 - dlon - cell_;
  y0_ = lat0 - dlat - cell_;
  nx_ = static_cast<int>(std::ceil((lon1 + dlon + cell_ - x0_) * inv_cell_)) + 1;
  ny_ = static_cast<int>(std::ceil((lat1 + dlat + cell_ - y0_) * inv_cell_)) + 1;
  marked_.assign(static_cast<size_t>(nx_) * ny_, 0);
  auto cell_x = [&](double x) { return std::clamp(static_cast<int>(std::floor((x - x0_) * inv_cell_)), 0, nx_ - 1); };
  auto cell_y = [&](double y) { return std::clamp(static_cast<int>(std::floor((y - y0_) * inv_cell_)), 0, ny_ - 1); };
  for (const auto& l : lines)
    for (size_t i = 0; i < l.size(); ++i) {
      // A segment (or a lone point) by the box of its ends, widened.
      const geo::LonLat a = l[i], b = l[i + 1 < l.size() ? i + 1 : i];
      const int ix0 = cell_x(std::min(a.lon, b.lon) - dlon), ix1 = cell_x(std::max(a.lon, b.lon) + dlon);
      const int iy0 = cell_y(std::min(a.lat, b.lat) - dlat), iy1 = cell_y(std::max(a.lat, b.lat) + dlat);
      for (int iy = iy0; iy <= iy1; ++iy)
        std::fill_n(marked_.begin() + static_cast<size_t>(iy) * nx_ + ix0, ix1 - ix0 + 1, uint8_t{1});
    }
}

size_t ReachGrid::marked_cells() const { return static_cast<size_t>(std::count(marked_.begin(), marked_.end(), 1)); }

void ReachGrid::save(io::ByteWriter& w) const {
  w.boolean(everywhere_);
  for (double v : {x0_, y0_, cell_}) w.f64(v);
  w.i32(nx_);
  w.i32(ny_);
  w.records(marked_);
}

ReachGrid ReachGrid::load(io::ByteReader& r) {
  ReachGrid g;
  g.everywhere_ = r.boolean();
  g.x0_ = r.f64();
  g.y0_ = r.f64();
  g.cell_ = r.f64();
  g.inv_cell_ = 1 / g.cell_;  // as the constructor computes it
  g.nx_ = r.i32();
  g.ny_ = r.i32();
  g.marked_ = r.records<uint8_t>();
  if (!(std::isfinite(g.x0_) && std::isfinite(g.y0_) && std::isfinite(g.cell_) && g.cell_ > 0) || g.nx_ < 0 || g.ny_ < 0 ||
      g.marked_.size() != static_cast<size_t>(g.nx_) * static_cast<size_t>(g.ny_))
    throw io::DecodeError("the Locator's index is inconsistent: the land border's reach grid");
  return g;
}

}  // namespace truceline::index

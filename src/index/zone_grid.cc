#include "index/zone_grid.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <memory>

#include "geo/errors.h"

namespace truceline::index {
namespace {

constexpr uint32_t kEmpty = UINT32_MAX;
// Cells are widened by this before edges are tested against them, so that rounding in the test
// can only ever mark more cells as crossed, never fewer.
constexpr double kCellPad = 1e-9;
// A reference point this close to an edge would make the crossing count of a query fragile.
constexpr double kRefClearance = 1e-7;

double orient(double ax, double ay, double bx, double by, double cx, double cy) {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

double point_segment_distance(double px, double py, double ax, double ay, double bx, double by) {
  const double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
  const double t = len2 > 0 ? std::clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0.0, 1.0) : 0.0;
  return std::hypot(px - ax - t * dx, py - ay - t * dy);
}

uint32_t hash_slot(uint32_t id, uint32_t mask) { return (id * 2654435761u) & mask; }

}  // namespace

ZoneGrid::ZoneGrid(const std::vector<const geo::Geom*>& zones, const ZoneGridOptions& opt) {
  if (zones.size() > 64) throw GeometryError("the zone grid holds at most 64 zones");
  std::vector<Edge> edges;
  collect_edges(zones, edges);
  if (edges.empty()) return;  // no zone: every point is outside (nx_ = 0 rejects all)
  double xmin = INFINITY, ymin = INFINITY, xmax = -INFINITY, ymax = -INFINITY;
  for (const auto& e : edges) {
    xmin = std::min({xmin, e.ax, e.bx});
    xmax = std::max({xmax, e.ax, e.bx});
    ymin = std::min({ymin, e.ay, e.by});
    ymax = std::max({ymax, e.ay, e.by});
  }
  const double pad = 1e-6;
  x0_ = xmin - pad;
  y0_ = ymin - pad;
  const double W = xmax - xmin + 2 * pad, H = ymax - ymin + 2 * pad;
  const double side = std::sqrt(W * H / static_cast<double>(std::max(1L, opt.target_cells)));
  nx_ = std::max(1, static_cast<int>(std::ceil(W / side)));
  ny_ = std::max(1, static_cast<int>(std::ceil(H / side)));
  w_ = W / nx_;
  h_ = H / ny_;
  inv_w_ = 1 / w_;
  inv_h_ = 1 / h_;
  mark_cells(edges);
  fill_codes(zones);
}

void ZoneGrid::collect_edges(const std::vector<const geo::Geom*>& zones, std::vector<Edge>& edges) const {
  for (size_t z = 0; z < zones.size(); ++z)
    for (const auto& rings : geo::polygon_parts(*zones[z]))
      for (const auto& ring : rings)
        for (size_t i = 1; i < ring.size(); ++i) {
          const geo::LonLat a = ring[i - 1], b = ring[i];
          if (a.lon == b.lon && a.lat == b.lat) continue;
          edges.push_back({a.lon, a.lat, b.lon, b.lat, static_cast<int>(z)});
        }
}

bool ZoneGrid::edge_touches_cell(const Edge& e, int ix, int iy) const {
  const double cx0 = x0_ + ix * w_ - kCellPad, cx1 = x0_ + (ix + 1) * w_ + kCellPad;
  const double cy0 = y0_ + iy * h_ - kCellPad, cy1 = y0_ + (iy + 1) * h_ + kCellPad;
  // Separating axes: the boxes overlap (the caller iterates the edge's box); the edge's line
  // misses the cell when all four corners lie strictly on one side of it.
  const double o[4] = {orient(e.ax, e.ay, e.bx, e.by, cx0, cy0), orient(e.ax, e.ay, e.bx, e.by, cx1, cy0),
                       orient(e.ax, e.ay, e.bx, e.by, cx0, cy1), orient(e.ax, e.ay, e.bx, e.by, cx1, cy1)};
  const bool all_pos = o[0] > 0 && o[1] > 0 && o[2] > 0 && o[3] > 0;
  const bool all_neg = o[0] < 0 && o[1] < 0 && o[2] < 0 && o[3] < 0;
  return !all_pos && !all_neg;
}

void ZoneGrid::mark_cells(const std::vector<Edge>& edges) {
  std::vector<std::pair<uint32_t, uint32_t>> hits;  // (cell, edge)
  for (uint32_t i = 0; i < edges.size(); ++i) {
    const Edge& e = edges[i];
    auto cell_x = [&](double x) { return std::clamp(static_cast<int>(std::floor((x - x0_) * inv_w_)), 0, nx_ - 1); };
    auto cell_y = [&](double y) { return std::clamp(static_cast<int>(std::floor((y - y0_) * inv_h_)), 0, ny_ - 1); };
    const int ix0 = cell_x(std::min(e.ax, e.bx) - 2 * kCellPad), ix1 = cell_x(std::max(e.ax, e.bx) + 2 * kCellPad);
    const int iy0 = cell_y(std::min(e.ay, e.by) - 2 * kCellPad), iy1 = cell_y(std::max(e.ay, e.by) + 2 * kCellPad);
    for (int iy = iy0; iy <= iy1; ++iy)
      for (int ix = ix0; ix <= ix1; ++ix)
        if (edge_touches_cell(e, ix, iy)) hits.emplace_back(static_cast<uint32_t>(iy) * nx_ + ix, i);
  }
  std::sort(hits.begin(), hits.end());
  codes_.assign(static_cast<size_t>(nx_) * ny_, 0);
  uint32_t capacity = 16;
  while (capacity < hits.size() * 2 + 16) capacity <<= 1;
  slot_cell_.assign(capacity, kEmpty);
  slot_index_.assign(capacity, 0);
  for (size_t k = 0; k < hits.size();) {
    const uint32_t cell = hits[k].first;
    const uint32_t index = static_cast<uint32_t>(refs_.size());
    codes_[cell] = kCrossed;
    uint32_t s = hash_slot(cell, capacity - 1);
    while (slot_cell_[s] != kEmpty) s = (s + 1) & (capacity - 1);
    slot_cell_[s] = cell;
    slot_index_[s] = index;
    edge_begin_.push_back(static_cast<uint32_t>(cell_edges_.size()));
    for (; k < hits.size() && hits[k].first == cell; ++k) cell_edges_.push_back(edges[hits[k].second]);
    refs_.push_back({0, 0, 0});
  }
  edge_begin_.push_back(static_cast<uint32_t>(cell_edges_.size()));
}

void ZoneGrid::fill_codes(const std::vector<const geo::Geom*>& zones) {
  std::vector<std::unique_ptr<geo::Prepared>> prepared;
  for (const auto* z : zones) prepared.push_back(std::make_unique<geo::Prepared>(*z));
  const geo::Context& ctx = zones[0]->ctx();
  auto zones_at = [&](double x, double y) {
    const geo::Geom pt = geo::make_point(ctx, x, y);
    uint64_t bits = 0;
    for (size_t z = 0; z < prepared.size(); ++z)
      if (prepared[z]->covers(pt)) bits |= uint64_t{1} << z;
    return bits;
  };
  // Crossed cells: the candidate point furthest from the cell's edges is the reference.
  static constexpr double kCandidates[][2] = {{.5, .5}, {.25, .25}, {.75, .25}, {.25, .75}, {.75, .75},
                                              {.5, .2}, {.5, .8}, {.2, .5}, {.8, .5}};
  for (uint32_t s = 0; s < slot_cell_.size(); ++s) {
    if (slot_cell_[s] == kEmpty) continue;
    const uint32_t cell = slot_cell_[s], k = slot_index_[s];
    const double cx = x0_ + (cell % nx_) * w_, cy = y0_ + (cell / nx_) * h_;
    double best = -1, bx = 0, by = 0;
    for (const auto& c : kCandidates) {
      const double px = cx + c[0] * w_, py = cy + c[1] * h_;
      double clearance = INFINITY;
      for (uint32_t e = edge_begin_[k]; e < edge_begin_[k + 1]; ++e) {
        const Edge& ed = cell_edges_[e];
        clearance = std::min(clearance, point_segment_distance(px, py, ed.ax, ed.ay, ed.bx, ed.by));
      }
      if (clearance > best) best = clearance, bx = px, by = py;
      if (best >= kRefClearance * 1000) break;
    }
    if (best < kRefClearance)
      throw GeometryError("zone grid: no clear reference point in a cell; raise target_cells");
    refs_[k] = {bx, by, zones_at(bx, by)};
  }
  // Uniform cells: a run of them along a row holds no boundary, so it shares one zone; ask GEOS
  // once per run.
  for (int iy = 0; iy < ny_; ++iy) {
    int run_code = -1;
    for (int ix = 0; ix < nx_; ++ix) {
      uint8_t& code = codes_[static_cast<size_t>(iy) * nx_ + ix];
      if (code == kCrossed) {
        run_code = -1;
        continue;
      }
      if (run_code < 0) {
        const uint64_t bits = zones_at(x0_ + (ix + .5) * w_, y0_ + (iy + .5) * h_);
        run_code = bits ? std::countr_zero(bits) + 1 : 0;
      }
      code = static_cast<uint8_t>(run_code);
    }
  }
}

uint32_t ZoneGrid::find_crossed(uint32_t id) const {
  const uint32_t mask = static_cast<uint32_t>(slot_cell_.size()) - 1;
  uint32_t s = hash_slot(id, mask);
  while (slot_cell_[s] != id) s = (s + 1) & mask;
  return slot_index_[s];
}

int ZoneGrid::crossed_zone(uint32_t id, double lon, double lat) const {
  const uint32_t k = find_crossed(id);
  const Ref& r = refs_[k];
  uint64_t bits = r.zones;
  // Each edge crossed on the way from the reference point flips its zone's inside/outside state.
  // Orientation 0 counts as negative on both tests, the half-open rule of ray casting, so a
  // vertex lying exactly on the path is counted once.
  for (uint32_t e = edge_begin_[k]; e < edge_begin_[k + 1]; ++e) {
    const Edge& ed = cell_edges_[e];
    const bool r_side = orient(ed.ax, ed.ay, ed.bx, ed.by, r.x, r.y) > 0;
    const bool p_side = orient(ed.ax, ed.ay, ed.bx, ed.by, lon, lat) > 0;
    if (r_side == p_side) continue;
    const bool a_side = orient(r.x, r.y, lon, lat, ed.ax, ed.ay) > 0;
    const bool b_side = orient(r.x, r.y, lon, lat, ed.bx, ed.by) > 0;
    if (a_side != b_side) bits ^= uint64_t{1} << ed.zone;
  }
  return bits ? std::countr_zero(bits) : -1;
}

size_t ZoneGrid::memory_bytes() const {
  return codes_.size() + (slot_cell_.size() + slot_index_.size() + edge_begin_.size()) * sizeof(uint32_t) +
         refs_.size() * sizeof(Ref) + cell_edges_.size() * sizeof(Edge);
}

}  // namespace truceline::index

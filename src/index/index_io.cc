// The Locator's index as bytes: ZoneGrid, LineIndex and Locator save() and load(). The arrays a
// query reads are copied whole (io/binary.h); load then checks every index a query follows, since
// a lookup trusts them without a bounds check.
#include <bit>
#include <cmath>

#include "index/locator.h"

namespace truceline::index {
namespace {

using io::DecodeError;

void require(bool ok, const char* what) {
  if (!ok) throw DecodeError(std::string("the Locator's index is inconsistent: ") + what);
}

bool positive_finite(double v) { return std::isfinite(v) && v > 0; }

// CSR offsets: start at 0, never decrease, end at `total`.
template <class T>
bool offsets_fit(const std::vector<T>& begin, size_t total) {
  if (begin.empty() || begin.front() != 0 || static_cast<size_t>(begin.back()) != total) return false;
  for (size_t i = 1; i < begin.size(); ++i)
    if (begin[i] < begin[i - 1]) return false;
  return true;
}

bool in_range(int v, size_t n) { return v >= 0 && static_cast<size_t>(v) < n; }
bool link_in_range(int v, size_t n) { return v == -1 || in_range(v, n); }

}  // namespace

// --- ZoneGrid ---------------------------------------------------------------------------------

void ZoneGrid::save(io::ByteWriter& w) const {
  static_assert(io::packed<Edge>(4 * 8 + 2 * 4) && io::packed<Ref>(2 * 8 + 8));
  for (double v : {x0_, y0_, w_, h_}) w.f64(v);
  w.i32(nx_);
  w.i32(ny_);
  w.records(codes_);
  w.records(slot_cell_);
  w.records(slot_index_);
  w.records(refs_);
  w.records(edge_begin_);
  w.records(cell_edges_);
}

ZoneGrid ZoneGrid::load(io::ByteReader& r, size_t zones) {
  ZoneGrid g;
  g.x0_ = r.f64();
  g.y0_ = r.f64();
  g.w_ = r.f64();
  g.h_ = r.f64();
  // The same expressions as the constructor's, so the same doubles.
  g.inv_w_ = 1 / g.w_;
  g.inv_h_ = 1 / g.h_;
  g.nx_ = r.i32();
  g.ny_ = r.i32();
  g.codes_ = r.records<uint8_t>();
  g.slot_cell_ = r.records<uint32_t>();
  g.slot_index_ = r.records<uint32_t>();
  g.refs_ = r.records<Ref>();
  g.edge_begin_ = r.records<uint32_t>();
  g.cell_edges_ = r.records<Edge>();

  require(zones <= 64, "more than 64 zones");
  require(std::isfinite(g.x0_) && std::isfinite(g.y0_) && positive_finite(g.w_) && positive_finite(g.h_), "cell size");
  require(g.nx_ >= 0 && g.ny_ >= 0 && static_cast<uint64_t>(g.nx_) * static_cast<uint64_t>(g.ny_) <= UINT32_MAX,
          "grid size");
  require(g.codes_.size() == static_cast<size_t>(g.nx_) * static_cast<size_t>(g.ny_), "cell count");
  if (g.codes_.empty()) {
    // A map without zones: every point is outside, nothing else may be there.
    require(g.slot_cell_.empty() && g.refs_.empty() && g.cell_edges_.empty(), "tables of an empty grid");
    return g;
  }
  const size_t slots = g.slot_cell_.size(), crossed = g.refs_.size();
  require(slots == g.slot_index_.size() && slots >= 16 && std::has_single_bit(slots) && slots > crossed,
          "the crossed cells' table size");
  require(g.edge_begin_.size() == crossed + 1 && offsets_fit(g.edge_begin_, g.cell_edges_.size()),
          "the crossed cells' edge ranges");
  const uint64_t known = zones == 64 ? ~uint64_t{0} : (uint64_t{1} << zones) - 1;
  for (const Ref& ref : g.refs_) require((ref.zones & ~known) == 0, "a reference point's zones");
  for (const Edge& e : g.cell_edges_) require(in_range(e.zone, zones), "an edge's zone");
  size_t filled = 0;
  for (size_t s = 0; s < slots; ++s) {
    if (g.slot_cell_[s] == UINT32_MAX) continue;
    ++filled;
    require(g.slot_cell_[s] < g.codes_.size() && g.codes_[g.slot_cell_[s]] == kCrossed && g.slot_index_[s] < crossed,
            "a table slot");
  }
  require(filled == crossed, "the table's crossed cells");
  // Every crossed cell must be found by find_crossed's probe, which does not stop otherwise.
  size_t crossed_codes = 0;
  const uint32_t mask = static_cast<uint32_t>(slots - 1);
  for (uint32_t id = 0; id < g.codes_.size(); ++id) {
    const uint8_t code = g.codes_[id];
    if (code != kCrossed) {
      require(code <= zones, "a cell's zone");
      continue;
    }
    ++crossed_codes;
    uint32_t s = (id * 2654435761u) & mask, probes = 0;
    while (g.slot_cell_[s] != id && ++probes < slots) s = (s + 1) & mask;
    require(g.slot_cell_[s] == id, "a crossed cell missing from the table");
  }
  require(crossed_codes == crossed, "the number of crossed cells");
  return g;
}

// --- LineIndex --------------------------------------------------------------------------------

void LineIndex::save(io::ByteWriter& w) const {
  static_assert(io::packed<Chord>(7 * 8) && io::packed<Segment>(10 * 8 + 2 * 4) && io::packed<Chain>(4 * 8 + 4 * 4) &&
                io::packed<Group>(4 * 8 + 2 * 4) && io::packed<CellEntry>(2 * 4 + 8));
  w.records(chords_);
  w.records(segs_);
  w.records(chains_);
  w.records(groups_);
  w.records(all_groups_);
  for (double v : {lat0_, lat1_, cx0_, cy0_, cell_}) w.f64(v);
  w.i32(cnx_);
  w.i32(cny_);
  w.records(cell_start_);
  w.records(cell_entries_);
  w.records(row_ratio_);
}

LineIndex LineIndex::load(io::ByteReader& r) {
  LineIndex x;
  x.chords_ = r.records<Chord>();
  x.segs_ = r.records<Segment>();
  x.chains_ = r.records<Chain>();
  x.groups_ = r.records<Group>();
  x.all_groups_ = r.records<CellEntry>();
  x.lat0_ = r.f64();
  x.lat1_ = r.f64();
  x.cx0_ = r.f64();
  x.cy0_ = r.f64();
  x.cell_ = r.f64();
  x.cnx_ = r.i32();
  x.cny_ = r.i32();
  x.cell_start_ = r.records<int>();
  x.cell_entries_ = r.records<CellEntry>();
  x.row_ratio_ = r.records<double>();

  const size_t segs = x.segs_.size(), chains = x.chains_.size(), groups = x.groups_.size();
  require(x.chords_.size() == segs, "chords and segments");
  if (segs == 0) {
    require(chains == 0 && groups == 0 && x.cell_entries_.empty(), "tables of an empty index");
    return x;  // distance_m answers +inf before reading anything else
  }
  for (const Segment& s : x.segs_) require(link_in_range(s.prev, segs) && link_in_range(s.next, segs), "a segment's neighbours");
  for (const Chain& c : x.chains_)
    require(in_range(c.first, segs) && in_range(c.last, segs) && c.first <= c.last && link_in_range(c.before, segs) &&
                link_in_range(c.after, segs),
            "a chain's segments");
  for (const Group& g : x.groups_)
    require(in_range(g.first, chains) && in_range(g.last, chains) && g.first <= g.last, "a group's chains");
  require(!x.all_groups_.empty(), "the list of all groups");
  for (const CellEntry& e : x.all_groups_) require(in_range(e.group, groups), "a group of the full list");
  for (const CellEntry& e : x.cell_entries_) require(in_range(e.group, groups), "a cell's group");
  require(positive_finite(x.cell_) && std::isfinite(x.cx0_) && std::isfinite(x.cy0_), "the query cells' size");
  require(x.cnx_ >= 0 && x.cny_ >= 0 && static_cast<uint64_t>(x.cnx_) * static_cast<uint64_t>(x.cny_) < INT32_MAX,
          "the query grid's size");
  require(x.cell_start_.size() == static_cast<size_t>(x.cnx_) * static_cast<size_t>(x.cny_) + 1 &&
              offsets_fit(x.cell_start_, x.cell_entries_.size()),
          "the query cells' ranges");
  require(x.row_ratio_.size() == static_cast<size_t>(x.cny_), "the rows' ratios");
  return x;
}

// --- Locator ----------------------------------------------------------------------------------

void Locator::save(io::ByteWriter& w) const {
  grid_.save(w);
  loc_.save(w);
  border_reach_.save(w);
  land_border_.save(w);
  w.u64(zone_borders_.size());
  for (size_t z = 0; z < zone_borders_.size(); ++z) {
    zone_borders_[z].save(w);
    zone_reach_[z].save(w);
  }
}

Locator::Locator(const plan::ZoneMap& map, io::ByteReader& index)
    : map_(map), grid_(ZoneGrid::load(index, map.zones.size())), loc_(LineIndex::load(index)),
      border_reach_(ReachGrid::load(index)), land_border_(LineIndex::load(index)) {
  const size_t n = index.count(8);
  // snap() reads one stretch per zone whenever the plan snaps; none otherwise.
  require(n == (map.plan.border_snap_m > 0 ? map.zones.size() : 0), "the zones' land borders");
  for (size_t i = 0; i < n; ++i) {
    zone_borders_.push_back(LineIndex::load(index));
    zone_reach_.push_back(ReachGrid::load(index));
  }
}

}  // namespace truceline::index

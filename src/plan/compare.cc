#include "plan/compare.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <tuple>

#include "geo/geodesy.h"

namespace truceline::plan {
namespace {

using geo::Geom;

// Overlay slivers below this are noise of two independently built partitions, not a transfer.
constexpr double kMinTransferKm2 = 0.01;
// Two settlements of the same name are one when their positions are this close.
constexpr double kSameSettlementM = 100;

bool same_hands(const Zone& x, const Zone& y) { return x.responsible == y.responsible && x.kind == y.kind; }

// B's zone geometries, cloned into A's GEOS context so that the two can be overlaid.
std::vector<Geom> zones_in(const geo::Context& ctx, const ZoneMap& b) {
  std::vector<Geom> out;
  for (const auto& z : b.zones) out.emplace_back(ctx, GEOSGeom_clone_r(ctx.handle(), z.geom.get()));
  return out;
}

// For each settlement of A, the index of the same settlement in B (same name, position within
// kSameSettlementM), or -1.
std::vector<int> match_settlements(const ZoneMap& a, const ZoneMap& b) {
  std::multimap<std::string, int> by_name;
  for (size_t j = 0; j < b.settlements.size(); ++j) by_name.emplace(b.settlements[j].name, static_cast<int>(j));
  std::vector<int> match(a.settlements.size(), -1);
  for (size_t i = 0; i < a.settlements.size(); ++i) {
    auto [lo, hi] = by_name.equal_range(a.settlements[i].name);
    for (auto it = lo; it != hi; ++it)
      if (geo::distance_m(a.settlements[i].pos, b.settlements[it->second].pos) <= kSameSettlementM) {
        match[i] = it->second;
        break;
      }
  }
  return match;
}

// Population of A's settlements by (zone in A, zone in B).
std::map<std::pair<int, int>, long> population_moves(const ZoneMap& a, const ZoneMap& b, const std::vector<int>& match) {
  std::map<std::pair<int, int>, long> moves;
  for (size_t i = 0; i < a.settlements.size(); ++i) {
    const Settlement& s = a.settlements[i];
    if (match[i] < 0 || s.zone < 0) continue;
    const int to = b.settlements[match[i]].zone;
    if (to >= 0) moves[{s.zone, to}] += s.population;
  }
  return moves;
}

Transfer make_transfer(const Zone& from, const Zone& to, double area_km2, long population) {
  return Transfer{from.id, from.kind, to.id, to.kind, area_km2, population};
}

// Every pair of zones in different hands whose overlap is at least kMinTransferKm2 (or holds a
// settlement that moves), largest area first.
std::vector<Transfer> transfers(const ZoneMap& a, const ZoneMap& b, const std::vector<int>& match) {
  const std::vector<Geom> b_zones = zones_in(*a.ctx, b);
  const auto moves = population_moves(a, b, match);
  std::vector<Transfer> out;
  for (size_t i = 0; i < a.zones.size(); ++i)
    for (size_t j = 0; j < b.zones.size(); ++j) {
      if (same_hands(a.zones[i], b.zones[j]) || !a.zones[i].geom.intersects(b_zones[j])) continue;
      const double km2 = geo::area_m2(a.zones[i].geom.intersection(b_zones[j])) / 1e6;
      const auto m = moves.find({static_cast<int>(i), static_cast<int>(j)});
      const long pop = m == moves.end() ? 0 : m->second;
      if (km2 >= kMinTransferKm2 || pop > 0) out.push_back(make_transfer(a.zones[i], b.zones[j], km2, pop));
    }
  std::sort(out.begin(), out.end(), [](const Transfer& x, const Transfer& y) { return x.area_km2 > y.area_km2; });
  return out;
}

std::string zone_id(const ZoneMap& m, int zone) { return zone < 0 ? "" : m.zones[zone].id; }

// Settlements of A whose zone id in B differs, largest first.
std::vector<SettlementChange> settlement_changes(const ZoneMap& a, const ZoneMap& b, const std::vector<int>& match) {
  std::vector<SettlementChange> out;
  for (size_t i = 0; i < a.settlements.size(); ++i) {
    if (match[i] < 0) continue;
    const Settlement& s = a.settlements[i];
    std::string from = zone_id(a, s.zone), to = zone_id(b, b.settlements[match[i]].zone);
    if (from != to) out.push_back(SettlementChange{s.name, s.population, s.pos, std::move(from), std::move(to)});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const SettlementChange& x, const SettlementChange& y) { return x.population > y.population; });
  return out;
}

// Length of each line kind+name in either plan, in A's order then B's.
std::vector<LineLength> line_lengths(const ZoneMap& a, const ZoneMap& b) {
  std::vector<LineLength> out;
  auto slot = [&out](const Line& l) -> LineLength& {
    for (auto& x : out)
      if (x.kind == l.kind && x.name == l.name) return x;
    return out.emplace_back(LineLength{l.kind, l.name, 0, 0});
  };
  for (const auto& l : a.lines) slot(l).a_km += l.length_km;
  for (const auto& l : b.lines) slot(l).b_km += l.length_km;
  return out;
}

std::string fmt(const char* f, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, f, args...);
  return buf;
}

// 1234567 → "1,234,567".
std::string grouped(long long v) {
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

std::string area_text(double km2) { return km2 >= 10 ? grouped(static_cast<long long>(km2 + 0.5)) : fmt("%.2f", km2); }

// Pads to `width` columns, counting UTF-8 code points ("→", "²"), left- or right-aligned.
std::string cell(const std::string& text, size_t width, bool right = false) {
  const size_t cols = std::count_if(text.begin(), text.end(), [](char ch) { return (ch & 0xC0) != 0x80; });
  const std::string fill(cols < width ? width - cols : 0, ' ');
  return right ? fill + text : text + fill;
}

std::string transfer_row(const std::string& pair, double km2, long pop) {
  return "  " + cell(pair, 36) + cell(area_text(km2), 12, true) + cell(grouped(pop), 12, true) + "\n";
}

std::string transfers_text(const std::vector<Transfer>& ts) {
  std::string s = "area and population changing hands (zone in A → zone in B)\n";
  s += "  " + cell("from → to", 36) + cell("km²", 12, true) + cell("population", 12, true) + "\n";
  double area = 0;
  long pop = 0;
  for (const auto& t : ts) {
    s += transfer_row(t.from_zone + " → " + t.to_zone, t.area_km2, t.population);
    area += t.area_km2;
    pop += t.population;
  }
  if (ts.empty()) s += "  (none)\n";
  return s + transfer_row("total", area, pop);
}

std::string settlements_text(const std::vector<SettlementChange>& ss, size_t max) {
  long pop = 0;
  for (const auto& x : ss) pop += x.population;
  std::string s = fmt("settlements changing zone: %zu, population %s", ss.size(), grouped(pop).c_str());
  s += ss.size() > max ? fmt(" (largest %zu)\n", max) : std::string("\n");
  for (size_t i = 0; i < ss.size() && i < max; ++i) {
    const auto& x = ss[i];
    const std::string from = x.from_zone.empty() ? "(none)" : x.from_zone, to = x.to_zone.empty() ? "(none)" : x.to_zone;
    s += "  " + cell(x.name, 28) + cell(grouped(x.population), 10, true) + "  " + from + " → " + to + "\n";
  }
  return s;
}

std::string lines_text(const std::vector<LineLength>& ls) {
  std::string s = "line lengths\n";
  s += fmt("  %-36s %10s %10s %10s\n", "line", "A km", "B km", "B-A km");
  for (const auto& l : ls) s += fmt("  %-36s %10.1f %10.1f %+10.1f\n", l.name.c_str(), l.a_km, l.b_km, l.b_km - l.a_km);
  return s;
}

}  // namespace

Comparison compare(const ZoneMap& a, const ZoneMap& b) {
  Comparison c;
  // "name on date": two dates of one plan are told apart by their dates.
  c.a_name = a.plan.name + (a.plan.date.empty() ? "" : " on " + a.plan.date);
  c.b_name = b.plan.name + (b.plan.date.empty() ? "" : " on " + b.plan.date);
  c.a_area_km2 = a.area_km2;
  c.b_area_km2 = b.area_km2;
  const std::vector<int> match = match_settlements(a, b);
  c.transfers = transfers(a, b, match);
  c.settlements = settlement_changes(a, b, match);
  c.lines = line_lengths(a, b);
  return c;
}

std::string comparison_text(const Comparison& c, size_t max_settlements) {
  std::string s = "A: " + c.a_name + fmt(" (%s km²)\n", area_text(c.a_area_km2).c_str());
  s += "B: " + c.b_name + fmt(" (%s km²)\n\n", area_text(c.b_area_km2).c_str());
  s += transfers_text(c.transfers) + "\n";
  s += settlements_text(c.settlements, max_settlements) + "\n";
  s += lines_text(c.lines);
  return s;
}

}  // namespace truceline::plan

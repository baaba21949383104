#include "index/locator.h"

namespace truceline::index {
namespace {

std::vector<const geo::Geom*> zone_geoms(const plan::ZoneMap& map) {
  std::vector<const geo::Geom*> out;
  for (const auto& z : map.zones) out.push_back(&z.geom);
  return out;
}

LineIndex line_of_contact(const plan::ZoneMap& map) {
  const plan::Line* l = map.find_line("line_of_contact");
  return l ? LineIndex(geo::line_parts(l->geom)) : LineIndex();
}

}  // namespace

Locator::Locator(const plan::ZoneMap& map, const ZoneGridOptions& opt)
    : grid_(zone_geoms(map), opt), loc_(line_of_contact(map)) {}

}  // namespace truceline::index

#include "plan/zone_map.h"

namespace truceline::plan {

const Line* ZoneMap::find_line(const std::string& kind) const {
  for (const auto& l : lines)
    if (l.kind == kind) return &l;
  return nullptr;
}

int ZoneMap::zone_index(const std::string& id) const {
  for (size_t i = 0; i < zones.size(); ++i)
    if (zones[i].id == id) return static_cast<int>(i);
  return -1;
}

}  // namespace truceline::plan

#include "support.h"

namespace truceline::testing {

const plan::ZoneMap& default_map() {
  static const plan::ZoneMap map =
      plan::compile(plan::parse_plan((root() / "plans/kellogg-2025-04.toml").string()), nullptr);
  return map;
}

const plan::ZoneMap& four_regions_map() {
  static const plan::ZoneMap map =
      plan::compile(plan::parse_plan((root() / "plans/four-regions-2025-04.toml").string()), nullptr);
  return map;
}

}  // namespace truceline::testing

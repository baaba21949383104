// placeholder, replaced by the real comparison
#include "plan/compare.h"
namespace truceline::plan {
Comparison compare(const ZoneMap& a, const ZoneMap& b) { Comparison c; c.a_name = a.plan.name; c.b_name = b.plan.name; return c; }
std::string comparison_text(const Comparison& c, size_t) { return c.a_name + " vs " + c.b_name + "\n"; }
}  // namespace truceline::plan

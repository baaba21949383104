// Plan TOML (plan::parse_plan_text): any text either parses into a Plan or throws InputError.
// Relative layer paths resolve against a plan "in" plans/, but parsing reads no layer.
#include "fuzz_support.h"
#include "geo/errors.h"
#include "plan/plan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const truceline::plan::Plan p = truceline::plan::parse_plan_text(truceline::fuzz::text(data, size), "plans/fuzz.toml");
    for (const auto& z : p.zones) (void)p.party(z.responsible);
  } catch (const truceline::InputError&) {
  }
  return 0;
}

// Observation JSON, as POST /v1/observations takes it (monitor::parse_observation and place()):
// any bytes are malformed JSON, a ValidationError naming the field, or an observation placed on
// the default plan and written back as JSON.
#include <nlohmann/json.hpp>

#include "fuzz_support.h"
#include "index/locator.h"
#include "monitor/observation.h"

// The plan is compiled before the first input, outside libFuzzer's per-input timeout.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)truceline::fuzz::default_map();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const truceline::index::Locator locator(truceline::fuzz::default_map());
  const nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, false);
  if (j.is_discarded()) return 0;
  // A fixed clock, so that a crash replays: 2025-04-12T12:00:00Z.
  constexpr int64_t now_ms = 1744459200000;
  try {
    const auto obs = truceline::monitor::parse_observation(j, now_ms);
    const auto p = truceline::monitor::place(obs, locator, truceline::fuzz::default_map());
    (void)truceline::monitor::to_json(obs).dump();
    (void)truceline::monitor::to_json(p).dump();
  } catch (const truceline::monitor::ValidationError&) {
  }
  return 0;
}

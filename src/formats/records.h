#pragma once
// Observations as a record holds them now: each correction in place of what it corrects, each
// retraction removing its target. The exports (incidents, ACLED) read the record through this.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "monitor/observation.h"
#include "store/store.h"

namespace truceline::formats {

struct RecordedObservation {
  std::string id;  // the observation's record id ("o-17"), also when a correction replaced it
  monitor::Observation obs;
};

// Every current observation whose event time lies in [since_ms, until_ms), in chain order. Reads
// the whole record page by page (`page` records at a time): a retraction may sit anywhere after
// its target, so the window is applied only once corrections and retractions are resolved.
std::vector<RecordedObservation> current_observations(store::Store& store, std::optional<int64_t> since_ms,
                                                      std::optional<int64_t> until_ms, int page = 1000);

}  // namespace truceline::formats

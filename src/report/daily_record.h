#pragma once
// What the daily report reads from the record: the observations of a period as they stood at
// the report's cut-off (corrections applied, retractions removed), as the correlator sees them,
// and the chain's head at the cut-off. The only part of the report that touches the store.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "monitor/incident.h"
#include "plan/plan.h"
#include "report/daily.h"
#include "store/store.h"

namespace truceline::report {

// The head of the chain as it stood at `cutoff_ms`: the last record received before it (count 0
// and 64 zeros when none was). Records are received in chain order (the store never lets a
// record's received time fall below its predecessor's), so this is a binary search over seq:
// O(log n) reads.
store::ChainHead head_at(store::Store& store, int64_t cutoff_ms);

// The observations whose event time lies in [since_ms, until_ms), from records up to and
// including `max_seq`: a correction up to max_seq replaces its observation (which may move it in
// or out of the period), a retraction removes it; later amendments are not seen. In time order.
// Ids are the records' ids ("o-12"); a corrected observation keeps the id of the original.
std::vector<monitor::Sighting> read_sightings(store::Store& store, int64_t since_ms, int64_t until_ms, int64_t max_seq,
                                              const plan::MonitoringDefaults& sigma);

// How many observations of [since_ms, until_ms) were received after record `after_seq`: those a
// report cut off at that record does not hold.
int64_t count_observations_after(store::Store& store, int64_t since_ms, int64_t until_ms, int64_t after_seq);

// Reads what the report of `day` needs from `store` — the observations of the trend period in
// records received before `cutoff_ms` (DEFAULT: the end of the day), the chain's head at the
// cut-off, the day's observations received later — and builds it.
DailyReport make_daily_report(store::Store& store, const plan::ZoneMap& map, const index::Locator& locator,
                              const DayWindow& day, std::optional<int64_t> cutoff_ms = {},
                              const DailyOptions& opt = {});

}  // namespace truceline::report

#include "formats/records.h"

#include <unordered_map>

#include "monitor/sighting.h"

namespace truceline::formats {

namespace {

// What the record stored was validated on the way in; parsing it again gives the typed form.
monitor::Observation observation_of(const store::Record& rec) {
  try {
    return monitor::stored_observation(rec.body.at("observation"));
  } catch (const monitor::ValidationError& e) {
    throw store::StoreError("record " + rec.id + ": the stored observation does not parse: " + e.what());
  }
}

}  // namespace

std::vector<RecordedObservation> current_observations(store::Store& store, std::optional<int64_t> since_ms,
                                                      std::optional<int64_t> until_ms, int page) {
  std::vector<RecordedObservation> all;
  std::unordered_map<std::string, size_t> at;  // observation id → index in `all`
  std::vector<bool> retracted;
  store::Query q;
  q.kind = "";
  q.limit = page;
  for (;;) {
    const std::vector<store::Record> recs = store.query(q);
    for (const auto& rec : recs) {
      if (rec.kind == "observation") {
        at[rec.id] = all.size();
        all.push_back({rec.id, observation_of(rec)});
        retracted.push_back(false);
      } else if (const auto it = at.find(rec.target_id); it != at.end()) {
        if (rec.kind == "retraction") retracted[it->second] = true;
        else if (rec.kind == "correction") all[it->second].obs = observation_of(rec);
      }
    }
    if (static_cast<int>(recs.size()) < q.limit) break;
    q.after_seq = recs.back().seq;
  }
  std::vector<RecordedObservation> out;
  for (size_t i = 0; i < all.size(); ++i) {
    const int64_t t = all[i].obs.time_ms;
    if (retracted[i] || (since_ms && t < *since_ms) || (until_ms && t >= *until_ms)) continue;
    out.push_back(std::move(all[i]));
  }
  return out;
}

}  // namespace truceline::formats

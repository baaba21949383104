#pragma once
// The record as Cursor on Target events (docs/cot.md): the plan's shapes, rendered once, and the
// incidents a caller may see, from the IncidentEngine's read model like GET /v1/incidents. What
// GET /v1/cot answers and what the CoT feed sends a client as it connects. Thread-safe.
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "formats/cot.h"
#include "http/event_stream.h"
#include "plan/zone_map.h"
#include "server/caller.h"

namespace truceline::server {

class IncidentEngine;

class CotView {
 public:
  // Renders the plan's shapes. The map and the engine must outlive the view.
  CotView(const plan::ZoneMap& map, IncidentEngine& engine, const formats::CotOptions& opt);

  const formats::CotOptions& options() const { return opt_; }
  // The plan's zones and lines, one event each, as one text (sent to every connection).
  const http::SharedText& shapes() const { return shapes_; }
  const std::vector<std::string>& shape_events() const { return shape_events_; }
  // A revision as its event(s); "" for one without a position.
  std::string event(const nlohmann::json& revision, int64_t now_ms) const { return formats::incident_event(revision, now_ms, opt_); }
  // The latest revision of each incident `who` may read whose last report is at or after
  // `since_ms`, as events, oldest incident first; at most `max` (DEFAULT 10,000), `*more` set
  // when more matched.
  std::vector<std::string> incidents(const Caller& who, int64_t since_ms, int64_t now_ms, size_t max = 10'000,
                                     bool* more = nullptr) const;

 private:
  IncidentEngine& engine_;
  formats::CotOptions opt_;
  std::vector<std::string> shape_events_;
  http::SharedText shapes_;
};

}  // namespace truceline::server

#pragma once
// Cursor on Target 2.0 (docs/cot.md): the record's incidents and the plan's zones and lines as
// the XML events ATAK, WinTAK and TAK Server read. Each incident is one uid, and each revision an
// event with that uid, so that a TAK screen moves its marker instead of adding one; a retraction
// is TAK's own delete (`t-x-d-d` with `__forcedelete`). Zones are closed `u-d-f` drawing shapes
// and lines open ones, as ATAK draws them itself.
//
// Thread safety: pure functions.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "monitor/incident.h"
#include "plan/zone_map.h"

namespace truceline::formats {

struct CotOptions {
  // uids are "<prefix>.incident.i-17", "<prefix>.zone.<zone>.<part>", "<prefix>.line.<n>.<part>".
  // DEFAULT: "truceline"; the server adds the plan's file name, so that two missions feeding one
  // TAK Server never share a uid.
  std::string uid_prefix = "truceline";
  // The dashboard's address ("http://host:8080"); each incident links to <it>/#incident=<id>.
  // DEFAULT: "" = no link.
  std::string dashboard_url;
  // An incident stays on a TAK screen this long after it was last sent. DEFAULT: 24 h.
  int64_t stale_ms = 24 * 3600'000LL;
  // The plan's shapes stay this long; they are sent again on every connection. DEFAULT: 365 days.
  int64_t shape_stale_ms = 365 * 24 * 3600'000LL;
  // Vertices of one zone part or line part at most: TAK clients draw every vertex of a shape on
  // every frame, and a country's border has tens of thousands. DEFAULT: 400.
  size_t max_vertices = 400;
};

// CoT's `ce`: the radius of the circle about the fix that holds the event with the probability a
// circular 1σ holds, 1 − e^(−1/2) ≈ 39.35 %, for the Gaussian of the 1σ ellipse (major a, minor b).
// Equals σ for a circle (a = b = σ); 0.5150·a for a degenerate ellipse (b = 0); always between
// those for a given a. Solved by bisection on the exact probability (a one-dimensional integral,
// 64-point Gauss–Legendre), to better than 1 mm or 10⁻⁶ of a.
double circular_error_m(const monitor::Ellipse& e);
// The probability that the event lies within `r` metres of the fix, for the ellipse's Gaussian.
double probability_within(const monitor::Ellipse& e, double r);

// CoT's `how` for an incident's position (docs/cot.md): "h-e" when estimated; for a given one
// "h-t" from a patrol, "m-i" from a camera, UAV, sensor or satellite, "m-p" from open sources,
// "m-f" for several kinds.
std::string cot_how(const nlohmann::json& incident);

// One revision (the INCIDENT JSON of docs/api.md) as an <event>, sent at `now_ms`. A revision left
// with no observation (all retracted) gives incident_delete(); one without a position gives ""
// (CoT has no event without a point, and TAK would draw it at 0°, 0°).
std::string incident_event(const nlohmann::json& incident, int64_t now_ms, const CotOptions& opt);
// The delete TAK clients act on: type t-x-d-d, the incident's uid, a link to it and __forcedelete.
std::string incident_delete(const std::string& incident_id, int64_t now_ms, const CotOptions& opt);
// The uid of incident "i-17".
std::string incident_uid(const std::string& incident_id, const CotOptions& opt);

// The plan's zones (one closed u-d-f per polygon part, its outer ring; holes are not drawn) and
// lines (one open u-d-f per part), simplified to max_vertices, in the plan's colours.
std::vector<std::string> plan_shapes(const plan::ZoneMap& map, int64_t now_ms, const CotOptions& opt);

// A TAK user's spot report (type b-m-p-s-m; docs/cot.md, Incoming CoT) as an observation of the
// API (docs/observations.md): time from `time`, the position given (`point`), observer_id the
// `contact` callsign (else the uid), observer_kind patrol, mode saw, the event the first kind of
// the observation model named in `remarks` (else "other"), the remarks as notes. `key`: an
// idempotency key (uid and time), so that a report a client sends again is stored once.
struct SpotReport {
  nlohmann::json observation;
  std::string key;
};
// nullopt for an event that is no spot report (TAK clients also send their own position and
// pings). Throws std::invalid_argument for text that is no well-formed <event> with a point.
std::optional<SpotReport> spot_report(const std::string& event_xml);

// Events as one document: <?xml …?><events>EVENT…</events> (docs/cot.md says why).
std::string events_document(const std::vector<std::string>& events);

}  // namespace truceline::formats

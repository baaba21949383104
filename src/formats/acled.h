#pragma once
// ACLED (Armed Conflict Location & Event Data) CSV exports in and out. An ACLED row becomes an
// `osint` observation whose event, weapon class and explosion type are mapped from ACLED's event
// and sub-event types; ACLED's own coding (types, precision codes, actors, places, fatalities) is
// kept in the observation's `acled` object and its id in `source_ref`, so that an export gives the
// row back. The mapping is in docs/formats.md and mapping_for() below.
#include <istream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "monitor/observation.h"

namespace truceline::formats {

// The columns of an ACLED export, in ACLED's order (31 columns; the reader needs only some).
const std::vector<std::string>& acled_columns();

// One row as read. `event_date` is normalised to YYYY-MM-DD.
struct AcledRow {
  long line = 0;  // first line of the record in the file
  std::string event_id_cnty, event_date, event_type, sub_event_type, disorder_type;
  int time_precision = 1, geo_precision = 1;
  std::string actor1, actor2, country, admin1, admin2, location, source, notes;
  double latitude = 0, longitude = 0;
  int fatalities = 0;
};

// ACLED's dates: "2025-04-12", "12 April 2025", "12-April-2025", "12 Apr 2025", "April 12, 2025".
// Returns YYYY-MM-DD, or nullopt when the text is none of these or not a calendar date.
std::optional<std::string> parse_acled_date(const std::string& text);

// Streams the rows of an ACLED export. The header must name event_id_cnty, event_date,
// event_type, latitude and longitude (any order, any case; other columns optional or ignored).
// Throws InputError naming the file, the line and the column of the first bad value.
class AcledReader {
 public:
  AcledReader(std::istream& in, std::string name);
  ~AcledReader();
  // The next row; false at the end.
  bool next(AcledRow& row);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// What an ACLED type pair means for truceline's observation model.
struct EventMapping {
  std::string event;           // observation event
  std::string weapon_class;    // "" when the type says nothing of the weapon
  std::string explosion_type;  // only for event "explosion"
};
EventMapping mapping_for(const std::string& event_type, const std::string& sub_event_type, const std::string& notes);

// ACLED's event and sub-event type for an observation or incident event that did not come from
// ACLED: explosions and fire seen in flight → Explosions/Remote violence, Shelling/artillery/missile
// attack; uav, aircraft → Air/drone strike; burst, shot → Battles, Armed clash; the rest →
// Strategic developments, Other.
std::pair<std::string, std::string> acled_types_for_event(const std::string& event);

// The observation object (as a submitter would POST it) for one row; parse_observation accepts it.
// ACLED gives a day, not a time: the time is 00:00 UTC of event_date (so the day survives in every
// time zone from UTC to UTC+14, Ukraine's included), with the day's precision in acled.time_precision.
nlohmann::json observation_json(const AcledRow& row);

// The ACLED row an observation stands for: its own ACLED coding when it came from ACLED; otherwise
// types mapped back from the event (docs/formats.md), event_id_cnty "TL-<record id>", precision 1.
AcledRow acled_row_of(const monitor::Observation& obs, const std::string& record_id);

// ACLED's header (acled_columns joined) and one row in those columns, as an ACLED export writes them.
std::string acled_csv_header();
std::string acled_csv_row(const AcledRow& row);

// The shortest text that reads back to the same double ("47.8388", not "47.838799999999999").
std::string shortest(double x);

}  // namespace truceline::formats

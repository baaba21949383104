#pragma once
// Observations from CSV (the offline `truceline incidents` input, `export observations`' output;
// docs/formats.md): a header with any of id,time,observer_id,observer_lat,observer_lon,mode,event,
// explosion_type,count,bearing_deg,direction,range_min_km,range_max_km,lat,lon,weapon,weapon_class,
// restriction_type,imposed_by,duration_min,site_id,site_status,weapons,killed,injured,civilian,
// corroborated,damage — `time` and `event` required; weapons as class=count;…, damage as a;b.
#include <istream>
#include <string>
#include <vector>

#include "formats/records.h"
#include "monitor/incident.h"
#include "monitor/sighting.h"

namespace truceline::formats {

// Reads every row, as monitor::sighting_of makes it (σ from `opt`); ids from the `id` column,
// else the 1-based row number. Throws InputError naming the file, line and column for a bad
// header or a bad value.
std::vector<monitor::Sighting> read_observations_csv(std::istream& in, const std::string& name,
                                                     const monitor::PlaceOptions& opt = {});

// The header and one row in the same columns (`truceline simulate`, `export observations`).
std::string observations_csv_header();
std::string observation_csv_row(const monitor::Sighting& s);

// A record's observations as one CSV file, ids the record's ("o-17"): what `export observations`
// writes and `truceline incidents` reads back.
std::string observations_csv(const std::vector<RecordedObservation>& recorded);

}  // namespace truceline::formats

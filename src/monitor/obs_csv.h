#pragma once
// Observations from CSV (the offline `truceline incidents` input): a header with any of
// id,time,observer_id,observer_lat,observer_lon,mode,event,explosion_type,count,bearing_deg,
// direction,range_min_km,range_max_km,lat,lon,weapon,weapon_class — `time` and `event` required.
#include <istream>
#include <string>
#include <vector>

#include "monitor/incident.h"

namespace truceline::monitor {

struct ObsCsvOptions {
  double sigma_saw_deg = 3;     // DEFAULT: 3° bearing σ for saw and recorded
  double sigma_heard_deg = 10;  // DEFAULT: 10° for heard
};

// Reads every row; ids from the `id` column, else the 1-based row number. Throws InputError
// naming the file, line and column for a bad header or a bad value.
std::vector<Sighting> read_observations_csv(std::istream& in, const std::string& name, const ObsCsvOptions& opt = {});

// The header and one row in the same columns (for `truceline simulate`).
std::string observations_csv_header();
std::string observation_csv_row(const Sighting& s);

}  // namespace truceline::monitor

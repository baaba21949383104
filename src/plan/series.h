#pragma once
// A series of dated layers of one thing — the occupied territory month by month — kept as files
// named <anything>-YYYYMMDD.geojson in one folder (data/occupied/, data/PROVENANCE.md), and the
// layer in force on a date: the latest on or before it.
#include <string>
#include <vector>

namespace truceline::plan {

struct SeriesLayer {
  std::string date;  // YYYY-MM-DD
  std::string path;
};

// The folder's dated layers, oldest first. Throws InputError when it is no folder or holds none.
std::vector<SeriesLayer> read_series(const std::string& dir);

struct PickedLayer {
  SeriesLayer layer;
  std::string warning;  // set when `date` is after the last layer, which is then used
};

// The layer in force on `date` (YYYY-MM-DD). Throws InputError naming `where` and the series'
// range when `date` is malformed or before the first layer.
PickedLayer pick_layer(const std::vector<SeriesLayer>& series, const std::string& date, const std::string& where);

// YYYY-MM-DD with a month 01–12 and a day 01–31.
bool is_date(const std::string& s);

}  // namespace truceline::plan

#include "plan/series.h"

#include <algorithm>
#include <filesystem>
#include <regex>

#include "geo/errors.h"

namespace truceline::plan {

namespace fs = std::filesystem;

bool is_date(const std::string& s) {
  static const std::regex re(R"((\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01]))");
  return std::regex_match(s, re);
}

std::vector<SeriesLayer> read_series(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw InputError(dir, "is not a folder", "give the folder of a dated series, e.g. data/occupied");
  static const std::regex name(R"(.*-(\d{4})(\d{2})(\d{2})\.geojson)");
  std::vector<SeriesLayer> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::smatch m;
    const std::string file = e.path().filename().string();
    if (!e.is_regular_file() || !std::regex_match(file, m, name)) continue;
    const std::string date = m[1].str() + "-" + m[2].str() + "-" + m[3].str();
    if (is_date(date)) out.push_back({date, e.path().lexically_normal().string()});
  }
  if (out.empty())
    throw InputError(dir, "holds no dated layer", "name the files <name>-YYYYMMDD.geojson, e.g. occupied-20250411.geojson");
  std::sort(out.begin(), out.end(), [](const SeriesLayer& a, const SeriesLayer& b) { return a.date < b.date; });
  return out;
}

PickedLayer pick_layer(const std::vector<SeriesLayer>& series, const std::string& date, const std::string& where) {
  const std::string range = series.front().date + " to " + series.back().date;
  if (!is_date(date)) throw InputError(where, "'" + date + "' is not a date", "write YYYY-MM-DD, within " + range);
  // ISO dates sort as text: the first layer after `date`, then one back.
  const auto after = std::upper_bound(series.begin(), series.end(), date,
                                      [](const std::string& d, const SeriesLayer& l) { return d < l.date; });
  if (after == series.begin())
    throw InputError(where, date + " is before the series' first layer", "give a date from " + range);
  PickedLayer p{*std::prev(after), ""};
  if (after == series.end() && date != p.layer.date)
    p.warning = where + ": " + date + " is after the series' last layer; using the layer of " + p.layer.date;
  return p;
}

}  // namespace truceline::plan

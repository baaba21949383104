#include <algorithm>
#include <charconv>
#include <fstream>

#include "geo/errors.h"
#include "io/csv.h"
#include "plan/compiler.h"

namespace truceline::plan {
namespace {

template <class T>
bool parse_number(const std::string& s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::vector<Settlement> read_settlements(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, "cannot open the settlements layer", "check [settlements] layer in the plan");
  io::CsvReader csv(in, path);
  std::vector<std::string> header, row;
  if (!csv.next(header)) throw InputError(path, "empty file", "the first line must be a header");
  const int name = io::find_column(header, {"name"});
  const int lat = io::find_column(header, {"lat", "latitude"});
  const int lon = io::find_column(header, {"lon", "longitude"});
  const int pop = io::find_column(header, {"population"});
  const int admin = io::find_column(header, {"admin_code", "admin"});
  if (name < 0 || lat < 0 || lon < 0 || pop < 0)
    throw InputError(path + ":1", "header needs name, lat, lon and population", "rename the columns");
  std::vector<Settlement> out;
  while (csv.next(row)) {
    const std::string where = path + ":" + std::to_string(csv.line());
    if (row.size() < header.size()) throw InputError(where, "too few fields", "every row needs " + std::to_string(header.size()));
    Settlement s;
    s.name = row[name];
    if (admin >= 0) s.admin = row[admin];
    if (!parse_number(row[lat], s.pos.lat) || !parse_number(row[lon], s.pos.lon) || std::abs(s.pos.lat) > 90 ||
        std::abs(s.pos.lon) > 180)
      throw InputError(where, "bad coordinates '" + row[lat] + "," + row[lon] + "'", "give decimal degrees");
    if (!parse_number(row[pop], s.population)) throw InputError(where, "bad population '" + row[pop] + "'", "give a whole number");
    out.push_back(std::move(s));
  }
  std::stable_sort(out.begin(), out.end(), [](const Settlement& a, const Settlement& b) { return a.population > b.population; });
  return out;
}

}  // namespace truceline::plan

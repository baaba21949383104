#include "plan/units.h"

#include <charconv>
#include <cmath>

namespace truceline::plan {

std::optional<double> parse_length_m(const std::string& text) {
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end && *p == ' ') ++p;
  double value = 0;
  auto [rest, ec] = std::from_chars(p, end, value);
  if (ec != std::errc() || !std::isfinite(value)) return std::nullopt;
  std::string unit(rest, end);
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  while (!unit.empty() && unit.back() == ' ') unit.pop_back();
  if (unit == "m") return value;
  if (unit == "km") return value * 1000;
  if (unit == "mi") return value * 1609.344;
  if (unit == "nmi") return value * 1852;
  return std::nullopt;
}

}  // namespace truceline::plan

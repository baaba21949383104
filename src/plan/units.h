#pragma once
// Lengths written with their unit, as plans state them: "15 km", "9 mi", "8 nmi", "500 m".
#include <optional>
#include <string>

namespace truceline::plan {

// Metres for a length such as "15 km" (units: m, km, mi, nmi; international mile = 1,609.344 m,
// nautical mile = 1,852 m). Returns nullopt when the text is not a number followed by a known unit.
std::optional<double> parse_length_m(const std::string& text);

}  // namespace truceline::plan

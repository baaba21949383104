#pragma once
// The severities a plan's rules and alerts may name, and their order: written once, for the
// plan's parser, the alerts, the incidents' gravest rule and the report's map and legend.
#include <array>
#include <string_view>

namespace truceline::plan {

// Gravest last: kSeverities[i] has rank i + 1.
inline constexpr std::array<std::string_view, 4> kSeverities{"low", "medium", "high", "critical"};

// low 1, medium 2, high 3, critical 4; 0 for anything else (no rule broken).
constexpr int severity_rank(std::string_view severity) {
  for (size_t i = 0; i < kSeverities.size(); ++i)
    if (kSeverities[i] == severity) return static_cast<int>(i) + 1;
  return 0;
}

}  // namespace truceline::plan

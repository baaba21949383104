#pragma once
// The observation model's enumerations (docs/observations.md), written once for every reader of
// observations — the API's JSON and the observations CSV — so that a value one accepts the other
// cannot refuse.
#include <algorithm>
#include <array>
#include <span>
#include <string>
#include <string_view>

namespace truceline::monitor::vocab {

inline constexpr std::array<std::string_view, 6> kObserverKinds = {"patrol", "camera", "uav", "sensor", "satellite", "osint"};
inline constexpr std::array<std::string_view, 3> kModes = {"heard", "saw", "recorded"};
inline constexpr std::array<std::string_view, 16> kEvents = {
    "explosion", "projectile", "muzzle_flash", "illumination_flare", "burst", "shot", "heavy_weapon", "armour",
    "troops", "aircraft", "uav", "restriction", "weapons_site", "casualty", "damage", "other"};
inline constexpr std::array<std::string_view, 4> kExplosionTypes = {"impact", "airburst", "outgoing", "undetermined"};
inline constexpr std::array<std::string_view, 9> kWeaponClasses = {
    "small_arms", "mortar_lt_100", "artillery_ge_100", "mlrs", "mlrs_heavy", "tank", "missile", "air_defence", "other"};
// Clockwise from north, 22.5° apart: the index gives the bearing.
inline constexpr std::array<std::string_view, 16> kDirections = {"N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
                                                                 "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW"};
inline constexpr std::array<std::string_view, 7> kRestrictionTypes = {
    "denied_passage", "delayed", "mines_or_uxo", "armed_threat", "uav_jammed", "uav_fired_upon", "other"};
inline constexpr std::array<std::string_view, 4> kSiteStatuses = {"all_present", "weapons_missing", "site_abandoned",
                                                                  "access_denied"};
inline constexpr std::array<std::string_view, 9> kDamageTypes = {"residential", "school", "medical", "water", "power",
                                                                 "gas", "road", "bridge", "other"};
// The events whose report is their kind's own fields (a restriction needs its type, …).
inline constexpr std::array<std::string_view, 4> kKindEvents = {"restriction", "weapons_site", "casualty", "damage"};

using Words = std::span<const std::string_view>;

inline bool contains(Words words, std::string_view s) { return std::find(words.begin(), words.end(), s) != words.end(); }

// "a, b, c", for error messages that name the choices.
inline std::string joined(Words words) {
  std::string out;
  for (std::string_view w : words) (out += out.empty() ? "" : ", ") += w;
  return out;
}

// The bearing of a 16-point direction, in degrees; -1 for a word that is none.
inline double direction_deg(std::string_view dir) {
  const auto it = std::find(kDirections.begin(), kDirections.end(), dir);
  return it == kDirections.end() ? -1 : 22.5 * static_cast<double>(it - kDirections.begin());
}

}  // namespace truceline::monitor::vocab

// `truceline line-check PLAN NEW_LAYER [--db DB] [--date D] [-o DIR]`: ground taken across the
// plan's line since it was drawn (docs/timeline.md), as a table, a map layer and, with --db,
// records of kind line_change in the record and so in its public log.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "geo/errors.h"
#include "io/geojson.h"
#include "io/output.h"
#include "compiled/compiled_plan.h"
#include "plan/line_check.h"
#include "plan/series.h"
#include "report/daily_format.h"
#include "store/store.h"

namespace truceline::cli {
namespace {

struct LineCheckArgs {
  std::string plan_path, layer, db, date, out_dir;
  double sliver_km2 = 0.5;
};

nlohmann::json advance_json(const plan::Advance& a, const std::string& date, const std::string& layer) {
  return {{"date", date}, {"layer", layer}, {"side", a.side}, {"area_km2", std::round(a.area_km2 * 100) / 100},
          {"depth_km", std::round(a.depth_km * 100) / 100},
          {"deepest", {{"lat", std::round(a.deepest.lat * 1e6) / 1e6}, {"lon", std::round(a.deepest.lon * 1e6) / 1e6}}},
          {"zones", a.zones}, {"into_dmz", a.into_dmz}, {"responsible", a.responsible}};
}

// The layer's date: --date, else the date in its name (<name>-YYYYMMDD.geojson), else none.
std::string layer_date(const LineCheckArgs& a) {
  if (!a.date.empty()) {
    if (!plan::is_date(a.date)) throw InputError("--date " + a.date, "is not a date", "write YYYY-MM-DD");
    return a.date;
  }
  const std::string stem = std::filesystem::path(a.layer).stem().string();
  if (stem.size() >= 8) {
    const std::string d = stem.substr(stem.size() - 8, 4) + "-" + stem.substr(stem.size() - 4, 2) + "-" + stem.substr(stem.size() - 2);
    if (plan::is_date(d)) return d;
  }
  return "";
}

// Each advance as a line_change record; the idempotency key is the layer's content and the
// advance's place in it, so that checking the same layer again adds nothing.
void record(const LineCheckArgs& a, const std::vector<plan::Advance>& advances, const std::string& date) {
  auto store = store::open_store(a.db);
  const std::string layer_hash = store::sha256_hex(read_text_file(a.layer));
  std::vector<store::NewRecord> records;
  for (const plan::Advance& adv : advances) {
    store::NewRecord r;
    r.kind = "line_change";
    r.submitter = "line-check";
    r.body = advance_json(adv, date, a.layer);
    r.body["geometry"] = io::geometry_to_json(adv.area, 6);
    // No query index: the record's columns index observations (store/chain.h); a line change is
    // found by its kind.
    records.push_back(std::move(r));
  }
  if (records.empty()) return;
  const auto res = store->append(records, "line-check:" + layer_hash, store::sha256_hex("line-check\n" + layer_hash));
  std::cerr << "truceline: " << res.ids.size() << " line_change records" << (res.replayed ? " (already in the record)" : "")
            << " in " << a.db << "\n";
}

int line_check_command(const LineCheckArgs& a) {
  if (!std::filesystem::exists(a.layer)) throw InputError(a.layer, "cannot read the file", "check the path");
  const auto compiled = load_plan(a.plan_path);
  const plan::ZoneMap& map = compiled->map();
  const index::Locator& locator = compiled->locator();
  plan::LineCheckOptions opt;
  opt.sliver_km2 = a.sliver_km2;
  const auto advances = plan::line_check(map, locator, a.layer, opt);
  const std::string date = layer_date(a);
  std::cout << "ground changing side since the plan's line (" << map.plan.name << ", " << map.plan.date << ") → "
            << (date.empty() ? a.layer : date) << "\n";
  std::cout << "side               km²   depth km  zones                     responsible  DMZ\n";
  nlohmann::json features = nlohmann::json::array();
  for (const auto& adv : advances) {
    std::string zones;
    for (const auto& z : adv.zones) zones += (zones.empty() ? "" : ",") + z;
    char line[256];
    std::snprintf(line, sizeof line, "%-16s %7s %10s  %-25s %-12s %s\n", adv.side.c_str(), report::daily_format::fixed(adv.area_km2, 1).c_str(),
                  report::daily_format::fixed(adv.depth_km, 1).c_str(), zones.c_str(), adv.responsible.c_str(), adv.into_dmz ? "into the DMZ" : "");
    std::cout << line;
    features.push_back({{"type", "Feature"}, {"properties", advance_json(adv, date, a.layer)}, {"geometry", io::geometry_to_json(adv.area, 6)}});
  }
  std::cout << advances.size() << (advances.size() == 1 ? " piece" : " pieces") << " of at least " << a.sliver_km2 << " km²\n";
  if (!a.out_dir.empty())
    io::write_dir_atomic(a.out_dir, {{"advances.geojson", nlohmann::json{{"type", "FeatureCollection"}, {"features", features}}.dump() + "\n"}});
  if (!a.db.empty()) record(a, advances, date);
  return 0;
}

}  // namespace

void add_line_check_command(CLI::App& app, Action& action) {
  static LineCheckArgs args;
  auto* cmd = app.add_subcommand("line-check", "ground taken across a plan's line of contact, from a newer occupied-territory layer");
  cmd->add_option("PLAN", args.plan_path, "plan file (TOML) whose line is checked")->required();
  cmd->add_option("NEW_LAYER", args.layer, "newer layer of the occupied territory (GeoJSON)")->required();
  cmd->add_option("--db", args.db, "record to append each advance to as a line_change record");
  cmd->add_option("--date", args.date, "the layer's date (DEFAULT: from its name, <name>-YYYYMMDD.geojson)");
  cmd->add_option("--sliver", args.sliver_km2, "pieces smaller than this (km²) are digitising noise")->capture_default_str();
  cmd->add_option("-o,--out", args.out_dir, "output directory for advances.geojson");
  cmd->callback([&action] { action = [] { return line_check_command(args); }; });
}

}  // namespace truceline::cli

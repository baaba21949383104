// `truceline incidents PLAN OBS.csv -o INCIDENTS.csv`: observations correlated offline into
// incidents, located, attributed and checked against the plan's rules (docs/incidents.md), written
// as CSV, GeoJSON, KML or ACLED-shaped CSV (docs/formats.md).
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "formats/incidents.h"
#include "formats/observations_csv.h"
#include "geo/errors.h"
#include "index/locator.h"
#include "io/output.h"
#include "io/progress.h"
#include "monitor/correlate.h"
#include "plan/compiler.h"

namespace truceline::cli {
namespace {

struct IncidentsArgs {
  std::string plan_path, obs_path, out_path, format;
  double window_s = 180;
  double gate_sigma = 3;
};

int incidents_command(const IncidentsArgs& a) {
  if (a.window_s <= 0) throw InputError("--window", "must be more than 0 seconds", "give the time window in seconds");
  if (a.gate_sigma <= 0) throw InputError("--gate", "must be more than 0", "give the spatial gate in σ");
  const formats::IncidentFormat format = formats::incident_format(a.format, a.out_path);
  const plan::ZoneMap map = plan::compile(plan::parse_plan(a.plan_path), warn_line);
  std::ifstream in(a.obs_path, std::ios::binary);
  if (!in) throw InputError(a.obs_path, "cannot read the file", "check the path");
  // Bearing σ by mode come from the plan's [monitoring], so that a mission can state its own.
  const monitor::PlaceOptions read_opt = monitor::PlaceOptions::of(map.plan.monitoring);
  std::error_code ec;
  const auto size = std::filesystem::file_size(a.obs_path, ec);
  std::vector<monitor::Sighting> obs;
  {
    io::Progress progress({"read", ec ? 0 : static_cast<uint64_t>(size)});
    io::CountingStream counted(in, progress);
    obs = formats::read_observations_csv(progress.enabled() ? static_cast<std::istream&>(counted) : in, a.obs_path, read_opt);
  }
  if (io::stderr_is_terminal() && obs.size() >= 100'000)
    std::cerr << "truceline: correlating " << obs.size() << " observations…\n";

  const index::Locator locator(map);
  monitor::CorrelateOptions opt;
  opt.window_ms = static_cast<int64_t>(a.window_s * 1000);
  opt.gate_sigma = a.gate_sigma;
  const std::vector<monitor::Incident> incidents = monitor::correlate_all(obs, map, locator, opt);

  size_t violating = 0;
  for (const auto& inc : incidents) violating += !inc.violations.empty();
  io::write_file_atomic(a.out_path, formats::incidents_file(format, incidents, map));
  std::cerr << "truceline: " << obs.size() << " observations → " << incidents.size() << " incidents ("
            << violating << " breaking a rule) → " << a.out_path << "\n";
  return 0;
}

}  // namespace

void add_incidents_command(CLI::App& app, Action& action) {
  static IncidentsArgs args;
  auto* cmd = app.add_subcommand("incidents", "correlate observations into incidents and check them against the plan");
  cmd->add_option("PLAN", args.plan_path, "plan file (TOML)")->required();
  cmd->add_option("OBS", args.obs_path, "observations CSV")->required();
  cmd->add_option("-o,--out", args.out_path, "incidents file: .csv, .geojson or .kml")->required();
  cmd->add_option("--format", args.format, "csv, geojson, kml or acled (default: from the extension)");
  cmd->add_option("--window", args.window_s, "seconds within which reports can be of one event")->capture_default_str();
  cmd->add_option("--gate", args.gate_sigma, "spatial gate in σ (Mahalanobis distance)")->capture_default_str();
  cmd->callback([&action] { action = [] { return incidents_command(args); }; });
}

}  // namespace truceline::cli

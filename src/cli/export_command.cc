// `truceline export incidents`, `export observations` and `export acled`: what a record holds, in
// the formats analysts open (docs/formats.md).
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "formats/acled.h"
#include "formats/incidents.h"
#include "formats/observations_csv.h"
#include "formats/records.h"
#include "index/locator.h"
#include "io/output.h"
#include "monitor/correlate.h"
#include "monitor/sighting.h"
#include "plan/compiler.h"
#include "store/store.h"

namespace truceline::cli {
namespace {

struct ExportArgs {
  std::string plan_path, db, out_path, format, since, until;
  double window_s = 180;
  double gate_sigma = 3;
};

// "2025-04-12" (00:00 UTC) or an ISO 8601 time with an offset; nullopt for "".
std::optional<int64_t> time_option(const std::string& text, const std::string& option) {
  if (text.empty()) return std::nullopt;
  const std::string iso = text.size() == 10 ? text + "T00:00:00Z" : text;
  const auto ms = monitor::parse_time_ms(iso);
  if (!ms) throw InputError(option, "'" + text + "' is not a date or a time", "write 2025-04-12 or 2025-04-12T06:00:00+03:00");
  return ms;
}

std::vector<formats::RecordedObservation> read_record(const ExportArgs& a) {
  const auto since = time_option(a.since, "--since"), until = time_option(a.until, "--until");
  // Opening a SQLite path creates the file; an export from a mistyped path should say so instead
  // of writing an empty export.
  if (a.db.rfind("postgres", 0) != 0 && !std::filesystem::exists(a.db))
    throw InputError(a.db, "no such record", "check the path of the SQLite file");
  auto store = store::open_store(a.db);
  return formats::current_observations(*store, since, until);
}

int export_incidents(const ExportArgs& a) {
  const formats::IncidentFormat format = formats::incident_format(a.format, a.out_path);
  if (a.window_s <= 0) throw InputError("--window", "must be more than 0 seconds", "give the time window in seconds");
  if (a.gate_sigma <= 0) throw InputError("--gate", "must be more than 0", "give the spatial gate in σ");
  const plan::ZoneMap map = plan::compile(plan::parse_plan(a.plan_path), warn_line);
  const auto recorded = read_record(a);
  const monitor::PlaceOptions sopt = monitor::PlaceOptions::of(map.plan.monitoring);
  std::vector<monitor::Sighting> sightings;
  sightings.reserve(recorded.size());
  for (const auto& r : recorded) sightings.push_back(monitor::sighting_of(r.obs, r.id, sopt));
  // The correlator wants reports in roughly increasing time; the chain holds them as received.
  std::stable_sort(sightings.begin(), sightings.end(), [](const auto& x, const auto& y) { return x.time_ms < y.time_ms; });
  const index::Locator locator(map);
  monitor::CorrelateOptions opt;
  opt.window_ms = static_cast<int64_t>(a.window_s * 1000);
  opt.gate_sigma = a.gate_sigma;
  const auto incidents = monitor::correlate_all(sightings, map, locator, opt);
  io::write_file_atomic(a.out_path, formats::incidents_file(format, incidents, map));
  std::cerr << "truceline: " << sightings.size() << " observations → " << incidents.size() << " incidents → "
            << a.out_path << "\n";
  return 0;
}

int export_observations(const ExportArgs& a) {
  const auto recorded = read_record(a);
  io::write_file_atomic(a.out_path, formats::observations_csv(recorded));
  std::cerr << "truceline: " << recorded.size() << " observations → " << a.out_path << "\n";
  return 0;
}

int export_acled(const ExportArgs& a) {
  const auto recorded = read_record(a);
  std::string out = formats::acled_csv_header();
  for (const auto& r : recorded) out += formats::acled_csv_row(formats::acled_row_of(r.obs, r.id));
  io::write_file_atomic(a.out_path, out);
  std::cerr << "truceline: " << recorded.size() << " observations → " << a.out_path << "\n";
  return 0;
}

void record_options(CLI::App* cmd, ExportArgs& a) {
  cmd->add_option("--db", a.db, "record: SQLite file or postgresql:// URI")->required();
  cmd->add_option("--since", a.since, "only events at or after this date or time");
  cmd->add_option("--until", a.until, "only events before this date or time");
  cmd->add_option("-o,--out", a.out_path, "output file, written only when complete")->required();
}

}  // namespace

void add_export_command(CLI::App& app, Action& action) {
  auto* exp = app.add_subcommand("export", "what a record holds, as files other tools open");
  exp->require_subcommand(1);
  static ExportArgs inc_args, obs_args, acled_args;

  auto* inc = exp->add_subcommand("incidents", "the record's observations correlated into incidents");
  inc->add_option("--plan", inc_args.plan_path, "plan file (TOML)")->required();
  record_options(inc, inc_args);
  inc->add_option("--format", inc_args.format, "csv, geojson, kml or acled (default: from the extension)");
  inc->add_option("--window", inc_args.window_s, "seconds within which reports can be of one event")->capture_default_str();
  inc->add_option("--gate", inc_args.gate_sigma, "spatial gate in σ (Mahalanobis distance)")->capture_default_str();
  inc->callback([&action] { action = [] { return export_incidents(inc_args); }; });

  auto* obs = exp->add_subcommand("observations", "the record's observations as the CSV `truceline incidents` reads");
  record_options(obs, obs_args);
  obs->footer("Corrections in place of what they correct, retractions left out (docs/formats.md).");
  obs->callback([&action] { action = [] { return export_observations(obs_args); }; });

  auto* acled = exp->add_subcommand("acled", "the record's observations as ACLED-shaped CSV");
  record_options(acled, acled_args);
  acled->footer("Observations imported from ACLED give back their ACLED row; others are mapped (docs/formats.md).");
  acled->callback([&action] { action = [] { return export_acled(acled_args); }; });
}

}  // namespace truceline::cli

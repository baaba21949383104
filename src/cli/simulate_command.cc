// `truceline simulate`: a synthetic observation stream and its ground truth, for tests,
// benchmarks and demonstrations of the correlator.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "formats/observations_csv.h"
#include "geo/errors.h"
#include "io/output.h"
#include "monitor/simulate.h"
#include "plan/compiler.h"

namespace truceline::cli {
namespace {

namespace fs = std::filesystem;

// The observations may run to hundreds of megabytes: they are streamed, in chunks of a megabyte,
// through io::write_stream_atomic, so that a failure never leaves half a file.
void write_observations(const fs::path& path, const std::vector<monitor::Sighting>& obs) {
  io::write_stream_atomic(path, [&](std::ostream& out) {
    out << formats::observations_csv_header();
    std::string chunk;
    for (const auto& s : obs) {
      chunk += formats::observation_csv_row(s);
      if (chunk.size() > (1 << 20)) out << chunk, chunk.clear();
    }
    out << chunk;
  });
}

struct SimulateArgs {
  std::string plan_path, obs_path, truth_path;
  monitor::SimOptions opt;
};

int simulate_command(const SimulateArgs& a) {
  if (a.opt.events < 0) throw InputError("--events", "must be 0 or more", "give the number of true events");
  const plan::ZoneMap map = plan::compile(plan::parse_plan(a.plan_path), warn_line);
  const monitor::Simulation sim = monitor::simulate(map, a.opt);
  write_observations(a.obs_path, sim.observations);
  if (!a.truth_path.empty()) io::write_file_atomic(a.truth_path, monitor::truth_csv(sim.truth));
  size_t false_reports = sim.observations.size();
  for (const auto& t : sim.truth) false_reports -= t.observation_ids.size();
  std::cerr << "truceline: simulated " << sim.truth.size() << " events, " << sim.observations.size()
            << " observations (" << false_reports << " false reports) → " << a.obs_path
            << (a.truth_path.empty() ? "" : ", truth → " + a.truth_path) << "\n";
  return 0;
}

}  // namespace

void add_simulate_command(CLI::App& app, Action& action) {
  static SimulateArgs args;
  auto* sim = app.add_subcommand("simulate", "write a synthetic observation stream along a plan's line of contact");
  sim->add_option("PLAN", args.plan_path, "plan file (TOML)")->required();
  sim->add_option("--events", args.opt.events, "true events to simulate")->capture_default_str();
  sim->add_option("--seed", args.opt.seed, "random seed; the same seed gives the same files")->capture_default_str();
  sim->add_option("--hours", args.opt.hours, "hours the events are spread over")->capture_default_str();
  sim->add_option("--false-rate", args.opt.false_report_rate, "share of observations reporting nothing")
      ->capture_default_str();
  sim->add_option("-o,--out", args.obs_path, "observations CSV")->required();
  sim->add_option("--truth", args.truth_path, "true events CSV, with the ids of their observations");
  sim->callback([&action] { action = [] { return simulate_command(args); }; });
}

}  // namespace truceline::cli

// `truceline timeline SERIES [--from D] [--to D] [--plan PLAN] [--sliver KM2] -o DIR`: the line's
// movement over a dated series of occupied-territory layers (docs/timeline.md).
#include <iostream>

#include "cli/commands.h"
#include "geo/errors.h"
#include "io/output.h"
#include "plan/compiler.h"
#include "plan/timeline.h"
#include "report/timeline_outputs.h"

namespace truceline::cli {
namespace {

struct TimelineArgs {
  std::string series, from, to, plan_path, out_dir;
  double sliver_km2 = 0.5;
};

std::vector<plan::SeriesLayer> window(const TimelineArgs& a) {
  for (const auto& [name, d] : {std::pair{"--from", &a.from}, std::pair{"--to", &a.to}})
    if (!d->empty() && !plan::is_date(*d)) throw InputError(std::string(name) + " " + *d, "is not a date", "write YYYY-MM-DD");
  std::vector<plan::SeriesLayer> out;
  for (auto& l : plan::read_series(a.series))
    if ((a.from.empty() || l.date >= a.from) && (a.to.empty() || l.date <= a.to)) out.push_back(std::move(l));
  if (out.empty()) throw InputError(a.series, "has no layer between --from and --to", "widen the window");
  return out;
}

// The plan's line of contact on `date`: the plan compiled with its series shapes on that date.
double line_km_on(const std::string& plan_path, const std::string& date) {
  const plan::ZoneMap map = plan::compile(plan::parse_plan(plan_path, {date}), {});
  const plan::Line* line = map.find_line("line_of_contact");
  return line ? line->length_km : -1;
}

int timeline_command(const TimelineArgs& a) {
  if (!(a.sliver_km2 >= 0)) throw InputError("--sliver", "must be 0 or more", "give an area in km², e.g. 0.5");
  const auto layers = window(a);
  std::vector<plan::Settlement> settlements;
  std::function<double(const std::string&)> line_km;
  if (!a.plan_path.empty()) {
    const plan::Plan p = plan::parse_plan(a.plan_path);
    if (!p.settlements_layer.empty()) settlements = plan::read_settlements(p.settlements_layer);
    line_km = [&](const std::string& date) { return line_km_on(a.plan_path, date); };
  }
  geo::Context ctx;
  plan::TimelineOptions opt;
  opt.sliver_km2 = a.sliver_km2;
  const auto steps = plan::timeline(ctx, layers, settlements, opt, line_km, warn_line);
  io::write_dir_atomic(a.out_dir, {{"timeline.csv", report::timeline_csv(steps)},
                                   {"settlements.csv", report::timeline_settlements_csv(steps)},
                                   {"changes.geojson", report::timeline_geojson(steps).dump() + "\n"},
                                   {"timeline.svg", report::timeline_svg(steps)}});
  std::cout << report::timeline_csv(steps);
  std::cerr << "truceline: " << steps.size() << " dates, " << steps.front().date << " to " << steps.back().date << " → "
            << a.out_dir << "/{timeline.csv,settlements.csv,changes.geojson,timeline.svg}\n";
  return 0;
}

}  // namespace

void add_timeline_command(CLI::App& app, Action& action) {
  static TimelineArgs args;
  auto* cmd = app.add_subcommand("timeline", "the line's movement over a dated series of occupied-territory layers");
  cmd->add_option("SERIES", args.series, "folder of <name>-YYYYMMDD.geojson layers, e.g. data/occupied")->required();
  cmd->add_option("--from", args.from, "first date (YYYY-MM-DD)");
  cmd->add_option("--to", args.to, "last date (YYYY-MM-DD)");
  cmd->add_option("--plan", args.plan_path, "plan whose settlements change hands and whose line is measured on each date");
  cmd->add_option("--sliver", args.sliver_km2, "pieces of a change smaller than this (km²) are digitising noise")->capture_default_str();
  cmd->add_option("-o,--out", args.out_dir, "output directory (replaced only when everything is written)")->required();
  cmd->callback([&action] { action = [] { return timeline_command(args); }; });
}

}  // namespace truceline::cli

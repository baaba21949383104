// `truceline plan compile` and `truceline plan compare`.
#include <iostream>

#include "cli/commands.h"
#include "io/output.h"
#include "plan/compare.h"
#include "plan/compiler.h"
#include "report/plan_outputs.h"
#include "report/svg_map.h"

namespace truceline::cli {
namespace {

int compile_command(const std::string& plan_path, const std::string& out_dir) {
  const plan::Plan p = plan::parse_plan(plan_path);
  const plan::ZoneMap map = plan::compile(p, warn_line);
  std::map<std::string, std::string> files{
      {"zones.geojson", report::zones_geojson(map).dump() + "\n"},
      {"lines.geojson", report::lines_geojson(map).dump() + "\n"},
      {"summary.json", report::summary_json(map).dump(2) + "\n"},
      {"map.svg", report::svg_map(map)},
      {"zones.gpkg", report::plan_gpkg(map)},
      {"zones.kml", report::plan_kml(map)},
  };
  if (!out_dir.empty()) io::write_dir_atomic(out_dir, files);
  std::cout << report::zone_table(map);
  if (!out_dir.empty()) std::cout << "\nwrote " << out_dir << "/{zones.geojson,lines.geojson,summary.json,map.svg,zones.gpkg,zones.kml}\n";
  return 0;
}

int compare_command(const std::string& a, const std::string& b) {
  const plan::ZoneMap ma = plan::compile(plan::parse_plan(a), warn_line);
  const plan::ZoneMap mb = plan::compile(plan::parse_plan(b), warn_line);
  std::cout << plan::comparison_text(plan::compare(ma, mb));
  return 0;
}

}  // namespace

void add_plan_commands(CLI::App& app, Action& action) {
  CLI::App* plan = app.add_subcommand("plan", "compile and compare ceasefire plans");
  plan->require_subcommand(1);

  auto* compile = plan->add_subcommand("compile", "build a plan's zones and lines; print the zone table");
  static std::string plan_path, out_dir;
  compile->add_option("PLAN", plan_path, "plan file (TOML)")->required();
  compile->add_option("-o,--out", out_dir, "output directory (replaced only when everything is written)");
  compile->callback([&action] { action = [] { return compile_command(plan_path, out_dir); }; });

  auto* cmp = plan->add_subcommand("compare", "what changes between two plans");
  static std::string a, b;
  cmp->add_option("A", a, "first plan")->required();
  cmp->add_option("B", b, "second plan")->required();
  cmp->callback([&action] { action = [] { return compare_command(a, b); }; });
}

}  // namespace truceline::cli

// `truceline plan compile` and `truceline plan compare`.
#include <algorithm>
#include <iostream>

#include "cli/commands.h"
#include "io/output.h"
#include "plan/check.h"
#include "plan/compare.h"
#include "plan/compiler.h"
#include "plan/series.h"
#include "report/plan_outputs.h"
#include "report/svg_map.h"

namespace truceline::cli {
namespace {

// `--layer ID=FILE`: the plan with shape ID read from another layer (a relative FILE is taken
// from the working directory), so that one plan can be checked against every date of a series.
plan::Plan with_layers(plan::Plan p, const std::vector<std::string>& overrides) {
  for (const auto& o : overrides) {
    const auto eq = o.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == o.size())
      throw InputError("--layer " + o, "must be ID=FILE", "e.g. --layer occupied=data/occupied/occupied-20260801.geojson");
    const std::string id = o.substr(0, eq);
    auto it = std::find_if(p.shapes.begin(), p.shapes.end(), [&](const plan::ShapeDef& s) { return s.id == id; });
    if (it == p.shapes.end() || it->layer.empty())
      throw InputError("--layer " + o, "the plan has no shape '" + id + "' read from a layer", "name a [shapes] entry with layer = …");
    it->layer = o.substr(eq + 1);
  }
  return p;
}

struct CompileArgs {
  std::string plan_path, out_dir, date;
  std::vector<std::string> layers;
  bool strict = false;
};

// Exit status of a check: 1 when --strict and anything was found.
int check_status(const plan::PlanCheck& c, bool strict) {
  if (!strict || c.warnings.empty()) return 0;
  std::cerr << "truceline: plan check: " << c.warnings.size() << " warning(s) under --strict\n";
  return 1;
}

int check_command(const CompileArgs& a) {
  const plan::ZoneMap map = plan::compile(with_layers(plan::parse_plan(a.plan_path, {a.date}), a.layers), warn_line);
  const plan::PlanCheck c = plan::check_plan(map);
  std::cout << plan::check_text(c);
  return check_status(c, a.strict);
}

int compile_command(const CompileArgs& a) {
  const std::string& out_dir = a.out_dir;
  const plan::ZoneMap map = plan::compile(with_layers(plan::parse_plan(a.plan_path, {a.date}), a.layers), warn_line);
  const plan::PlanCheck check = plan::check_plan(map);
  std::map<std::string, std::string> files{
      {"zones.geojson", report::zones_geojson(map).dump() + "\n"},
      {"lines.geojson", report::lines_geojson(map).dump() + "\n"},
      {"summary.json", report::summary_json(map, check).dump(2) + "\n"},
      {"map.svg", report::svg_map(map)},
      {"zones.gpkg", report::plan_gpkg(map)},
      {"zones.kml", report::plan_kml(map)},
  };
  if (!out_dir.empty()) io::write_dir_atomic(out_dir, files);
  std::cout << report::zone_table(map);
  for (const auto& w : check.warnings) std::cout << "warning: " << w << "\n";
  if (!out_dir.empty()) std::cout << "\nwrote " << out_dir << "/{zones.geojson,lines.geojson,summary.json,map.svg,zones.gpkg,zones.kml}\n";
  return check_status(check, a.strict);
}

// "PLAN@YYYY-MM-DD": the plan on that date (its series shapes' layers of the date); "PLAN": as written.
plan::ZoneMap plan_at(const std::string& arg) {
  const auto at = arg.rfind('@');
  if (at != std::string::npos && plan::is_date(arg.substr(at + 1)))
    return plan::compile(plan::parse_plan(arg.substr(0, at), {arg.substr(at + 1)}), warn_line);
  return plan::compile(plan::parse_plan(arg), warn_line);
}

int compare_command(const std::string& a, const std::string& b) {
  const plan::ZoneMap ma = plan_at(a);
  const plan::ZoneMap mb = plan_at(b);
  std::cout << plan::comparison_text(plan::compare(ma, mb));
  return 0;
}

}  // namespace

void add_plan_commands(CLI::App& app, Action& action) {
  CLI::App* plan = app.add_subcommand("plan", "compile and compare ceasefire plans");
  plan->require_subcommand(1);

  static CompileArgs args;
  const auto common = [](CLI::App* c) {
    c->add_option("PLAN", args.plan_path, "plan file (TOML)")->required();
    c->add_option("--layer", args.layers, "ID=FILE: read the plan's shape ID from FILE instead (repeatable)");
    c->add_flag("--strict", args.strict, "exit 1 when the check finds anything (docs/plan-format.md, Checks)");
    c->add_option("--date", args.date, "YYYY-MM-DD: the plan on this date (each series shape takes that date's layer)");
  };
  auto* compile = plan->add_subcommand("compile", "build a plan's zones and lines; print the zone table and the check's warnings");
  common(compile);
  compile->add_option("-o,--out", args.out_dir, "output directory (replaced only when everything is written)");
  compile->callback([&action] { action = [] { return compile_command(args); }; });

  auto* check = plan->add_subcommand("check", "compile a plan and check that its zones partition the area without seams");
  common(check);
  check->callback([&action] { action = [] { return check_command(args); }; });

  auto* cmp = plan->add_subcommand("compare", "what changes between two plans");
  static std::string a, b;
  cmp->add_option("A", a, "first plan; PLAN@YYYY-MM-DD for the plan on a date")->required();
  cmp->add_option("B", b, "second plan; PLAN@YYYY-MM-DD for the plan on a date")->required();
  cmp->callback([&action] { action = [] { return compare_command(a, b); }; });
}

}  // namespace truceline::cli

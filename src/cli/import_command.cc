// `truceline import acled FILE.csv --plan PLAN --db DB`: an ACLED export appended to a record as
// osint observations (docs/formats.md).
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "formats/acled_import.h"
#include "index/locator.h"
#include "store/store.h"

namespace truceline::cli {
namespace {

struct ImportArgs {
  std::string file, plan_path, db, submitter = "acled-import";
  bool skip_bad = false;
  size_t batch = 1000;
};

int import_acled_command(const ImportArgs& a) {
  if (a.batch == 0) throw InputError("--batch", "must be at least 1", "give the rows per append, e.g. 1000");
  // Before the plan is compiled and the record opened (which creates a SQLite file).
  if (!std::ifstream(a.file)) throw InputError(a.file, "cannot read the file", "check the path");
  const auto compiled = load_plan(a.plan_path);
  const plan::ZoneMap& map = compiled->map();
  const index::Locator& locator = compiled->locator();
  auto store = store::open_store(a.db);
  formats::AcledImportOptions opt;
  opt.submitter = a.submitter;
  opt.batch_rows = a.batch;
  opt.skip_bad = a.skip_bad;
  opt.progress = true;
  opt.warn = warn_line;
  const formats::AcledImportStats s = formats::import_acled(a.file, *store, map, locator, opt);
  std::cerr << "truceline: " << s.rows << " ACLED rows: " << s.appended << " new observations in " << s.batches
            << (s.batches == 1 ? " append" : " appends") << ", " << s.already << " already in the record";
  if (s.bad) std::cerr << ", " << s.bad << " bad rows left out";
  std::cerr << "\n";
  return 0;
}

}  // namespace

void add_import_command(CLI::App& app, Action& action) {
  auto* imp = app.add_subcommand("import", "append observations from other formats to a record");
  imp->require_subcommand(1);
  static ImportArgs args;
  auto* acled = imp->add_subcommand("acled", "an ACLED CSV export as osint observations");
  acled->add_option("FILE", args.file, "ACLED export (CSV)")->required();
  acled->add_option("--plan", args.plan_path, "plan file (TOML, or a compiled plan.tlplan) the events are placed in")->required();
  acled->add_option("--db", args.db, "record: SQLite file or postgresql:// URI")->required();
  acled->add_option("--submitter", args.submitter, "name the records carry")->capture_default_str();
  acled->add_option("--batch", args.batch, "rows per append (one transaction each)")->capture_default_str();
  acled->add_flag("--skip-bad", args.skip_bad, "report bad rows and leave them out instead of stopping");
  acled->footer(
      "Each row becomes an osint observation at the row's coordinates, with ACLED's id in source_ref and its\n"
      "coding in the observation's acled object. Rows whose id this submitter's records already hold are skipped,\n"
      "so a re-run or an updated export adds only what is new. A bad row stops the import before anything is\n"
      "written (exit 2), unless --skip-bad.");
  acled->callback([&action] { action = [] { return import_acled_command(args); }; });
}

}  // namespace truceline::cli

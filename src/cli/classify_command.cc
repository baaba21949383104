// `truceline classify PLAN IN.csv -o OUT.csv`: the zone of every row of a CSV file.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "geo/errors.h"
#include "index/classify.h"
#include "io/output.h"
#include "io/progress.h"
#include "index/locator.h"

namespace truceline::cli {
namespace {
namespace fs = std::filesystem;

// The output streams straight to a temporary file beside the target, renamed into place at the
// end: a refused or failed run leaves the previous file or nothing, never a partial one.
index::ClassifyStats classify_to_file(std::istream& in, const fs::path& target, const index::Locator& locator,
                                      const index::ClassifyOptions& opt) {
  index::ClassifyStats stats;
  io::write_stream_atomic(target, [&](std::ostream& out) { stats = index::classify_stream(in, out, locator, opt); });
  return stats;
}

void report_errors(const index::ClassifyStats& stats) {
  if (stats.error_rows == 0) return;
  std::cerr << "truceline: " << stats.error_rows << (stats.error_rows == 1 ? " row" : " rows")
            << " with errors (first: " << stats.first_error << ")\n";
}

int classify_command(const std::string& plan_path, const std::string& in_path, const std::string& out_path) {
  // Nothing has been read or written yet; unsynchronised streams make stdin/stdout as fast as files.
  std::ios::sync_with_stdio(false);
  std::ifstream file;
  if (in_path != "-") {
    file.open(in_path, std::ios::binary);
    if (!file) throw InputError(in_path, "cannot open the file", "check the path");
  }
  std::istream& in = in_path == "-" ? std::cin : file;
  const auto compiled = load_plan(plan_path);

  index::ClassifyOptions opt;
  opt.name = in_path == "-" ? "stdin" : in_path;
  // The bar counts the bytes the block reader takes, one update per megabyte block; on a pipe or a
  // log file it is off and the input is read directly.
  std::error_code ec;
  const auto size = in_path == "-" ? 0 : fs::file_size(in_path, ec);
  // Rows printed to the same terminal would be torn by the bar's redraws.
  const bool rows_on_terminal = out_path == "-" && ::isatty(1) == 1;
  io::Progress progress({"classify", ec ? 0 : static_cast<uint64_t>(size)}, io::stderr_is_terminal() && !rows_on_terminal);
  io::CountingStream counted(in, progress);
  std::istream& source = progress.enabled() ? static_cast<std::istream&>(counted) : in;
  const index::Locator& locator = compiled->locator();
  const index::ClassifyStats stats = out_path == "-" ? index::classify_stream(source, std::cout, locator, opt)
                                                     : classify_to_file(source, out_path, locator, opt);
  progress.finish();
  if (out_path == "-" && !std::cout.flush())
    throw InputError("stdout", "writing failed", "check where the output goes");
  report_errors(stats);
  return 0;
}

}  // namespace

void add_classify_command(CLI::App& app, Action& action) {
  auto* cmd = app.add_subcommand("classify", "zone, responsible party and distance to the line of contact of each CSV row");
  static std::string plan_path, in_path, out_path = "-";
  cmd->add_option("PLAN", plan_path, "plan file (TOML, or a compiled plan.tlplan)")->required();
  cmd->add_option("IN", in_path, "CSV with a header naming lat and lon (or latitude/longitude) or mgrs; - for stdin")
      ->required();
  cmd->add_option("-o,--out", out_path, "output CSV, written only when complete; - for stdout")->capture_default_str();
  cmd->footer(
      "Appends zone, zone_kind, responsible, dist_loc_km (geodesic, to the line of contact) and error to every row.\n"
      "Rows whose coordinates cannot be read get a message in `error`; their count goes to stderr and the exit\n"
      "code stays 0. A header without coordinate columns, or lat/lon that look swapped, stops the run (exit 2).");
  cmd->callback([&action] { action = [] { return classify_command(plan_path, in_path, out_path); }; });
}

}  // namespace truceline::cli

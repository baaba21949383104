// `truceline report --plan PLAN --db DB --day YYYY-MM-DD [--tz +03:00] -o FILE`: the mission's
// daily report of one day, as HTML, Markdown or JSON by the file's extension (docs/report.md).
#include <chrono>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "geo/errors.h"
#include "index/locator.h"
#include "io/output.h"
#include "monitor/observation.h"
#include "report/daily_record.h"
#include "report/daily_render.h"

namespace truceline::cli {
namespace {

namespace fs = std::filesystem;

struct ReportArgs {
  std::string plan_path, db, day, tz = "+00:00", cutoff, out_path;
  int points = 8;
  int trend_days = 30;
};

enum class Format { html, markdown, json };

Format format_of(const std::string& path) {
  const std::string ext = fs::path(path).extension().string();
  if (ext == ".html" || ext == ".htm") return Format::html;
  if (ext == ".md") return Format::markdown;
  if (ext == ".json") return Format::json;
  throw InputError("-o " + path, "unknown report format '" + ext + "'", "name the file .html, .md or .json");
}

// A SQLite path must exist: opening a missing one would create an empty record and report on it.
void check_db(const std::string& db) {
  if (db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0) return;
  if (!fs::is_regular_file(db))
    throw InputError("--db " + db, "no such database", "give the SQLite file truceline serve writes, or a postgresql:// URI");
}

std::optional<int64_t> cutoff_of(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (text == "now")
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const auto ms = monitor::parse_time_ms(text);
  if (!ms) throw InputError("--cutoff", "'" + text + "' is not a time", "write an ISO 8601 time with an offset, e.g. 2025-04-12T19:30:00+03:00, or now");
  return ms;
}

int report_command(const ReportArgs& a) {
  // Every argument is checked before anything is read, so a mistake costs no compile time.
  const Format format = format_of(a.out_path);
  if (a.points != 8 && a.points != 16) throw InputError("--points", "must be 8 or 16", "choose the compass rose");
  if (a.trend_days < 2 || a.trend_days > 366)
    throw InputError("--trend-days", "must be from 2 to 366", "the trend needs the day and the one before it");
  const report::DayWindow day = report::day_window(a.day, a.tz);
  const std::optional<int64_t> cutoff = cutoff_of(a.cutoff);
  check_db(a.db);
  if (!fs::is_regular_file(a.plan_path)) throw InputError("--plan " + a.plan_path, "no such plan", "give a plan file, e.g. plans/kellogg-2025-04.toml");

  const auto compiled = load_plan(a.plan_path);
  const plan::ZoneMap& map = compiled->map();
  const index::Locator& locator = compiled->locator();
  auto store = store::open_store(a.db);
  report::DailyOptions opt;
  opt.place.points = a.points;
  opt.trend_days = a.trend_days;
  const report::DailyReport r = report::make_daily_report(*store, map, locator, day, cutoff, opt);

  switch (format) {
    case Format::html: io::write_file_atomic(a.out_path, report::daily_html(r, map)); break;
    case Format::json: io::write_file_atomic(a.out_path, report::daily_json(r)); break;
    case Format::markdown: {
      // The images first: the Markdown appears only once what it points at is in place.
      const fs::path out(a.out_path);
      const std::string stem = out.stem().string();
      io::write_file_atomic(out.parent_path() / (stem + "-map.svg"), report::daily_map_svg(r, map));
      io::write_file_atomic(out.parent_path() / (stem + "-trend.svg"), report::daily_trend_svg(r));
      io::write_file_atomic(out, report::daily_markdown(r, stem + "-map.svg", stem + "-trend.svg"));
      break;
    }
  }
  std::cerr << "truceline: daily report " << r.number << "/" << r.year << " of " << r.window.day << ": " << r.incidents
            << " incidents (" << r.violating << " breaking a rule) from " << r.observations << " observations → "
            << a.out_path << "\n";
  if (r.late_observations > 0)
    warn_line(std::to_string(r.late_observations) +
              " observations of the day were received after the cut-off and are left out (--cutoff now takes them)");
  return 0;
}

}  // namespace

void add_report_command(CLI::App& app, Action& action) {
  static ReportArgs args;
  auto* cmd = app.add_subcommand("report", "the daily report of one day: counts, incidents, map, 30-day trend");
  cmd->add_option("--plan", args.plan_path, "plan file (TOML, or a compiled plan.tlplan)")->required();
  cmd->add_option("--db", args.db, "SQLite file or postgresql:// URI")->required();
  cmd->add_option("--day", args.day, "the day, YYYY-MM-DD")->required();
  cmd->add_option("--tz", args.tz, "UTC offset the day and times are in, +HH:MM")->capture_default_str();
  cmd->add_option("--cutoff", args.cutoff,
                  "records received after this time are left out (ISO 8601, or now; DEFAULT: the end of the day)");
  cmd->add_option("--points", args.points, "compass points in place names, 8 or 16")->capture_default_str();
  cmd->add_option("--trend-days", args.trend_days, "days in the trend chart, ending with the day")->capture_default_str();
  cmd->add_option("-o,--out", args.out_path, "report file: .html, .md or .json")->required();
  cmd->callback([&action] { action = [] { return report_command(args); }; });
}

}  // namespace truceline::cli

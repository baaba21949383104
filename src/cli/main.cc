// truceline: ceasefire plans as exact geometry. A thin shell over libtruceline: it parses the
// command line, runs one subcommand and turns typed errors into one line on stderr and exit 2.
#include <iostream>

#include "cli/commands.h"
#include "geo/errors.h"

namespace truceline::cli {
void warn_line(const std::string& w) { std::cerr << "truceline: warning: " << w << "\n"; }
}  // namespace truceline::cli

int main(int argc, char** argv) {
  CLI::App app{"truceline: ceasefire plans as exact geometry, and their monitoring"};
  app.require_subcommand(1);
  truceline::cli::Action action;
  truceline::cli::add_plan_commands(app, action);
  truceline::cli::add_classify_command(app, action);
  truceline::cli::add_monitor_commands(app, action);
  truceline::cli::add_simulate_command(app, action);
  truceline::cli::add_incidents_command(app, action);
  truceline::cli::add_report_command(app, action);
  truceline::cli::add_import_command(app, action);
  truceline::cli::add_export_command(app, action);
  truceline::cli::add_witness_commands(app, action);
  truceline::cli::add_log_commands(app, action);
  truceline::cli::add_timeline_command(app, action);
  truceline::cli::add_line_check_command(app, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    return action ? action() : 0;
  } catch (const truceline::InputError& e) {
    std::cerr << "truceline: " << e.what() << "\n";
  } catch (const truceline::GeometryError& e) {
    std::cerr << "truceline: geometry: " << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "truceline: " << e.what() << "\n";
  }
  return 2;
}

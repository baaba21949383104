#pragma once
// Each subcommand registers itself on the CLI11 app; main() runs the one chosen.
#include <CLI/CLI.hpp>
#include <functional>

namespace truceline::cli {

// A subcommand's body; runs after parsing. Returns the exit code.
using Action = std::function<int()>;

void add_plan_commands(CLI::App& app, Action& action);
void add_classify_command(CLI::App& app, Action& action);
void add_monitor_commands(CLI::App& app, Action& action);
void add_simulate_command(CLI::App& app, Action& action);
void add_incidents_command(CLI::App& app, Action& action);
void add_report_command(CLI::App& app, Action& action);
void add_import_command(CLI::App& app, Action& action);
void add_export_command(CLI::App& app, Action& action);
void add_witness_commands(CLI::App& app, Action& action);
void add_log_commands(CLI::App& app, Action& action);
void add_timeline_command(CLI::App& app, Action& action);
void add_line_check_command(CLI::App& app, Action& action);

// A private key file: created with mode 0600, never over an existing file; InputError otherwise.
void write_key_file(const std::string& path, const std::string& text);
// The whole file; InputError naming it when it cannot be read.
std::string read_text_file(const std::string& path);

// Writes one warning line to stderr.
void warn_line(const std::string& w);

}  // namespace truceline::cli

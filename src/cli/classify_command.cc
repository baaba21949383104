// placeholder, replaced by the real classify command
#include "cli/commands.h"
namespace truceline::cli {
void add_classify_command(CLI::App&, Action&) {}
}  // namespace truceline::cli

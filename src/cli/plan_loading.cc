#include <iostream>

#include "cli/commands.h"
#include "compiled/load.h"

namespace truceline::cli {

std::unique_ptr<compiled::CompiledPlan> load_plan(const std::string& path) {
  compiled::LoadOptions opt;
  opt.warn = warn_line;
  opt.note = [](const std::string& n) { std::cerr << "truceline: " << n << "\n"; };
  return compiled::load(path, opt);
}

}  // namespace truceline::cli

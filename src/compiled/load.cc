#include "compiled/load.h"

#include <ctime>

#include "compiled/cache.h"
#include "compiled/plan_file.h"
#include "geo/errors.h"
#include "io/output.h"

namespace truceline::compiled {
namespace {

namespace fs = std::filesystem;

void say(const io::Warn& to, const std::string& text) {
  if (to) to(text);
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

fs::path cache_dir(const LoadOptions& opt) { return opt.cache_dir ? *opt.cache_dir : default_cache_dir(); }

std::unique_ptr<CompiledPlan> compile_now(const plan::Plan& plan, Provenance prov, const LoadOptions& opt) {
  plan::ZoneMap map = plan::compile(plan, opt.warn);
  prov.compiled_at = utc_now();
  return std::make_unique<CompiledPlan>(std::move(map), std::move(prov));
}

// Best effort: a cache that cannot be written costs the next run a compile, nothing more.
void store(const CompiledPlan& c, const LoadOptions& opt) {
  const fs::path dir = cache_dir(opt);
  if (dir.empty()) return;
  const fs::path entry = cache_entry(dir, c.provenance());
  try {
    // A file changed while the compile read it: the plan may hold some of each version, so it is
    // not stored under either's key.
    const plan::Plan& plan = c.map().plan;
    if (!provenance_of(plan, io::read_file(plan.path)).same_inputs(c.provenance())) return;
    fs::create_directories(dir);
    write_plan_file(entry, c);
  } catch (const std::exception& e) {
    say(opt.warn, "cannot store the compiled plan in the cache (" + std::string(e.what()) +
                      "); the next run compiles again. Set XDG_CACHE_HOME to a writable directory");
  }
}

// The cached plan made from exactly these inputs, or null.
std::unique_ptr<CompiledPlan> from_cache(const plan::Plan& plan, const Provenance& prov, const LoadOptions& opt) {
  const fs::path dir = cache_dir(opt);
  if (dir.empty()) return nullptr;
  const fs::path entry = cache_entry(dir, prov);
  std::error_code ec;
  if (!fs::exists(entry, ec)) return nullptr;
  try {
    auto c = read_plan_file(entry);
    // The key already says so; the file's own record confirms it (and the Plan it holds must be
    // the one asked for, overrides and all).
    if (!c->provenance().same_inputs(prov) || !(c->map().plan == plan)) return nullptr;
    for (const auto& w : c->map().warnings) say(opt.warn, w);
    c->origin = Origin::cache;
    return c;
  } catch (const InputError& e) {
    say(opt.warn, std::string("cached compiled plan not used, compiling again: ") + e.what());
    return nullptr;
  }
}

std::unique_ptr<CompiledPlan> through_cache(const plan::Plan& plan, Provenance prov, const LoadOptions& opt) {
  if (auto c = from_cache(plan, prov, opt)) return c;
  auto c = compile_now(plan, std::move(prov), opt);
  store(*c, opt);
  return c;
}

std::string describe(const fs::path& path, const CompiledPlan& c) {
  const plan::Plan& p = c.map().plan;
  std::string s = "compiled plan " + path.string() + ": \"" + p.name + "\"";
  if (!p.date.empty()) s += " (" + p.date + ")";
  s += ", compiled " + c.provenance().compiled_at + " from " + c.provenance().plan.path;
  s += "; not checked against the plan and its layers, compile again after changing them";
  return s;
}

}  // namespace

std::unique_ptr<CompiledPlan> load(const std::string& path, const LoadOptions& opt) {
  if (is_plan_file(path)) {
    auto c = read_plan_file(path);
    say(opt.note, describe(path, *c));
    return c;
  }
  const std::string text = io::read_file(path);
  const plan::Plan plan = plan::parse_plan_text(text, path);
  return through_cache(plan, provenance_of(plan, text), opt);
}

std::unique_ptr<CompiledPlan> load_or_compile(const plan::Plan& plan, const LoadOptions& opt) {
  return through_cache(plan, provenance_of(plan, io::read_file(plan.path)), opt);
}

std::unique_ptr<CompiledPlan> compile_and_cache(const plan::Plan& plan, const LoadOptions& opt) {
  auto c = compile_now(plan, provenance_of(plan, io::read_file(plan.path)), opt);
  store(*c, opt);
  return c;
}

}  // namespace truceline::compiled

#include "compiled/compiled_plan.h"

#include "compiled/build_id.h"
#include "io/output.h"
#include "tlog/hash.h"

namespace truceline::compiled {

FileHash hash_file(const std::string& path) {
  const std::string bytes = io::read_file(path);
  return {path, bytes.size(), tlog::hex(tlog::sha256(bytes))};
}

Provenance provenance_of(const plan::Plan& plan, std::string_view plan_text) {
  Provenance p;
  p.plan = {plan.path, plan_text.size(), tlog::hex(tlog::sha256(plan_text))};
  for (const auto& layer : plan.layer_paths()) p.layers.push_back(hash_file(layer));
  p.build = build_id();
  return p;
}

CompiledPlan::CompiledPlan(plan::ZoneMap map, Provenance provenance)
    : origin(Origin::compiled), map_(std::move(map)), provenance_(std::move(provenance)), locator_(map_) {}

CompiledPlan::CompiledPlan(plan::ZoneMap map, Provenance provenance, io::ByteReader& index)
    : origin(Origin::file), map_(std::move(map)), provenance_(std::move(provenance)), locator_(map_, index) {}

}  // namespace truceline::compiled

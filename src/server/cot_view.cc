#include "server/cot_view.h"

#include <chrono>

#include "server/api.h"
#include "server/incident_engine.h"

namespace truceline::server {

namespace {

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

CotView::CotView(const plan::ZoneMap& map, IncidentEngine& engine, const formats::CotOptions& opt)
    : engine_(engine), opt_(opt), shape_events_(formats::plan_shapes(map, now_ms(), opt)) {
  std::string all;
  for (const std::string& e : shape_events_) all += e + "\n";
  shapes_ = std::make_shared<const std::string>(std::move(all));
}

std::vector<std::string> CotView::incidents(const Caller& who, int64_t since_ms, int64_t now, size_t max, bool* more) const {
  std::vector<std::string> out;
  if (more) *more = false;
  if (!may_read_incidents(who)) return out;
  IncidentFilter f;
  f.since_ms = since_ms;
  Api::scope(who, f);
  f.limit = 1000;
  for (;;) {
    int64_t next = 0;
    for (const nlohmann::json& inc : engine_.list(f, &next)) {
      if (out.size() == max) {
        if (more) *more = true;
        return out;
      }
      if (std::string e = event(inc, now); !e.empty()) out.push_back(std::move(e));
    }
    if (!next) return out;
    f.after = next;
  }
}

}  // namespace truceline::server

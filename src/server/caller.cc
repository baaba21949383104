#include "server/caller.h"

namespace truceline::server {

std::optional<Caller> caller_of_token_hash(store::Store& store, const std::string& token_hash) {
  const auto t = store.find_token(token_hash);
  if (!t) return std::nullopt;
  return Caller{t->name, t->role, t->contingent};
}

bool may_read_incidents(const Caller& c) {
  return c.role == "contingent" || reads_every_incident(c);
}

bool reads_every_incident(const Caller& c) {
  return c.role == "analyst" || c.role == "admin";
}

bool may_read_incident(const Caller& c, const nlohmann::json& incident) {
  if (reads_every_incident(c)) return true;
  return c.role == "contingent" && incident.value("responsible", "") == c.contingent;
}

}  // namespace truceline::server

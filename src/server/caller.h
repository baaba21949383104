#pragma once
// Who a token is and what its role may read of the incidents (docs/api.md, Tokens and roles):
// one place for the HTTP API, its event streams and the CoT feed, so that they cannot disagree.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "store/store.h"

namespace truceline::server {

struct Caller {
  std::string name, role, contingent;
};

// The holder of the token whose SHA-256 (hex) is `token_hash` (only the hash is stored), or
// nullopt when the store knows no such token.
std::optional<Caller> caller_of_token_hash(store::Store& store, const std::string& token_hash);

// Contingents, analysts and admins read incidents; observers do not.
bool may_read_incidents(const Caller& c);
// Analysts and admins read every incident; a contingent only those it is responsible for.
bool reads_every_incident(const Caller& c);
// `incident` (INCIDENT JSON, or its revision's record body) is one `c` may read.
bool may_read_incident(const Caller& c, const nlohmann::json& incident);

}  // namespace truceline::server

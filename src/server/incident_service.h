#pragma once
// What `truceline serve` runs beside the API for incidents and alerts: the IncidentEngine and the
// webhook sender working from the store's outbox, built and torn down in the right order.
#include <memory>
#include <string>

#include "alert/config.h"
#include "alert/webhook.h"
#include "server/incident_engine.h"
#include "store/leader_lock.h"

namespace truceline::server {

struct IncidentServiceOptions {
  std::string alerts_path;  // alerts.toml (webhooks); "" = alerts in the outbox and on the SSE stream only
  IncidentEngineOptions engine;
};

class IncidentService {
 public:
  // Reads the alerts file (InputError when it is wrong), starts the sender (which resumes the
  // outbox's pending deliveries), rebuilds the engine from the store and starts it. The map,
  // locator and store must outlive the service.
  IncidentService(const plan::ZoneMap& map, const index::Locator& locator, store::Store& store, const std::string& db,
                  const IncidentServiceOptions& opt);
  // Stops the engine (a last flush), then the sender.
  ~IncidentService();
  IncidentEngine& engine() { return *engine_; }

 private:
  alert::AlertConfig config_;
  // PostgreSQL: the session holding the advisory lock that makes this process the one that
  // correlates (docs/incidents.md, Several processes).
  std::unique_ptr<store::LeaderLock> lock_;
  std::unique_ptr<alert::WebhookSender> sender_;
  std::unique_ptr<IncidentEngine> engine_;
};

}  // namespace truceline::server

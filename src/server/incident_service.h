#pragma once
// What `truceline serve` runs beside the API for incidents and alerts: the IncidentEngine, the
// alert delivery log and the webhook sender, built and torn down in the right order.
#include <memory>
#include <string>

#include "alert/config.h"
#include "alert/delivery_log.h"
#include "alert/webhook.h"
#include "server/incident_engine.h"
#include "store/leader_lock.h"

namespace truceline::server {

struct IncidentServiceOptions {
  std::string alerts_path;  // alerts.toml (webhooks); "" = alerts on the SSE stream only
  std::string log_path;     // the delivery log; "" = derived from the database (delivery_log_path)
  IncidentEngineOptions engine;
};

// The delivery log's file for a database: "<db>.alerts.sqlite" beside a SQLite file;
// "truceline-alerts.sqlite" in the working directory for PostgreSQL.
std::string delivery_log_path(const std::string& db);

class IncidentService {
 public:
  // Reads the alerts file (InputError when it is wrong), opens the log, rebuilds the engine from
  // the store and starts it. The map, locator and store must outlive the service.
  IncidentService(const plan::ZoneMap& map, const index::Locator& locator, store::Store& store, const std::string& db,
                  const IncidentServiceOptions& opt);
  // Stops the engine (a last flush), then the sender.
  ~IncidentService();
  IncidentEngine& engine() { return *engine_; }
  alert::DeliveryLog& log() { return *log_; }

 private:
  alert::AlertConfig config_;
  // PostgreSQL: the session holding the advisory lock that makes this process the one that
  // correlates (docs/incidents.md, Several processes).
  std::unique_ptr<store::LeaderLock> lock_;
  std::unique_ptr<alert::DeliveryLog> log_;
  std::unique_ptr<alert::WebhookSender> sender_;
  std::unique_ptr<IncidentEngine> engine_;
};

}  // namespace truceline::server

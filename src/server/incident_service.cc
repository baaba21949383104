#include "server/incident_service.h"

namespace truceline::server {
namespace {

// The advisory lock key every truceline serve process takes for the incident engine.
constexpr int64_t kEngineLock = 7283650041;

}  // namespace

IncidentService::IncidentService(const plan::ZoneMap& map, const index::Locator& locator, store::Store& store,
                                 const std::string& db, const IncidentServiceOptions& opt) {
  if (!opt.alerts_path.empty()) config_ = alert::read_alert_config(opt.alerts_path);
  // Every process runs a sender, leading or not: retries in the shared outbox go on while any
  // process with the alerts file lives.
  sender_ = std::make_unique<alert::WebhookSender>(config_, store);
  engine_ = std::make_unique<IncidentEngine>(map, locator, store, opt.engine);
  engine_->set_alerts(sender_.get());
  if (store::is_postgres_uri(db)) {
    // One engine per database: the process whose session holds the lock correlates; the others
    // follow its records and take over when its session ends (a crash releases the lock).
    lock_ = std::make_unique<store::LeaderLock>(db, kEngineLock);
    engine_->set_leadership([this] { return lock_->held(); });
  }
  engine_->start();
}

IncidentService::~IncidentService() {
  engine_->stop();
  engine_.reset();
  sender_.reset();
}

}  // namespace truceline::server

#include "server/incident_service.h"

namespace truceline::server {
namespace {

// The advisory lock key every truceline serve process takes for the incident engine.
constexpr int64_t kEngineLock = 7283650041;

}  // namespace

std::string delivery_log_path(const std::string& db) {
  if (store::is_postgres_uri(db)) return "truceline-alerts.sqlite";
  return db + ".alerts.sqlite";
}

IncidentService::IncidentService(const plan::ZoneMap& map, const index::Locator& locator, store::Store& store,
                                 const std::string& db, const IncidentServiceOptions& opt) {
  if (!opt.alerts_path.empty()) config_ = alert::read_alert_config(opt.alerts_path);
  log_ = std::make_unique<alert::DeliveryLog>(opt.log_path.empty() ? delivery_log_path(db) : opt.log_path);
  sender_ = std::make_unique<alert::WebhookSender>(config_, *log_);
  engine_ = std::make_unique<IncidentEngine>(map, locator, store, opt.engine);
  engine_->set_alerts(log_.get(), sender_.get());
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

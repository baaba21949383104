#include "server/incident_service.h"

namespace truceline::server {
namespace {

bool is_postgres(const std::string& db) { return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0; }

// The advisory lock key every truceline serve process takes for the incident engine.
constexpr const char* kEngineLock = "SELECT pg_try_advisory_lock(7283650041)";

}  // namespace

std::string delivery_log_path(const std::string& db) {
  if (is_postgres(db)) return "truceline-alerts.sqlite";
  return db + ".alerts.sqlite";
}

IncidentService::IncidentService(const plan::ZoneMap& map, const index::Locator& locator, store::Store& store,
                                 const std::string& db, const IncidentServiceOptions& opt) {
  if (!opt.alerts_path.empty()) config_ = alert::read_alert_config(opt.alerts_path);
  log_ = std::make_unique<alert::DeliveryLog>(opt.log_path.empty() ? delivery_log_path(db) : opt.log_path);
  sender_ = std::make_unique<alert::WebhookSender>(config_, *log_);
  engine_ = std::make_unique<IncidentEngine>(map, locator, store, opt.engine);
  engine_->set_alerts(log_.get(), sender_.get());
  if (is_postgres(db)) {
    // One engine per database: the process whose session holds the lock correlates; the others
    // follow its records and take over when its session ends (a crash releases the lock).
    lock_conn_ = std::make_unique<store::pg::Conn>(db);
    engine_->set_leadership([this] {
      try {
        lock_conn_->ensure_connected();
        return lock_conn_->exec(kEngineLock).text(0, 0) == "t";
      } catch (const std::exception&) {
        return false;
      }
    });
  }
  engine_->start();
}

IncidentService::~IncidentService() {
  engine_->stop();
  engine_.reset();
  sender_.reset();
}

}  // namespace truceline::server

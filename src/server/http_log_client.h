#pragma once
// The log's files fetched over HTTP from a truceline server (its base URL; the log is under
// /log/), on one keep-alive connection: what `truceline audit` and the benchmarks read through.
#include <httplib.h>

#include <memory>
#include <string>

#include "tlog/audit.h"

namespace truceline::server {

class HttpLogClient : public tlog::LogClient {
 public:
  // Throws std::invalid_argument for a URL that is not http:// or https://.
  explicit HttpLogClient(const std::string& url);
  std::optional<std::string> get(const std::string& path) override;

 private:
  std::string prefix_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace truceline::server

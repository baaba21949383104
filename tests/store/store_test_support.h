#pragma once
// Fixtures for the store tests: record builders, fresh SQLite files, and one throwaway
// PostgreSQL server per test binary (scripts/pg-local.sh), started on first use and stopped at
// exit, with a fresh database for each test.
#include <filesystem>
#include <optional>
#include <string>

#include "store/store.h"

namespace truceline::store::testing {

// An observation in the body shape the server stores, with its index filled in to agree.
NewRecord observation(int64_t time_ms, const std::string& event, const std::string& zone_id,
                      std::optional<double> lat = std::nullopt, std::optional<double> lon = std::nullopt,
                      const std::string& submitter = "obs-1", const std::string& responsible = "");
NewRecord correction(const std::string& target_id, int64_t time_ms, const std::string& event, const std::string& zone_id);
NewRecord retraction(const std::string& target_id);

// A directory removed, with everything in it, when this goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A postgresql:// URI of a new, empty database on the test server (started on first call).
// TRUCELINE_TEST_PG_URI, when set, names a server to use instead (its database is the template
// for the new ones' URIs).
std::string fresh_pg_database();

}  // namespace truceline::store::testing

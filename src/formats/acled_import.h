#pragma once
// An ACLED export appended to a record as `osint` observations (docs/formats.md): each row
// checked, mapped, placed with the plan's Locator like an API submission, and appended in batches.
#include <functional>
#include <string>

#include "index/locator.h"
#include "io/progress.h"
#include "plan/zone_map.h"
#include "store/store.h"

namespace truceline::formats {

struct AcledImportOptions {
  // The submitter the records carry, as a token's name does for the API. DEFAULT: "acled-import".
  std::string submitter = "acled-import";
  // Rows per append (one transaction, one idempotency key). DEFAULT: 1,000. REQUIRES: > 0
  size_t batch_rows = 1000;
  // false: the first bad row stops the import before anything is written. true: bad rows are
  // reported through `warn` and left out. DEFAULT: false
  bool skip_bad = false;
  // Shows the progress of each pass when it is enabled (a terminal). DEFAULT: none
  bool progress = false;
  std::function<void(const std::string&)> warn = [](const std::string&) {};
};

struct AcledImportStats {
  long rows = 0;        // data rows read
  long appended = 0;    // new observations
  long already = 0;     // rows whose event_id_cnty the record holds already (from this submitter), or repeated in the file
  long bad = 0;         // rows left out with skip_bad
  long batches = 0;     // appends
  long replayed = 0;    // batches the store had seen (same idempotency key and content)
};

// Reads `path` twice: first every row is read, mapped and validated (nothing written), then the
// rows whose ACLED id the record does not hold yet are appended. Throws InputError naming the file,
// line and column of the first bad row (unless skip_bad), store::StoreError when the store fails
// (the batches appended before stay: each is whole, and a re-run continues where it stopped).
AcledImportStats import_acled(const std::string& path, store::Store& store, const plan::ZoneMap& map,
                              const index::Locator& locator, const AcledImportOptions& opt = {});

}  // namespace truceline::formats

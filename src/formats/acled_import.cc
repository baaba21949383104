// Two passes over the file, so that "a bad row stops the import" can mean that nothing was written
// without holding a whole export in memory: the first pass checks, the second appends.
#include "formats/acled_import.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <unordered_set>

#include "formats/acled.h"
#include "geo/errors.h"
#include "monitor/observation.h"

namespace truceline::formats {

namespace {

using nlohmann::json;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The ACLED column an observation field came from, for error messages a spreadsheet user can act on.
std::string column_of(const std::string& field) {
  if (field == "time") return "event_date";
  if (field == "lat") return "latitude";
  if (field == "lon") return "longitude";
  if (field == "source_ref") return "event_id_cnty";
  if (field.rfind("acled.", 0) == 0) return field.substr(6);
  return field;
}

// The row as an observation, validated as the API validates a submission.
monitor::Observation checked(const AcledRow& row, const std::string& name, int64_t now) {
  try {
    return monitor::parse_observation(observation_json(row), now);
  } catch (const monitor::ValidationError& e) {
    throw InputError(name + ":" + std::to_string(row.line), "column " + column_of(e.field()) + ": " + e.what(),
                     "correct the row or import with --skip-bad");
  }
}

// ACLED ids this submitter's observations already carry: a re-run, or an updated export that
// repeats older rows, adds only what is new.
std::unordered_set<std::string> ids_in_record(store::Store& store, const std::string& submitter) {
  std::unordered_set<std::string> ids;
  store::Query q;
  q.submitter = submitter;
  q.limit = 1000;
  for (;;) {
    const auto recs = store.query(q);
    for (const auto& r : recs) {
      const auto& o = r.body.at("observation");
      if (o.contains("source_ref") && o.contains("acled")) ids.insert(o["source_ref"].get<std::string>());
    }
    if (static_cast<int>(recs.size()) < q.limit) break;
    q.after_seq = recs.back().seq;
  }
  return ids;
}

class Batch {
 public:
  Batch(store::Store& store, const AcledImportOptions& opt, AcledImportStats& stats)
      : store_(store), opt_(opt), stats_(stats) {}

  void add(store::NewRecord r, const std::string& acled_id) {
    key_text_ += acled_id + "\n";
    content_ += r.body.dump() + "\n";
    records_.push_back(std::move(r));
    if (records_.size() >= opt_.batch_rows) flush();
  }

  // The key names the batch by its ACLED ids, the request hash by its content: the same rows
  // appended again replay, the same ids with different content are refused by the store.
  void flush() {
    if (records_.empty()) return;
    const std::string key = "acled:" + store::sha256_hex(opt_.submitter + "\n" + key_text_);
    const auto r = store_.append(records_, key, store::sha256_hex(opt_.submitter + "\n" + content_));
    ++stats_.batches;
    if (r.replayed) ++stats_.replayed;
    else stats_.appended += static_cast<long>(records_.size());
    records_.clear(), key_text_.clear(), content_.clear();
  }

 private:
  store::Store& store_;
  const AcledImportOptions& opt_;
  AcledImportStats& stats_;
  std::vector<store::NewRecord> records_;
  std::string key_text_, content_;
};

store::NewRecord record_of(const monitor::Observation& obs, const index::Locator& locator, const plan::ZoneMap& map,
                           const std::string& submitter) {
  const monitor::Placement p = monitor::place(obs, locator, map, monitor::PlaceOptions::of(map.plan.monitoring));
  store::NewRecord r;
  r.kind = "observation";
  r.submitter = submitter;
  r.body = json{{"observation", monitor::to_json(obs)}, {"placement", monitor::to_json(p)}};
  r.index = {obs.time_ms, obs.event, p.zone_id, p.zone_kind, p.responsible, p.lat, p.lon};
  return r;
}

// One pass over the file; `each` gets every good row and its observation.
template <class Each>
void each_row(const std::string& path, const std::string& label, const AcledImportOptions& opt, long* bad, Each&& each) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw InputError(path, "cannot read the file", "check the path");
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  io::Progress progress({label, ec ? 0 : static_cast<uint64_t>(size)}, opt.progress && io::stderr_is_terminal());
  io::CountingStream in(file, progress);
  AcledReader reader(progress.enabled() ? static_cast<std::istream&>(in) : file, path);
  const int64_t now = now_ms();
  AcledRow row;
  for (;;) {
    monitor::Observation obs;
    try {
      if (!reader.next(row)) break;
      obs = checked(row, path, now);
    } catch (const InputError& e) {
      // A CSV that cannot be read further (an unterminated quote) stops even with skip_bad.
      if (!opt.skip_bad || std::string(e.what()).find("unterminated") != std::string::npos) throw;
      if (bad) {
        ++*bad;
        progress.clear();
        opt.warn(std::string(e.what()) + " (row left out)");
      }
      continue;
    }
    each(row, obs);
  }
}

}  // namespace

AcledImportStats import_acled(const std::string& path, store::Store& store, const plan::ZoneMap& map,
                              const index::Locator& locator, const AcledImportOptions& opt) {
  if (opt.batch_rows == 0) throw std::invalid_argument("batch_rows must be more than 0");
  AcledImportStats stats;
  each_row(path, "check", opt, &stats.bad, [&](const AcledRow&, const monitor::Observation&) { ++stats.rows; });
  stats.rows += stats.bad;

  std::unordered_set<std::string> seen = ids_in_record(store, opt.submitter);
  Batch batch(store, opt, stats);
  each_row(path, "import", opt, nullptr, [&](const AcledRow& row, const monitor::Observation& obs) {
    if (!seen.insert(row.event_id_cnty).second) {
      ++stats.already;
      return;
    }
    batch.add(record_of(obs, locator, map, opt.submitter), row.event_id_cnty);
  });
  batch.flush();
  return stats;
}

}  // namespace truceline::formats

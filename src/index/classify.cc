#include "index/classify.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <span>
#include <thread>

#include "geo/errors.h"
#include "geo/mgrs.h"
#include "index/csv_blocks.h"
#include "index/locator.h"
#include "io/csv.h"

namespace truceline::index {
namespace {

std::string at(const std::string& name, long line) { return name + ":" + std::to_string(line); }

std::string missing(const std::string& name, size_t have, int col) {
  return name + " is missing (the row has " + std::to_string(have) + (have == 1 ? " field, " : " fields, ") + name +
         " is field " + std::to_string(col + 1) + ")";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// A header name as people read it: spreadsheets leave a byte-order mark and spaces around names.
std::string label(const std::string& header_name) {
  std::string_view s = header_name;
  if (s.rfind("\xef\xbb\xbf", 0) == 0) s.remove_prefix(3);
  return std::string(trim(s));
}

// Where the coordinates of a row are. lat/lon take precedence over mgrs when both are present.
struct Columns {
  int lat = -1, lon = -1, mgrs = -1;
  std::string lat_name, lon_name;
  bool by_mgrs() const { return lat < 0; }
};

Columns coordinate_columns(const std::vector<std::string>& header, const std::string& where) {
  Columns c;
  c.lat = io::find_column(header, {"lat", "latitude"});
  c.lon = io::find_column(header, {"lon", "longitude"});
  if (c.lat >= 0 && c.lon >= 0) {
    c.lat_name = label(header[c.lat]);
    c.lon_name = label(header[c.lon]);
    return c;
  }
  c.mgrs = io::find_column(header, {"mgrs"});
  if (c.mgrs >= 0) {
    c.lat = c.lon = -1;
    return c;
  }
  const std::string have = c.lat >= 0 ? "a latitude column but no longitude column"
                           : c.lon >= 0 ? "a longitude column but no latitude column"
                                        : "no coordinate columns";
  throw InputError(where, "the header has " + have,
                   "name the coordinate columns 'lat' and 'lon' (or 'latitude' and 'longitude'), or give "
                   "grid references in a column named 'mgrs'");
}

// std::from_chars takes neither a leading '+' nor surrounding spaces, which exports do contain.
bool parse_number(std::string_view text, double& v) {
  std::string_view s = trim(text);
  if (s.size() > 1 && s.front() == '+' && s[1] != '-') s.remove_prefix(1);
  if (s.empty()) return false;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(v);
}

std::string quoted(std::string_view s) {
  std::string q = "'";
  q += s;
  q += '\'';
  return q;
}

using Fields = std::span<const std::string_view>;

// The outcome for one row.
struct Placed {
  std::string error;  // empty when the row was placed
  int zone = -1;      // index into ZoneMap::zones, -1 outside every zone
  double dist_m = std::numeric_limits<double>::quiet_NaN();
  bool numeric = false;  // lat and lon both parsed as numbers: the row counts in the swap sample
  bool swapped = false;  // outside the area, inside it with lat and lon exchanged
};

// Places rows through the shared Locator, in three steps so that a block can look up the zones
// of many rows back to back: zone lookups are random reads in a grid larger than the caches, and
// issued together they wait for memory in parallel instead of one after another.
class RowClassifier {
 public:
  RowClassifier(const Locator& loc, const Columns& cols) : loc_(loc), cols_(cols) {}

  // Step 1: the row's coordinates into p; false with r.error set when they cannot be read.
  bool locate(Fields f, geo::LonLat& p, Placed& r) const {
    return cols_.by_mgrs() ? read_mgrs(f, p, r) : read_lat_lon(f, p, r);
  }
  // Step 2.
  int zone_of(geo::LonLat p) const { return loc_.zone_of(p); }
  // Step 3, with r.zone set: the swap test and the distance. A row that looks swapped gets
  // r.swapped and needs swapped_error() for its message.
  void finish(geo::LonLat p, Placed& r) const {
    if (r.zone < 0) r.zone = loc_.snap(p).zone;
    if (r.zone < 0 && !cols_.by_mgrs() && inside_exchanged(p)) {
      r.swapped = true;
      return;
    }
    r.dist_m = loc_.distance_to_line_m(p);
  }
  std::string swapped_error(Fields f) const {
    return cols_.lat_name + " " + std::string(f[cols_.lat]) + ", " + cols_.lon_name + " " + std::string(f[cols_.lon]) +
           " is outside the plan's area but inside it with the two exchanged; check the row";
  }

 private:
  // Reads one numeric field; on failure sets r.error and returns false.
  static bool field_number(Fields f, int col, const std::string& name, double& v, Placed& r) {
    if (col >= static_cast<int>(f.size())) {
      r.error = missing(name, f.size(), col);
      return false;
    }
    if (trim(f[col]).empty()) {
      r.error = name + " is empty";
      return false;
    }
    if (!parse_number(f[col], v)) {
      r.error = name + " " + quoted(f[col]) + " is not a number";
      if (f[col].find(',') != std::string_view::npos) r.error += " (use '.' as the decimal separator)";
      return false;
    }
    return true;
  }

  bool read_lat_lon(Fields f, geo::LonLat& p, Placed& r) const {
    double lat = 0, lon = 0;
    if (!field_number(f, cols_.lat, cols_.lat_name, lat, r) || !field_number(f, cols_.lon, cols_.lon_name, lon, r))
      return false;
    r.numeric = true;
    if (lat < -90 || lat > 90) {
      r.error = cols_.lat_name + " " + quoted(trim(f[cols_.lat])) + " is out of range (-90 to 90)";
      return false;
    }
    if (lon < -180 || lon > 180) {
      r.error = cols_.lon_name + " " + quoted(trim(f[cols_.lon])) + " is out of range (-180 to 180)";
      return false;
    }
    p = {lon, lat};
    return true;
  }

  bool read_mgrs(Fields f, geo::LonLat& p, Placed& r) const {
    if (cols_.mgrs >= static_cast<int>(f.size())) {
      r.error = missing("mgrs", f.size(), cols_.mgrs);
      return false;
    }
    try {
      p = geo::mgrs_to_lonlat(f[cols_.mgrs]);
      return true;
    } catch (const InputError& e) {
      r.error = e.what();
      return false;
    }
  }

  bool inside_exchanged(geo::LonLat p) const {
    if (std::abs(p.lon) > 90) return false;
    return loc_.zone_of({p.lat, p.lon}) >= 0;
  }

  const Locator& loc_;
  Columns cols_;
};

// A row with numeric lat and lon, for the swapped-columns check.
struct SampleMark {
  uint32_t row;  // index among the block's rows
  bool swapped;
  long line;  // newlines in the block before the row
};

// What a worker made of one block. Lines are counted from the block's start: only the writer
// knows where a block starts in the file.
struct BlockResult {
  std::string text;  // the output records
  long rows = 0;     // data rows, blank lines excluded
  long lines = 0;    // newlines in the block
  long errors = 0;
  long first_error_line = 0;
  std::string first_error;  // message of the first row with an error
  std::vector<long> in_zone;
  long outside = 0;
  std::vector<SampleMark> sample;  // the first numeric rows, at most ClassifyOptions::swap_sample
  long broken_line = -1;           // >= 0: a record with an unterminated quote starts there

  void reset(size_t zones) {
    text.clear();
    rows = lines = errors = first_error_line = outside = 0;
    first_error.clear();
    in_zone.assign(zones, 0);
    sample.clear();
    broken_line = -1;
  }
};

// Per zone, its output fields "zone,kind,responsible", quoted once for the whole run.
std::vector<std::string> zone_texts(const plan::ZoneMap& map) {
  std::vector<std::string> out;
  for (const auto& z : map.zones) {
    std::string t;
    io::append_csv_field(t, z.id);
    t += ',';
    io::append_csv_field(t, z.kind);
    t += ',';
    io::append_csv_field(t, z.responsible);
    out.push_back(std::move(t));
  }
  return out;
}

void append_fields(std::string& out, Fields fields, size_t width) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    io::append_csv_field(out, fields[i]);
  }
  // Short rows are padded so that the appended columns stay under their header names.
  for (size_t i = fields.size(); i < width; ++i) out += ',';
}

void append_placed(std::string& out, const Placed& p, const std::vector<std::string>& zones) {
  out += ',';
  if (!p.error.empty()) {
    out += ",,,,";
    io::append_csv_field(out, p.error);
  } else {
    out += p.zone >= 0 ? std::string_view(zones[p.zone]) : std::string_view("outside,outside,");
    out += ',';
    if (std::isfinite(p.dist_m)) {
      char buf[64];
      const auto res = std::to_chars(buf, buf + sizeof buf, p.dist_m / 1000, std::chars_format::fixed, 3);
      out.append(buf, res.ptr);
    }
    out += ',';
  }
  out += '\n';
}

// Parses, classifies and formats whole blocks, kBatch rows at a time: parse the batch, look up
// its zones together, then measure distances and format (see RowClassifier). One per worker
// thread: it owns scratch space.
class BlockClassifier {
 public:
  BlockClassifier(const RowClassifier& rows, const std::vector<std::string>& zones, size_t width, size_t sample_cap)
      : rows_(rows), zones_(zones), width_(width), sample_cap_(sample_cap) {}

  void run(std::string_view block, BlockResult& r) {
    r.reset(zones_.size());
    RecordCursor cursor(block);
    while (read_batch(cursor, r)) {
      for (Row& row : batch_)
        if (row.located) row.placed.zone = rows_.zone_of(row.p);
      for (Row& row : batch_) add_row(row, r);
    }
    r.lines = cursor.lines();
  }

 private:
  static constexpr size_t kBatch = 64;

  struct Row {
    RecordText rec;
    bool verbatim = false;  // the record's text can be copied to the output as is
    bool located = false;   // p holds the row's coordinates
    size_t fields = 0;
    geo::LonLat p;
    Placed placed;
  };

  // Parses up to kBatch rows into batch_; false when none is left. Stops at a record with an
  // unterminated quote, which ends the block.
  bool read_batch(RecordCursor& cursor, BlockResult& r) {
    batch_.clear();
    if (r.broken_line >= 0) return false;
    for (RecordText rec; batch_.size() < kBatch && cursor.next(rec);) {
      bool verbatim = false;
      if (!split(rec, verbatim)) {
        r.broken_line = rec.line;
        break;
      }
      if (fields_.size() == 1 && trim(fields_[0]).empty()) continue;  // a blank line
      Row& row = batch_.emplace_back();
      row.rec = rec;
      row.verbatim = verbatim;
      row.fields = fields_.size();
      row.located = rows_.locate(fields_, row.p, row.placed);
    }
    return !batch_.empty();
  }

  // Fields of the record into fields_; `verbatim` when the record's text can be copied as is.
  // false on an unterminated quote.
  bool split(const RecordText& rec, bool& verbatim) {
    if (!rec.quoted) {
      verbatim = split_plain(rec.text, fields_);
      return true;
    }
    if (!split_quoted(rec.text, owned_)) return false;
    fields_.assign(owned_.begin(), owned_.end());
    return true;
  }

  void add_row(Row& row, BlockResult& r) {
    Placed& p = row.placed;
    if (row.located) rows_.finish(row.p, p);
    // fields_ holds a later row by now: split again where the fields themselves are needed.
    bool verbatim = row.verbatim;
    if (!verbatim || p.swapped) split(row.rec, verbatim);
    if (p.swapped) p.error = rows_.swapped_error(fields_);
    count(row, r);
    if (verbatim) append_verbatim(r.text, row.rec.text, row.fields);
    else append_fields(r.text, fields_, width_);
    append_placed(r.text, p, zones_);
    ++r.rows;
  }

  void count(const Row& row, BlockResult& r) const {
    const Placed& p = row.placed;
    if (p.numeric && r.sample.size() < sample_cap_)
      r.sample.push_back({static_cast<uint32_t>(r.rows), p.swapped, row.rec.line});
    if (!p.error.empty()) {
      if (!r.errors++) {
        r.first_error_line = row.rec.line;
        r.first_error = p.error;
      }
    } else if (p.zone >= 0) {
      ++r.in_zone[p.zone];
    } else {
      ++r.outside;
    }
  }

  // The record as read, without its CR, padded like append_fields.
  void append_verbatim(std::string& out, std::string_view text, size_t fields) const {
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    out += text;
    for (size_t i = fields; i < width_; ++i) out += ',';
  }

  const RowClassifier& rows_;
  const std::vector<std::string>& zones_;
  size_t width_;
  size_t sample_cap_;
  std::vector<Row> batch_;
  std::vector<std::string_view> fields_;
  std::vector<std::string> owned_;  // unescaped fields of a quoted record
};

// A unit of work on its way from the reader through a worker to the writer.
struct Block {
  std::string input;
  BlockResult result;
  std::exception_ptr failure;
  bool done = false;
};

// A fixed ring of blocks in flight, in input order. The owning thread fills the next free slot
// and publishes it, workers classify published blocks in any order, and the owner takes them back
// oldest first. The ring's size bounds memory whatever the input's size.
class BlockRing {
 public:
  using Work = std::function<void(unsigned worker, Block&)>;

  BlockRing(size_t slots, unsigned workers, Work work) : slots_(slots), work_(std::move(work)) {
    for (unsigned w = 0; w < workers; ++w) threads_.emplace_back([this, w] { work_loop(w); });
  }
  // Stops the workers once their current block is done; blocks not taken back are dropped.
  ~BlockRing() {
    {
      std::lock_guard lock(m_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : threads_) t.join();
  }

  bool full() const { return published_ - taken_ == slots_.size(); }
  bool empty() const { return published_ == taken_; }
  // REQUIRES: !full()
  Block& next_free() { return slots_[published_ % slots_.size()]; }
  // Hands next_free() to the workers.
  void publish() {
    {
      std::lock_guard lock(m_);
      next_free().done = false;
      next_free().failure = nullptr;
      ++published_;
    }
    work_cv_.notify_one();
  }
  // The oldest block in flight, waiting until it is classified. REQUIRES: !empty()
  Block& oldest() {
    std::unique_lock lock(m_);
    Block& b = slots_[taken_ % slots_.size()];
    done_cv_.wait(lock, [&] { return b.done; });
    return b;
  }
  bool oldest_done() {
    std::lock_guard lock(m_);
    return slots_[taken_ % slots_.size()].done;
  }
  // Frees the oldest block's slot.
  void release() { ++taken_; }

 private:
  void work_loop(unsigned w) {
    for (;;) {
      Block* b;
      {
        std::unique_lock lock(m_);
        work_cv_.wait(lock, [&] { return stop_ || claimed_ < published_; });
        if (stop_) return;
        b = &slots_[claimed_++ % slots_.size()];
      }
      try {
        work_(w, *b);
      } catch (...) {
        b->failure = std::current_exception();
      }
      {
        std::lock_guard lock(m_);
        b->done = true;
      }
      done_cv_.notify_one();
    }
  }

  std::vector<Block> slots_;
  Work work_;
  std::mutex m_;
  std::condition_variable work_cv_, done_cv_;
  // Changed by the owner only (published_ under m_); claimed_ by workers under m_.
  size_t published_ = 0, taken_ = 0, claimed_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

std::string header_text(const std::vector<std::string>& header) {
  std::string out;
  append_fields(out, std::vector<std::string_view>(header.begin(), header.end()), header.size());
  out += ",zone,zone_kind,responsible,dist_loc_km,error\n";
  return out;
}

// Physical lines the header took: its quoted fields may span lines.
long header_lines(const std::vector<std::string>& header) {
  long n = 1;
  for (const auto& f : header) n += std::count(f.begin(), f.end(), '\n');
  return n;
}

// Writes classified blocks in input order and sums their statistics. The first rows are held back
// until the swapped-columns check has judged the file, so that a refused file leaves no output.
class Writer {
 public:
  Writer(std::ostream& out, std::string header, const ClassifyOptions& opt, bool check_swap, long header_lines,
         size_t zones)
      : out_(out), opt_(opt), check_swap_(check_swap && opt.swap_sample > 0), held_(std::move(header)),
        window_(std::max(opt.chunk_rows, opt.swap_sample)), line_(header_lines) {
    stats_.in_zone.assign(zones, 0);
  }

  void write(const BlockResult& r) {
    if (!decided_) sample(r);
    count(r);
    if (r.broken_line >= 0 && !decided_ && stats_.rows < static_cast<long>(window_)) unterminated(r);
    if (decided_) put(r.text);
    else held_ += r.text;
    if (!decided_ && stats_.rows >= static_cast<long>(window_)) decide();
    if (r.broken_line >= 0) unterminated(r);
    line_ += r.lines;
  }

  ClassifyStats finish() {
    if (!decided_) decide();
    out_.flush();
    check_output();
    return std::move(stats_);
  }

 private:
  // Takes the block's numeric rows among the first window_ rows into the sample.
  void sample(const BlockResult& r) {
    for (const SampleMark& m : r.sample) {
      if (stats_.rows + m.row >= static_cast<long>(window_) || sampled_ >= opt_.swap_sample) break;
      ++sampled_;
      if (m.swapped && !swapped_++) first_swapped_line_ = line_ + m.line + 1;
    }
  }

  void count(const BlockResult& r) {
    if (r.errors && stats_.first_error.empty())
      stats_.first_error = at(opt_.name, line_ + r.first_error_line + 1) + ": " + r.first_error;
    stats_.rows += r.rows;
    stats_.error_rows += r.errors;
    stats_.outside += r.outside;
    for (size_t z = 0; z < r.in_zone.size(); ++z) stats_.in_zone[z] += r.in_zone[z];
  }

  // Throws when most of the sampled rows look swapped, else writes what was held back.
  void decide() {
    if (check_swap_ && sampled_ > 0 && 2 * swapped_ > sampled_)
      throw InputError(at(opt_.name, first_swapped_line_),
                       "lat and lon look swapped: " + std::to_string(swapped_) + " of the first " +
                           std::to_string(sampled_) +
                           " rows with numeric coordinates fall outside the plan's area but inside it with lat "
                           "and lon exchanged",
                       "exchange the column names of lat and lon in the header");
    decided_ = true;
    put(held_);
    held_.clear();
    held_.shrink_to_fit();
  }

  [[noreturn]] void unterminated(const BlockResult& r) const {
    throw InputError(at(opt_.name, line_ + r.broken_line + 1), "unterminated quoted field",
                     "close the quote or remove the stray '\"'");
  }

  void put(std::string_view text) {
    out_.write(text.data(), static_cast<std::streamsize>(text.size()));
    check_output();
  }

  void check_output() const {
    if (!out_) throw InputError("output", "writing failed", "check the disk space and the output path");
  }

  std::ostream& out_;
  const ClassifyOptions& opt_;
  bool check_swap_;
  std::string held_;  // the header and the first rows, until decide()
  size_t window_;     // rows the swap sample is taken from
  long line_;         // physical lines before the next block
  bool decided_ = false;
  size_t sampled_ = 0, swapped_ = 0;
  long first_swapped_line_ = 0;
  ClassifyStats stats_;
};

// Takes the oldest block back from the workers and writes it.
void write_oldest(BlockRing& ring, Writer& writer) {
  Block& b = ring.oldest();
  if (b.failure) std::rethrow_exception(b.failure);
  writer.write(b.result);
  ring.release();
}

// Reads blocks into the ring while workers classify them, writing finished blocks as they come.
void pump(CsvBlockReader& reader, BlockRing& ring, Writer& writer) {
  for (;;) {
    if (ring.full()) {
      write_oldest(ring, writer);
      continue;
    }
    if (!reader.next(ring.next_free().input)) break;
    ring.publish();
    while (!ring.empty() && ring.oldest_done()) write_oldest(ring, writer);
  }
  while (!ring.empty()) write_oldest(ring, writer);
}

}  // namespace

ClassifyStats classify_stream(std::istream& in, std::ostream& out, const plan::ZoneMap& map,
                              const ClassifyOptions& options) {
  const Locator locator(map);
  return classify_stream(in, out, locator, options);
}

ClassifyStats classify_stream(std::istream& in, std::ostream& out, const Locator& locator,
                              const ClassifyOptions& options) {
  const plan::ZoneMap& map = locator.map();
  if (options.chunk_rows == 0) throw std::invalid_argument("ClassifyOptions::chunk_rows must be > 0");
  if (options.block_bytes == 0) throw std::invalid_argument("ClassifyOptions::block_bytes must be > 0");
  io::CsvReader header_reader(in, options.name);
  std::vector<std::string> header;
  if (!header_reader.next(header))
    throw InputError(options.name, "the file is empty", "give a CSV whose first line names the columns, with lat and lon or mgrs");
  const Columns cols = coordinate_columns(header, at(options.name, header_reader.line()));

  const RowClassifier rows(locator, cols);
  const std::vector<std::string> zones = zone_texts(map);
  const unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  std::vector<BlockClassifier> workers(threads, BlockClassifier(rows, zones, header.size(), options.swap_sample));

  Writer writer(out, header_text(header), options, !cols.by_mgrs(), header_lines(header), map.zones.size());
  CsvBlockReader reader(in, options.name, options.block_bytes);
  // Two blocks per worker keep every worker busy while the oldest block waits to be written.
  BlockRing ring(2 * threads + 2, threads, [&](unsigned w, Block& b) { workers[w].run(b.input, b.result); });
  pump(reader, ring, writer);
  return writer.finish();
}

}  // namespace truceline::index

#include "index/classify.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <thread>

#include "geo/errors.h"
#include "geo/mgrs.h"
#include "index/locator.h"
#include "io/csv.h"

namespace truceline::index {
namespace {

// Rows per unit of work handed to a thread: large enough that the shared counter is cold, small
// enough that threads finish a chunk together.
constexpr size_t kBlockRows = 1024;

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

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// The outcome for one row.
struct Placed {
  std::string error;  // empty when the row was placed
  int zone = -1;      // index into ZoneMap::zones, -1 outside every zone
  double dist_m = std::numeric_limits<double>::quiet_NaN();
  bool numeric = false;  // lat and lon both parsed as numbers: the row counts in the swap sample
  bool swapped = false;  // outside the area, inside it with lat and lon exchanged
};

// One per worker thread: a Locator holds GEOS prepared geometries, which are not thread-safe.
class RowClassifier {
 public:
  RowClassifier(const plan::ZoneMap& map, const Columns& cols) : loc_(map), cols_(cols) {}

  Placed place(const std::vector<std::string>& f) const {
    Placed r;
    geo::LonLat p;
    if (!(cols_.by_mgrs() ? read_mgrs(f, p, r) : read_lat_lon(f, p, r))) return r;
    r.zone = loc_.zone_of(p);
    if (r.zone < 0 && !cols_.by_mgrs() && inside_exchanged(p)) {
      r.swapped = true;
      r.error = cols_.lat_name + " " + f[cols_.lat] + ", " + cols_.lon_name + " " + f[cols_.lon] +
                " is outside the plan's area but inside it with the two exchanged; check the row";
      return r;
    }
    r.dist_m = loc_.distance_to_line_m(p);
    return r;
  }

 private:
  // Reads one numeric field; on failure sets r.error and returns false.
  static bool field_number(const std::vector<std::string>& f, int col, const std::string& name, double& v,
                           Placed& r) {
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
      if (f[col].find(',') != std::string::npos) r.error += " (use '.' as the decimal separator)";
      return false;
    }
    return true;
  }

  bool read_lat_lon(const std::vector<std::string>& f, geo::LonLat& p, Placed& r) const {
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

  bool read_mgrs(const std::vector<std::string>& f, geo::LonLat& p, Placed& r) const {
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

  Locator loc_;
  Columns cols_;
};

struct Row {
  std::vector<std::string> fields;
  long line = 0;
};

// What one worker produced for a run of consecutive rows.
struct Block {
  std::string text;
  long errors = 0;
  std::string first_error;  // "name:line: message"
  std::vector<long> in_zone;
  long outside = 0;
};

struct SwapMark {
  bool numeric = false, swapped = false;
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

void append_fields(std::string& out, const std::vector<std::string>& fields, size_t width) {
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
    out += p.zone >= 0 ? zones[p.zone] : std::string("outside,outside,");
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

// Runs fn(worker, block) for every block, on `workers` threads including the caller's.
void run_parallel(size_t blocks, size_t workers, const std::function<void(size_t, size_t)>& fn) {
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::atomic<bool> failed{false};
  auto work = [&](size_t w) {
    try {
      for (size_t b; !failed && (b = next.fetch_add(1)) < blocks;) fn(w, b);
    } catch (...) {
      if (!failed.exchange(true)) failure = std::current_exception();
    }
  };
  const size_t n = std::min(workers, blocks);
  std::vector<std::thread> threads;
  for (size_t w = 1; w < n; ++w) threads.emplace_back(work, w);
  work(0);
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
}

class Classifier {
 public:
  Classifier(const plan::ZoneMap& map, const Columns& cols, size_t header_width, const ClassifyOptions& opt)
      : map_(map), opt_(opt), width_(header_width), zones_(zone_texts(map)) {
    const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
    const unsigned n = opt.threads ? opt.threads : hw;
    // Built once for the whole run: building a Locator copies and prepares every zone.
    for (unsigned i = 0; i < n; ++i) workers_.push_back(std::make_unique<RowClassifier>(map, cols));
  }

  // Classifies rows[0, n) into blocks_ and marks_.
  void classify(const std::vector<Row>& rows, size_t n) {
    const size_t nblocks = (n + kBlockRows - 1) / kBlockRows;
    if (blocks_.size() < nblocks) blocks_.resize(nblocks);
    marks_.assign(n, {});
    run_parallel(nblocks, workers_.size(), [&](size_t w, size_t b) {
      classify_block(*workers_[w], rows, b * kBlockRows, std::min(n, (b + 1) * kBlockRows), blocks_[b]);
    });
    nblocks_ = nblocks;
  }

  // Throws when most of the sampled rows look swapped. Only meaningful after the first chunk.
  void check_swapped(const std::vector<Row>& rows, size_t n) const {
    if (opt_.swap_sample == 0) return;
    size_t sampled = 0, swapped = 0;
    long first_line = 0;
    for (size_t i = 0; i < n && sampled < opt_.swap_sample; ++i) {
      if (!marks_[i].numeric) continue;
      ++sampled;
      if (marks_[i].swapped) {
        if (!swapped) first_line = rows[i].line;
        ++swapped;
      }
    }
    if (sampled == 0 || 2 * swapped <= sampled) return;
    throw InputError(at(opt_.name, first_line),
                     "lat and lon look swapped: " + std::to_string(swapped) + " of the first " +
                         std::to_string(sampled) +
                         " rows with numeric coordinates fall outside the plan's area but inside it with lat "
                         "and lon exchanged",
                     "exchange the column names of lat and lon in the header");
  }

  void write_and_count(std::ostream& out, ClassifyStats& stats) const {
    for (size_t b = 0; b < nblocks_; ++b) {
      const Block& blk = blocks_[b];
      out.write(blk.text.data(), static_cast<std::streamsize>(blk.text.size()));
      if (blk.errors && stats.first_error.empty()) stats.first_error = blk.first_error;
      stats.error_rows += blk.errors;
      stats.outside += blk.outside;
      for (size_t z = 0; z < blk.in_zone.size(); ++z) stats.in_zone[z] += blk.in_zone[z];
    }
  }

 private:
  void classify_block(const RowClassifier& rc, const std::vector<Row>& rows, size_t begin, size_t end,
                      Block& blk) {
    blk.text.clear();
    blk.errors = 0;
    blk.first_error.clear();
    blk.in_zone.assign(map_.zones.size(), 0);
    blk.outside = 0;
    for (size_t i = begin; i < end; ++i) {
      const Placed p = rc.place(rows[i].fields);
      marks_[i] = {p.numeric, p.swapped};
      if (!p.error.empty()) {
        if (!blk.errors++) blk.first_error = at(opt_.name, rows[i].line) + ": " + p.error;
      } else if (p.zone >= 0) {
        ++blk.in_zone[p.zone];
      } else {
        ++blk.outside;
      }
      append_fields(blk.text, rows[i].fields, width_);
      append_placed(blk.text, p, zones_);
    }
  }

  const plan::ZoneMap& map_;
  const ClassifyOptions& opt_;
  size_t width_;
  std::vector<std::string> zones_;
  std::vector<std::unique_ptr<RowClassifier>> workers_;
  std::vector<Block> blocks_;
  size_t nblocks_ = 0;
  std::vector<SwapMark> marks_;
};

// Reads up to `want` records into rows (reusing their storage); blank lines are skipped.
size_t read_chunk(io::CsvReader& reader, std::vector<Row>& rows, size_t want) {
  if (rows.size() < want) rows.resize(want);
  size_t n = 0;
  while (n < want && reader.next(rows[n].fields)) {
    if (rows[n].fields.size() == 1 && trim(rows[n].fields[0]).empty()) continue;
    rows[n].line = reader.line();
    ++n;
  }
  return n;
}

std::string header_text(const std::vector<std::string>& header) {
  std::string out;
  append_fields(out, header, header.size());
  out += ",zone,zone_kind,responsible,dist_loc_km,error\n";
  return out;
}

}  // namespace

ClassifyStats classify_stream(std::istream& in, std::ostream& out, const plan::ZoneMap& map,
                              const ClassifyOptions& options) {
  if (options.chunk_rows == 0) throw std::invalid_argument("ClassifyOptions::chunk_rows must be > 0");
  io::CsvReader reader(in, options.name);
  std::vector<std::string> header;
  if (!reader.next(header))
    throw InputError(options.name, "the file is empty", "give a CSV whose first line names the columns, with lat and lon or mgrs");
  const Columns cols = coordinate_columns(header, at(options.name, reader.line()));

  ClassifyStats stats;
  stats.in_zone.assign(map.zones.size(), 0);
  Classifier classifier(map, cols, header.size(), options);
  std::vector<Row> rows;
  // The first chunk holds the swap sample, so the file is judged before anything is written.
  size_t want = std::max(options.chunk_rows, options.swap_sample);
  for (bool first = true;; first = false) {
    const size_t n = read_chunk(reader, rows, want);
    if (n == 0 && !first) break;
    classifier.classify(rows, n);
    if (first) {
      if (!cols.by_mgrs()) classifier.check_swapped(rows, n);
      const std::string head = header_text(header);
      out.write(head.data(), static_cast<std::streamsize>(head.size()));
    }
    classifier.write_and_count(out, stats);
    stats.rows += static_cast<long>(n);
    if (!out) throw InputError("output", "writing failed", "check the disk space and the output path");
    if (n < want) break;
    want = options.chunk_rows;
  }
  out.flush();
  if (!out) throw InputError("output", "writing failed", "check the disk space and the output path");
  return stats;
}

}  // namespace truceline::index

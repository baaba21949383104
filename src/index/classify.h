#pragma once
// Classify the points of a CSV file against a compiled plan: which zone, who is responsible,
// and how far from the line of contact.
//
// Input: a CSV (RFC 4180) with a header naming either `lat` and `lon` (or `latitude` and
// `longitude`, as ACLED exports them; any letter case) or `mgrs`. When both are present the
// lat/lon columns are used.
// Output: every input column unchanged (quoted only where RFC 4180 requires), then
//   zone         id of the zone holding the point, or "outside"
//   zone_kind    the zone's kind, or "outside"
//   responsible  the zone's responsible party (empty outside)
//   dist_loc_km  geodesic WGS84 distance to the line of contact in km, 3 decimals (metres);
//                given for points outside the area too
//   error        why the row could not be placed; the four fields above are then empty
//
// Whole-file failures throw InputError before anything is written: a header without coordinate
// columns, and lat/lon columns that look swapped (see ClassifyOptions::swap_sample). Row failures
// (not a number, out of range, missing field, bad MGRS, a lone swapped-looking row) go to the row's
// `error` field and are counted in ClassifyStats; the run goes on.
//
// Pipeline: the calling thread reads blocks of whole records and writes them back in input order;
// worker threads parse, classify and format blocks in between, sharing one Locator.
// Memory: constant in the input's size; it grows with ClassifyOptions::block_bytes, threads and
// chunk_rows.
// Thread safety: classify_stream() may run concurrently on different streams.
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "plan/zone_map.h"

namespace truceline::index {

class Locator;

struct ClassifyOptions {
  // Name of the input in messages ("events.csv:17: lat 'abc' is not a number").
  // DEFAULT: "input"
  std::string name = "input";
  // The first max(chunk_rows, swap_sample) rows are held back until the swapped-columns check has
  // judged the file (see swap_sample), so that nothing is written for a refused file. Memory grows
  // with it.
  // DEFAULT: 65,536. REQUIRES: > 0
  size_t chunk_rows = 65536;
  // Bytes of input per unit of work handed to a thread, cut at a record boundary (longer when one
  // record is). Peak memory is about 2 × threads + 2 blocks of input and their output.
  // DEFAULT: 1 MiB. REQUIRES: > 0
  size_t block_bytes = size_t{1} << 20;
  // Worker threads; 0 means std::thread::hardware_concurrency().
  // DEFAULT: 0
  unsigned threads = 0;
  // The swapped-columns check looks at the first `swap_sample` rows whose lat and lon parse as
  // numbers, among the first max(chunk_rows, swap_sample) rows. When more than half of them fall
  // outside the plan's area but inside it with lat and lon exchanged, the file is refused.
  // 0 turns the file-level check off (rows that look swapped still get an error).
  // DEFAULT: 1,000
  size_t swap_sample = 1000;
};

struct ClassifyStats {
  long rows = 0;             // data rows read, header excluded (blank lines are skipped)
  long error_rows = 0;       // rows with a message in `error`
  std::string first_error;   // "name:line: message" of the first such row, empty when none
  std::vector<long> in_zone; // rows per zone, parallel to ZoneMap::zones
  long outside = 0;          // rows placed outside every zone
};

// Reads CSV from `in`, writes the classified CSV to `out`, block by block, rows in input order.
// Throws InputError for the whole-file failures above (nothing written to `out` then) and for
// malformed CSV (an unterminated quote; the rows before it may already be written then).
ClassifyStats classify_stream(std::istream& in, std::ostream& out, const plan::ZoneMap& map,
                              const ClassifyOptions& options = {});
// Same, through a Locator already built (a compiled plan's, compiled/compiled_plan.h) over its map.
ClassifyStats classify_stream(std::istream& in, std::ostream& out, const Locator& locator,
                              const ClassifyOptions& options = {});

}  // namespace truceline::index

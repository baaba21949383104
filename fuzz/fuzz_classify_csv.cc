// Classify CSV rows (index::classify_stream, and the block reader and field splitters beneath it):
// any bytes give classified rows with per-row errors, or InputError for a whole-file failure.
// classify_stream indexes its plan anew for every input, so the plan is a small synthetic one;
// small blocks, so that an input spans several.
#include <sstream>

#include "fuzz_support.h"
#include "geo/errors.h"
#include "index/classify.h"
#include "index/csv_blocks.h"

namespace {

void split_every_record(const std::string& input) {
  std::istringstream in(input);
  truceline::index::CsvBlockReader reader(in, "fuzz.csv", 64);
  std::string block;
  std::vector<std::string_view> plain;
  std::vector<std::string> quoted;
  try {
    while (reader.next(block)) {
      truceline::index::RecordCursor cursor(block);
      truceline::index::RecordText r;
      while (cursor.next(r)) {
        if (r.quoted)
          (void)truceline::index::split_quoted(r.text, quoted);
        else
          (void)truceline::index::split_plain(r.text, plain);
      }
    }
  } catch (const truceline::InputError&) {
  }
}

}  // namespace

// The plan is compiled before the first input, outside libFuzzer's per-input timeout.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)truceline::fuzz::square_map();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input = truceline::fuzz::text(data, size);
  split_every_record(input);
  truceline::index::ClassifyOptions opt;
  opt.name = "fuzz.csv";
  opt.block_bytes = 128;
  opt.chunk_rows = 4;
  opt.threads = 2;
  opt.swap_sample = 4;
  std::istringstream in(input);
  std::ostringstream out;
  try {
    (void)truceline::index::classify_stream(in, out, truceline::fuzz::square_map(), opt);
  } catch (const truceline::InputError&) {
  }
  return 0;
}

#pragma once
// CSV text (RFC 4180) cut into blocks of whole records, and records into fields, for parsing
// blocks on several threads at once.
//
// Whether a byte lies inside a quoted field depends only on the parity of the '"' seen since the
// record began (a doubled quote toggles twice), so a newline after an even number of quotes ends a
// record. A block cut there never splits a record and can be parsed on its own; the common block
// without any quote is cut and split with memchr alone.
//
// Fields agree one for one with io::CsvReader: same quoting rules, same CRLF handling, same
// unterminated-quote failure.
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace truceline::index {

// Reads an istream in blocks of whole records.
// Thread safety: one reader per stream; the blocks it fills can go to other threads.
class CsvBlockReader {
 public:
  // `name` is used in error messages. REQUIRES: block_bytes > 0
  CsvBlockReader(std::istream& in, std::string name, size_t block_bytes);

  // Replaces `block` with the next run of whole records, each ending in '\n' except perhaps the
  // input's last. About block_bytes long: more when a record is longer, less at the end.
  // false at the end of the input. Throws InputError when reading fails.
  bool next(std::string& block);

 private:
  bool fill(std::string& block);

  std::istream& in_;
  std::string name_;
  size_t block_bytes_;
  std::string carry_;  // bytes read past the last cut: the start of the next block
};

// Length of the prefix of `text` that ends with its last record's newline, 0 when no record ends.
size_t whole_records_length(std::string_view text);

// One record of a block.
struct RecordText {
  std::string_view text;  // without its final '\n'
  long line = 0;          // newlines in the block before the record (0 for the first)
  bool quoted = false;    // holds a '"': split it with split_quoted
};

// The records of a block, in order.
class RecordCursor {
 public:
  explicit RecordCursor(std::string_view block);
  bool next(RecordText& record);
  // Newlines consumed so far; after the last record, the block's newlines.
  long lines() const { return line_; }

 private:
  std::string_view block_;
  size_t pos_ = 0;
  long line_ = 0;
  bool any_quote_;  // false: no record of the block needs the quote scan
};

// Fields of a record without quotes, as views into `text`; a final '\r' (CRLF) is dropped.
// Returns true when the record can be copied to the output unchanged: no field needs quoting.
bool split_plain(std::string_view text, std::vector<std::string_view>& fields);

// Fields of a record with quotes, unescaped. false when a quote is left open at its end.
bool split_quoted(std::string_view text, std::vector<std::string>& fields);

}  // namespace truceline::index

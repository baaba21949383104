#pragma once
// Streaming CSV (RFC 4180): quoted fields, doubled quotes, CRLF or LF, fields spanning lines.
// Reads one record at a time, so memory stays constant whatever the file's size.
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace truceline::io {

class CsvReader {
 public:
  // `name` is used in error messages ("cities.csv:12: ...").
  CsvReader(std::istream& in, std::string name);
  // Reads the next record into `fields`; false at end of input. Throws InputError on an
  // unterminated quoted field.
  bool next(std::vector<std::string>& fields);
  // Line number where the last record returned by next() started (1-based).
  long line() const { return record_line_; }
  const std::string& name() const { return name_; }

 private:
  std::istream& in_;
  std::string name_;
  long line_ = 0;
  long record_line_ = 0;
  std::string buf_;
};

// Appends `field` to `out`, quoted only when it holds a comma, a quote or a line break.
void append_csv_field(std::string& out, std::string_view field);
// Joins fields into one CSV record terminated by '\n'.
std::string csv_record(const std::vector<std::string>& fields);

// Index of the first header name that matches one of `names` (case-insensitive), or -1.
int find_column(const std::vector<std::string>& header, std::initializer_list<std::string_view> names);

}  // namespace truceline::io

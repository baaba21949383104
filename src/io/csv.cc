#include "io/csv.h"

#include <algorithm>
#include <cctype>

#include "geo/errors.h"

namespace truceline::io {

CsvReader::CsvReader(std::istream& in, std::string name) : in_(in), name_(std::move(name)) {}

bool CsvReader::next(std::vector<std::string>& fields) {
  fields.clear();
  if (!std::getline(in_, buf_)) return false;
  ++line_;
  record_line_ = line_;
  std::string field;
  bool quoted = false;
  size_t i = 0;
  for (;;) {
    if (i >= buf_.size()) {
      if (!quoted) break;
      // A quoted field continues on the next physical line.
      if (!std::getline(in_, buf_))
        throw InputError(name_ + ":" + std::to_string(record_line_), "unterminated quoted field",
                         "close the quote or remove the stray '\"'");
      ++line_;
      field += '\n';
      i = 0;
      continue;
    }
    const char c = buf_[i++];
    if (quoted) {
      if (c == '"') {
        if (i < buf_.size() && buf_[i] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c == '\r' && i == buf_.size()) {
      // CRLF line ending
    } else {
      field += c;
    }
  }
  fields.push_back(std::move(field));
  return true;
}

void append_csv_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(field);
    return;
  }
  out += '"';
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string csv_record(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    append_csv_field(out, fields[i]);
  }
  out += '\n';
  return out;
}

int find_column(const std::vector<std::string>& header, std::initializer_list<std::string_view> names) {
  auto lower = [](std::string_view s) {
    std::string o(s);
    std::transform(o.begin(), o.end(), o.begin(), [](unsigned char c) { return std::tolower(c); });
    // Drop a UTF-8 byte-order mark and surrounding spaces, as spreadsheets leave them.
    if (o.rfind("\xef\xbb\xbf", 0) == 0) o.erase(0, 3);
    while (!o.empty() && o.back() == ' ') o.pop_back();
    while (!o.empty() && o.front() == ' ') o.erase(0, 1);
    return o;
  };
  for (std::string_view want : names)
    for (size_t i = 0; i < header.size(); ++i)
      if (lower(header[i]) == want) return static_cast<int>(i);
  return -1;
}

}  // namespace truceline::io

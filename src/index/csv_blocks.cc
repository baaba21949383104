#include "index/csv_blocks.h"

#include <cstring>

#include "geo/errors.h"

namespace truceline::index {
namespace {

// Length of the record at the start of `rest`, which holds a quote: up to the first newline after
// an even number of quotes, or all of `rest`. `inner` counts the newlines inside quoted fields.
size_t quoted_record_length(std::string_view rest, long& inner) {
  bool open = false;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '"') {
      open = !open;
    } else if (rest[i] == '\n') {
      if (!open) return i;
      ++inner;
    }
  }
  return rest.size();
}

}  // namespace

CsvBlockReader::CsvBlockReader(std::istream& in, std::string name, size_t block_bytes)
    : in_(in), name_(std::move(name)), block_bytes_(block_bytes) {}

bool CsvBlockReader::next(std::string& block) {
  block.assign(carry_);
  carry_.clear();
  bool more = true;
  size_t cut = 0;
  while (more && cut == 0) {
    more = fill(block);
    cut = whole_records_length(block);
  }
  // At the end of the input the rest is the last record, with or without its newline.
  if (more) {
    carry_.assign(block, cut);
    block.resize(cut);
  }
  return !block.empty();
}

// Appends up to block_bytes_ bytes; false when the input is exhausted.
bool CsvBlockReader::fill(std::string& block) {
  const size_t old = block.size();
  block.resize(old + block_bytes_);
  in_.read(block.data() + old, static_cast<std::streamsize>(block_bytes_));
  const size_t got = static_cast<size_t>(in_.gcount());
  block.resize(old + got);
  if (in_.bad()) throw InputError(name_, "reading failed", "check the file is readable");
  return got == block_bytes_;
}

size_t whole_records_length(std::string_view text) {
  if (text.find('"') == std::string_view::npos) {
    const size_t nl = text.rfind('\n');
    return nl == std::string_view::npos ? 0 : nl + 1;
  }
  bool open = false;
  size_t end = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '"') open = !open;
    else if (text[i] == '\n' && !open) end = i + 1;
  }
  return end;
}

RecordCursor::RecordCursor(std::string_view block)
    : block_(block), any_quote_(block.find('"') != std::string_view::npos) {}

bool RecordCursor::next(RecordText& record) {
  if (pos_ >= block_.size()) return false;
  const std::string_view rest = block_.substr(pos_);
  const void* nl = std::memchr(rest.data(), '\n', rest.size());
  size_t len = nl ? static_cast<size_t>(static_cast<const char*>(nl) - rest.data()) : rest.size();
  long inner = 0;
  record.quoted = any_quote_ && std::memchr(rest.data(), '"', len) != nullptr;
  if (record.quoted) len = quoted_record_length(rest, inner);
  record.text = rest.substr(0, len);
  record.line = line_;
  pos_ += len + 1;
  line_ += inner + (len < rest.size() ? 1 : 0);
  return true;
}

bool split_plain(std::string_view text, std::vector<std::string_view>& fields) {
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  fields.clear();
  bool cr = false;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ',') {
      fields.push_back(text.substr(start, i - start));
      start = i + 1;
    } else if (text[i] == '\r') {
      cr = true;
    }
  }
  fields.push_back(text.substr(start));
  return !cr;
}

// The rules of io::CsvReader::next, over a record whose line breaks are all inside quotes.
bool split_quoted(std::string_view text, std::vector<std::string>& fields) {
  fields.clear();
  std::string field;
  bool open = false;
  for (size_t i = 0; i < text.size();) {
    const char c = text[i++];
    const bool line_end = i == text.size() || text[i] == '\n';
    if (open) {
      if (c != '"') field += c;
      else if (i < text.size() && text[i] == '"') field += text[i++];  // a doubled quote
      else open = false;
    } else if (c == '"') {
      open = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (!(c == '\r' && line_end)) {  // the CR of a CRLF line ending is dropped
      field += c;
    }
  }
  if (open) return false;
  fields.push_back(std::move(field));
  return true;
}

}  // namespace truceline::index

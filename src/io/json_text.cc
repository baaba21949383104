#include "io/json_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace truceline::io {

void append_json_string(std::string& out, std::string_view s) {
  const bool plain = std::all_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  });
  if (plain) {
    out.push_back('"');
    out.append(s);
    out.push_back('"');
  } else {
    out += nlohmann::json(std::string(s)).dump();  // the rare string with escapes or UTF-8
  }
}

void append_json_int(std::string& out, int64_t v) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void append_json_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  // The very routine nlohmann's serializer formats doubles with (Grisu2 and its layout rules):
  // std::to_chars picks other layouts ("1e+16" for 1e16, no ".0" on whole numbers).
  char buf[64];
  char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

JsonObjectText& JsonObjectText::text(std::string_view key, std::string_view value) {
  std::string v;
  append_json_string(v, value);
  members_.emplace_back(key, std::move(v));
  return *this;
}

JsonObjectText& JsonObjectText::integer(std::string_view key, int64_t value) {
  std::string v;
  append_json_int(v, value);
  members_.emplace_back(key, std::move(v));
  return *this;
}

JsonObjectText& JsonObjectText::number(std::string_view key, double value) {
  std::string v;
  append_json_number(v, value);
  members_.emplace_back(key, std::move(v));
  return *this;
}

JsonObjectText& JsonObjectText::raw(std::string_view key, std::string json) {
  members_.emplace_back(key, std::move(json));
  return *this;
}

void JsonObjectText::finish(std::string& out) {
  // nlohmann's objects are std::map<std::string, …>: keys in byte order.
  std::sort(members_.begin(), members_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  out.push_back('{');
  for (size_t i = 0; i < members_.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(out, members_[i].first);
    out.push_back(':');
    out += members_[i].second;
  }
  out.push_back('}');
  members_.clear();
}

}  // namespace truceline::io

#include "http/message.h"

#include <algorithm>
#include <cctype>

namespace truceline::http {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding; in a query '+' also stands for a space (HTML forms).
bool decode(std::string_view in, bool query, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = hex_digit(in[i + 1]), lo = hex_digit(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(query && c == '+' ? ' ' : c);
    }
  }
  return true;
}

}  // namespace

bool NoCaseLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
  });
}

std::string Request::get_param_value(const std::string& name) const {
  const auto it = params.find(name);
  return it == params.end() ? std::string() : it->second;
}

std::string Request::get_header_value(const std::string& name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

void Response::set_header(const std::string& name, const std::string& value) {
  headers.erase(name);
  headers.emplace(name, value);
}

void Response::set_content(std::string content, const std::string& content_type) {
  body = std::move(content);
  set_header("Content-Type", content_type);
}

bool parse_target(const std::string& target, std::string& path, std::multimap<std::string, std::string>& params) {
  if (target.empty() || target[0] != '/') return false;
  const size_t q = target.find('?');
  if (!decode(std::string_view(target).substr(0, q), false, path)) return false;
  params.clear();
  if (q == std::string::npos) return true;
  std::string_view query = std::string_view(target).substr(q + 1);
  std::string key, value;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    if (!decode(pair.substr(0, eq), true, key)) return false;
    if (!decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true, value)) return false;
    params.emplace(key, value);
  }
  return true;
}

}  // namespace truceline::http

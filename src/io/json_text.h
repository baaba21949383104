#pragma once
// JSON text written straight into a string, byte for byte as nlohmann::json's dump() writes the
// same value (object keys sorted, its shortest round-trip number format, its escapes), for the
// paths where building a json tree only to dump it costs more than the rest of the work: the
// chain's canonical content is compared byte for byte when verified, so "the same JSON" is not
// enough — it has to be the same text.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace truceline::io {

void append_json_string(std::string& out, std::string_view s);  // throws on invalid UTF-8, as dump does
void append_json_int(std::string& out, int64_t v);
void append_json_number(std::string& out, double v);  // non-finite numbers as null, as dump does

// The members of one object, written in key order by finish(). Keys must be distinct.
class JsonObjectText {
 public:
  JsonObjectText& text(std::string_view key, std::string_view value);
  JsonObjectText& integer(std::string_view key, int64_t value);
  JsonObjectText& number(std::string_view key, double value);
  // `json` is already JSON text (a nested object, say).
  JsonObjectText& raw(std::string_view key, std::string json);
  JsonObjectText& nested(std::string_view key, const nlohmann::json& value) { return raw(key, value.dump()); }
  void finish(std::string& out);

 private:
  std::vector<std::pair<std::string_view, std::string>> members_;
};

// The same member calls building a json object instead: code that lists an object's members once
// can make either form from the one list.
struct JsonTreeMembers {
  nlohmann::json j = nlohmann::json::object();
  void text(const char* key, const std::string& value) { j[key] = value; }
  void integer(const char* key, int64_t value) { j[key] = value; }
  void number(const char* key, double value) { j[key] = value; }
  void nested(const char* key, nlohmann::json value) { j[key] = std::move(value); }
};

}  // namespace truceline::io

#include "alert/config.h"

#include "io/toml.h"

#include <filesystem>

#include "geo/errors.h"
#include "io/output.h"

namespace truceline::alert {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& path, const toml::node* n, const std::string& key, const std::string& what,
                       const std::string& fix) {
  std::string where = path;
  if (n && n->source().begin.line > 0) where += ":" + std::to_string(n->source().begin.line);
  throw InputError(where, key + ": " + what, fix);
}

void only(const std::string& path, const toml::table& t, const std::string& table, std::initializer_list<std::string_view> keys) {
  for (const auto& [k, v] : t)
    if (std::find(keys.begin(), keys.end(), k.str()) == keys.end()) {
      std::string list;
      for (auto a : keys) list += (list.empty() ? "" : ", ") + std::string(a);
      fail(path, &v, table + std::string(k.str()), "unknown key", "use one of: " + list);
    }
}

int64_t whole(const std::string& path, const toml::table& t, const char* key, int64_t lo, int64_t hi, int64_t fallback) {
  const toml::node* n = t.get(key);
  if (!n) return fallback;
  if (!n->is_integer() || *n->value<int64_t>() < lo || *n->value<int64_t>() > hi)
    fail(path, n, std::string("[delivery] ") + key, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi),
         "e.g. " + std::to_string(fallback));
  return *n->value<int64_t>();
}

std::string text(const std::string& path, const toml::table& t, const std::string& table, const char* key) {
  const toml::node* n = t.get(key);
  if (!n) return {};
  if (!n->is_string()) fail(path, n, table + key, "must be a string", "quote the value");
  return std::string(*n->value<std::string>());
}

}  // namespace

AlertConfig parse_alert_config(const std::string& text_in, const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(text_in, path);
  } catch (const toml::parse_error& e) {
    throw InputError(path + ":" + std::to_string(e.source().begin.line), std::string(e.description()), "fix the TOML syntax");
  }
  only(path, root, "", {"delivery", "contingents"});
  AlertConfig c;
  if (const toml::node* d = root.get("delivery")) {
    if (!d->is_table()) fail(path, d, "delivery", "must be a table", "write it as [delivery]");
    const toml::table& t = *d->as_table();
    only(path, t, "[delivery] ", {"max_attempts", "backoff_ms", "timeout_s"});
    c.delivery.max_attempts = static_cast<int>(whole(path, t, "max_attempts", 1, 100, 5));
    c.delivery.backoff_ms = whole(path, t, "backoff_ms", 1, 3'600'000, 1000);
    c.delivery.timeout_s = static_cast<int>(whole(path, t, "timeout_s", 1, 600, 10));
  }
  if (const toml::node* cs = root.get("contingents")) {
    if (!cs->is_table()) fail(path, cs, "contingents", "must be a table", "write [contingents.<party id>]");
    for (const auto& [k, v] : *cs->as_table()) {
      const std::string id(k.str()), table = "[contingents." + id + "] ";
      if (!v.is_table()) fail(path, &v, table, "must be a table", "write [contingents." + id + "] with url and secret");
      const toml::table& t = *v.as_table();
      only(path, t, table, {"url", "secret", "secret_file"});
      Webhook w{text(path, t, table, "url"), text(path, t, table, "secret")};
      if (w.url.rfind("http://", 0) != 0 && w.url.rfind("https://", 0) != 0)
        fail(path, t.get("url") ? t.get("url") : &t, table + "url", "missing or not an http(s) URL", "url = \"https://host/path\"");
      const std::string file = text(path, t, table, "secret_file");
      if (!file.empty() == !w.secret.empty())
        fail(path, &t, table + "secret", "give exactly one of secret and secret_file", "secret_file keeps it out of this file");
      if (!file.empty()) {
        const fs::path p = fs::path(file).is_absolute() ? fs::path(file) : fs::path(path).parent_path() / file;
        try {
          w.secret = io::read_file(p.string());
        } catch (const std::exception&) {
          fail(path, t.get("secret_file"), table + "secret_file", "cannot read " + p.string(), "check the path and its permissions");
        }
        while (!w.secret.empty() && (w.secret.back() == '\n' || w.secret.back() == '\r')) w.secret.pop_back();
      }
      if (w.secret.size() < 16)
        fail(path, t.get("secret") ? t.get("secret") : t.get("secret_file"), table + "secret", "shorter than 16 bytes", "use a random secret, e.g. openssl rand -hex 32");
      c.contingents[id] = w;
    }
  }
  return c;
}

AlertConfig read_alert_config(const std::string& path) {
  std::string text;
  try {
    text = io::read_file(path);
  } catch (const std::exception&) {
    throw InputError(path, "cannot read the alerts file", "check the path given to --alerts");
  }
  return parse_alert_config(text, path);
}

}  // namespace truceline::alert

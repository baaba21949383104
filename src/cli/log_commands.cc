// `truceline log keygen` and `truceline audit`: the log's key, and the check any party runs
// against a server's public log (docs/log.md).

#include <iostream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "geo/errors.h"
#include "io/durable.h"
#include "io/output.h"
#include "server/http_log_client.h"
#include "tlog/audit.h"
#include "tlog/note.h"

namespace truceline::cli {
namespace {

tlog::PublicKey vkey_option(const std::string& text, const char* option) {
  try {
    return tlog::PublicKey::parse(text);
  } catch (const tlog::NoteError& e) {
    throw InputError(option, e.what(), "pass the key as printed by keygen: name+hash+base64");
  }
}

int keygen_command(const std::string& name, const std::string& out, tlog::KeyType type) {
  std::optional<tlog::PrivateKey> key;
  try {
    key = tlog::PrivateKey::generate(name, type);
  } catch (const tlog::NoteError& e) {
    throw InputError("NAME", e.what(), "use a schema-less URL such as monitoring.example/ua-log");
  }
  write_key_file(out, key->encode() + "\n");
  std::cerr << "truceline: wrote the private key to " << out << " (mode 0600); its verifier key follows\n";
  std::cout << key->public_key().vkey() << "\n";
  return 0;
}

// A record as GET /v1/observations/{id} gives it.
tlog::RecordClaim record_claim(const std::string& path) {
  try {
    const auto j = nlohmann::json::parse(read_text_file(path));
    return {j.at("id").get<std::string>(), j.at("log_index").get<int64_t>(), j.at("content").get<std::string>(),
            j.at("content_salt").get<std::string>()};
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path, std::string("not a record with log_index, content and content_salt: ") + e.what(),
                     "save the record from GET /v1/observations/{id}");
  }
}

int audit_command(const std::string& url, const std::string& log_vkey, const std::vector<std::string>& witnesses,
                  const std::string& state, const std::vector<std::string>& records) {
  tlog::AuditOptions opt;
  for (const std::string& r : records) opt.records.push_back(record_claim(r));
  opt.log_key = vkey_option(log_vkey, "--log-vkey");
  for (const std::string& w : witnesses) opt.witnesses.push_back(vkey_option(w, "--witness"));
  opt.state_dir = state;
  std::unique_ptr<server::HttpLogClient> client;
  try {
    client = std::make_unique<server::HttpLogClient>(url);
  } catch (const std::invalid_argument& e) {
    throw InputError("URL", e.what(), "pass the server's base URL, e.g. http://127.0.0.1:8080");
  }
  const tlog::AuditResult r = tlog::audit(*client, opt);
  if (r.ok) {
    std::cout << "audit " << r.message << "\n";
    return 0;
  }
  std::cerr << "truceline: audit FAILED: " << r.message << "\n";
  return 1;
}

}  // namespace

void write_key_file(const std::string& path, const std::string& text) {
  // Never over an existing file (a key is not replaced by mistake); 0600: only its owner reads it.
  try {
    io::create_durably(path, text, 0600);
  } catch (const std::system_error& e) {
    throw InputError(path, std::string("cannot create the key file: ") + e.what(),
                     e.code() == std::errc::file_exists ? "choose a path that does not exist yet" : "check the directory");
  }
}

std::string read_text_file(const std::string& path) { return io::read_file(path); }

void add_log_commands(CLI::App& app, Action& action) {
  static std::string name, out;
  auto* log = app.add_subcommand("log", "the record's transparency log (docs/log.md)");
  log->require_subcommand(1);
  auto* keygen = log->add_subcommand("keygen", "make the log's Ed25519 signing key; prints its verifier key last");
  keygen->add_option("ORIGIN", name, "the log's name, a schema-less URL (e.g. monitoring.example/ua-log)")->required();
  keygen->add_option("-o,--output", out, "the private key file to create (mode 0600)")->required();
  keygen->callback([&action] { action = [] { return keygen_command(name, out, tlog::KeyType::kEd25519); }; });

  static std::string url, log_vkey, state;
  static std::vector<std::string> witnesses, records;
  auto* audit = app.add_subcommand("audit", "check a server's public log against what this party saw before");
  audit->add_option("URL", url, "the server's base URL (the log is under URL/log/)")->required();
  audit->add_option("--log-vkey", log_vkey, "the log's verifier key")->required();
  audit->add_option("--witness", witnesses, "a witness's verifier key whose cosignature is required (repeatable)");
  audit->add_option("--state", state, "directory holding this party's last audited checkpoint")->required();
  audit->add_option("--record", records, "a record's JSON (GET /v1/observations/{id}) to find in the log (repeatable)");
  audit->callback([&action] { action = [] { return audit_command(url, log_vkey, witnesses, state, records); }; });
}

}  // namespace truceline::cli

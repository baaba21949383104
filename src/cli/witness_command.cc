// `truceline witness keygen` and `truceline witness serve`: a C2SP tlog-witness for one log
// (src/tlog/witness.h) over HTTP, so that each party can run its own and cosign only checkpoints
// that extend what it cosigned before.
#include <httplib.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <system_error>

#include "cli/commands.h"
#include "geo/errors.h"
#include "tlog/hash.h"
#include "tlog/note.h"
#include "tlog/witness.h"

namespace truceline::cli {
namespace {

namespace fs = std::filesystem;

httplib::Server* g_witness_server = nullptr;

void stop_witness_on_signal(int) {
  if (g_witness_server) g_witness_server->stop();
}

// An add-checkpoint body is an old size, at most 63 hashes and a checkpoint with its signatures: a
// few kilobytes. Anything far larger is refused (413) before it is read into memory.
constexpr size_t kMaxRequestBytes = 64 * 1024;

int keygen_command(const std::string& name, const std::string& out) {
  if (!tlog::valid_key_name(name))
    throw InputError("NAME", "'" + name + "' is not a key name", "write a non-empty name without spaces or '+', e.g. witness.example/ua");
  const tlog::PrivateKey key = tlog::PrivateKey::generate(name, tlog::KeyType::kCosignatureV1);
  write_key_file(out, key.encode() + "\n");  // mode 0600, never over an existing file
  std::cerr << "truceline: wrote the private key of witness " << name << " to " << out
            << " (mode 0600); its verifier key follows\n";
  std::cout << key.public_key().vkey() << "\n";
  return 0;
}

tlog::PrivateKey read_witness_key(const std::string& path) {
  const std::string text = read_text_file(path);
  tlog::PrivateKey key = [&] {
    try {
      return tlog::PrivateKey::parse(text);
    } catch (const tlog::NoteError& e) {
      throw InputError(path, e.what(), "use a key written by truceline witness keygen");
    }
  }();
  if (key.public_key().type != tlog::KeyType::kCosignatureV1)
    throw InputError(path, "is not a cosignature/v1 (0x04) key", "use a key written by truceline witness keygen");
  std::error_code ec;
  const fs::perms p = fs::status(path, ec).permissions();
  if (!ec && (p & (fs::perms::group_all | fs::perms::others_all)) != fs::perms::none)
    warn_line(path + " is open to users other than its owner (chmod 600 it)");
  return key;
}

tlog::PublicKey parse_log_vkey(const std::string& vkey) {
  tlog::PublicKey log;
  try {
    log = tlog::PublicKey::parse(vkey);
  } catch (const tlog::NoteError& e) {
    throw InputError("--log-vkey", e.what(), "pass the log's verifier key, <name>+<key id>+<base64 key>");
  }
  if (log.type != tlog::KeyType::kEd25519)
    throw InputError("--log-vkey", "is not an Ed25519 (0x01) key", "pass the log's checkpoint verifier key, not a witness's");
  return log;
}

std::pair<std::string, int> parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0)
    throw InputError("--listen", "'" + listen + "' is not HOST:PORT", "write e.g. 127.0.0.1:8090");
  const std::string port_text = listen.substr(colon + 1);
  int port = -1;
  if (!port_text.empty() && port_text.size() <= 5 && port_text.find_first_not_of("0123456789") == std::string::npos)
    port = std::stoi(port_text);
  if (port < 0 || port > 65535) throw InputError("--listen", "bad port in '" + listen + "'", "write HOST:PORT with a port 0–65535");
  return {listen.substr(0, colon), port};
}

uint64_t now_unix_s() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count());
}

// POST /add-checkpoint, and the spec's monitoring read: GET /<hex SHA-256 of the origin>/checkpoint,
// the latest cosigned checkpoint with the log's signature and this witness's cosignature.
void mount_witness(httplib::Server& http, tlog::Witness& witness) {
  http.Post("/add-checkpoint", [&witness](const httplib::Request& req, httplib::Response& res) {
    const tlog::WitnessResponse r = witness.add_checkpoint(req.body, now_unix_s());
    res.status = r.status;
    res.set_content(r.body, r.content_type);
  });
  const std::string monitoring = "/" + tlog::hex(tlog::sha256(witness.log_key().name)) + "/checkpoint";
  http.Get(monitoring, [&witness](const httplib::Request&, httplib::Response& res) {
    const auto note = witness.checkpoint_note();
    res.status = note ? 200 : 404;
    res.set_content(note ? *note : "no checkpoint cosigned yet\n", "text/plain; charset=utf-8");
  });
}

int serve_command(const std::string& key_path, const std::string& log_vkey, const std::string& state_dir,
                  const std::string& listen) {
  const tlog::PublicKey log = parse_log_vkey(log_vkey);
  const auto [host, port] = parse_listen(listen);
  std::optional<tlog::Witness> witness;
  try {
    witness.emplace(read_witness_key(key_path), log, state_dir, warn_line);
  } catch (const tlog::WitnessStateError& e) {
    throw InputError("--state", e.what());
  }
  httplib::Server http;
  http.set_tcp_nodelay(true);  // a response goes out in two writes; Nagle would delay the second
  http.set_payload_max_length(kMaxRequestBytes);
  http.set_read_timeout(5, 0);
  http.set_write_timeout(5, 0);
  mount_witness(http, *witness);
  const int bound = port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
  if (bound < 0) throw InputError("--listen", "cannot listen on " + listen, "choose a free port or another address");
  g_witness_server = &http;
  std::signal(SIGTERM, stop_witness_on_signal);
  std::signal(SIGINT, stop_witness_on_signal);
  std::cout << "truceline: witness " << witness->public_key().vkey() << " for " << log.name << " (size "
            << witness->size() << ") on http://" << host << ":" << bound << std::endl;
  http.listen_after_bind();
  g_witness_server = nullptr;
  return 0;
}

}  // namespace

void add_witness_commands(CLI::App& app, Action& action) {
  auto* witness = app.add_subcommand("witness", "a C2SP tlog-witness: cosign a log's checkpoints that extend the last one cosigned");
  witness->require_subcommand(1);

  static std::string name, key_out;
  auto* keygen = witness->add_subcommand("keygen", "make a witness key (cosignature/v1); prints its verifier key as the last line");
  keygen->add_option("NAME", name, "the witness's name, e.g. witness.example/ua")->required();
  keygen->add_option("-o,--out", key_out, "the private key file to create (mode 0600; never overwritten)")->required();
  keygen->callback([&action] { action = [] { return keygen_command(name, key_out); }; });

  static std::string key_path, log_vkey, state_dir, listen = "127.0.0.1:8090";
  auto* serve = witness->add_subcommand("serve", "cosign checkpoints posted to /add-checkpoint (c2sp.org/tlog-witness)");
  serve->add_option("--key", key_path, "the witness's private key file (from witness keygen)")->required();
  serve->add_option("--log-vkey", log_vkey, "the log's verifier key; its name is the log's origin")->required();
  serve->add_option("--state", state_dir, "directory of the latest cosigned checkpoint and conflicts.log (created if missing)")
      ->required();
  serve->add_option("--listen", listen, "HOST:PORT (port 0: any free port; DEFAULT: 127.0.0.1:8090)");
  serve->callback([&action] { action = [] { return serve_command(key_path, log_vkey, state_dir, listen); }; });
}

}  // namespace truceline::cli

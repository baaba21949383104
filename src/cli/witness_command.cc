// `truceline witness keygen` and `truceline witness serve`: a C2SP tlog-witness for one log
// (src/tlog/witness.h) over HTTP, so that each party can run its own and cosign only checkpoints
// that extend what it cosigned before.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <system_error>

#include "cli/commands.h"
#include "cli/serving.h"
#include "geo/errors.h"
#include "http/router.h"
#include "http/server.h"
#include "tlog/hash.h"
#include "tlog/note.h"
#include "tlog/witness.h"

namespace truceline::cli {
namespace {

namespace fs = std::filesystem;

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

uint64_t now_unix_s() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count());
}

// POST /add-checkpoint, and the spec's monitoring read: GET /<hex SHA-256 of the origin>/checkpoint,
// the latest cosigned checkpoint with the log's signature and this witness's cosignature.
void mount_witness(http::Router& router, tlog::Witness& witness) {
  // The witness holds its state under a lock and writes a file per cosignature: the handler pool.
  router.post("/add-checkpoint", [&witness](const http::Request& req, http::Response& res) {
    const tlog::WitnessResponse r = witness.add_checkpoint(req.body, now_unix_s());
    res.status = r.status;
    res.set_content(r.body, r.content_type);
  });
  const std::string monitoring = "/" + tlog::hex(tlog::sha256(witness.log_key().name)) + "/checkpoint";
  router.get(monitoring, [&witness](const http::Request&, http::Response& res) {
    const auto note = witness.checkpoint_note();
    res.status = note ? 200 : 404;
    res.set_content(note ? *note : "no checkpoint cosigned yet\n", "text/plain; charset=utf-8");
  });
}

int serve_command(const std::string& key_path, const std::string& log_vkey, const std::string& state_dir,
                  const std::string& listen) {
  SignalStop signals;  // first: the signals are blocked in every thread started after it
  const tlog::PublicKey log = parse_log_vkey(log_vkey);
  const auto [host, port] = split_listen(listen);
  std::optional<tlog::Witness> witness;
  try {
    witness.emplace(read_witness_key(key_path), log, state_dir, warn_line);
  } catch (const tlog::WitnessStateError& e) {
    throw InputError("--state", e.what());
  }
  http::Router router;
  mount_witness(router, *witness);
  http::ServerOptions opt;
  opt.limits.max_body = kMaxRequestBytes;
  opt.handler_threads = 4;  // a witness is asked by one log, a few auditors and monitors
  http::Server server(router, opt);
  int bound = 0;
  try {
    bound = server.listen(host, port);
  } catch (const std::runtime_error& e) {
    throw InputError("--listen", e.what(), "choose a free port or another address");
  }
  server.start();
  signals.arm(server);
  std::cout << "truceline: witness " << witness->public_key().vkey() << " for " << log.name << " (size "
            << witness->size() << ") on http://" << host << ":" << bound << std::endl;
  server.wait();
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

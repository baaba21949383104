// `truceline serve`, `truceline verify` and `truceline token create`: the monitoring service.

#include <cctype>
#include <filesystem>
#include <iostream>
#include <thread>

#include "cli/commands.h"
#include "cli/serving.h"
#include "http/server.h"
#include "index/locator.h"
#include "server/api.h"
#include "server/cot_feed.h"
#include "server/cot_view.h"
#include "server/incident_service.h"
#include "server/log_publisher.h"
#include "server/static_routes.h"
#include "store/store.h"

namespace truceline::cli {
namespace {

// The limits `serve` takes from its options (docs/limits.md): the API's and the server's.
server::ApiOptions g_limits;
http::ServerOptions g_http;
// Incidents and alerts (docs/incidents.md, The service).
server::IncidentServiceOptions g_incident_opt;
// The transparency log's signer (docs/log.md).
struct LogArgs {
  std::string key_file;
  int interval_ms = 1000;
  std::vector<std::string> witnesses;
  size_t quorum = 0;
  bool rotate = false;
};
LogArgs g_log;
// Cursor on Target (docs/cot.md).
struct CotArgs {
  std::string listen;  // "": no CoT port (GET /v1/cot is served either way)
  std::string link;    // the dashboard's address in each incident's link; "": the --listen address
  std::string tls_listen, tls_cert, tls_key, client_ca, clients;  // TLS with client certificates
};
CotArgs g_cot;

// uids name the plan's file, so that two missions feeding one TAK Server never share one.
std::string cot_uid_prefix(const plan::Plan& plan) {
  std::string stem = std::filesystem::path(plan.path).stem().string();
  for (char& c : stem)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '-';
  return "truceline." + stem;
}

void add_log_options(CLI::App* serve) {
  serve->add_option("--log-key", g_log.key_file, "the log's private key (truceline log keygen); without it no checkpoint is signed");
  serve->add_option("--checkpoint-interval", g_log.interval_ms, "milliseconds between checkpoints at most (DEFAULT: 1000)")
      ->check(CLI::Range(50, 3'600'000));
  serve->add_option("--witness", g_log.witnesses, "URL=VKEY of a witness that must cosign (repeatable)");
  serve->add_option("--witness-quorum", g_log.quorum, "cosignatures a checkpoint needs to be published (DEFAULT: all witnesses)");
  serve->add_flag("--rotate-log-key", g_log.rotate, "sign with --log-key although the database was signed by another key");
}

server::LogPublisherOptions log_options() {
  server::LogPublisherOptions o;
  if (!g_log.key_file.empty()) {
    try {
      o.key = tlog::PrivateKey::parse(read_text_file(g_log.key_file));
    } catch (const tlog::NoteError& e) {
      throw InputError(g_log.key_file, e.what(), "make a key with truceline log keygen ORIGIN -o KEYFILE");
    }
  }
  o.interval = std::chrono::milliseconds(g_log.interval_ms);
  for (const std::string& w : g_log.witnesses) {
    try {
      o.witnesses.push_back(server::parse_witness_option(w));
    } catch (const std::invalid_argument& e) {
      throw InputError("--witness", e.what());
    }
  }
  if (!o.key && !o.witnesses.empty()) throw InputError("--witness", "witnesses need a checkpoint to cosign", "pass --log-key too");
  o.quorum = g_log.quorum;
  o.rotate_key = g_log.rotate;
  return o;
}

void add_limit_options(CLI::App* serve) {
  auto& o = g_limits;
  auto& h = g_http;
  serve->add_option("--max-body", h.limits.max_body, "largest request body in bytes; larger get 413 (DEFAULT: 16 MiB)")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 31));
  serve->add_option("--max-batch", o.max_batch, "most observations in one POST; more get 413 (DEFAULT: 10,000)")
      ->check(CLI::Range(size_t{1}, size_t{1'000'000}));
  serve->add_option("--rate", o.rate_per_s, "requests per second per token, bursts of 2 s; more get 429 (DEFAULT: 500)")
      ->check(CLI::Range(0.1, 1e9));
  serve->add_option("--threads", h.handler_threads, "handler threads for work on the store (DEFAULT: 32)")
      ->check(CLI::Range(size_t{1}, size_t{4096}));
  serve->add_option("--io-threads", h.io_threads, "event loops (DEFAULT: one per core)")->check(CLI::Range(size_t{0}, size_t{256}));
  serve->add_option("--max-connections", h.max_connections, "open connections; more get 503 (DEFAULT: 20,000)")
      ->check(CLI::Range(size_t{1}, size_t{10'000'000}));
  serve->add_option("--max-streams", h.max_streams, "event-stream readers; more get 503 (DEFAULT: 10,000)")
      ->check(CLI::Range(size_t{0}, size_t{10'000'000}));
  serve->add_option("--max-conns-per-ip", h.max_conns_per_ip, "connections per client address; more get 429 (DEFAULT: 0, no limit)")
      ->check(CLI::Range(size_t{0}, size_t{10'000'000}));
  serve->add_option("--trusted-proxy", h.trusted_proxies, "address of a reverse proxy whose X-Forwarded-For is believed (repeatable)");
  serve->add_option("--header-timeout", h.header_timeout_s, "seconds for a request's line and headers, in total (DEFAULT: 10)")
      ->check(CLI::Range(0.1, 3600.0));
  serve->add_option("--write-timeout", h.write_timeout_s, "seconds for a client to take an answer, plus its size at 64 KiB/s (DEFAULT: 5)")
      ->check(CLI::Range(0.1, 3600.0));
  serve->add_option("--keep-alive-timeout", h.keep_alive_timeout_s, "seconds a connection may idle between requests (DEFAULT: 5)")
      ->check(CLI::Range(0.1, 3600.0));
  serve->add_option("--tls-cert", h.tls_cert, "PEM certificate chain: serve HTTPS (with --tls-key)");
  serve->add_option("--tls-key", h.tls_key, "PEM private key of --tls-cert");
}


server::CotFeedOptions cot_feed_options() {
  server::CotFeedOptions o;
  o.tls_cert = g_cot.tls_cert.empty() ? g_http.tls_cert : g_cot.tls_cert;
  o.tls_key = g_cot.tls_key.empty() ? g_http.tls_key : g_cot.tls_key;
  o.client_ca = g_cot.client_ca;
  if (!g_cot.clients.empty()) {
    try {
      o.client_tokens = server::cot_client_tokens(read_text_file(g_cot.clients), g_cot.clients);
    } catch (const std::invalid_argument& e) {
      throw InputError("--cot-clients", e.what(), "see docs/cot.md, TLS");
    }
  }
  if (!g_cot.tls_listen.empty() && o.client_ca.empty())
    throw InputError("--cot-tls-listen", "TAK clients authenticate with certificates", "pass --cot-client-ca, the CA that signs them");
  return o;
}

// Binds one of the feed's ports and says which.
void listen_cot(server::CotFeed& feed, const std::string& address, bool tls) {
  const char* option = tls ? "--cot-tls-listen" : "--cot-listen";
  const auto [host, port] = split_listen(address, option);
  int bound = 0;
  try {
    bound = tls ? feed.listen_tls(host, port) : feed.listen(host, port);
  } catch (const std::runtime_error& e) {
    throw InputError(option, e.what(), tls ? "check the certificate, key and CA files, and that the port is free" : "choose a free port or another address");
  }
  std::cout << "truceline: CoT on " << (tls ? "tls" : "tcp") << "://" << host << ":" << bound << std::endl;
}

// The dashboard's directory: --web if given (it must hold a built dashboard), else the first
// found beside the binary or in the source tree; none found leaves the API running alone.
std::optional<std::filesystem::path> dashboard_dir(const std::string& web) {
  if (!web.empty()) return std::filesystem::path(web);
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  auto dir = server::find_dashboard(ec ? std::filesystem::current_path() : exe.parent_path());
  if (!dir) warn_line("no built dashboard found (run make web); serving the API only");
  return dir;
}

int serve_command(const std::string& plan_path, const std::string& db, const std::string& listen, const std::string& web) {
  SignalStop signals;
  const auto compiled = load_plan(plan_path);
  const plan::ZoneMap& map = compiled->map();
  const index::Locator& locator = compiled->locator();
  auto store = store::open_store(db);
  server::Api api(map, locator, *store, g_limits);
  std::unique_ptr<server::LogPublisher> publisher;
  try {
    publisher = std::make_unique<server::LogPublisher>(*store, db, log_options());
  } catch (const server::LogKeyError& e) {
    throw InputError("--log-key", e.what());
  }
  if (!publisher->signing())
    warn_line("no --log-key: the log's tree is kept but no checkpoint is signed or published (docs/log.md)");
  publisher->start();
  api.attach(publisher.get());
  // Incidents and alerts run beside the API and outlive the HTTP server (declared after them).
  server::IncidentService incidents(map, locator, *store, db, g_incident_opt);
  api.attach(&incidents.engine());
  // Routes are mounted once the port is known (CoT events link to the dashboard); the server
  // reads them only once started.
  http::Router router;
  std::unique_ptr<http::Server> http;
  try {
    http = std::make_unique<http::Server>(router, g_http);
  } catch (const std::runtime_error& e) {
    throw InputError(g_http.tls_key.empty() ? "--tls-key" : "--tls-cert", e.what(), "give a PEM certificate chain and its PEM private key");
  }
  const auto [host, port] = split_listen(listen);
  int bound = 0;
  try {
    bound = http->listen(host, port);
  } catch (const std::runtime_error& e) {
    throw InputError("--listen", e.what(), "choose a free port or another address");
  }
  const std::string scheme = g_http.tls_cert.empty() ? "http" : "https";
  formats::CotOptions cot_opt;
  cot_opt.uid_prefix = cot_uid_prefix(map.plan);
  cot_opt.dashboard_url = g_cot.link.empty() ? scheme + "://" + host + ":" + std::to_string(bound) : g_cot.link;
  const server::CotView cot_view(map, incidents.engine(), cot_opt);
  api.attach(&cot_view);
  api.mount(router);
  if (!server::mount_dashboard(router, dashboard_dir(web)))
    throw InputError("--web", "'" + web + "' holds no index.html", "run make web and pass web/dist, or leave --web out");
  std::unique_ptr<server::CotFeed> cot;
  // The engine's thread calls the feed: on any way out it stops before the feed goes (the
  // service's destructor stops it again, which does nothing).
  struct StopEngineFirst {
    server::IncidentEngine& engine;
    ~StopEngineFirst() { engine.stop(); }
  } stop_engine_first{incidents.engine()};
  if (!g_cot.listen.empty() || !g_cot.tls_listen.empty()) {
    cot = std::make_unique<server::CotFeed>(cot_view, *store, cot_feed_options(), &api);
    if (!g_cot.listen.empty()) listen_cot(*cot, g_cot.listen, false);
    if (!g_cot.tls_listen.empty()) listen_cot(*cot, g_cot.tls_listen, true);
    incidents.engine().on_revision([feed = cot.get()](const nlohmann::json& r, int64_t seq) { feed->publish(r, seq); });
    cot->start();
  }
  http->start();
  signals.arm(*http);
  std::cout << "truceline: serving " << map.plan.name << " on " << scheme << "://" << host << ":" << bound << std::endl;
  http->wait();
  return 0;
}

int verify_command(const std::string& db) {
  auto store = store::open_store(db);
  const store::VerifyResult v = store->verify();
  if (v.ok) {
    std::cout << "ok " << v.count << " records " << v.head << "\n";
    return 0;
  }
  std::cout << "broken at record " << v.bad_seq << " (" << v.bad_id << "): " << v.reason << "\n";
  return 1;
}

int token_command(const std::string& db, const store::Token& t, const std::string& public_key) {
  auto store = store::open_store(db);
  std::string token;
  try {
    token = server::create_token(*store, t);
  } catch (const std::invalid_argument& e) {
    throw InputError("--role", e.what(), "see docs/api.md, Roles");
  }
  if (!public_key.empty()) {
    try {
      const std::string keyid = server::register_device_key(*store, t.name, public_key, "registered with the token");
      std::cerr << "truceline: " << t.name << " must sign its reports with key " << keyid << " (docs/log.md, Signed reports)\n";
    } catch (const std::invalid_argument& e) {
      throw InputError("--public-key", e.what(), "pass the raw Ed25519 public key in standard base64 (44 characters)");
    }
  }
  std::cerr << "truceline: token for " << t.name << " (" << t.role << (t.contingent.empty() ? "" : ", " + t.contingent)
            << "); it is shown once, only its hash is stored\n";
  std::cout << token << "\n";
  return 0;
}

}  // namespace

void add_monitor_commands(CLI::App& app, Action& action) {
  static std::string plan_path, db, listen = "127.0.0.1:8080";
  static std::string web;
  auto* serve = app.add_subcommand("serve", "run the monitoring service's HTTP API");
  serve->add_option("--plan", plan_path, "plan file (TOML, or a compiled plan.tlplan)")->required();
  serve->add_option("--db", db, "SQLite file or postgresql:// URI")->required();
  serve->add_option("--listen", listen, "HOST:PORT (port 0: any free port)");
  add_limit_options(serve);
  add_log_options(serve);
  serve->add_option("--web", web, "the built dashboard served at / (DEFAULT: found beside the binary or in web/dist)");
  serve->add_option("--alerts", g_incident_opt.alerts_path, "webhooks per contingent, TOML (docs/incidents.md); DEFAULT: none, alerts go to /v1/alerts/stream only");
  serve->add_option("--cot-listen", g_cot.listen, "HOST:PORT of a Cursor on Target stream for TAK (docs/cot.md); DEFAULT: none");
  serve->add_option("--cot-tls-listen", g_cot.tls_listen, "HOST:PORT of CoT over TLS with client certificates (TAK's 8089; docs/cot.md)");
  serve->add_option("--cot-tls-cert", g_cot.tls_cert, "PEM certificate chain of the CoT TLS port (DEFAULT: --tls-cert)");
  serve->add_option("--cot-tls-key", g_cot.tls_key, "PEM private key of --cot-tls-cert (DEFAULT: --tls-key)");
  serve->add_option("--cot-client-ca", g_cot.client_ca, "PEM CA whose client certificates the CoT TLS port accepts");
  serve->add_option("--cot-clients", g_cot.clients, "TOML: client certificates and the tokens whose roles they get (docs/cot.md)");
  serve->add_option("--cot-link", g_cot.link, "the dashboard's address that CoT events link to (DEFAULT: the --listen address)");
  serve->callback([&action] { action = [] { return serve_command(plan_path, db, listen, web); }; });

  auto* verify = app.add_subcommand("verify", "recompute the hash chain of a record");
  verify->add_option("--db", db, "SQLite file or postgresql:// URI")->required();
  verify->callback([&action] { action = [] { return verify_command(db); }; });

  static store::Token token;
  static std::string public_key;
  auto* tok = app.add_subcommand("token", "manage API tokens");
  tok->require_subcommand(1);
  auto* create = tok->add_subcommand("create", "create a token; prints it as the last line");
  create->add_option("--db", db, "SQLite file or postgresql:// URI")->required();
  create->add_option("--role", token.role, "observer, contingent, analyst or admin")->required();
  create->add_option("--contingent", token.contingent, "for role contingent: the party id it answers for");
  create->add_option("--name", token.name, "who holds the token")->required();
  create->add_option("--public-key", public_key, "an Ed25519 public key (base64) the holder must sign every report with");
  create->callback([&action] { action = [] { return token_command(db, token, public_key); }; });
}

}  // namespace truceline::cli

#pragma once
// `serve --cot-listen`: Cursor on Target over plain TCP (docs/cot.md), as TAK Server's streaming
// inputs and ATAK's and WinTAK's TCP connections read it: <event> documents one after another.
// Every connection gets the plan's zones and lines at once. A tool may send a token as its first
// line ("token <secret>\n" or "<secret>\n") within token_wait_s; it then also gets the incidents
// its role may read (server/caller.h, as the API decides), the recent ones at once and every
// revision live. Without a token, or with an observer's: the shapes only, never the record. An
// unknown token closes the connection.
//
// Incoming (with an Api): an observer's or admin's connection may send TAK spot reports
// (b-m-p-s-m), which become observations as POST /v1/observations takes them (formats::spot_report
// maps them); the rest of what clients send (their position, pings) is dropped.
//
// TLS (TAK's port 8089, listen_tls()): the client must present a certificate signed by the
// configured CA, as TAK clients do; a certificate listed in client_tokens takes the role of that
// token at once, without a token line. Another certificate of the CA is a plain connection (which
// may still send a token line).
//
// Event-driven on a loop of its own (Boost.Asio coroutines; CoT clients are a TAK Server or a few
// dozen screens, not thousands of browsers), with the store's token lookup and the incident list
// on a worker thread so that a slow disk never holds up the loop. Publishing never waits for a
// client: each has a bounded queue (http::EventStream), and one max_queue events behind is
// disconnected, what was queued for it dropped; a TAK client reconnects and gets the picture again.
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "server/api.h"
#include "server/cot_view.h"
#include "store/store.h"

namespace truceline::server {

struct CotFeedOptions {
  double token_wait_s = 5;   // DEFAULT: 5 s after connecting for the token line; later lines are ignored
  size_t max_queue = 1024;   // DEFAULT: 1,024 events waiting for one client, then it is disconnected
  size_t max_clients = 1000; // DEFAULT: 1,000 connections; a further one is closed at once
  // On authentication, incidents whose last report is this recent are sent. DEFAULT: 24 h.
  int64_t recent_ms = 24 * 3600'000LL;
  // TLS: the server's PEM certificate chain and key, and the PEM CA (or bundle) whose client
  // certificates are accepted. DEFAULT: none (listen_tls() refuses).
  std::string tls_cert, tls_key, client_ca;
  // SHA-256 of a client certificate's DER (lowercase hex: `openssl x509 -noout -fingerprint
  // -sha256` without the colons) → SHA-256 of the token whose role it gets (lowercase hex:
  // `printf %s TOKEN | sha256sum`). The store keeps only token hashes; so does this map.
  std::map<std::string, std::string> client_tokens;
};

class CotFeed {
 public:
  // The view, the store and the api must outlive the feed. `api` null: spot reports are dropped.
  CotFeed(const CotView& view, store::Store& store, const CotFeedOptions& opt = {}, Api* api = nullptr);
  ~CotFeed();
  CotFeed(const CotFeed&) = delete;
  CotFeed& operator=(const CotFeed&) = delete;

  // Binds and listens for plain TCP; returns the port (0: any free one). Throws std::runtime_error.
  int listen(const std::string& host, int port);
  // The same for TLS with client certificates (tls_cert, tls_key and client_ca must be set).
  // Throws std::runtime_error, also for files that do not load. Either or both, before start().
  int listen_tls(const std::string& host, int port);
  // Runs the loop and the worker on threads of their own.
  void start();
  // Closes the listener and every connection; joins the threads. Idempotent.
  void stop();
  // A revision (IncidentEngine::on_revision): queued for every client that may read it.
  void publish(const nlohmann::json& revision, int64_t seq);
  // Clients connected now, and those of them that get incidents (authenticated, not observers).
  size_t clients() const;
  size_t subscribers() const;
  // Spot reports recorded, and refused (not well-formed, not valid, or from a role that may not
  // submit), since start.
  size_t reports_taken() const;
  size_t reports_refused() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// CotFeedOptions::client_tokens from TOML (docs/cot.md): [[client]] tables with
// certificate_sha256 (hex, colons and case as `openssl x509 -fingerprint -sha256` prints them) and
// token_sha256 (hex), and an optional name. Throws std::invalid_argument naming `source` and
// what is wrong.
std::map<std::string, std::string> cot_client_tokens(const std::string& toml_text, const std::string& source);

}  // namespace truceline::server

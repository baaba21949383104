#include "server/cot_feed.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <stdexcept>
#include <chrono>
#include <optional>
#include <string_view>
#include <thread>

#include "http/acceptor.h"
#include "http/beast.h"
#include "io/toml.h"
#include "store/store.h"
#include "server/sse.h"

namespace truceline::server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using error_code = boost::system::error_code;

auto redirect(error_code& ec) { return asio::redirect_error(use_awaitable, ec); }

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// "token <secret>", or the secret alone, without the line's end and surrounding blanks.
std::string token_of_line(std::string line) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!line.empty() && blank(line.back())) line.pop_back();
  size_t i = 0;
  while (i < line.size() && blank(line[i])) ++i;
  line.erase(0, i);
  if (line.rfind("token ", 0) == 0) return token_of_line(line.substr(6));
  return line;
}

// A client's first bytes, until they say whether it sent a token.
struct FirstLine {
  std::string bytes;
  bool decided = false;
  std::optional<std::string> token;  // set when a token line came in time
  std::string rest;                  // what came after the token line (events), once decided

  // Takes what was read; `in_time`: still within token_wait_s.
  void take(const char* data, size_t n, bool in_time) {
    if (decided) return;
    bytes.append(data, n);
    const size_t nl = bytes.find('\n');
    // A TAK client opens with its own events (XML): no token. A line of 4 KiB is none either.
    if (bytes.front() == '<' || (nl == std::string::npos && bytes.size() > 4096)) {
      decided = true;
      rest.swap(bytes);
    } else if (nl != std::string::npos) {
      decided = true;
      if (in_time) token = token_of_line(bytes.substr(0, nl));
      rest = bytes.substr(nl + 1);
    }
    if (decided) bytes.clear();
  }
};

// Whole <event>…</event> documents out of what a client sends (TAK streams them back to back,
// often each after an <?xml …?> declaration); one over 64 KiB is dropped.
class EventFrames {
 public:
  std::vector<std::string> take(std::string_view data) {
    buf_.append(data);
    std::vector<std::string> out;
    for (;;) {
      const size_t start = buf_.find("<event");
      if (start == std::string::npos) {
        buf_.erase(0, buf_.size() > 5 ? buf_.size() - 5 : 0);  // may end in the first bytes of "<event"
        return out;
      }
      buf_.erase(0, start);
      const size_t gt = buf_.find('>');
      size_t end = std::string::npos;
      if (gt != std::string::npos && buf_[gt - 1] == '/') end = gt + 1;  // <event …/>
      else if (const size_t close = buf_.find("</event>"); close != std::string::npos) end = close + 8;
      if (end == std::string::npos) {
        if (buf_.size() > kMax) buf_.erase(0, 6);  // too long: look for the next one
        return out;
      }
      if (end <= kMax) out.push_back(buf_.substr(0, end));
      buf_.erase(0, end);
    }
  }

 private:
  static constexpr size_t kMax = 64 << 10;
  std::string buf_;
};

// What a client certificate is known by: the SHA-256 of its DER, lowercase hex. "" without one.
std::string certificate_sha256(SSL* ssl) {
  const std::unique_ptr<X509, decltype(&X509_free)> cert(SSL_get1_peer_certificate(ssl), X509_free);
  if (!cert) return "";
  unsigned char* der = nullptr;
  const int n = i2d_X509(cert.get(), &der);
  if (n <= 0) return "";
  const std::string bytes(reinterpret_cast<const char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return store::sha256_hex(bytes);
}

template <class S>
tcp::socket& lowest(S& s) {
  return boost::beast::get_lowest_layer(s);
}

}  // namespace

struct CotFeed::Impl {
  using TlsStream = asio::ssl::stream<tcp::socket>;

  // One client on a plain (S = tcp::socket) or TLS connection.
  template <class S>
  struct Conn {
    template <class... A>
    explicit Conn(size_t max_queue, A&&... a)
        : sock(std::forward<A>(a)...), timer(sock.get_executor()), stream(std::make_shared<http::EventStream>(max_queue)) {}
    S sock;
    asio::steady_timer timer;
    std::shared_ptr<http::EventStream> stream;
    std::atomic<bool> subscribed = false;  // gets incidents (set on the worker)
  };

  Impl(const CotView& v, store::Store& s, const CotFeedOptions& o, Api* a) : view(v), store(s), opt(o), api(a) {}

  awaitable<void> accept_loop(tcp::acceptor& acceptor, bool tls) {
    for (;;) {
      error_code ec;
      tcp::socket sock = co_await acceptor.async_accept(redirect(ec));
      if (ec) {
        if (!acceptor.is_open()) co_return;
        continue;  // EMFILE and the like: the next accept may succeed
      }
      if (connected.load() >= opt.max_clients) continue;  // closed as `sock` goes
      if (tls) {
        asio::co_spawn(io, handshake(std::make_shared<Conn<TlsStream>>(opt.max_queue, std::move(sock), *tls_context)),
                       asio::detached);
      } else {
        serve(std::make_shared<Conn<tcp::socket>>(opt.max_queue, std::move(sock)), "");
      }
    }
  }

  // A TLS client: its certificate, checked against the CA in the handshake, may name a token.
  awaitable<void> handshake(std::shared_ptr<Conn<TlsStream>> c) {
    // A client that never finishes the handshake is cut after 10 s.
    c->timer.expires_after(std::chrono::seconds(10));
    c->timer.async_wait([weak = std::weak_ptr(c)](error_code ec) {
      if (auto c = weak.lock(); c && !ec) lowest(c->sock).close(ec);
    });
    error_code ec;
    co_await c->sock.async_handshake(asio::ssl::stream_base::server, redirect(ec));
    c->timer.cancel();
    if (ec) co_return;
    const auto it = opt.client_tokens.find(certificate_sha256(c->sock.native_handle()));
    serve(c, it == opt.client_tokens.end() ? "" : it->second);
  }

  // `token_hash` "": the client may send a token line.
  template <class S>
  void serve(std::shared_ptr<Conn<S>> c, const std::string& token_hash) {
    asio::co_spawn(io, write_loop(c), asio::detached);
    asio::co_spawn(io, read_loop(c, token_hash), asio::detached);
  }

  // Writes what is queued for the client until its stream closes or the client goes.
  template <class S>
  awaitable<void> write_loop(std::shared_ptr<Conn<S>> c) {
    ++connected;
    struct Detach {
      Impl& s;
      std::shared_ptr<Conn<S>> c;
      ~Detach() {
        c->stream->close();
        c->stream->set_waker(nullptr);
        error_code ignored;
        lowest(c->sock).close(ignored);  // ends read_loop
        --s.connected;
      }
    } detach{*this, c};
    // Woken on the loop: a closed stream (the client fell behind, or the feed stops) also cuts a
    // write that a client who stopped reading would hold open for ever.
    c->stream->set_waker([weak = std::weak_ptr(c), ex = io.get_executor()] {
      asio::post(ex, [weak] {
        const auto c = weak.lock();
        if (!c) return;
        c->timer.cancel();
        error_code ignored;
        if (c->stream->closed()) lowest(c->sock).cancel(ignored);
      });
    });
    c->stream->push({0, view.shapes()});
    error_code ec;
    for (;;) {
      std::vector<http::SharedText> items = c->stream->take();
      if (items.empty()) {
        if (c->stream->closed()) co_return;
        c->timer.expires_at(asio::steady_timer::time_point::max());
        co_await c->timer.async_wait(redirect(ec));
        continue;
      }
      std::vector<asio::const_buffer> bufs;
      for (const http::SharedText& t : items) bufs.push_back(asio::buffer(*t));
      co_await asio::async_write(c->sock, bufs, redirect(ec));
      if (ec || c->stream->closed()) co_return;
    }
  }

  // Takes the token (of the certificate, or of a line that comes in time), then discards what
  // the client sends (TAK clients send their own position and pings) until it goes.
  template <class S>
  awaitable<void> read_loop(std::shared_ptr<Conn<S>> c, std::string token_hash) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(opt.token_wait_s);
    FirstLine first;
    first.decided = !token_hash.empty();
    std::optional<Caller> who;
    // A certificate mapped to a token the store no longer knows gets the shapes only.
    if (!token_hash.empty()) who = co_await asio::co_spawn(worker, authenticate(c->stream, &c->subscribed, token_hash), use_awaitable);
    EventFrames frames;
    char data[4096];
    for (;;) {
      error_code ec;
      const size_t n = co_await c->sock.async_read_some(asio::buffer(data), redirect(ec));
      // A client that half-closes after its token (a relay's `echo token | …`) still reads: the
      // next write tells whether it is gone. One that gets no incidents has had all it will get.
      if (ec == asio::error::eof && c->subscribed) co_return;
      if (ec) break;
      std::string_view got(data, n);
      if (!first.decided) {
        first.take(data, n, std::chrono::steady_clock::now() <= deadline);
        if (!first.decided) continue;
        if (first.token) {
          who = co_await asio::co_spawn(worker, authenticate(c->stream, &c->subscribed, store::sha256_hex(*first.token)), use_awaitable);
          if (!who) break;  // an unknown token
        }
        got = first.rest;
      }
      if (api && who)  // a role that may not submit has its reports refused (and counted)
        for (std::string& e : frames.take(got)) co_await asio::co_spawn(worker, take_report(*who, std::move(e)), use_awaitable);
    }
    c->stream->close();
  }

  // On the worker: a spot report recorded as an observation of `who`; anything else dropped.
  awaitable<void> take_report(Caller who, std::string xml) {
    try {
      if (const auto r = formats::spot_report(xml)) {
        api->submit(who, r->observation, r->key);
        ++taken;
      }
    } catch (const std::exception&) {
      ++refused;  // CoT has no way to answer a sender; the count is in reports_refused()
    }
    co_return;
  }

  // On the worker: the token's caller, subscribed to the revisions it may read and sent the recent
  // ones; nullopt for an unknown token.
  awaitable<std::optional<Caller>> authenticate(std::shared_ptr<http::EventStream> stream, std::atomic<bool>* subscribed,
                                                std::string token_hash) {
    auto who = caller_of_token_hash(store, token_hash);
    if (!who || !may_read_incidents(*who)) co_return who;  // an observer: the shapes only
    // Subscribed before the list is read: a revision published in between comes in one or both,
    // and a TAK client takes the later of two events of one uid.
    hub.add(stream, reads_every_incident(*who), who->contingent);
    *subscribed = true;
    const int64_t now = now_ms();
    for (std::string& e : view.incidents(*who, now - opt.recent_ms, now))
      stream->push({0, std::make_shared<const std::string>(std::move(e) + "\n")});
    co_return who;
  }

  void close_acceptors() {
    error_code ignored;
    for (auto& [acceptor, tls] : listening) acceptor->close(ignored);
  }

  const CotView& view;
  store::Store& store;
  CotFeedOptions opt;
  Api* api;
  std::atomic<size_t> taken = 0, refused = 0;  // spot reports
  std::optional<asio::ssl::context> tls_context;
  SseHub hub;  // the bound on a client's queue is its own stream's (Conn), made with max_queue
  std::atomic<size_t> connected = 0;
  std::atomic<bool> stopped = false;
  asio::thread_pool worker{1};
  // Declared last, destroyed first: the coroutines it still holds refer to the members above.
  asio::io_context io{1};
  std::vector<std::pair<std::unique_ptr<tcp::acceptor>, bool>> listening;  // acceptor, TLS
  std::thread loop;
};

CotFeed::CotFeed(const CotView& view, store::Store& store, const CotFeedOptions& opt, Api* api)
    : impl_(std::make_unique<Impl>(view, store, opt, api)) {}

CotFeed::~CotFeed() { stop(); }

int CotFeed::listen(const std::string& host, int port) {
  auto acc = http::listening_acceptor(impl_->io, host, port);
  const int bound = acc->local_endpoint().port();
  impl_->listening.emplace_back(std::move(acc), false);
  return bound;
}

int CotFeed::listen_tls(const std::string& host, int port) {
  const CotFeedOptions& o = impl_->opt;
  if (o.client_ca.empty()) throw std::runtime_error("TLS for CoT needs the CA of the clients' certificates");
  auto tls = http::server_tls_context(o.tls_cert, o.tls_key);
  error_code ec;
  tls.load_verify_file(o.client_ca, ec);
  if (ec) throw std::runtime_error("cannot load the clients' CA " + o.client_ca + ": " + ec.message());
  // TAK's way: no certificate, no connection.
  tls.set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  impl_->tls_context.emplace(std::move(tls));
  auto acc = http::listening_acceptor(impl_->io, host, port);
  const int bound = acc->local_endpoint().port();
  impl_->listening.emplace_back(std::move(acc), true);
  return bound;
}

void CotFeed::start() {
  if (impl_->listening.empty()) throw std::logic_error("CotFeed::start before listen");
  for (auto& [acc, tls] : impl_->listening) asio::co_spawn(impl_->io, impl_->accept_loop(*acc, tls), asio::detached);
  impl_->loop = std::thread([this] { impl_->io.run(); });
}

void CotFeed::stop() {
  if (impl_->stopped.exchange(true)) return;
  asio::post(impl_->io, [this] { impl_->close_acceptors(); });
  impl_->hub.close();  // streams of authenticated clients; the rest close as the loop stops
  impl_->worker.join();
  impl_->io.stop();
  if (impl_->loop.joinable()) impl_->loop.join();
}

void CotFeed::publish(const nlohmann::json& revision, int64_t seq) {
  std::string e = impl_->view.event(revision, now_ms());
  if (e.empty()) return;
  impl_->hub.publish(http::Event{seq, std::make_shared<const std::string>(std::move(e) + "\n")},
                     revision.value("responsible", ""));
}

namespace {

// "AB:cd:…" → "abcd…"; "" unless 64 hex digits remain.
std::string sha256_of(std::string s) {
  std::erase(s, ':');
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s.size() != 64 || s.find_first_not_of("0123456789abcdef") != std::string::npos) return "";
  return s;
}

}  // namespace

std::map<std::string, std::string> cot_client_tokens(const std::string& toml_text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source);
  } catch (const toml::parse_error& e) {
    throw std::invalid_argument(source + ": " + std::string(e.description()));
  }
  std::map<std::string, std::string> out;
  const toml::array* clients = root["client"].as_array();
  if (!clients) return out;
  for (size_t i = 0; i < clients->size(); ++i) {
    const toml::table* t = (*clients)[i].as_table();
    const std::string at = source + ": client " + std::to_string(i + 1);
    if (!t) throw std::invalid_argument(at + " is not a table");
    const std::string cert = sha256_of((*t)["certificate_sha256"].value_or(std::string()));
    const std::string token = sha256_of((*t)["token_sha256"].value_or(std::string()));
    if (cert.empty()) throw std::invalid_argument(at + ": certificate_sha256 must be 64 hex digits (colons allowed)");
    if (token.empty()) throw std::invalid_argument(at + ": token_sha256 must be 64 hex digits");
    out[cert] = token;
  }
  return out;
}

size_t CotFeed::clients() const { return impl_->connected.load(); }

size_t CotFeed::subscribers() const { return impl_->hub.subscribers(); }

size_t CotFeed::reports_taken() const { return impl_->taken.load(); }

size_t CotFeed::reports_refused() const { return impl_->refused.load(); }

}  // namespace truceline::server

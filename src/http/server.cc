#include "http/server.h"

#include <condition_variable>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "http/acceptor.h"
#include "http/beast.h"
#include "http/client_address.h"
#include "http/event_stream.h"
#include "http/wire.h"

namespace truceline::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using error_code = boost::system::error_code;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

auto redirect(error_code& ec) { return asio::redirect_error(use_awaitable, ec); }

std::chrono::steady_clock::duration seconds(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

// Runs a pool route; a coroutine of its own so that co_spawn moves it to the pool and resumes the
// connection on its loop when it is done. Pointers: they outlive the call (the connection waits).
awaitable<void> run_route(const Router::Route* route, const Request* req, Response* res) {
  Router::run(*route, *req, *res);
  co_return;
}

// Ends a connection politely: a TLS close_notify, or a TCP half-close so that the client reads
// the whole answer before it sees the end.
awaitable<void> shut(beast::tcp_stream& s) {
  error_code ec;
  s.socket().shutdown(tcp::socket::shutdown_send, ec);
  co_return;
}
awaitable<void> shut(TlsStream& s) {
  error_code ec;
  beast::get_lowest_layer(s).expires_after(std::chrono::seconds(2));
  co_await s.async_shutdown(redirect(ec));
}

}  // namespace

struct Server::Impl {
  Impl(const Router& r, const ServerOptions& o) : router(r), opt(o), pool(o.handler_threads ? o.handler_threads : 1) {
    if (!opt.tls_cert.empty() || !opt.tls_key.empty()) load_tls();
    const size_t n = opt.io_threads ? opt.io_threads : std::max(1u, std::thread::hardware_concurrency());
    for (size_t i = 0; i < n; ++i) {
      loops.push_back(std::make_unique<asio::io_context>(1));
      work.push_back(std::make_unique<Work>(loops.back()->get_executor()));
    }
  }

  void load_tls();
  awaitable<void> accept_loop();
  awaitable<void> begin(tcp::socket sock);
  template <class S>
  awaitable<void> serve(std::shared_ptr<S> st, const std::string& peer);
  template <class S>
  awaitable<void> write(S& st, Response&& res, unsigned version, bool keep_alive, bool head, error_code& ec);
  template <class S>
  awaitable<void> stream_events(std::shared_ptr<S> st, Response res, unsigned version);
  template <class S>
  static awaitable<void> watch_close(std::shared_ptr<S> st, std::shared_ptr<EventStream> es);
  // Counts a connection for `ip`; false when that address holds max_conns_per_ip already.
  bool count_ip(const std::string& ip);
  void release_ip(const std::string& ip);

  // One connection's share of the limits, given back when the connection ends.
  class ConnSlot {
   public:
    ConnSlot(Impl& s) : s_(s) { over_ = ++s_.conns > s_.opt.max_connections; }
    ~ConnSlot() {
      --s_.conns;
      if (!ip_.empty()) s_.release_ip(ip_);
    }
    bool over() const { return over_; }
    // The connection is `ip`'s; false when that address is over its limit.
    bool claim(const std::string& ip) {
      if (!ip_.empty() || s_.opt.max_conns_per_ip == 0) return true;
      if (!s_.count_ip(ip)) return false;
      ip_ = ip;
      return true;
    }

   private:
    Impl& s_;
    bool over_;
    std::string ip_;
  };


  const Router& router;
  ServerOptions opt;
  std::optional<asio::ssl::context> tls;
  asio::thread_pool pool;
  using Work = asio::executor_work_guard<asio::io_context::executor_type>;
  std::vector<std::unique_ptr<asio::io_context>> loops;
  std::vector<std::unique_ptr<Work>> work;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  size_t next_loop = 0;
  std::atomic<size_t> conns{0}, streams{0};
  std::mutex ip_mu;
  std::unordered_map<std::string, size_t> per_ip;
  std::mutex state_mu;
  std::condition_variable state_cv;
  bool started = false, stopping = false, done = false;
};

void Server::Impl::load_tls() { tls.emplace(server_tls_context(opt.tls_cert, opt.tls_key)); }

bool Server::Impl::count_ip(const std::string& ip) {
  std::lock_guard lock(ip_mu);
  size_t& n = per_ip[ip];
  if (n >= opt.max_conns_per_ip) return false;
  ++n;
  return true;
}

void Server::Impl::release_ip(const std::string& ip) {
  std::lock_guard lock(ip_mu);
  if (auto it = per_ip.find(ip); it != per_ip.end() && --it->second == 0) per_ip.erase(it);
}

awaitable<void> Server::Impl::accept_loop() {
  for (;;) {
    asio::io_context& loop = *loops[next_loop++ % loops.size()];
    error_code ec;
    tcp::socket sock = co_await acceptor->async_accept(loop, redirect(ec));
    if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
    if (ec) {
      // Out of descriptors (EMFILE) and the like: wait a little rather than spin on accept.
      asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
      co_await pause.async_wait(redirect(ec));
      continue;
    }
    sock.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(loop, begin(std::move(sock)), asio::detached);
  }
}

awaitable<void> Server::Impl::begin(tcp::socket sock) {
  error_code ec;
  const std::string peer = sock.remote_endpoint(ec).address().to_string();
  if (ec) co_return;
  if (!tls) {
    co_await serve(std::make_shared<beast::tcp_stream>(std::move(sock)), peer);
    co_return;
  }
  auto st = std::make_shared<TlsStream>(beast::tcp_stream(std::move(sock)), *tls);
  // The handshake is part of what must arrive within the header deadline.
  beast::get_lowest_layer(*st).expires_after(seconds(opt.header_timeout_s));
  co_await st->async_handshake(asio::ssl::stream_base::server, redirect(ec));
  if (ec) co_return;
  co_await serve(st, peer);
}

template <class S>
awaitable<void> Server::Impl::serve(std::shared_ptr<S> st, const std::string& peer) {
  ConnSlot slot(*this);
  const bool proxied = std::find(opt.trusted_proxies.begin(), opt.trusted_proxies.end(), peer) != opt.trusted_proxies.end();
  const bool ip_ok = proxied || slot.claim(peer);
  beast::tcp_stream& tcp_layer = beast::get_lowest_layer(*st);
  beast::flat_buffer buf;
  error_code ec;
  for (int n = 1;; ++n) {
    if (n > 1 && buf.size() == 0) {
      // Between requests only the idle timeout runs; the header deadline starts with a byte.
      tcp_layer.expires_after(seconds(opt.keep_alive_timeout_s));
      const size_t got = co_await st->async_read_some(buf.prepare(4096), redirect(ec));
      if (ec) co_return;
      buf.commit(got);
    }
    tcp_layer.expires_after(seconds(opt.header_timeout_s));
    wire::Parser p;
    wire::configure(p, opt.limits);
    co_await bhttp::async_read_header(*st, buf, p, redirect(ec));
    Response res;
    if (ec) {
      if (wire::error_for(ec, opt.limits, res)) co_await write(*st, std::move(res), 11, false, false, ec);
      co_return;
    }
    const unsigned version = p.get().version();
    const bool head = p.get().method() == bhttp::verb::head;
    bool refused = !wire::check_header(p, opt.limits, res);
    if (!refused && slot.over()) {
      set_error(res, 503, "overloaded",
                "the server holds " + std::to_string(opt.max_connections) + " connections already; retry later");
      res.set_header("Retry-After", "1");
      refused = true;
    }
    const std::string client = client_address(peer, std::string(p.get()["X-Forwarded-For"]), opt.trusted_proxies);
    if (!refused && (!ip_ok || (proxied && !slot.claim(client)))) {
      set_error(res, 429, "too_many_connections",
                "this address holds " + std::to_string(opt.max_conns_per_ip) + " connections already; close one and retry");
      refused = true;
    }
    if (refused) {
      // The body, if any, stays unread: the connection cannot carry another request.
      co_await write(*st, std::move(res), version, false, head, ec);
      co_await shut(*st);
      co_return;
    }
    if (!p.is_done()) {
      if (beast::iequals(p.get()[bhttp::field::expect], "100-continue")) {
        static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        tcp_layer.expires_after(seconds(opt.write_timeout_s));
        co_await asio::async_write(*st, asio::buffer(kContinue), redirect(ec));
        if (ec) co_return;
      }
      // The body's deadline grows with its size: the header deadline, plus the body at min_rate.
      const double size = static_cast<double>(p.content_length().value_or(opt.limits.max_body));
      tcp_layer.expires_after(seconds(opt.header_timeout_s + size / opt.min_rate));
      co_await bhttp::async_read(*st, buf, p, redirect(ec));
      if (ec) {
        // A deadline passed (Beast has closed the socket), the client went, or the body was bad.
        if (wire::error_for(ec, opt.limits, res)) co_await write(*st, std::move(res), version, false, head, ec);
        co_return;
      }
    }
    const bool keep = p.get().keep_alive() && n < opt.keep_alive_max;
    Request req;
    if (!wire::to_request(p.release(), client, req, res)) {
      co_await write(*st, std::move(res), version, false, head, ec);
      co_return;
    }
    if (const Router::Route* route = router.find(req, res)) {
      if (route->where == Router::Where::loop) {
        Router::run(*route, req, res);
      } else {
        co_await asio::co_spawn(pool, run_route(route, &req, &res), use_awaitable);
      }
    }
    if (res.stream) {
      co_await stream_events(st, std::move(res), version);
      co_return;
    }
    co_await write(*st, std::move(res), version, keep, head, ec);
    if (ec) co_return;
    if (!keep) {
      co_await shut(*st);
      co_return;
    }
  }
}

template <class S>
awaitable<void> Server::Impl::write(S& st, Response&& res, unsigned version, bool keep_alive, bool head, error_code& ec) {
  auto msg = wire::to_beast(std::move(res), version, keep_alive, head);
  const double size = static_cast<double>(msg.body().size());
  beast::get_lowest_layer(st).expires_after(seconds(opt.write_timeout_s + size / opt.min_rate));
  co_await bhttp::async_write(st, msg, redirect(ec));
}

template <class S>
awaitable<void> Server::Impl::watch_close(std::shared_ptr<S> st, std::shared_ptr<EventStream> es) {
  // A reader sends nothing more on an event stream: the socket turns readable when it goes (FIN,
  // RST, TLS close_notify) or the server closes it, which ends the stream at once rather than at
  // its next write. A wait on the socket itself, not a read through Beast's stream, whose timer
  // (armed by each write's deadline) would cut a pending read.
  error_code ec;
  co_await beast::get_lowest_layer(*st).socket().async_wait(tcp::socket::wait_read, redirect(ec));
  es->close();
}

template <class S>
awaitable<void> Server::Impl::stream_events(std::shared_ptr<S> st, Response res, unsigned version) {
  std::shared_ptr<EventStream> es = res.stream;
  error_code ec;
  if (streams.load() >= opt.max_streams) {
    es->close();
    Response busy;
    set_error(busy, 503, "too_many_streams", "the server serves " + std::to_string(opt.max_streams) + " event streams already; retry later");
    busy.set_header("Retry-After", "5");
    co_await write(*st, std::move(busy), version, false, false, ec);
    co_await shut(*st);
    co_return;
  }
  ++streams;
  auto timer = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor);
  // Whatever ends this coroutine (the reader, the server's stop), the publisher must stop waking
  // a loop that may be gone.
  struct Detach {
    Impl& s;
    std::shared_ptr<EventStream> es;
    ~Detach() {
      es->close();
      es->set_waker(nullptr);
      --s.streams;
    }
  } detach{*this, es};

  bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(res.status), version};
  for (const auto& [k, v] : res.headers) head.insert(k, v);
  head.set(bhttp::field::content_type, "text/event-stream");
  head.set(bhttp::field::cache_control, "no-cache");
  head.set("X-Accel-Buffering", "no");  // nginx: pass events on as they come
  head.chunked(true);
  head.keep_alive(false);
  bhttp::response_serializer<bhttp::empty_body> sr{head};
  beast::tcp_stream& tcp_layer = beast::get_lowest_layer(*st);
  tcp_layer.expires_after(seconds(opt.write_timeout_s));
  co_await bhttp::async_write_header(*st, sr, redirect(ec));
  if (ec) co_return;
  tcp_layer.expires_never();
  es->set_waker([timer, ex = timer->get_executor()] { asio::post(ex, [timer] { timer->cancel(); }); });
  asio::co_spawn(timer->get_executor(), watch_close(st, es), asio::detached);

  // A comment at once, so that the reader sees the stream open, then one on every quiet interval.
  static const auto kKeepAlive = std::make_shared<const std::string>(": keep-alive\n\n");
  std::vector<SharedText> items{kKeepAlive};
  for (;;) {
    if (items.empty()) items = es->take();
    if (items.empty()) {
      if (es->closed()) break;
      timer->expires_after(seconds(opt.stream_keep_alive_s));
      co_await timer->async_wait(redirect(ec));
      if (ec) continue;  // woken: something was queued, or the stream closed
      items.push_back(kKeepAlive);
    }
    std::vector<asio::const_buffer> bufs;
    size_t size = 0;
    for (const SharedText& t : items) bufs.push_back(asio::buffer(*t)), size += t->size();
    tcp_layer.expires_after(seconds(opt.write_timeout_s + static_cast<double>(size) / opt.min_rate));
    co_await asio::async_write(*st, bhttp::make_chunk(bufs), redirect(ec));
    items.clear();
    if (ec) co_return;
    tcp_layer.expires_never();
  }
  tcp_layer.expires_after(seconds(opt.write_timeout_s));
  co_await asio::async_write(*st, bhttp::make_chunk_last(), redirect(ec));
  co_await shut(*st);
  error_code ignored;
  tcp_layer.socket().close(ignored);  // ends watch_close's read
}

Server::Server(const Router& router, const ServerOptions& opt) : impl_(std::make_unique<Impl>(router, opt)) {}

Server::~Server() { stop(); }

int Server::listen(const std::string& host, int port) {
  impl_->acceptor = listening_acceptor(*impl_->loops[0], host, port);
  return impl_->acceptor->local_endpoint().port();
}

void Server::start() {
  if (!impl_->acceptor) throw std::logic_error("Server::start before listen");
  asio::co_spawn(*impl_->loops[0], impl_->accept_loop(), asio::detached);
  for (auto& loop : impl_->loops) impl_->threads.emplace_back([l = loop.get()] { l->run(); });
  std::lock_guard lock(impl_->state_mu);
  impl_->started = true;
}

void Server::wait() {
  std::unique_lock lock(impl_->state_mu);
  impl_->state_cv.wait(lock, [this] { return impl_->done; });
}

void Server::stop() {
  {
    std::unique_lock lock(impl_->state_mu);
    if (impl_->stopping) {
      // Stopped by another thread (a signal, the destructor): return once it is done.
      impl_->state_cv.wait(lock, [this] { return impl_->done; });
      return;
    }
    impl_->stopping = true;
  }
  if (impl_->acceptor) {
    asio::post(*impl_->loops[0], [a = impl_->acceptor.get()] {
      error_code ec;
      a->close(ec);
    });
  }
  for (auto& w : impl_->work) w->reset();
  for (auto& loop : impl_->loops) loop->stop();
  for (auto& t : impl_->threads) t.join();
  impl_->pool.join();
  // Connections still open end with their loops: destroying the coroutines closes their sockets.
  impl_->acceptor.reset();
  impl_->loops.clear();
  std::lock_guard lock(impl_->state_mu);
  impl_->done = true;
  impl_->state_cv.notify_all();
}

bool Server::running() const {
  std::lock_guard lock(impl_->state_mu);
  return impl_->started && !impl_->stopping;
}

size_t Server::connections() const { return impl_->conns.load(); }
size_t Server::streams() const { return impl_->streams.load(); }

}  // namespace truceline::http

#include "server/cot_feed.h"

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

#include "http/acceptor.h"
#include "http/beast.h"
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

  // Takes what was read; `in_time`: still within token_wait_s.
  void take(const char* data, size_t n, bool in_time) {
    if (decided) return;
    bytes.append(data, n);
    const size_t nl = bytes.find('\n');
    // A TAK client opens with its own events (XML): no token. A line of 4 KiB is none either.
    if (bytes.front() == '<' || (nl == std::string::npos && bytes.size() > 4096)) {
      decided = true;
    } else if (nl != std::string::npos) {
      decided = true;
      if (in_time) token = token_of_line(bytes.substr(0, nl));
    }
    if (decided) bytes.clear();
  }
};

}  // namespace

struct CotFeed::Impl {
  struct Conn {
    explicit Conn(tcp::socket s, size_t max_queue)
        : sock(std::move(s)), timer(sock.get_executor()), stream(std::make_shared<http::EventStream>(max_queue)) {}
    tcp::socket sock;
    asio::steady_timer timer;
    std::shared_ptr<http::EventStream> stream;
    std::atomic<bool> subscribed = false;  // gets incidents (set on the worker)
  };

  Impl(const CotView& v, store::Store& s, const CotFeedOptions& o) : view(v), store(s), opt(o) {}

  awaitable<void> accept_loop() {
    for (;;) {
      error_code ec;
      tcp::socket sock = co_await acceptor->async_accept(redirect(ec));
      if (ec) {
        if (!acceptor->is_open()) co_return;
        continue;  // EMFILE and the like: the next accept may succeed
      }
      if (connected.load() >= opt.max_clients) continue;  // closed as `sock` goes
      auto c = std::make_shared<Conn>(std::move(sock), opt.max_queue);
      asio::co_spawn(io, write_loop(c), asio::detached);
      asio::co_spawn(io, read_loop(c), asio::detached);
    }
  }

  // Writes what is queued for the client until its stream closes or the client goes.
  awaitable<void> write_loop(std::shared_ptr<Conn> c) {
    ++connected;
    struct Detach {
      Impl& s;
      std::shared_ptr<Conn> c;
      ~Detach() {
        c->stream->close();
        c->stream->set_waker(nullptr);
        error_code ignored;
        c->sock.close(ignored);  // ends read_loop
        --s.connected;
      }
    } detach{*this, c};
    // Woken on the loop: a closed stream (the client fell behind, or the feed stops) also cuts a
    // write that a client who stopped reading would hold open for ever.
    std::weak_ptr<Conn> weak = c;
    c->stream->set_waker([weak, ex = io.get_executor()] {
      asio::post(ex, [weak] {
        const auto c = weak.lock();
        if (!c) return;
        c->timer.cancel();
        error_code ignored;
        if (c->stream->closed()) c->sock.cancel(ignored);
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

  // Reads the token line, if one comes in time, then discards what the client sends (TAK
  // clients send their own position and pings) until it goes.
  awaitable<void> read_loop(std::shared_ptr<Conn> c) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(opt.token_wait_s);
    FirstLine first;
    char data[4096];
    for (;;) {
      error_code ec;
      const size_t n = co_await c->sock.async_read_some(asio::buffer(data), redirect(ec));
      // A client that half-closes after its token (a relay's `echo token | …`) still reads: the
      // next write tells whether it is gone. One that gets no incidents has had all it will get.
      if (ec == asio::error::eof && c->subscribed) co_return;
      if (ec) break;
      if (first.decided) continue;
      first.take(data, n, std::chrono::steady_clock::now() <= deadline);
      if (first.token && !co_await asio::co_spawn(worker, authenticate(c, *first.token), use_awaitable)) break;
    }
    c->stream->close();
  }

  // On the worker: the token's caller, subscribed to the revisions it may read and sent the recent
  // ones. False for an unknown token.
  awaitable<bool> authenticate(std::shared_ptr<Conn> c, std::string token) {
    const auto who = caller_of_token_hash(store, store::sha256_hex(token));
    if (!who) co_return false;
    if (!may_read_incidents(*who)) co_return true;  // an observer: the shapes only
    // Subscribed before the list is read: a revision published in between comes in one or both,
    // and a TAK client takes the later of two events of one uid.
    hub.add(c->stream, reads_every_incident(*who), who->contingent);
    c->subscribed = true;
    const int64_t now = now_ms();
    for (std::string& e : view.incidents(*who, now - opt.recent_ms, now))
      c->stream->push({0, std::make_shared<const std::string>(std::move(e) + "\n")});
    co_return true;
  }

  const CotView& view;
  store::Store& store;
  CotFeedOptions opt;
  SseHub hub;  // the bound on a client's queue is its own stream's (Conn), made with max_queue
  std::atomic<size_t> connected = 0;
  std::atomic<bool> stopped = false;
  asio::thread_pool worker{1};
  // Declared last, destroyed first: the coroutines it still holds refer to the members above.
  asio::io_context io{1};
  std::unique_ptr<tcp::acceptor> acceptor;
  std::thread loop;
};

CotFeed::CotFeed(const CotView& view, store::Store& store, const CotFeedOptions& opt)
    : impl_(std::make_unique<Impl>(view, store, opt)) {}

CotFeed::~CotFeed() { stop(); }

int CotFeed::listen(const std::string& host, int port) {
  impl_->acceptor = http::listening_acceptor(impl_->io, host, port);
  return impl_->acceptor->local_endpoint().port();
}

void CotFeed::start() {
  if (!impl_->acceptor) throw std::logic_error("CotFeed::start before listen");
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->loop = std::thread([this] { impl_->io.run(); });
}

void CotFeed::stop() {
  if (impl_->stopped.exchange(true)) return;
  if (impl_->acceptor)
    asio::post(impl_->io, [this] {
      error_code ignored;
      impl_->acceptor->close(ignored);
    });
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

size_t CotFeed::clients() const { return impl_->connected.load(); }

size_t CotFeed::subscribers() const { return impl_->hub.subscribers(); }

}  // namespace truceline::server

#include "io/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <vector>

namespace truceline::io {

namespace {

// 1234567 bytes → "1.2 MB" (decimal units, as file managers show sizes).
std::string bytes_text(double b) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) b /= 1000, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  return buf;
}

// 1234567 → "1.23 M" for counts and rates of rows.
std::string count_text(double n) {
  char buf[32];
  if (n >= 1e6) std::snprintf(buf, sizeof buf, "%.2f M", n / 1e6);
  else if (n >= 1e4) std::snprintf(buf, sizeof buf, "%.1f k", n / 1e3);
  else std::snprintf(buf, sizeof buf, "%.0f", n);
  return buf;
}

// Seconds → "0:05", "12:34", "1:02:03".
std::string clock_text(double s) {
  const long t = std::lround(std::max(0.0, s));
  char buf[32];
  if (t >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  return buf;
}

std::string amount(const ProgressOptions& opt, double n) {
  return opt.bytes ? bytes_text(n) : count_text(n) + " " + opt.unit;
}

}  // namespace

std::string format_progress(const ProgressOptions& opt, uint64_t done, double elapsed_s) {
  const double rate = elapsed_s > 0 ? static_cast<double>(done) / elapsed_s : 0;
  std::string tail = "  " + amount(opt, static_cast<double>(done));
  if (opt.total > 0) tail += " / " + amount(opt, static_cast<double>(opt.total));
  tail += "  " + (opt.bytes ? bytes_text(rate) : count_text(rate) + " " + opt.unit) + "/s";
  if (opt.total == 0) return opt.label + tail;

  const double frac = std::min(1.0, static_cast<double>(done) / static_cast<double>(opt.total));
  char pct[16];
  std::snprintf(pct, sizeof pct, " %3d%%", static_cast<int>(frac * 100));
  tail = pct + tail;
  if (done >= opt.total) tail += "  " + clock_text(elapsed_s);
  else if (rate > 0) tail += "  ETA " + clock_text(static_cast<double>(opt.total - done) / rate);
  // The bar takes what the label and the figures leave of the line, at least 10 columns.
  const int room = opt.width - static_cast<int>(opt.label.size() + tail.size()) - 3;
  const int bar = std::max(10, room);
  const int full = static_cast<int>(frac * bar);
  return opt.label + " [" + std::string(full, '#') + std::string(bar - full, '.') + "]" + tail;
}

bool stderr_is_terminal() { return ::isatty(2) == 1; }

Progress::Progress(ProgressOptions opt, bool enabled, std::ostream* out)
    : opt_(std::move(opt)), enabled_(enabled), out_(out ? out : &std::cerr) {
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

Progress::~Progress() { finish(); }

void Progress::update(uint64_t done) {
  if (!enabled_) return;
  done_ = done;
  const auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - last_draw_).count() < opt_.interval_s) return;
  last_draw_ = now;
  draw(done, std::chrono::duration<double>(now - start_).count());
}

void Progress::finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  if (!drawn_) return;
  draw(opt_.total > 0 ? std::max(done_, opt_.total) : done_,
       std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  *out_ << "\n" << std::flush;
}

void Progress::clear() {
  if (!enabled_ || !drawn_ || finished_) return;
  *out_ << "\r\x1b[K" << std::flush;
}

void Progress::draw(uint64_t done, double elapsed_s) {
  // Carriage return and erase-to-end-of-line: the bar rewrites itself in place.
  *out_ << "\r" << format_progress(opt_, done, elapsed_s) << "\x1b[K" << std::flush;
  drawn_ = true;
}

// Reads through the wrapped buffer: single characters via a buffer of its own, bulk reads
// straight into the caller's memory, so the classify block reader pays no extra copy.
class CountingStream::Buf : public std::streambuf {
 public:
  Buf(std::streambuf* src, Progress& p) : src_(src), progress_(p), buf_(1 << 16) {}
  uint64_t count() const { return count_; }

 protected:
  int_type underflow() override {
    const std::streamsize n = src_->sgetn(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    if (n <= 0) return traits_type::eof();
    setg(buf_.data(), buf_.data(), buf_.data() + n);
    advance(n);
    return traits_type::to_int_type(buf_[0]);
  }

  std::streamsize xsgetn(char* s, std::streamsize n) override {
    std::streamsize got = std::min<std::streamsize>(n, egptr() - gptr());
    std::copy(gptr(), gptr() + got, s);
    gbump(static_cast<int>(got));
    if (got < n) {
      const std::streamsize more = src_->sgetn(s + got, n - got);
      if (more > 0) advance(more), got += more;
    }
    return got;
  }

 private:
  void advance(std::streamsize n) {
    count_ += static_cast<uint64_t>(n);
    progress_.update(count_);
  }
  std::streambuf* src_;
  Progress& progress_;
  std::vector<char> buf_;
  uint64_t count_ = 0;
};

CountingStream::CountingStream(std::istream& in, Progress& progress)
    : std::istream(nullptr), buf_(std::make_unique<Buf>(in.rdbuf(), progress)) {
  rdbuf(buf_.get());
}

CountingStream::~CountingStream() = default;

uint64_t CountingStream::bytes() const { return buf_->count(); }

}  // namespace truceline::io

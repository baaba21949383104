#pragma once
// A progress bar with rate and ETA on stderr for long commands (classify, import, incidents),
// drawn only when stderr is a terminal: a log file or a pipe gets nothing, so scripts see the
// same output whatever the input's size.
//
// The bar costs nothing in a hot loop: update() is meant to be called per block of input (the
// byte counter below calls it once per buffer refill), and it reads the clock and redraws at most
// every `interval_s`.
// Thread safety: one Progress per thread.
#include <chrono>
#include <cstdint>
#include <istream>
#include <memory>
#include <ostream>
#include <streambuf>
#include <string>

namespace truceline::io {

struct ProgressOptions {
  std::string label;           // "classify", "import"
  // The size of the work in units; 0 when unknown (stdin): the bar then shows the count and rate.
  uint64_t total = 0;
  // true: units are bytes, shown as kB, MB, GB; false: counts of `unit`.
  bool bytes = true;
  std::string unit = "rows";
  // At most one redraw per interval. DEFAULT: 0.1 s (10 redraws per second).
  double interval_s = 0.1;
  // Width of the whole line in columns. DEFAULT: 80.
  int width = 80;
};

// One line of the bar (no carriage return): "classify [#######.......]  45%  12.3/27.1 MB  3.2 MB/s  ETA 0:05".
// `elapsed_s` is the time since the start.
std::string format_progress(const ProgressOptions& opt, uint64_t done, double elapsed_s);

// true when file descriptor 2 is a terminal.
bool stderr_is_terminal();

class Progress {
 public:
  // Draws on `out` only when `enabled`; disabled, every call returns at once.
  explicit Progress(ProgressOptions opt, bool enabled = stderr_is_terminal(), std::ostream* out = nullptr);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  bool enabled() const { return enabled_; }
  // Records that `done` units are finished; redraws when the interval has passed.
  void update(uint64_t done);
  // Draws the final state and ends the line (only when something was drawn before: work that
  // ends within the first interval leaves the terminal untouched). Called by the destructor.
  void finish();
  // Erases the bar so that a message can be written on a clean line; the next update redraws it.
  void clear();

 private:
  void draw(uint64_t done, double elapsed_s);
  ProgressOptions opt_;
  bool enabled_;
  std::ostream* out_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  uint64_t done_ = 0;
  bool drawn_ = false, finished_ = false;
};

// A stream over another stream's buffer that counts the bytes read and reports them to a
// Progress once per refill of its buffer (and per bulk read, which it passes straight through).
class CountingStream : public std::istream {
 public:
  CountingStream(std::istream& in, Progress& progress);
  ~CountingStream() override;
  uint64_t bytes() const;

 private:
  class Buf;
  std::unique_ptr<Buf> buf_;
};

}  // namespace truceline::io

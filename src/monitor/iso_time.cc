// ISO 8601 / RFC 3339 times with an explicit offset ↔ UTC milliseconds (declared in observation.h).
//
// Pure arithmetic on the proleptic Gregorian calendar (Hinnant's days_from_civil): no locale, no
// time zone database, no dependence on TZ or on timegm, so a server anywhere reads a time the same.
#include <cstdio>
#include <string>

#include "monitor/observation.h"

namespace truceline::monitor {

namespace {

constexpr int64_t kMsPerDay = 86'400'000;

// Days since 1970-01-01 of a date in the proleptic Gregorian calendar (H. Hinnant,
// "chrono-Compatible Low-Level Date Algorithms"), exact for every year.
constexpr int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// The inverse of days_from_civil.
struct Civil {
  int64_t y;
  int m, d;
};
constexpr Civil civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2), m, d};
}

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(civil_from_days(19782).m == 2 && civil_from_days(19782).d == 29);  // 2024-02-29

constexpr bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr int days_in_month(int64_t y, int m) {
  constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// A left-to-right reader over the text; every read fails softly so the parser reads as the format.
class Cursor {
 public:
  explicit Cursor(const std::string& s) : s_(s) {}
  bool done() const { return i_ == s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  bool eat(char c) { return peek() == c ? (++i_, true) : false; }
  bool eat_any(const char* cs) {
    for (; *cs; ++cs)
      if (eat(*cs)) return true;
    return false;
  }
  // Exactly n ASCII digits.
  bool digits(int n, int& out) {
    out = 0;
    for (int k = 0; k < n; ++k, ++i_) {
      if (done() || s_[i_] < '0' || s_[i_] > '9') return false;
      out = out * 10 + (s_[i_] - '0');
    }
    return true;
  }
  // One or more digits of a fraction of a second → milliseconds, truncated (not rounded, so that
  // 59.9999 stays in its second).
  bool fraction_ms(int& ms) {
    ms = 0;
    int n = 0;
    for (; !done() && s_[i_] >= '0' && s_[i_] <= '9'; ++i_, ++n)
      if (n < 3) ms = ms * 10 + (s_[i_] - '0');
    for (int k = n; k < 3; ++k) ms *= 10;
    return n > 0;
  }

 private:
  const std::string& s_;
  size_t i_ = 0;
};

struct Fields {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  int offset_min = 0;  // local minus UTC
};

bool read_date(Cursor& c, Fields& f) {
  return c.digits(4, f.y) && c.eat('-') && c.digits(2, f.mo) && c.eat('-') && c.digits(2, f.d);
}

// HH:MM, then optionally :SS and a fraction.
bool read_clock(Cursor& c, Fields& f) {
  if (!(c.digits(2, f.h) && c.eat(':') && c.digits(2, f.mi))) return false;
  if (!c.eat(':')) return true;
  if (!c.digits(2, f.s)) return false;
  return !c.eat_any(".,") || c.fraction_ms(f.ms);
}

// Z, or ±HH:MM. An offset is required: a bare local time names no instant.
bool read_offset(Cursor& c, Fields& f) {
  if (c.eat_any("Zz")) return true;
  const char sign = c.peek();
  if (!c.eat_any("+-")) return false;
  int oh = 0, om = 0;
  if (!(c.digits(2, oh) && c.eat(':') && c.digits(2, om)) || oh > 23 || om > 59) return false;
  f.offset_min = (sign == '-' ? -1 : 1) * (oh * 60 + om);
  return true;
}

// Field ranges. Leap seconds (:60) are refused: UTC milliseconds cannot hold them.
bool valid(const Fields& f) {
  return f.mo >= 1 && f.mo <= 12 && f.d >= 1 && f.d <= days_in_month(f.y, f.mo) && f.h <= 23 &&
         f.mi <= 59 && f.s <= 59;
}

}  // namespace

std::optional<int64_t> parse_time_ms(const std::string& iso) {
  Cursor c(iso);
  Fields f;
  if (!read_date(c, f) || !c.eat_any("Tt") || !read_clock(c, f) || !read_offset(c, f) || !c.done() ||
      !valid(f))
    return std::nullopt;
  const int64_t local_min = days_from_civil(f.y, f.mo, f.d) * 1440 + f.h * 60 + f.mi;
  return (local_min - f.offset_min) * 60'000 + f.s * 1000 + f.ms;
}

std::string format_time_ms(int64_t ms) {
  // Floor division, so that times before 1970 fall in the right day.
  int64_t days = ms / kMsPerDay, rem = ms % kMsPerDay;
  if (rem < 0) rem += kMsPerDay, --days;
  const Civil c = civil_from_days(days);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", static_cast<long long>(c.y), c.m,
                c.d, static_cast<int>(rem / 3'600'000), static_cast<int>(rem / 60'000 % 60),
                static_cast<int>(rem / 1000 % 60), static_cast<int>(rem % 1000));
  return buf;
}

}  // namespace truceline::monitor

#pragma once
// Little-endian binary encoding for files truceline writes and reads back itself (the compiled
// plan, docs/plan-format.md): fixed-width integers and IEEE doubles, strings and arrays prefixed
// by their length as a u64, and arrays of plain records copied whole.
//
// The hosts truceline builds on are little-endian, so a value's bytes in memory are its bytes in
// the file; a big-endian host is refused at compile time rather than given byte swaps no test runs.
// Records copied whole must have no padding (every byte a field), which each caller asserts with
// `static_assert(io::packed<T>(sizeof fields...))`, so that the file holds no undefined byte.
//
// ByteReader never reads past its end: a short or malformed input throws DecodeError, which the
// caller turns into an error naming its file.
#include <bit>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace truceline::io {

static_assert(std::endian::native == std::endian::little, "the binary formats assume a little-endian host");

// The input ends early or holds a value that cannot be right (a length past the end).
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// True when T is exactly as large as its fields: no padding to leave undefined in a file.
template <class T>
constexpr bool packed(size_t field_bytes) {
  return sizeof(T) == field_bytes;
}

class ByteWriter {
 public:
  void u8(uint8_t v) { raw(&v, 1); }
  void u32(uint32_t v) { raw(&v, 4); }
  void i32(int32_t v) { raw(&v, 4); }
  void u64(uint64_t v) { raw(&v, 8); }
  void i64(int64_t v) { raw(&v, 8); }
  void f64(double v) { raw(&v, 8); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void str(std::string_view s) {
    u64(s.size());
    raw(s.data(), s.size());
  }
  void strings(const std::vector<std::string>& v) {
    u64(v.size());
    for (const auto& s : v) str(s);
  }
  // An array of plain records, copied whole (see the note on padding above).
  template <class T>
  void records(const std::vector<T>& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    u64(v.size());
    raw(v.data(), v.size() * sizeof(T));
  }
  void raw(const void* p, size_t n) { buf_.append(static_cast<const char*>(p), n); }

  const std::string& bytes() const { return buf_; }
  std::string take() { return std::move(buf_); }

 private:
  std::string buf_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  uint8_t u8() { return fixed<uint8_t>(); }
  uint32_t u32() { return fixed<uint32_t>(); }
  int32_t i32() { return fixed<int32_t>(); }
  uint64_t u64() { return fixed<uint64_t>(); }
  int64_t i64() { return fixed<int64_t>(); }
  double f64() { return fixed<double>(); }
  bool boolean() {
    const uint8_t v = u8();
    if (v > 1) throw DecodeError("a flag is neither 0 nor 1");
    return v == 1;
  }
  std::string str() { return std::string(view(count(1))); }
  std::vector<std::string> strings() {
    std::vector<std::string> v(count(8));
    for (auto& s : v) s = str();
    return v;
  }
  template <class T>
  std::vector<T> records() {
    static_assert(std::is_trivially_copyable_v<T>);
    const size_t n = count(sizeof(T));
    std::vector<T> v(n);
    if (n) std::memcpy(v.data(), take(n * sizeof(T)), n * sizeof(T));
    return v;
  }
  // A length prefix, checked against what is left: each element takes at least `min_bytes`.
  size_t count(size_t min_bytes) {
    const uint64_t n = u64();
    if (min_bytes && n > remaining() / min_bytes) throw DecodeError("a length runs past the end of the data");
    return static_cast<size_t>(n);
  }
  std::string_view view(size_t n) { return {take(n), n}; }

  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }

 private:
  const char* take(size_t n) {
    if (n > remaining()) throw DecodeError("the data ends early");
    const char* p = data_.data() + pos_;
    pos_ += n;
    return p;
  }
  template <class T>
  T fixed() {
    T v;
    std::memcpy(&v, take(sizeof v), sizeof v);
    return v;
  }

  std::string_view data_;
  size_t pos_ = 0;
};

}  // namespace truceline::io

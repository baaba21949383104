#pragma once
// RAII over libpq: a connection and its results. A Conn is used by one thread at a time.
#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace truceline::store::pg {

// The URI with its password hidden, for messages.
std::string redact(const std::string& uri);

class Result {
 public:
  explicit Result(PGresult* r) : r_(r) {}
  int rows() const { return PQntuples(r_.get()); }
  // The command tag: "COMMIT", "INSERT 0 1", …
  std::string status() const { return PQcmdStatus(r_.get()); }
  bool null(int row, int col) const { return PQgetisnull(r_.get(), row, col); }
  std::string text(int row, int col) const;
  int64_t int64(int row, int col) const;
  std::optional<double> real(int row, int col) const;

 private:
  struct Clear {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  std::unique_ptr<PGresult, Clear> r_;
};

// A parameter in text form; nullopt is SQL NULL.
using Param = std::optional<std::string>;
Param param(int64_t v);
Param param(std::optional<double> v);
inline Param param(double v) { return param(std::optional<double>(v)); }  // not the int64_t one
inline Param param(const std::string& v) { return v; }

// Appends `v` as one field of COPY's text format: backslash, newline, carriage return and tab
// escaped; nullopt as \N.
void append_copy_field(std::string& out, const char* v);

class Conn {
 public:
  // Connects; throws StoreError naming the (redacted) URI.
  explicit Conn(const std::string& uri);
  ~Conn() { PQfinish(c_); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  // Runs one statement (or, without parameters, several); throws StoreError on failure.
  Result exec(const std::string& sql, const std::vector<Param>& params = {});
  // One statement with parameters already in text form (nullptr is SQL NULL); no copies made.
  Result exec_values(const std::string& sql, const std::vector<const char*>& values);
  // Runs `copy_sql` (COPY … FROM STDIN) and sends rows in COPY's text format, piece by piece:
  // `next_piece` fills its (empty) argument and returns whether more follow. Throws StoreError
  // on failure.
  void copy_in(const std::string& copy_sql, const std::function<bool(std::string&)>& next_piece);
  // Connected and outside any transaction: fit to lend to the next caller.
  bool healthy() const { return PQstatus(c_) == CONNECTION_OK && PQtransactionStatus(c_) == PQTRANS_IDLE; }
  // Reconnects after the server dropped the connection.
  void ensure_connected();
  // The SQLSTATE of the last failed exec ("" when none).
  const std::string& last_state() const { return state_; }

 private:
  [[noreturn]] void fail(const std::string& doing, const PGresult* r);

  std::string uri_;
  PGconn* c_ = nullptr;
  std::string state_;
};

}  // namespace truceline::store::pg

#include "store/pg_conn.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <regex>

#include "store/store.h"

namespace truceline::store::pg {

std::string redact(const std::string& uri) {
  static const std::regex password(R"((://[^:/@]*:)[^@]*@)");
  static const std::regex query_password(R"(([?&]password=)[^&]*)");
  return std::regex_replace(std::regex_replace(uri, password, "$1***@"), query_password, "$1***");
}

std::string Result::text(int row, int col) const {
  return std::string(PQgetvalue(r_.get(), row, col), static_cast<size_t>(PQgetlength(r_.get(), row, col)));
}

int64_t Result::int64(int row, int col) const {
  const char* p = PQgetvalue(r_.get(), row, col);
  int64_t v = 0;
  std::from_chars(p, p + PQgetlength(r_.get(), row, col), v);
  return v;
}

std::optional<double> Result::real(int row, int col) const {
  if (null(row, col)) return std::nullopt;
  const char* p = PQgetvalue(r_.get(), row, col);
  double v = 0;
  std::from_chars(p, p + PQgetlength(r_.get(), row, col), v);
  return v;
}

Param param(int64_t v) { return std::to_string(v); }

Param param(std::optional<double> v) {
  if (!v) return std::nullopt;
  char buf[32];
  // Shortest text that reads back as the same double: the column keeps every bit.
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *v);
  return std::string(buf, end);
}

Conn::Conn(const std::string& uri) : uri_(uri), c_(PQconnectdb(uri.c_str())) {
  if (PQstatus(c_) != CONNECTION_OK) {
    std::string msg = c_ ? PQerrorMessage(c_) : "out of memory";
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    PQfinish(c_);
    throw StoreError("cannot connect to PostgreSQL database '" + redact(uri) + "': " + msg);
  }
  // Shortest exact float output (the PostgreSQL 12+ default), quiet notices.
  PQclear(PQexec(c_, "SET extra_float_digits = 1; SET client_min_messages = warning"));
}

void Conn::ensure_connected() {
  if (PQstatus(c_) == CONNECTION_OK) return;
  PQreset(c_);
  if (PQstatus(c_) != CONNECTION_OK)
    throw StoreError("lost the connection to PostgreSQL database '" + redact(uri_) + "': " + PQerrorMessage(c_));
}

Result Conn::exec(const std::string& sql, const std::vector<Param>& params) {
  std::vector<const char*> values;
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  PGresult* r = params.empty() ? PQexec(c_, sql.c_str())
                               : PQexecParams(c_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                              values.data(), nullptr, nullptr, 0);
  const ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(sql.substr(0, 60), r);
  state_.clear();
  return Result(r);
}

Result Conn::exec_values(const std::string& sql, const std::vector<const char*>& values) {
  PGresult* r = PQexecParams(c_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr,
                             nullptr, 0);
  const ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) fail(sql.substr(0, 60), r);
  state_.clear();
  return Result(r);
}

void append_copy_field(std::string& out, const char* v) {
  if (!v) {
    out += "\\N";
    return;
  }
  // Runs between the characters to escape go in whole (strcspn scans them many bytes at a time):
  // COPY data is mostly JSON without any.
  for (;;) {
    const size_t run = std::strcspn(v, "\\\n\r\t");
    out.append(v, run);
    v += run;
    switch (*v) {
      case '\0': return;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += "\\t"; break;
    }
    ++v;
  }
}

void Conn::copy_in(const std::string& copy_sql, const std::function<bool(std::string&)>& next_piece) {
  PGresult* start = PQexec(c_, copy_sql.c_str());
  if (PQresultStatus(start) != PGRES_COPY_IN) fail(copy_sql.substr(0, 60), start);
  PQclear(start);
  // Each piece goes out as soon as it is made: the server stores the rows of one while the next
  // is being made. A throw from next_piece ends the COPY with an error, which rolls it back.
  std::string piece;
  try {
    for (bool more = true; more;) {
      piece.clear();
      more = next_piece(piece);
      if (!piece.empty() && PQputCopyData(c_, piece.data(), static_cast<int>(piece.size())) != 1)
        fail("sending COPY data", nullptr);
    }
  } catch (...) {
    PQputCopyEnd(c_, "the client gave up");
    while (PGresult* extra = PQgetResult(c_)) PQclear(extra);
    throw;
  }
  if (PQputCopyEnd(c_, nullptr) != 1) fail("ending COPY", nullptr);
  // The COPY's own result, then nothing: every result must be read before the next command.
  PGresult* r = PQgetResult(c_);
  const ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK) {
    while (PGresult* extra = PQgetResult(c_)) PQclear(extra);
    fail(copy_sql.substr(0, 60), r);
  }
  PQclear(r);
  while (PGresult* extra = PQgetResult(c_)) PQclear(extra);
  state_.clear();
}

void Conn::fail(const std::string& doing, const PGresult* r) {
  const char* code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  state_ = code ? code : "";
  std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  PQclear(const_cast<PGresult*>(r));
  throw StoreError("PostgreSQL database '" + redact(uri_) + "': " + msg + " (running " + doing + ")");
}

}  // namespace truceline::store::pg

#pragma once
// RAII over sqlite3 connections and statements. A Db is used by one thread at a time; its
// prepared statements are cached by SQL text.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "store/query_sql.h"

namespace truceline::store::sqlite {

class Db;

class Stmt {
 public:
  Stmt(Db& db, const std::string& sql);
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Clears bindings and the previous run; every use starts with this.
  Stmt& reset();
  Stmt& bind(int i, const std::string& v);
  Stmt& bind(int i, int64_t v);
  Stmt& bind(int i, double v) { return bind(i, std::optional<double>(v)); }  // not the int64_t one
  Stmt& bind(int i, std::optional<double> v);
  Stmt& bind(int i, const SqlParam& v);
  // Without a copy: `v` must stay unchanged until the statement is reset.
  Stmt& bind_static(int i, const std::string& v);
  Stmt& bind_static(int i, int64_t v) { return bind(i, v); }
  // As a BLOB, without a copy (the same lifetime rule as bind_static).
  Stmt& bind_blob_static(int i, const std::string& v);
  // True while there is a row.
  bool step();
  void run() { step(); }

  std::string text(int col) const;
  std::string blob(int col) const;
  int64_t int64(int col) const { return sqlite3_column_int64(s_, col); }
  std::optional<double> real(int col) const;

 private:
  Db& db_;
  sqlite3_stmt* s_ = nullptr;
};

class Db {
 public:
  // Opens (creating when `create`) the file with the durability settings every connection needs:
  // synchronous=FULL and a busy timeout.
  Db(const std::string& path, bool create);
  ~Db() { sqlite3_close_v2(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(const std::string& sql);
  // Puts the file in WAL mode, then runs `schema` in one write transaction; either waits for
  // other connections opening or writing the same file, up to the busy timeout.
  void open_wal(const std::string& schema);
  Stmt& cached(const std::string& sql);
  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }
  bool healthy() const { return true; }
  [[noreturn]] void fail(const std::string& doing) const;

 private:
  std::string path_;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> stmts_;
};

}  // namespace truceline::store::sqlite

#pragma once
// Typed errors shared by every module. Each names what failed so that the CLI can print one line
// with the file, the feature or field, and the fix.
#include <stdexcept>
#include <string>

namespace truceline {

// An input file or value is wrong. `where` is "file", "file:line" or "file: feature 3 (id)".
class InputError : public std::runtime_error {
 public:
  InputError(std::string where, const std::string& what, std::string fix = {})
      : std::runtime_error(where.empty() ? what : where + ": " + what + (fix.empty() ? "" : "; " + fix)),
        where_(std::move(where)), fix_(std::move(fix)) {}
  const std::string& where() const { return where_; }
  const std::string& fix() const { return fix_; }

 private:
  std::string where_;
  std::string fix_;
};

// A geometric operation failed (GEOS returned an error, an input was degenerate).
class GeometryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace truceline

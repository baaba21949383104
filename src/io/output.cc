#include "io/output.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "geo/errors.h"

namespace truceline::io {
namespace fs = std::filesystem;

namespace {
fs::path sibling(const fs::path& p, const std::string& tag) {
  fs::path parent = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  return parent / ("." + p.filename().string() + "." + tag + "-" + std::to_string(getpid()));
}

void write_plain(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) throw InputError(path.string(), "cannot write the file", "check the directory exists and is writable");
}
}  // namespace

void write_stream_atomic(const fs::path& path, const std::function<void(std::ostream&)>& write) {
  const fs::path tmp = sibling(path, "tmp");
  std::error_code ec;
  try {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError(path.string(), "cannot write the file", "check the directory exists and is writable");
    write(out);
    out.close();
    if (!out) throw InputError(path.string(), "cannot write the file", "check the disk space");
    fs::rename(tmp, path);
  } catch (const fs::filesystem_error& e) {
    fs::remove(tmp, ec);
    throw InputError(path.string(), std::string("cannot write the file: ") + e.what(), "check the path and its permissions");
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
}

void write_file_atomic(const fs::path& path, const std::string& content) {
  write_stream_atomic(path, [&](std::ostream& out) { out.write(content.data(), static_cast<std::streamsize>(content.size())); });
}

void write_dir_atomic(const fs::path& dir, const std::map<std::string, std::string>& files) {
  const fs::path tmp = sibling(dir, "partial");
  const fs::path old = sibling(dir, "old");
  std::error_code ec;
  try {
    fs::remove_all(tmp, ec);
    if (!fs::create_directories(tmp))
      throw InputError(dir.string(), "cannot create the output directory", "check the parent is writable");
    for (const auto& [name, content] : files) write_plain(tmp / name, content);
    if (fs::exists(dir)) fs::rename(dir, old);
    fs::rename(tmp, dir);
    fs::remove_all(old, ec);
  } catch (const fs::filesystem_error& e) {
    fs::remove_all(tmp, ec);
    if (!fs::exists(dir) && fs::exists(old)) fs::rename(old, dir, ec);
    throw InputError(dir.string(), std::string("cannot write the output directory: ") + e.what(),
                     "check the path and its permissions");
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), "cannot open the file", "check the path (relative paths in a plan are taken from the plan's folder)");
  // One read into a string of the file's size: a compiled plan is tens of MB, and a stream copy
  // through ostringstream took three times as long. Anything whose size is unknown (a pipe) goes
  // through the stream.
  std::error_code ec;
  const auto size = fs::is_regular_file(path, ec) ? fs::file_size(path, ec) : 0;
  if (!ec && size > 0) {
    std::string out(size, '\0');
    in.read(out.data(), static_cast<std::streamsize>(size));
    out.resize(static_cast<size_t>(in.gcount()));
    if (in.peek() == std::char_traits<char>::eof()) return out;  // else it grew: read the rest
    std::ostringstream rest;
    rest << in.rdbuf();
    return out + rest.str();
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace truceline::io

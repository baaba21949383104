#include "io/durable.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

namespace truceline::io {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& what) { throw std::system_error(errno, std::generic_category(), what); }

// A file descriptor closed when it goes out of scope, whatever the path out.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, so that a failing close (a delayed write error) is seen.
  void close(const std::string& what) {
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("close " + what);
  }

 private:
  int fd_;
};

void write_all(int fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write " + what);
    data.remove_prefix(static_cast<size_t>(n));
  }
}

// A rename is durable only once the directory holding the new name is on disk too.
void sync_directory(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) fail("open " + dir.string());
  if (::fsync(fd.get()) != 0) fail("fsync " + dir.string());
}

}  // namespace

void replace_durably(const fs::path& path, std::string_view data) {
  const fs::path tmp = path.string() + ".tmp";
  Fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) fail("open " + tmp.string());
  write_all(fd.get(), data, tmp.string());
  if (::fsync(fd.get()) != 0) fail("fsync " + tmp.string());
  fd.close(tmp.string());
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("rename " + tmp.string());
  sync_directory(path.parent_path().empty() ? fs::path(".") : path.parent_path());
}

void append_durably(const fs::path& path, std::string_view data) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (fd.get() < 0) fail("open " + path.string());
  write_all(fd.get(), data, path.string());
  if (::fsync(fd.get()) != 0) fail("fsync " + path.string());
  fd.close(path.string());
}

void create_durably(const fs::path& path, std::string_view data, int mode) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (fd.get() < 0) fail("create " + path.string());
  try {
    write_all(fd.get(), data, path.string());
    if (::fsync(fd.get()) != 0) fail("fsync " + path.string());
    fd.close(path.string());
  } catch (...) {
    ::unlink(path.c_str());  // nothing half-written left behind
    throw;
  }
  sync_directory(path.parent_path().empty() ? fs::path(".") : path.parent_path());
}

}  // namespace truceline::io

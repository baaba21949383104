#pragma once
// All-or-nothing outputs: files are written beside their destination and renamed into place,
// so a failure leaves either the previous output or nothing, never a half-written one.
#include <filesystem>
#include <functional>
#include <map>
#include <ostream>
#include <string>

namespace truceline::io {

// Lets `write` stream into a temporary file beside `path`, then renames it into place. If `write`
// throws, or the file cannot be written, the temporary file is removed and `path` is untouched.
void write_stream_atomic(const std::filesystem::path& path, const std::function<void(std::ostream&)>& write);

// Writes `content` to `path` the same way.
void write_file_atomic(const std::filesystem::path& path, const std::string& content);

// Replaces directory `dir` by one holding exactly `files` (name → content). The new directory is
// filled under a temporary name first; `dir` changes only once every file is written.
void write_dir_atomic(const std::filesystem::path& dir, const std::map<std::string, std::string>& files);

// Reads a whole file; throws InputError naming the file when it cannot be read.
std::string read_file(const std::filesystem::path& path);

}  // namespace truceline::io

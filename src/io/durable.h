#pragma once
// Files that must survive a crash whole: written, fsync'd, renamed into place and the directory
// fsync'd, so that after a crash the file is the old one or the new one, never a mix — what a
// witness's state, an auditor's state and a private key need. (io/output.h renames without
// syncing: enough for outputs that can be made again.)
#include <filesystem>
#include <string_view>

namespace truceline::io {

// Replaces `path` by `data`; throws std::system_error naming the step that failed.
void replace_durably(const std::filesystem::path& path, std::string_view data);
// Appends `data` to `path` (created when missing) and syncs it.
void append_durably(const std::filesystem::path& path, std::string_view data);
// Creates `path` with `mode`, never over an existing file, holding `data`, synced; on failure
// removes what it made. Throws std::system_error (EEXIST when the file exists).
void create_durably(const std::filesystem::path& path, std::string_view data, int mode);

}  // namespace truceline::io

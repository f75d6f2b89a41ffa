#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace pgu {

// Replaces `file` with `content` so that a crash leaves either the old or the new file, never a
// mix: temporary file, fsync, rename, fsync of the folder. The file gets `mode`.
void write_file_atomically(const std::filesystem::path& file, std::string_view content,
                           std::filesystem::perms mode = std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

// Creates `dir` and its parents; the last one gets owner-only permissions.
void create_private_directory(const std::filesystem::path& dir);

// An empty file only the owner can read, for data a child process then writes into.
void create_private_file(const std::filesystem::path& file);

std::string read_text_file(const std::filesystem::path& file);

// Lowercase hex SHA-256 of a file's contents, read in chunks.
std::string sha256_file(const std::filesystem::path& file);

} // namespace pgu

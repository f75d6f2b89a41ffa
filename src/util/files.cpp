#include "util/files.hpp"

#include "util/error.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace pgu {

namespace {

struct FileDescriptor {
  explicit FileDescriptor(int value) : fd(value) {}
  ~FileDescriptor()
  {
    if (fd >= 0) {
      ::close(fd);
    }
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int fd;
};

void fail_io(const std::string& what, const std::filesystem::path& path)
{
  throw failure(fmt::format("{} {}: {}", what, path.string(), std::strerror(errno)));
}

} // namespace

void write_file_atomically(const std::filesystem::path& file, std::string_view content, std::filesystem::perms mode)
{
  const auto temporary = file.parent_path() / fmt::format(".{}.tmp.{}", file.filename().string(), ::getpid());
  {
    FileDescriptor out(::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (out.fd < 0) {
      fail_io("cannot write", temporary);
    }
    std::size_t written = 0;
    while (written < content.size()) {
      const auto n = ::write(out.fd, content.data() + written, content.size() - written);
      if (n < 0) {
        fail_io("cannot write", temporary);
      }
      written += static_cast<std::size_t>(n);
    }
    if (::fsync(out.fd) != 0) {
      fail_io("cannot sync", temporary);
    }
  }
  std::filesystem::permissions(temporary, mode);
  if (::rename(temporary.c_str(), file.c_str()) != 0) {
    fail_io("cannot replace", file);
  }
  FileDescriptor dir(::open(file.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.fd >= 0) {
    ::fsync(dir.fd);
  }
}

void create_private_directory(const std::filesystem::path& dir)
{
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
}

void create_private_file(const std::filesystem::path& file)
{
  FileDescriptor out(::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (out.fd < 0) {
    fail_io("cannot create", file);
  }
}

std::string read_text_file(const std::filesystem::path& file)
{
  std::ifstream in(file);
  if (!in) {
    fail_io("cannot read", file);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string sha256_file(const std::filesystem::path& file)
{
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    fail_io("cannot read", file);
  }
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr);
  std::array<char, 1 << 16> buffer{};
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
    EVP_DigestUpdate(context.get(), buffer.data(), static_cast<std::size_t>(in.gcount()));
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_DigestFinal_ex(context.get(), digest.data(), &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += fmt::format("{:02x}", digest[i]);
  }
  return hex;
}

} // namespace pgu

#include "util/output.hpp"

#include "util/secrets.hpp"

#include <iostream>
#include <mutex>

#include <unistd.h>

namespace pgu {

namespace {

std::mutex writing;
// A progress line on the terminal that the next line must end first.
bool progress_open = false;

} // namespace

Output::Output(std::ostream& out, std::ostream& err, bool quiet)
  : out_(out),
    err_(err),
    quiet_(quiet),
    live_(&out == &std::cout && ::isatty(STDOUT_FILENO) == 1)
{
}

void Output::write(std::ostream& stream, std::string_view prefix, std::string_view message) const
{
  const auto masked = secrets().mask(message);
  const std::scoped_lock lock(writing);
  if (progress_open) {
    out_ << '\n';
    out_.flush();
    progress_open = false;
  }
  std::string_view rest = masked;
  // A multi-line message keeps Dokku's shape: every line gets the prefix.
  while (true) {
    const auto newline = rest.find('\n');
    stream << prefix << rest.substr(0, newline) << '\n';
    if (newline == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(newline + 1);
  }
  stream.flush();
}

void Output::step(std::string_view message) const
{
  if (!quiet_) {
    write(out_, "-----> ", message);
  }
}

void Output::section(std::string_view message) const
{
  if (!quiet_) {
    write(out_, "=====> ", message);
  }
}

void Output::detail(std::string_view message) const
{
  if (!quiet_) {
    write(out_, "       ", message);
  }
}

void Output::warn(std::string_view message) const
{
  write(err_, " !     ", message);
}

void Output::error(std::string_view message) const
{
  write(err_, " !     ", message);
}

void Output::plain(std::string_view message) const
{
  write(out_, "", message);
}

void Output::progress(std::string_view message) const
{
  if (!live()) {
    detail(message);
    return;
  }
  const auto masked = secrets().mask(message);
  const std::scoped_lock lock(writing);
  // \r and "erase to end of line": the line is rewritten in place until another line comes.
  out_ << "\r       " << masked << "\x1b[K";
  out_.flush();
  progress_open = true;
}

} // namespace pgu

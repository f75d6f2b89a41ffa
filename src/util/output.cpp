#include "util/output.hpp"

#include "util/secrets.hpp"

#include <ostream>

namespace pgu {

Output::Output(std::ostream& out, std::ostream& err, bool quiet)
  : out_(out),
    err_(err),
    quiet_(quiet)
{
}

void Output::write(std::ostream& stream, std::string_view prefix, std::string_view message)
{
  const auto masked = secrets().mask(message);
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

} // namespace pgu

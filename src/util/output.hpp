#pragma once

#include <iosfwd>
#include <string_view>

namespace pgu {

// Dokku's log line shapes (plugins/common/functions): "-----> " for a step, "=====> " for a
// section header, seven spaces for detail, " !     " on stderr for warnings and errors.
// Everything written passes through the secret mask; --quiet silences all but warnings and
// errors, as Dokku's *_quiet helpers do.
class Output {
public:
  Output(std::ostream& out, std::ostream& err, bool quiet = false);

  void step(std::string_view message) const;    // -----> message
  void section(std::string_view message) const; // =====> message
  void detail(std::string_view message) const;  //        message
  void warn(std::string_view message) const;    //  !     message (stderr)
  void error(std::string_view message) const;   //  !     message (stderr, never silenced)
  void plain(std::string_view message) const;   // the line as it is (stdout)
  // A detail line that a terminal shows rewritten in place; elsewhere an ordinary detail line.
  void progress(std::string_view message) const;
  // Whether progress lines are rewritten in place, so they may come often.
  bool live() const { return live_ && !quiet_; }

  bool quiet() const { return quiet_; }
  std::ostream& out() const { return out_; }

private:
  // Whole lines, one writer at a time: steps may run side by side.
  void write(std::ostream& stream, std::string_view prefix, std::string_view message) const;

  std::ostream& out_;
  std::ostream& err_;
  bool quiet_;
  bool live_;
};

} // namespace pgu

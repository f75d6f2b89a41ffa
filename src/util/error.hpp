#pragma once

#include "util/exit_code.hpp"

#include <stdexcept>
#include <string>

namespace pgu {

// An error that ends the command: its message becomes one ` !     ` line on stderr and its
// code the exit status.
class Error : public std::runtime_error {
public:
  Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}

  ExitCode code() const { return code_; }

private:
  ExitCode code_;
};

inline Error usage_error(const std::string& message) { return {ExitCode::usage, message}; }
inline Error failure(const std::string& message) { return {ExitCode::failure, message}; }

} // namespace pgu

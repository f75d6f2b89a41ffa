#pragma once

#include "util/command.hpp"

#include <chrono>
#include <cstdint>
#include <functional>

namespace pgu {

struct PipeResult {
  CommandResult producer;
  CommandResult consumer;
  std::uint64_t bytes = 0;
  bool timed_out = false;

  bool ok() const { return producer.ok() && consumer.ok() && !timed_out; }
};

using PipeProgress = std::function<void(std::uint64_t bytes, std::chrono::duration<double> elapsed)>;

// producer | consumer, with the bytes passing through this process in a fixed-size buffer so
// they can be counted (progress) without ever holding the stream in memory. Both stderrs and
// exit statuses are kept; the time limit is the producer's. progress is called about every
// second.
PipeResult run_pipe(const Command& producer, const Command& consumer, const PipeProgress& progress);

} // namespace pgu

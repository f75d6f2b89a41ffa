#pragma once

#include "upgrade/plan.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pgu::upgrade {

enum class StepState { pending, running, done, failed, undone, skipped };

std::string to_string(StepState state);
StepState step_state_from(const std::string& text);

struct StepRecord {
  std::string name;
  StepState state = StepState::pending;
  std::string started;
  std::string ended;
  double seconds = 0;
  std::string detail;
};

// The upgrade's state on disk, one per app, rewritten atomically before and after every step.
// It holds the plan and the facts steps recorded, never a secret.
struct JournalRecord {
  int format = 1;
  std::string app;
  std::string run_id;
  long pid = 0;
  std::string helper_version;
  std::string started;
  std::string updated;
  std::string state; // running, done, failed, rolled-back, interrupted
  std::string error;
  Plan plan;
  std::vector<StepRecord> steps;
  std::map<std::string, std::string> facts;

  StepRecord* step(const std::string& name);
  const StepRecord* step(const std::string& name) const;
};

std::string to_toml(const JournalRecord& record);
JournalRecord journal_from_toml(const std::string& text);

class Journal {
public:
  Journal(std::filesystem::path file, JournalRecord record) : file_(std::move(file)), record_(std::move(record)) {}

  static std::optional<JournalRecord> load(const std::filesystem::path& file);

  JournalRecord& record() { return record_; }
  const std::filesystem::path& file() const { return file_; }
  void save();

private:
  std::filesystem::path file_;
  JournalRecord record_;
};

} // namespace pgu::upgrade

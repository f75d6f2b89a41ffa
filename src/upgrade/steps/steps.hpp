#pragma once

#include "upgrade/step.hpp"

#include <memory>
#include <vector>

namespace pgu::upgrade {

// The upgrade, in order: the seed's manual flow, each step with its own check and undo.
std::vector<std::unique_ptr<Step>> upgrade_steps();

// The step after which a failure no longer rolls back on its own: the app runs on the new
// service from then on.
constexpr const char* commit_step = "switch";

std::unique_ptr<Step> make_pull_step();
std::unique_ptr<Step> make_export_step();
std::unique_ptr<Step> make_create_step();
std::unique_ptr<Step> make_maintenance_on_step();
std::unique_ptr<Step> make_fence_step();
std::unique_ptr<Step> make_backup_step();
std::unique_ptr<Step> make_copy_step();
std::unique_ptr<Step> make_verify_step();
std::unique_ptr<Step> make_switch_step();
std::unique_ptr<Step> make_maintenance_off_step();
std::unique_ptr<Step> make_retire_step();
std::unique_ptr<Step> make_backups_step();

} // namespace pgu::upgrade

#include "upgrade/steps/steps.hpp"

namespace pgu::upgrade {

std::vector<std::unique_ptr<Step>> upgrade_steps()
{
  std::vector<std::unique_ptr<Step>> steps;
  steps.push_back(make_pull_step());
  steps.push_back(make_export_step());
  steps.push_back(make_create_step());
  steps.push_back(make_maintenance_on_step());
  steps.push_back(make_fence_step());
  steps.push_back(make_backup_step());
  steps.push_back(make_copy_step());
  steps.push_back(make_verify_step());
  steps.push_back(make_switch_step());
  steps.push_back(make_maintenance_off_step());
  steps.push_back(make_retire_step());
  steps.push_back(make_backups_step());
  return steps;
}

} // namespace pgu::upgrade

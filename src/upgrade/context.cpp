#include "upgrade/context.hpp"

#include "host/names.hpp"

namespace pgu::upgrade {

const host::ServiceFiles& Context::old_files()
{
  if (!old_files_) {
    old_files_ = host::ServiceFiles::read(paths, plan.old_service);
  }
  return *old_files_;
}

const host::ServiceFiles& Context::new_files()
{
  if (!new_files_) {
    new_files_ = host::ServiceFiles::read(paths, plan.new_service);
  }
  return *new_files_;
}

pg::Database Context::old_database()
{
  const auto& files = old_files();
  return {docker, host::service_container(plan.old_service), files.database, files.password};
}

pg::Database Context::new_database()
{
  const auto& files = new_files();
  return {docker, host::service_container(plan.new_service), files.database, files.password};
}

std::string Context::fact(const std::string& key) const
{
  const auto found = facts.find(key);
  return found == facts.end() ? std::string() : found->second;
}

} // namespace pgu::upgrade

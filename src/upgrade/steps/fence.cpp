#include "pg/fence.hpp"
#include "upgrade/steps/steps.hpp"
#include "util/error.hpp"
#include "util/output.hpp"

#include <fmt/format.h>

namespace pgu::upgrade {

namespace {

class FenceStep final : public Step {
public:
  std::string name() const override { return "fence"; }
  std::string title(const Plan& plan) const override { return fmt::format("Fencing writes to {}", plan.old_service); }
  bool in_window() const override { return true; }

  std::vector<Command> commands(Context& context) const override
  {
    const auto database = context.old_database();
    return {database.with_name("postgres").psql_command(pg::raise_fence_sql(database.name()))};
  }

  void run(Context& context) override
  {
    const auto database = context.old_database();
    pg::raise_fence(database);
    if (!pg::fence_raised(database)) {
      throw failure(fmt::format("the write fence on {} did not hold", context.plan.old_service));
    }
    context.out.detail("new sessions are read-only, existing sessions ended");
  }

  void undo(Context& context) override
  {
    if (!context.dokku.service_exists(context.plan.old_service)) {
      return;
    }
    const auto database = context.old_database();
    if (pg::fence_raised(database)) {
      pg::lift_fence(database);
      context.out.detail(fmt::format("write fence on {} lifted", context.plan.old_service));
    }
  }

  bool done_on_host(Context& context) override { return pg::fence_raised(context.old_database()); }
};

} // namespace

std::unique_ptr<Step> make_fence_step()
{
  return std::make_unique<FenceStep>();
}

} // namespace pgu::upgrade

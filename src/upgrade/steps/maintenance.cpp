#include "upgrade/steps/steps.hpp"
#include "util/error.hpp"
#include "util/output.hpp"
#include "util/time.hpp"

#include <fmt/format.h>

namespace pgu::upgrade {

namespace {

std::string epoch_millis()
{
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count());
}

// Maintenance mode is only switched when it was off before the upgrade: an operator who had
// it on keeps it on.
class MaintenanceOnStep final : public Step {
public:
  std::string name() const override { return "maintenance-on"; }
  std::string title(const Plan& plan) const override { return fmt::format("Enabling maintenance mode for {}", plan.settings.app); }
  bool in_window() const override { return true; }

  std::vector<Command> commands(Context& context) const override
  {
    if (context.plan.maintenance_was_enabled) {
      return {};
    }
    return {context.dokku.maintenance_command(context.plan.settings.app, true)};
  }

  void run(Context& context) override
  {
    if (!context.plan.maintenance_was_enabled) {
      context.dokku.run_checked(context.dokku.maintenance_command(context.plan.settings.app, true));
    }
    context.facts["window.start"] = now_utc();
    context.facts["window.start_ms"] = epoch_millis();
  }

  void undo(Context& context) override
  {
    if (!context.plan.maintenance_was_enabled && context.dokku.maintenance_enabled(context.plan.settings.app)) {
      context.dokku.run_checked(context.dokku.maintenance_command(context.plan.settings.app, false));
      context.out.detail("maintenance mode off");
    }
  }

  bool done_on_host(Context& context) override { return context.dokku.maintenance_enabled(context.plan.settings.app); }
};

class MaintenanceOffStep final : public Step {
public:
  std::string name() const override { return "maintenance-off"; }
  std::string title(const Plan& plan) const override
  {
    return plan.maintenance_was_enabled ? fmt::format("Leaving maintenance mode on for {} (it was on before)", plan.settings.app)
                                        : fmt::format("Disabling maintenance mode for {}", plan.settings.app);
  }
  bool in_window() const override { return true; }

  std::vector<Command> commands(Context& context) const override
  {
    if (context.plan.maintenance_was_enabled) {
      return {};
    }
    return {context.dokku.maintenance_command(context.plan.settings.app, false)};
  }

  void run(Context& context) override
  {
    if (!context.plan.maintenance_was_enabled) {
      context.dokku.run_checked(context.dokku.maintenance_command(context.plan.settings.app, false));
    }
    const auto& app = context.plan.settings.app;
    if (context.dokku.ps_report(app, "--deployed") == "true" && context.dokku.ps_report(app, "--running") != "true") {
      throw failure(fmt::format("{} is not running after the switch: see dokku ps:report {} and dokku logs {}", app, app, app));
    }
    context.facts["window.end"] = now_utc();
    context.facts["window.end_ms"] = epoch_millis();
    const auto start = context.fact("window.start_ms");
    if (!start.empty()) {
      const auto millis = std::stoll(context.facts["window.end_ms"]) - std::stoll(start);
      context.facts["window.seconds"] = fmt::format("{:.1f}", static_cast<double>(millis) / 1000.0);
      context.out.detail(fmt::format("maintenance window: {} s", context.facts["window.seconds"]));
    }
  }

  void undo(Context& context) override
  {
    if (!context.plan.maintenance_was_enabled && !context.dokku.maintenance_enabled(context.plan.settings.app)) {
      context.dokku.run_checked(context.dokku.maintenance_command(context.plan.settings.app, true));
    }
  }

  bool done_on_host(Context& context) override
  {
    return context.plan.maintenance_was_enabled || !context.dokku.maintenance_enabled(context.plan.settings.app);
  }
};

} // namespace

std::unique_ptr<Step> make_maintenance_on_step()
{
  return std::make_unique<MaintenanceOnStep>();
}

std::unique_ptr<Step> make_maintenance_off_step()
{
  return std::make_unique<MaintenanceOffStep>();
}

} // namespace pgu::upgrade

#include "report/report.hpp"

#include <fmt/format.h>

namespace pgu::report {

namespace {

constexpr double mebibyte = 1024.0 * 1024.0;

std::string fact(const Report& report, const std::string& key, const std::string& fallback = "-")
{
  const auto found = report.facts.find(key);
  return found == report.facts.end() || found->second.empty() ? fallback : found->second;
}

void line(std::string& text, const std::string& label, const std::string& value)
{
  text += fmt::format("       {:<20}{}\n", label + ":", value);
}

std::string checks_text(const Report& report)
{
  std::string text;
  for (const auto& check : report.plan.checks) {
    text += fmt::format("       {:<5} {:<14}{}\n", upgrade::to_string(check.status), check.id, check.reason);
  }
  return text;
}

} // namespace

std::string render_text(const Report& report)
{
  const auto& plan = report.plan;
  const auto& settings = plan.settings;
  std::string text;
  if (report.kind == "plan") {
    text += fmt::format("=====> Upgrade plan for {}: {} → {}\n", settings.app,
                        plan.old_image.repository.empty() ? "?" : plan.old_image.full(), plan.target.full());
    text += checks_text(report);
    if (report.outcome == "blocked") {
      text += "=====> Blocked: the upgrade would not go ahead (see the failed checks)\n";
      return text;
    }
    text += "=====> Commands the upgrade would run\n";
    for (std::size_t i = 0; i < report.commands.size(); ++i) {
      text += fmt::format("       {:>2}. {}\n", i + 1, report.commands[i]);
    }
    text += "=====> Estimate\n";
    line(text, "Copy size", fmt::format("{:.1f} MiB", static_cast<double>(report.estimated_copy_bytes) / mebibyte));
    line(text, "Downtime", fmt::format("about {:.0f} s (maintenance on → off)", report.estimated_window_seconds));
    return text;
  }
  text += fmt::format("=====> Upgrade of {}: {}\n", settings.app, report.outcome);
  line(text, "Old service", fmt::format("{} ({}, PostgreSQL {})", plan.old_service, plan.old_image.full(), plan.old_server_version));
  line(text, "New service", fmt::format("{} ({}, PostgreSQL {})", plan.new_service, plan.target.full(), fact(report, "new.server_version")));
  line(text, "Database size", fmt::format("{:.1f} MiB", static_cast<double>(plan.database_bytes) / mebibyte));
  line(text, "Copied", fact(report, "copy.bytes") == "-" ? "-"
                                                         : fmt::format("{:.1f} MiB in {} s", std::stod(fact(report, "copy.bytes")) / mebibyte,
                                                                       fact(report, "copy.seconds")));
  line(text, "Verified", fmt::format("{} rows in {} tables, {} sequences ({})", fact(report, "verify.rows"), fact(report, "verify.tables"),
                                     fact(report, "verify.sequences"), fact(report, "verify.mode")));
  line(text, "Export", fact(report, "export.file"));
  line(text, "Downtime", fact(report, "window.seconds") == "-" ? "-" : fact(report, "window.seconds") + " s (maintenance on → off)");
  std::string steps;
  for (const auto& step : report.steps) {
    if (step.state == upgrade::StepState::done) {
      steps += fmt::format("{}{} {:.1f} s", steps.empty() ? "" : ", ", step.name, step.seconds);
    }
  }
  line(text, "Steps", steps);
  if (const auto failed = failed_step(report); !failed.empty()) {
    line(text, "Failed step", failed);
  }
  return text;
}

} // namespace pgu::report

#include "report/escape.hpp"
#include "report/report.hpp"

#include <fmt/format.h>

namespace pgu::report {

namespace {

std::string md(std::string_view text)
{
  return markdown_escape(text);
}

std::string outcome_icon(const std::string& outcome)
{
  if (outcome == "ready" || outcome == "done") {
    return "✅";
  }
  if (outcome == "blocked" || outcome == "failed") {
    return "❌";
  }
  if (outcome == "rolled-back") {
    return "↩️";
  }
  return "⚠️";
}

std::string status_icon(upgrade::CheckStatus status)
{
  switch (status) {
  case upgrade::CheckStatus::fail:
    return "❌";
  case upgrade::CheckStatus::warn:
    return "⚠️";
  case upgrade::CheckStatus::pass:
    break;
  }
  return "✅";
}

std::string step_icon(upgrade::StepState state)
{
  switch (state) {
  case upgrade::StepState::done:
    return "✅";
  case upgrade::StepState::failed:
    return "❌";
  case upgrade::StepState::undone:
    return "↩️";
  case upgrade::StepState::running:
    return "⏳";
  case upgrade::StepState::pending:
  case upgrade::StepState::skipped:
    break;
  }
  return "⏭️";
}

std::string fact(const Report& report, const std::string& key)
{
  const auto found = report.facts.find(key);
  return found == report.facts.end() ? std::string() : found->second;
}

std::string figures_cell(const upgrade::CheckResult& check)
{
  std::string cell;
  for (const auto& [name, value] : check.figures) {
    cell += fmt::format("{}{}: {}", cell.empty() ? "" : "<br>", md(name), md(value));
  }
  return cell;
}

std::string checks_table(const upgrade::Plan& plan)
{
  std::string text = "| Status | Check | Reason | Figures |\n| --- | --- | --- | --- |\n";
  for (const auto& check : plan.checks) {
    text += fmt::format("| {} {} | {} | {} | {} |\n", status_icon(check.status), upgrade::to_string(check.status), md(check.id),
                        md(check.reason), figures_cell(check));
  }
  return text;
}

std::string checks_summary(const upgrade::Plan& plan)
{
  return fmt::format("{} pass, {} warn, {} fail", count_checks(plan, upgrade::CheckStatus::pass),
                     count_checks(plan, upgrade::CheckStatus::warn), count_checks(plan, upgrade::CheckStatus::fail));
}

std::string services_line(const upgrade::Plan& plan)
{
  const auto old_image = plan.old_image.repository.empty() ? std::string("?") : plan.old_image.full();
  const auto old_service = plan.old_service.empty() ? std::string("?") : plan.old_service;
  const auto new_service = plan.new_service.empty() ? std::string("?") : plan.new_service;
  return fmt::format("**{}** ({}) → **{}** ({})\n\n", md(old_image), md(old_service), md(plan.target.full()), md(new_service));
}

std::string commands_block(const std::vector<std::string>& commands)
{
  std::string body;
  for (const auto& command : commands) {
    body += command + "\n";
  }
  const auto fence = markdown_fence(body);
  return fmt::format("{}sh\n{}{}\n", fence, body, fence);
}

std::string footer(const Report& report)
{
  return fmt::format("\n<sub>pgupgrade {} · {}</sub>\n", md(report.helper_version), md(report.generated));
}

std::string plan_markdown(const Report& report)
{
  const auto& plan = report.plan;
  std::string text = fmt::format("## {} Upgrade plan for {}: {}\n\n", outcome_icon(report.outcome), md(plan.settings.app), md(report.outcome));
  text += services_line(plan);
  if (report.outcome == "blocked") {
    text += fmt::format("**The upgrade would not go ahead**: {} of {} checks failed.\n\n",
                        count_checks(plan, upgrade::CheckStatus::fail), plan.checks.size());
  }
  text += fmt::format("### Preflight checks ({})\n\n", checks_summary(plan));
  text += checks_table(plan);
  if (report.outcome != "blocked") {
    text += fmt::format("\n### Commands the upgrade would run ({})\n\n", report.commands.size());
    text += commands_block(report.commands);
    text += "\n### Estimate\n\n| Figure | Value |\n| --- | --- |\n";
    text += fmt::format("| Copy size | {} |\n", mebibytes(report.estimated_copy_bytes));
    text += fmt::format("| Downtime | about {:.0f} s (maintenance on → off) |\n", report.estimated_window_seconds);
  }
  return text + footer(report);
}

std::string steps_table(const Report& report)
{
  std::string text = "| Step | Outcome | Started | Ended | Duration | Detail |\n| --- | --- | --- | --- | --- | --- |\n";
  for (const auto& step : report.steps) {
    const bool ran = !step.started.empty();
    const auto outcome = step_failed(report, step) && step.state != upgrade::StepState::failed
                           ? fmt::format("❌ failed, {}", upgrade::to_string(step.state))
                           : fmt::format("{} {}", step_icon(step.state), upgrade::to_string(step.state));
    text += fmt::format("| {} | {} | {} | {} | {} | {} |\n", md(step.name), outcome,
                        md(step.started), md(step.ended), ran ? fmt::format("{:.1f} s", step.seconds) : std::string(), md(step.detail));
  }
  return text;
}

std::string results_table(const Report& report)
{
  std::string rows;
  const auto row = [&](std::string_view label, const std::string& value) {
    if (!value.empty()) {
      rows += fmt::format("| {} | {} |\n", label, value);
    }
  };
  const auto& plan = report.plan;
  row("Database size", mebibytes(plan.database_bytes));
  row("New server", md(fact(report, "new.server_version")));
  if (!fact(report, "copy.bytes").empty()) {
    row("Copied", fmt::format("{} bytes in {} s", md(fact(report, "copy.bytes")), md(fact(report, "copy.seconds"))));
  }
  if (!fact(report, "verify.mode").empty()) {
    row("Verified", fmt::format("{} rows in {} tables, {} sequences ({})", md(fact(report, "verify.rows")), md(fact(report, "verify.tables")),
                                md(fact(report, "verify.sequences")), md(fact(report, "verify.mode"))));
    constexpr std::string_view prefix = "verify.count.";
    for (const auto& [key, value] : report.facts) {
      if (key.starts_with(prefix)) {
        row(fmt::format("Verified {}", md(key.substr(prefix.size()))), md(value));
      }
    }
  }
  if (!fact(report, "export.file").empty()) {
    row("Safety export", fmt::format("{} (sha256 {})", md(fact(report, "export.file")), md(fact(report, "export.sha256"))));
  }
  if (!fact(report, "window.seconds").empty()) {
    row("Downtime", fmt::format("{} s (maintenance on → off)", md(fact(report, "window.seconds"))));
  }
  return "| Figure | Value |\n| --- | --- |\n" + rows;
}

std::string run_markdown(const Report& report)
{
  const auto& plan = report.plan;
  std::string text = fmt::format("## {} Upgrade of {}: {}\n\n", outcome_icon(report.outcome), md(plan.settings.app), md(report.outcome));
  text += services_line(plan);
  if (!report.error.empty()) {
    text += fmt::format("> **Error**: {}\n\n", md(report.error));
  }
  text += "### Steps\n\n" + steps_table(report);
  text += "\n### Results\n\n" + results_table(report);
  text += fmt::format("\n<details><summary>Preflight checks ({})</summary>\n\n{}\n</details>\n", checks_summary(plan), checks_table(plan));
  return text + footer(report);
}

} // namespace

std::string render_markdown(const Report& report)
{
  return report.kind == "plan" ? plan_markdown(report) : run_markdown(report);
}

} // namespace pgu::report

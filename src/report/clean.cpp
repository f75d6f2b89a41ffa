#include "report/clean.hpp"

#include "report/escape.hpp"
#include "util/secrets.hpp"

#include <cmath>

namespace pgu::report {

namespace {

void clean(std::string& text)
{
  text = clean_text(text);
}

void clean(std::optional<std::string>& text)
{
  if (text) {
    clean(*text);
  }
}

void clean(std::vector<std::string>& texts)
{
  for (auto& text : texts) {
    clean(text);
  }
}

void clean(pg::ImageRef& image)
{
  clean(image.repository);
  clean(image.tag);
}

void clean(upgrade::Settings& settings)
{
  clean(settings.app);
  clean(settings.image);
  clean(settings.version);
  clean(settings.service);
  clean(settings.new_service);
  clean(settings.bucket);
  clean(settings.schedule);
  clean(settings.report_file);
}

void clean(upgrade::CheckResult& check)
{
  clean(check.id);
  clean(check.title);
  clean(check.reason);
  for (auto& [name, value] : check.figures) {
    clean(name);
    clean(value);
  }
}

void clean(upgrade::Plan& plan)
{
  clean(plan.settings);
  clean(plan.old_service);
  clean(plan.new_service);
  clean(plan.old_image);
  clean(plan.target);
  clean(plan.old_server_version);
  clean(plan.target_created);
  clean(plan.scheme);
  if (plan.backup) {
    clean(plan.backup->bucket);
    clean(plan.backup->schedule);
  }
  clean(plan.extensions);
  clean(plan.url_variables);
  for (auto& check : plan.checks) {
    clean(check);
  }
}

} // namespace

double to_milliseconds(double seconds)
{
  return std::round(seconds * 1000.0) / 1000.0;
}

std::string clean_text(std::string_view text)
{
  return valid_utf8(secrets().mask(text));
}

Report cleaned(const Report& report)
{
  Report result = report;
  clean(result.kind);
  clean(result.outcome);
  clean(result.generated);
  clean(result.helper_version);
  clean(result.plan);
  clean(result.commands);
  for (auto& step : result.steps) {
    clean(step.name);
    clean(step.started);
    clean(step.ended);
    clean(step.detail);
    step.seconds = to_milliseconds(step.seconds);
  }
  result.estimated_window_seconds = to_milliseconds(result.estimated_window_seconds);
  std::map<std::string, std::string> facts;
  for (const auto& [key, value] : result.facts) {
    facts.emplace(clean_text(key), clean_text(value));
  }
  result.facts = std::move(facts);
  clean(result.error);
  return result;
}

} // namespace pgu::report

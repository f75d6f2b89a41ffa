#include "report/store.hpp"

#include "host/paths.hpp"
#include "report/json.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/time.hpp"

#include <boost/json/parse.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>

#include <unistd.h>

namespace pgu::report {

namespace {

// UTC to the microsecond: names sort by age, and two reports never share one.
std::string file_stamp()
{
  const auto now = Clock::now();
  const auto second = std::chrono::floor<std::chrono::seconds>(now);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now - second).count();
  return fmt::format("{:%Y%m%dT%H%M%S}.{:06}Z", second, micros);
}

std::filesystem::path new_report_file(const std::filesystem::path& dir, const std::string& kind)
{
  while (true) {
    auto file = dir / fmt::format("{}-{}-{}.json", kind, file_stamp(), ::getpid());
    if (!std::filesystem::exists(file)) {
      return file;
    }
  }
}

} // namespace

std::filesystem::path reports_dir(const host::Paths& paths, const std::string& app)
{
  return paths.app_state(app) / "reports";
}

std::vector<std::filesystem::path> stored_reports(const host::Paths& paths, const std::string& app, const std::string& kind)
{
  std::vector<std::filesystem::path> files;
  const auto dir = reports_dir(paths, app);
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) {
    return files;
  }
  const auto prefix = kind + "-";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (entry.is_regular_file() && name.starts_with(prefix) && name.ends_with(".json")) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::filesystem::path store_report(const host::Paths& paths, const Report& report)
{
  const auto& app = report.plan.settings.app;
  create_private_directory(paths.app_state(app));
  const auto dir = reports_dir(paths, app);
  create_private_directory(dir);
  auto file = new_report_file(dir, report.kind);
  write_file_atomically(file, render_json(report));
  auto files = stored_reports(paths, app, report.kind);
  if (files.size() > reports_kept) {
    files.resize(files.size() - reports_kept);
    for (const auto& old : files) {
      std::filesystem::remove(old);
    }
  }
  return file;
}

Report load_report(const std::filesystem::path& file)
{
  boost::system::error_code error;
  const auto value = boost::json::parse(read_text_file(file), error);
  if (error) {
    throw failure(fmt::format("The report {} is damaged: {}", file.string(), error.message()));
  }
  try {
    return report_from_json(value);
  } catch (const Error& e) {
    throw failure(fmt::format("The report {} is damaged: {}", file.string(), e.what()));
  }
}

std::optional<Report> last_report(const host::Paths& paths, const std::string& app, const std::string& kind)
{
  const auto files = stored_reports(paths, app, kind);
  if (files.empty()) {
    return std::nullopt;
  }
  return load_report(files.back());
}

} // namespace pgu::report

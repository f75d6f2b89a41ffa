#include "host/names.hpp"
#include "upgrade/steps/steps.hpp"
#include "util/error.hpp"
#include "util/files.hpp"
#include "util/output.hpp"
#include "util/time.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pgu::upgrade {

namespace {

std::filesystem::path exports_dir(const Context& context)
{
  return context.paths.app_state(context.plan.settings.app) / "exports";
}

std::string file_stamp()
{
  auto stamp = now_utc();
  std::erase(stamp, ':');
  std::erase(stamp, '-');
  return stamp;
}

// A local safety copy of the old database before any downtime, checked readable, with its
// SHA-256 beside it; the newest --keep-exports are kept.
class ExportStep final : public Step {
public:
  std::string name() const override { return "export"; }
  std::string title(const Plan& plan) const override { return fmt::format("Exporting a safety copy of {}", plan.old_service); }

  std::vector<Command> commands(Context& context) const override
  {
    const auto file = exports_dir(context) / fmt::format("{}-<time>.dump", context.plan.old_service);
    auto list = list_command(context, file);
    return {context.dokku.export_command(context.plan.old_service, file), list};
  }

  void run(Context& context) override
  {
    create_private_directory(context.paths.app_state(context.plan.settings.app));
    create_private_directory(exports_dir(context));
    const auto file = exports_dir(context) / fmt::format("{}-{}.dump", context.plan.old_service, file_stamp());
    create_private_file(file);
    context.dokku.run_checked(context.dokku.export_command(context.plan.old_service, file));
    const auto bytes = std::filesystem::file_size(file);
    const auto listed = context.docker.run(list_command(context, file));
    if (!listed.ok() || listed.out.find("TOC Entries") == std::string::npos) {
      throw failure(fmt::format("the export {} is not a readable archive: {}", file.string(), listed.last_error_line()));
    }
    const auto digest = sha256_file(file);
    write_file_atomically(file.string() + ".sha256", fmt::format("{}  {}\n", digest, file.filename().string()));
    context.facts["export.file"] = file.string();
    context.facts["export.bytes"] = std::to_string(bytes);
    context.facts["export.sha256"] = digest;
    context.out.detail(fmt::format("{} ({} bytes, sha256 {})", file.string(), bytes, digest));
    prune(context);
  }

private:
  static Command list_command(Context& context, const std::filesystem::path& file)
  {
    auto command = context.docker.exec_command(host::service_container(context.plan.old_service), {"pg_restore", "--list"}, true);
    command.input_file = file;
    return command;
  }

  static void prune(Context& context)
  {
    std::vector<std::filesystem::path> dumps;
    for (const auto& entry : std::filesystem::directory_iterator(exports_dir(context))) {
      if (entry.path().extension() == ".dump") {
        dumps.push_back(entry.path());
      }
    }
    // Names end in a UTC time stamp, so the name order is the age order within a service.
    std::sort(dumps.begin(), dumps.end(), [](const auto& a, const auto& b) {
      return std::filesystem::last_write_time(a) > std::filesystem::last_write_time(b);
    });
    for (std::size_t i = context.plan.settings.keep_exports; i < dumps.size(); ++i) {
      std::filesystem::remove(dumps[i]);
      std::filesystem::remove(dumps[i].string() + ".sha256");
      context.out.detail(fmt::format("removed old export {}", dumps[i].filename().string()));
    }
  }
};

} // namespace

std::unique_ptr<Step> make_export_step()
{
  return std::make_unique<ExportStep>();
}

} // namespace pgu::upgrade

#include "commands/commands.hpp"
#include "host/dokku.hpp"
#include "host/names.hpp"
#include "host/paths.hpp"
#include "report/app_info.hpp"
#include "util/error.hpp"
#include "util/output.hpp"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <ostream>

namespace pgu::commands {

namespace {

constexpr auto command_timeout = std::chrono::minutes(5);
constexpr std::string_view usage = "pgupgrade:report <app> [--format text|json] [--pgupgrade-<key>]";
constexpr std::string_view info_flag_prefix = "--pgupgrade-";

struct ReportArguments {
  std::string app;
  bool json = false;
  std::optional<std::string> info_key; // --pgupgrade-<key>: that row's value alone
};

std::string format_value(const std::vector<std::string>& args, std::size_t& i)
{
  const auto& arg = args[i];
  if (arg.starts_with("--format=")) {
    return arg.substr(std::string_view("--format=").size());
  }
  if (i + 1 >= args.size()) {
    throw usage_error(fmt::format("--format needs a value: {}", usage));
  }
  return args[++i];
}

ReportArguments parse(const std::vector<std::string>& args)
{
  ReportArguments parsed;
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg == "--format" || arg.starts_with("--format=")) {
      const auto format = format_value(args, i);
      if (format != "text" && format != "json") {
        throw usage_error(fmt::format("Invalid --format {}: pgupgrade:report shows text or json", host::printable(format)));
      }
      parsed.json = format == "json";
    } else if (arg.starts_with(info_flag_prefix) && arg.size() > info_flag_prefix.size()) {
      if (parsed.info_key) {
        throw usage_error(fmt::format("One --pgupgrade-<key> at a time: {}", usage));
      }
      parsed.info_key = arg.substr(info_flag_prefix.size());
    } else if (arg.starts_with("-")) {
      throw usage_error(fmt::format("Unknown flag {}: {}", host::printable(arg), usage));
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.empty()) {
    throw usage_error("Please specify an app to run the command on");
  }
  if (positional.size() > 1) {
    throw usage_error(fmt::format("Too many arguments: {}", usage));
  }
  parsed.app = positional.front();
  if (!host::is_valid_app_name(parsed.app)) {
    throw usage_error(fmt::format("Invalid app name {}", host::printable(parsed.app)));
  }
  if (parsed.info_key && parsed.json) {
    throw usage_error(fmt::format("--format json shows every value; drop --pgupgrade-{}", host::printable(*parsed.info_key)));
  }
  return parsed;
}

const report::InfoRow& find_row(const std::vector<report::InfoRow>& rows, const std::string& key)
{
  const auto found = std::find_if(rows.begin(), rows.end(), [&](const auto& row) { return row.key == key; });
  if (found == rows.end()) {
    std::string valid;
    for (const auto& row : rows) {
      valid += fmt::format("{}{}{}", valid.empty() ? "" : ", ", info_flag_prefix, row.key);
    }
    throw usage_error(fmt::format("Invalid flag {}{}, valid flags: {}", info_flag_prefix, host::printable(key), valid));
  }
  return *found;
}

} // namespace

int report(cli::Context& context)
{
  const auto arguments = parse(context.invocation.args);
  host::Dokku dokku(context.runner, command_timeout);
  if (!dokku.app_exists(arguments.app)) {
    throw Error(ExitCode::app_missing, fmt::format("App {} does not exist", arguments.app));
  }
  const auto info = report::load_app_info(host::Paths::from_environment(), arguments.app);
  if (arguments.info_key) {
    const auto rows = report::info_rows(info);
    context.out.out() << report::row_text(find_row(rows, *arguments.info_key)) << '\n';
    return 0;
  }
  for (const auto& problem : info.problems) {
    context.out.warn(problem);
  }
  if (arguments.json) {
    context.out.out() << boost::json::serialize(report::app_json(info)) << '\n';
  } else {
    context.out.out() << report::render_app_text(info);
  }
  context.out.out().flush();
  return 0;
}

} // namespace pgu::commands

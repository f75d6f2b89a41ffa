#include "commands/commands.hpp"
#include "host/dokku.hpp"
#include "host/names.hpp"
#include "host/paths.hpp"
#include "report/app_info.hpp"
#include "report/store.hpp"
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
constexpr std::string_view usage =
  "pgupgrade:report <app> [--format text|json] [--pgupgrade-<key>] | <app> --last plan|run [--format text|json|markdown|junit]";
constexpr std::string_view info_flag_prefix = "--pgupgrade-";

struct ReportArguments {
  std::string app;
  std::string format = "text";
  std::optional<std::string> info_key; // --pgupgrade-<key>: that row's value alone
  std::optional<std::string> last;     // --last plan|run: that report alone, in any format
};

// --name VALUE or --name=VALUE at args[i]; advances i past a separate value.
std::optional<std::string> flag_value(const std::vector<std::string>& args, std::size_t& i, std::string_view name)
{
  const auto& arg = args[i];
  if (arg.starts_with(name) && arg.size() > name.size() && arg[name.size()] == '=') {
    return arg.substr(name.size() + 1);
  }
  if (arg != name) {
    return std::nullopt;
  }
  if (i + 1 >= args.size()) {
    throw usage_error(fmt::format("{} needs a value: {}", name, usage));
  }
  return args[++i];
}

upgrade::ReportFormat format_of(const std::string& text)
{
  for (auto format : {upgrade::ReportFormat::json, upgrade::ReportFormat::markdown, upgrade::ReportFormat::junit}) {
    if (text == upgrade::to_string(format)) {
      return format;
    }
  }
  return upgrade::ReportFormat::text;
}

void check_combination(const ReportArguments& parsed)
{
  const bool known = parsed.format == "text" || parsed.format == "json" || parsed.format == "markdown" || parsed.format == "junit";
  if (!known || (!parsed.last && parsed.format != "text" && parsed.format != "json")) {
    throw usage_error(fmt::format("Invalid --format {}: pgupgrade:report shows text or json, and --last also markdown or junit",
                                  host::printable(parsed.format)));
  }
  if (parsed.last && *parsed.last != "plan" && *parsed.last != "run") {
    throw usage_error(fmt::format("Invalid --last {}: use plan or run", host::printable(*parsed.last)));
  }
  if (parsed.info_key && (parsed.format != "text" || parsed.last)) {
    throw usage_error(fmt::format("--pgupgrade-{} shows one value: drop --format and --last", host::printable(*parsed.info_key)));
  }
}

ReportArguments parse(const std::vector<std::string>& args)
{
  ReportArguments parsed;
  std::vector<std::string> positional;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (auto format = flag_value(args, i, "--format")) {
      parsed.format = std::move(*format);
    } else if (auto last = flag_value(args, i, "--last")) {
      parsed.last = std::move(*last);
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
  check_combination(parsed);
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
  const auto paths = host::Paths::from_environment();
  if (arguments.last) {
    // One kept report, in any format: a CI job runs the plan once and renders it again here.
    const auto last = report::last_report(paths, arguments.app, *arguments.last);
    if (!last) {
      throw failure(fmt::format("No {} of {} is kept: run dokku pgupgrade:{} {} first", *arguments.last, arguments.app,
                                *arguments.last, arguments.app));
    }
    context.out.out() << report::render(*last, format_of(arguments.format));
    context.out.out().flush();
    return 0;
  }
  const auto info = report::load_app_info(paths, arguments.app);
  if (arguments.info_key) {
    const auto rows = report::info_rows(info);
    context.out.out() << report::row_text(find_row(rows, *arguments.info_key)) << '\n';
    return 0;
  }
  for (const auto& problem : info.problems) {
    context.out.warn(problem);
  }
  if (arguments.format == "json") {
    context.out.out() << boost::json::serialize(report::app_json(info)) << '\n';
  } else {
    context.out.out() << report::render_app_text(info);
  }
  context.out.out().flush();
  return 0;
}

} // namespace pgu::commands

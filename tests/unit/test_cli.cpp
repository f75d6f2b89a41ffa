#include "cli/arguments.hpp"
#include "cli/run_options.hpp"
#include "cli/subcommands.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <cstdlib>

using namespace pgu;

namespace {

int usage_code(const std::vector<std::string>& args)
{
  try {
    cli::parse_run_settings(args);
  } catch (const Error& e) {
    return static_cast<int>(e.code());
  }
  return 0;
}

} // namespace

TEST_CASE("global flags are tolerated anywhere and --app is prepended")
{
  ::unsetenv("DOKKU_APP_NAME");
  ::unsetenv("DOKKU_QUIET_OUTPUT");
  const auto invocation = cli::parse_invocation({"helper", "pgupgrade:run", "--quiet", "postgres", "--force", "17", "--app", "web", "--trace"});
  CHECK(invocation.command == "run");
  CHECK(invocation.flags.quiet);
  CHECK(invocation.flags.force);
  CHECK(invocation.flags.trace);
  CHECK(invocation.args == std::vector<std::string>{"web", "postgres", "17"});
}

TEST_CASE("DOKKU_APP_NAME from a leading --app is honoured")
{
  ::setenv("DOKKU_APP_NAME", "web", 1);
  const auto invocation = cli::parse_invocation({"helper", "pgupgrade:plan", "postgres", "17"});
  ::unsetenv("DOKKU_APP_NAME");
  CHECK(invocation.args == std::vector<std::string>{"web", "postgres", "17"});
}

TEST_CASE("the bare plugin name is the default command")
{
  CHECK(cli::parse_invocation({"helper", "pgupgrade"}).command.empty());
}

TEST_CASE("run's flags parse into settings")
{
  const auto settings = cli::parse_run_settings({"web", "postgis/postgis", "15-3.3", "--service", "old_db", "--new-service", "new-db",
                                                 "--keep-old", "--skip-backup", "--verify", "checksums", "--keep-exports", "5",
                                                 "--format", "json", "--dry-run"});
  CHECK(settings.app == "web");
  CHECK(settings.image == "postgis/postgis");
  CHECK(settings.version == "15-3.3");
  CHECK(settings.service == "old_db");
  CHECK(settings.new_service == "new-db");
  CHECK(settings.keep_old);
  CHECK(settings.skip_backup);
  CHECK(settings.dry_run);
  CHECK(settings.keep_exports == 5);
  CHECK(settings.verify == upgrade::VerifyMode::checksums);
  CHECK(settings.format == upgrade::ReportFormat::json);
}

TEST_CASE("bad run arguments are usage errors (exit 2)")
{
  CHECK(usage_code({}) == 2);
  CHECK(usage_code({"web"}) == 2);
  CHECK(usage_code({"web", "postgres"}) == 2);
  CHECK(usage_code({"web", "postgres", "17", "extra"}) == 2);
  CHECK(usage_code({"Web", "postgres", "17"}) == 2);
  CHECK(usage_code({"web;ls", "postgres", "17"}) == 2);
  CHECK(usage_code({"web", "postgres", "17", "--bogus"}) == 2);
  CHECK(usage_code({"web", "postgres", "17", "--verify", "maybe"}) == 2);
  CHECK(usage_code({"web", "postgres", "17", "--keep-exports", "0"}) == 2);
  CHECK(usage_code({"web", "postgres", "17", "--keep-exports", "-1"}) == 2);
  CHECK(usage_code({"web", "postgres", "17", "--new-service", "../x"}) == 2);
  CHECK(usage_code({"web", "postgres", "17", "--serv", "x"}) == 2); // no abbreviations
  // Found by the fuzzer: Boost's message formatting loops forever on its own placeholders.
  CHECK(usage_code({"nob", "-naw-service%%%%--]%%%e%canonical_option%%%%--ap,%%%%%%%%"}) == 2);
  CHECK(usage_code({"web", "postgres", "17", "--keep-exports", "%value%"}) == 2);
  CHECK(usage_code({"web", "postgres", "17"}) == 0);
}

TEST_CASE("help is in Dokku's layout")
{
  const auto help = cli::plugin_help();
  CHECK(help.starts_with("Usage: dokku pgupgrade[:COMMAND]\n\n"));
  CHECK(help.find("\nAdditional commands:\n") != std::string::npos);
  CHECK(help.find("    pgupgrade:run <app> <image> <version> [--flags]  ") != std::string::npos);
  CHECK(cli::help_lines(false).find(',') != std::string::npos);
  for (const auto& subcommand : cli::subcommands()) {
    CHECK(subcommand.description.find(',') == std::string::npos);
  }
}

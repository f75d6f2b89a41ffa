#include "util/process.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <thread>

using namespace pgu;

TEST_CASE("a child's stdout, stderr and exit status are captured")
{
  ProcessRunner runner;
  const auto result = runner.run(Command({"sh", "-c", "echo out; echo err >&2; exit 3"}));
  CHECK(result.exit_code == 3);
  CHECK(result.out == "out\n");
  CHECK(result.err == "err\n");
  CHECK_FALSE(result.ok());
  CHECK(result.last_error_line() == "err");
}

TEST_CASE("arguments are passed as a vector, never through a shell")
{
  ProcessRunner runner;
  const auto result = runner.run(Command({"printf", "%s|", "a b", "$(id)", ";ls"}));
  CHECK(result.ok());
  CHECK(result.out == "a b|$(id)|;ls|");
}

TEST_CASE("stdin data and environment changes reach the child")
{
  ProcessRunner runner;
  Command command({"sh", "-c", "cat; echo \"$PGU_TEST_VALUE${HOME:+home-set}\""});
  command.input = "from stdin\n";
  command.set_env = {{"PGU_TEST_VALUE", "v1"}};
  command.unset_env = {"HOME"};
  const auto result = runner.run(command);
  CHECK(result.out == "from stdin\nv1\n");
}

TEST_CASE("a child that outlives its time limit is killed with its whole process group")
{
  ProcessRunner runner;
  const auto marker = std::filesystem::temp_directory_path() / "pgu-test-grandchild";
  std::filesystem::remove(marker);
  Command command({"sh", "-c", "(sleep 3; touch " + marker.string() + ") & sleep 30"});
  command.timeout = std::chrono::seconds(1);
  const auto result = runner.run(command);
  CHECK(result.timed_out);
  CHECK(result.exit_code == 124);
  CHECK_FALSE(result.ok());
  CHECK(result.elapsed < std::chrono::seconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(3500));
  CHECK_FALSE(std::filesystem::exists(marker));
}

TEST_CASE("stdout can go to a file and stdin come from one")
{
  ProcessRunner runner;
  const auto dir = std::filesystem::temp_directory_path();
  const auto in = dir / "pgu-test-in";
  const auto out = dir / "pgu-test-out";
  std::ofstream(in) << "line\n";
  Command command({"tr", "a-z", "A-Z"});
  command.input_file = in;
  command.output_file = out;
  CHECK(runner.run(command).ok());
  std::ifstream result(out);
  std::string text;
  std::getline(result, text);
  CHECK(text == "LINE");
}

TEST_CASE("a missing program is exit 127")
{
  ProcessRunner runner;
  const auto result = runner.run(Command({"pgu-no-such-program"}));
  CHECK(result.exit_code == 127);
}

TEST_CASE("display quotes words and masks secrets")
{
  Command command({"dokku", "postgres:backup-auth", "svc", "key id"});
  command.set_env = {{"PGPASSWORD", "hunter22"}};
  CHECK(command.display() == "PGPASSWORD=******** dokku postgres:backup-auth svc 'key id'");
}

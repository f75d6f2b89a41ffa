// libFuzzer target: the argument parsers, the Docker reference grammar and cron expressions must turn any input
// into settings or a usage error (pgu::Error), never crash, hang or throw anything else.
#include "cli/arguments.hpp"
#include "cli/run_options.hpp"
#include "host/names.hpp"
#include "pg/image_ref.hpp"
#include "schedule/cron.hpp"
#include "util/error.hpp"
#include "util/secrets.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string input(reinterpret_cast<const char*>(data), size);
  // Arguments are NUL-separated, as the kernel hands them over.
  std::vector<std::string> args{"pgupgrade-helper", "pgupgrade:run"};
  std::string word;
  for (const char c : input) {
    if (c == '\0') {
      args.push_back(word);
      word.clear();
    } else {
      word += c;
    }
  }
  args.push_back(word);

  try {
    const auto invocation = pgu::cli::parse_invocation(args);
    (void)pgu::cli::parse_run_settings(invocation.args);
  } catch (const pgu::Error&) {
  }
  try {
    const auto split = input.find('\0');
    (void)pgu::pg::parse_image_ref(input.substr(0, split), split == std::string::npos ? "" : input.substr(split + 1));
  } catch (const pgu::Error&) {
  }
  // A cron expression either fails as a usage error or matches the minute it says comes next.
  try {
    const auto cron = pgu::schedule::CronExpression::parse(input);
    const auto next = cron.next_after(pgu::schedule::CivilMinute{2026, 2, 28, 23, 59});
    if (!next || !cron.matches(*next) || pgu::schedule::CronExpression::parse(cron.text()).text() != cron.text()) {
      __builtin_trap();
    }
  } catch (const pgu::Error&) {
  }
  (void)pgu::pg::leading_major(input);
  (void)pgu::pg::major_from_version_text(input);
  (void)pgu::host::is_valid_app_name(input);
  (void)pgu::host::printable(input);
  (void)pgu::mask_url_passwords(input);
  return 0;
}

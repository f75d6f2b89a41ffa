#include "pg/inventory.hpp"
#include "upgrade/steps/steps.hpp"
#include "util/error.hpp"
#include "util/output.hpp"

#include <fmt/format.h>

namespace pgu::upgrade {

namespace {

constexpr std::size_t differences_shown = 5;

// Before any switch: every table's rows, sequences, extensions and object counts equal (and
// with --verify checksums, every table's content). Then ANALYZE, since a restore carries no
// planner statistics.
class VerifyStep final : public Step {
public:
  std::string name() const override { return "verify"; }
  std::string title(const Plan& plan) const override
  {
    return fmt::format("Verifying {} against {} ({})", plan.new_service, plan.old_service, to_string(plan.settings.verify));
  }
  bool in_window() const override { return true; }

  std::vector<Command> commands(Context& context) const override
  {
    return {context.old_database().psql_command("-- inventory: row counts, sequences, extensions, object counts"),
            context.new_database().psql_command("-- inventory: row counts, sequences, extensions, object counts"),
            context.new_database().psql_command("ANALYZE;")};
  }

  void run(Context& context) override
  {
    const bool checksums = context.plan.settings.verify == VerifyMode::checksums;
    const auto before = pg::take_inventory(context.old_database(), checksums);
    const auto after = pg::take_inventory(context.new_database(), checksums);
    const auto differences = pg::compare(before, after);
    if (!differences.empty()) {
      std::string text;
      for (std::size_t i = 0; i < std::min(differences.size(), differences_shown); ++i) {
        const auto& difference = differences[i];
        text += fmt::format("{}{}: {} before, {} after", i ? "; " : "", difference.what, difference.old_value, difference.new_value);
      }
      throw failure(fmt::format("the copy differs from {} in {} place{}: {}", context.plan.old_service, differences.size(),
                                differences.size() > 1 ? "s" : "", text));
    }
    for (const auto& change : pg::extension_changes(before, after)) {
      context.out.detail(fmt::format("{} updated by the target image: {} → {}", change.what, change.old_value, change.new_value));
    }
    context.facts["verify.mode"] = to_string(context.plan.settings.verify);
    context.facts["verify.tables"] = std::to_string(before.rows.size());
    context.facts["verify.rows"] = std::to_string(before.total_rows());
    context.facts["verify.sequences"] = std::to_string(before.sequences.size());
    for (const auto& [what, count] : before.counts) {
      context.facts["verify.count." + what] = std::to_string(count);
    }
    context.out.detail(fmt::format("{} tables, {} rows, {} sequences, {} extensions equal{}", before.rows.size(), before.total_rows(),
                                   before.sequences.size(), before.extensions.size(),
                                   checksums ? ", contents identical" : ""));
    context.new_database().execute("ANALYZE;");
    context.out.detail("planner statistics rebuilt (ANALYZE)");
  }
};

} // namespace

std::unique_ptr<Step> make_verify_step()
{
  return std::make_unique<VerifyStep>();
}

} // namespace pgu::upgrade

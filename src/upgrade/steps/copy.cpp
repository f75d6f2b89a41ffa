#include "host/names.hpp"
#include "pg/copy_progress.hpp"
#include "pg/fence.hpp"
#include "upgrade/steps/steps.hpp"
#include "util/error.hpp"
#include "util/output.hpp"
#include "util/stream_pipe.hpp"

#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace pgu::upgrade {

namespace {

constexpr double mebibyte = 1024.0 * 1024.0;
// A line every few seconds in a log; on a terminal the line is rewritten every second.
constexpr auto progress_every = std::chrono::seconds(5);
constexpr auto live_every = std::chrono::seconds(1);

// Asks the new server how many rows the restore has written, on its own thread: a query takes
// a docker exec, which must not stall the stream.
class RestoredRows {
public:
  RestoredRows(pg::Database database, std::chrono::seconds every)
    : poller_([this, database = std::move(database), every](const std::stop_token& stop) {
        std::mutex sleeping;
        std::unique_lock lock(sleeping);
        std::condition_variable_any wake;
        while (!wake.wait_for(lock, stop, every, [&stop] { return stop.stop_requested(); })) {
          const auto rows = pg::rows_restored(database);
          if (!rows) {
            return;
          }
          // Statistics of a finished table may lag its COPY's count: never go backwards.
          rows_ = std::max(rows_.load(), *rows);
        }
      })
  {
  }

  std::optional<std::uint64_t> rows() const
  {
    const auto rows = rows_.load();
    return rows > 0 ? std::optional(rows) : std::nullopt;
  }

  void stop()
  {
    poller_.request_stop();
    poller_.join();
  }

private:
  std::atomic<std::uint64_t> rows_{0};
  std::jthread poller_;
};

// pg_dump of the old server streamed into pg_restore of the new one. Unlike postgres:clone,
// which hides every restore error, both sides' status and stderr are checked. The stream is
// not compressed: compression is CPU-bound and nothing stores this stream.
class CopyStep final : public Step {
public:
  std::string name() const override { return "copy"; }
  std::string title(const Plan& plan) const override { return fmt::format("Copying {} into {}", plan.old_service, plan.new_service); }
  bool in_window() const override { return true; }

  std::vector<Command> commands(Context& context) const override
  {
    return {dump_command(context), restore_command(context)};
  }

  void run(Context& context) override
  {
    const auto& plan = context.plan;
    make_target_empty(context);
    const auto estimate = pg::estimate_copy(context.old_database());
    RestoredRows restored(context.new_database(), context.out.live() ? live_every : progress_every);
    auto last_report = std::chrono::steady_clock::now();
    const auto result = run_pipe(dump_command(context), restore_command(context),
                                 [&](std::uint64_t bytes, std::chrono::duration<double> elapsed) {
                                   const auto every = context.out.live() ? live_every : progress_every;
                                   if (std::chrono::steady_clock::now() - last_report < every) {
                                     return;
                                   }
                                   last_report = std::chrono::steady_clock::now();
                                   context.out.progress(pg::progress_line(estimate, bytes, restored.rows(), elapsed));
                                 });
    restored.stop();
    // A restore that stops makes the dump die of a broken pipe: name the restore first then.
    if (!result.consumer.ok()) {
      throw failure(fmt::format("pg_restore into {} failed (exit {}): {}", plan.new_service, result.consumer.exit_code,
                                result.consumer.last_error_line()));
    }
    if (!result.producer.ok()) {
      throw failure(fmt::format("pg_dump of {} failed (exit {}): {}", plan.old_service, result.producer.exit_code,
                                result.producer.last_error_line()));
    }
    for (const auto& line : host::split_lines(result.producer.err + result.consumer.err)) {
      if (!host::trim(line).empty()) {
        context.out.warn(host::trim(line));
      }
    }
    const auto seconds = std::chrono::duration<double>(result.producer.elapsed).count();
    context.facts["copy.bytes"] = std::to_string(result.bytes);
    context.facts["copy.seconds"] = fmt::format("{:.1f}", seconds);
    context.out.detail(fmt::format("{:.1f} MiB in {:.1f} s", static_cast<double>(result.bytes) / mebibyte, seconds));
    // Database-level settings are not dumped, so the fence cannot travel; prove it.
    if (pg::fence_raised(context.new_database())) {
      pg::lift_fence(context.new_database());
      context.out.warn(fmt::format("{} had inherited the write fence; lifted", plan.new_service));
    }
  }

private:
  static Command dump_command(Context& context)
  {
    const auto& files = context.old_files();
    return context.docker.exec_command(host::service_container(context.plan.old_service),
                                       {"pg_dump", "-Fc", "-Z0", "--no-acl", "--no-owner", "-h", "localhost", "-U", "postgres", "-w",
                                        files.database},
                                       false, {{"PGPASSWORD", files.password}});
  }

  static Command restore_command(Context& context)
  {
    const auto& files = context.new_files();
    return context.docker.exec_command(host::service_container(context.plan.new_service),
                                       {"pg_restore", "--no-acl", "--no-owner", "--exit-on-error", "-h", "localhost", "-U",
                                        "postgres", "-w", "-d", files.database},
                                       true, {{"PGPASSWORD", files.password}});
  }

  // A resumed copy starts again from an empty database.
  static void make_target_empty(Context& context)
  {
    const auto database = context.new_database();
    const auto objects = database.scalar("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                         " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%';");
    if (objects == "0") {
      return;
    }
    context.out.detail(fmt::format("{} holds a partial copy: starting from an empty database", context.plan.new_service));
    const auto name = pg::quote_ident(database.name());
    database.with_name("postgres").execute(
      fmt::format("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = {};\n"
                  "DROP DATABASE {};\nCREATE DATABASE {} ENCODING 'UTF8';\n",
                  pg::quote_literal(database.name()), name, name));
  }
};

} // namespace

std::unique_ptr<Step> make_copy_step()
{
  return std::make_unique<CopyStep>();
}

} // namespace pgu::upgrade

#pragma once

// Reports as the helper builds them, for the renderer tests and the schema samples: a ready
// plan, a blocked plan (missing extension, no backup credentials, name taken), a finished run
// and a rolled-back run. Known secrets are planted in every kind of field; every format must
// mask them.

#include "report/report.hpp"
#include "util/secrets.hpp"

#include <array>
#include <string>

namespace pgu::fixtures {

// Registered with the secret mask by plant_secrets(); the DSN password is masked unregistered.
inline constexpr std::array<const char*, 3> planted_secrets{"AKIAPLANTED0ACCESS0KEY", "planted/secret+KEY=value&more<xml>",
                                                            "dsnPlantedPassw0rd"};

inline void plant_secrets()
{
  secrets().add(planted_secrets[0]);
  secrets().add(planted_secrets[1]);
}

inline upgrade::CheckResult check(const char* id, upgrade::CheckStatus status, std::string reason,
                                  std::vector<std::pair<std::string, std::string>> figures = {})
{
  return {id, std::string("checks ") + id, status, std::move(reason), std::move(figures)};
}

inline upgrade::Plan base_plan()
{
  upgrade::Plan plan;
  plan.settings.app = "shop";
  plan.settings.image = "postgres";
  plan.settings.version = "17.10";
  plan.settings.schedule = "0 3 * * *";
  plan.old_service = "shopdb";
  plan.new_service = "shop-postgres-17_10-2026-11-01";
  plan.old_image = {"postgres", "14.23"};
  plan.target = {"postgres", "17.10"};
  plan.old_major = 14;
  plan.target_major = 17;
  plan.old_server_version = "14.23";
  plan.target_created = "2026-11-01T10:00:00Z";
  plan.database_bytes = 52428800;
  plan.backup = host::BackupSchedule{"0 3 * * *", "dokku-postgres", false};
  plan.old_has_backup_auth = true;
  plan.extensions = {"plpgsql", "pg_trgm"};
  plan.url_variables = {"DATABASE_URL"};
  using upgrade::CheckStatus;
  plan.checks = {
    check("app", CheckStatus::pass, "shop exists"),
    check("service", CheckStatus::pass, "shopdb is linked as DATABASE_URL",
          {{"scheme", "postgres"}, {"service", "shopdb"}, {"url", "postgres://postgres:dsnPlantedPassw0rd@dokku-postgres-shopdb:5432/shopdb"}}),
    check("extensions", CheckStatus::pass, "all 2 available", {{"installed", "plpgsql, pg_trgm"}, {"available in target", "61"}}),
    check("disk", CheckStatus::pass, "enough free disk", {{"export needs", "50.0 MiB"}, {"free", "20480.0 MiB"}, {"mounts", "/ | /var/lib"}}),
    check("backup", CheckStatus::pass, "the keys reach dokku-postgres",
          {{"bucket", "dokku-postgres"}, {"access key", "AKIAPLANTED0ACCESS0KEY"}}),
    check("ownership", CheckStatus::warn, "role app owns 3 objects: --no-owner gives them to postgres", {{"role app", "3 objects"}}),
  };
  return plan;
}

inline report::Report ready_plan()
{
  auto report = report::plan_report(base_plan(), {"docker image pull postgres:17.10",
                                                  "dokku postgres:backup-auth shop-postgres-17_10-2026-11-01 AKIAPLANTED0ACCESS0KEY "
                                                  "planted/secret+KEY=value&more<xml>",
                                                  "dokku postgres:promote shop-postgres-17_10-2026-11-01 shop"});
  report.generated = "2026-11-22T06:00:05Z";
  return report;
}

inline report::Report blocked_plan()
{
  auto plan = base_plan();
  using upgrade::CheckStatus;
  plan.settings.new_service = "shopdb";
  plan.new_service = "shopdb";
  std::erase_if(plan.checks, [](const auto& c) { return c.id == "extensions" || c.id == "backup"; });
  plan.checks.push_back(check("extensions", CheckStatus::fail, "postgis is not available in postgres:17.10",
                              {{"installed", "plpgsql, postgis"}, {"missing", "postgis"}}));
  plan.checks.push_back(check("backup", CheckStatus::fail,
                              "shopdb has no backup credentials: run postgres:backup-auth or pass --skip-backup",
                              {{"bucket", "dokku-postgres"}, {"credentials", "none"}}));
  plan.checks.push_back(check("new-service", CheckStatus::fail, "Postgres service shopdb already exists: pass another --new-service",
                              {{"name", "shopdb"}}));
  auto report = report::plan_report(plan, {});
  report.generated = "2026-11-22T06:00:06Z";
  return report;
}

inline upgrade::StepRecord step(const char* name, upgrade::StepState state, const char* started = "", const char* ended = "",
                                double seconds = 0, std::string detail = "")
{
  return {name, state, started, ended, seconds, std::move(detail)};
}

inline report::Report finished_run()
{
  upgrade::JournalRecord journal;
  journal.app = "shop";
  journal.state = "done";
  journal.plan = base_plan();
  using upgrade::StepState;
  journal.steps = {step("pull", StepState::done, "2026-11-22T06:01:00Z", "2026-11-22T06:01:02Z", 2.0),
                   step("export", StepState::done, "2026-11-22T06:01:02Z", "2026-11-22T06:01:05Z", 3.25),
                   step("copy", StepState::done, "2026-11-22T06:01:05Z", "2026-11-22T06:01:09Z", 4.5),
                   step("verify", StepState::done, "2026-11-22T06:01:09Z", "2026-11-22T06:01:10Z", 1.0)};
  journal.facts = {{"new.server_version", "17.10"},
                   {"export.file", "/var/lib/dokku/data/pgupgrade/shop/exports/shopdb-20261122T060102Z.dump"},
                   {"export.bytes", "1048576"},
                   {"export.sha256", "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"},
                   {"copy.bytes", "52428800"},
                   {"copy.seconds", "4.5"},
                   {"verify.mode", "counts"},
                   {"verify.tables", "6"},
                   {"verify.rows", "12345"},
                   {"verify.sequences", "4"},
                   {"verify.count.indexes", "9"},
                   {"verify.count.views", "2"},
                   {"window.start", "2026-11-22T06:01:04Z"},
                   {"window.end", "2026-11-22T06:01:12Z"},
                   {"window.seconds", "8.4"}};
  auto report = report::run_report(journal);
  report.generated = "2026-11-22T06:01:20Z";
  return report;
}

inline report::Report rolled_back_run()
{
  upgrade::JournalRecord journal;
  journal.app = "shop";
  journal.state = "rolled-back";
  journal.plan = base_plan();
  journal.error = "copy failed: pg_restore: error: connection to postgres://postgres:dsnPlantedPassw0rd@10.0.0.2/x failed";
  using upgrade::StepState;
  // As the pipeline leaves it: the rollback marks every step it reversed undone, the failed
  // one included, which keeps its error.
  journal.steps = {step("pull", StepState::undone, "2026-11-22T06:01:00Z", "2026-11-22T06:01:02Z", 2.0),
                   step("create", StepState::undone, "2026-11-22T06:01:02Z", "2026-11-22T06:01:05Z", 3.0),
                   step("copy", StepState::undone, "2026-11-22T06:01:05Z", "2026-11-22T06:01:06Z", 1.0,
                        "pg_restore: error: <bad> & \"quoted\" \x01 \xff"),
                   step("verify", StepState::pending)};
  journal.facts = {{"window.start", "2026-11-22T06:01:04Z"}};
  auto report = report::run_report(journal);
  report.generated = "2026-11-22T06:01:20Z";
  return report;
}

} // namespace pgu::fixtures

#!/usr/bin/env bats
# The project's own CI produces a plan report from the sandbox, the way docs/ci's GitHub
# Actions example does on a real host: JSON, Markdown and JUnit in build/reports/, JSON valid
# against docs/report-schema.json, JUnit well-formed and valid against docs/junit.xsd.

load plugin_helper

setup_file() {
  plugin_setup_file
  app_with_service shop shopdb postgres 14.23
  service_sql shopdb -d shopdb -c "CREATE TABLE items (id serial PRIMARY KEY, name text); INSERT INTO items (name) SELECT 'item ' || i FROM generate_series(1, 100) i" >/dev/null
  dokku postgres:backup-auth shopdb "$SANDBOX_S3_ACCESS_KEY" "$SANDBOX_S3_SECRET_KEY" us-east-1 s3v4 "$SANDBOX_S3_ENDPOINT" >/dev/null
  dokku postgres:backup-schedule shopdb "0 3 * * *" dokku-postgres >/dev/null
  export CI_REPORTS="${PGUPGRADE_BUILD_DIR:-$PGUPGRADE_REPO/build}/reports"
}

teardown_file() {
  plugin_teardown_file
}

validate() {
  run "$PGUPGRADE_REPO/tests/schema/validate" --files "$@"
  printf '# %s\n' "${lines[@]}" >&3
  assert_success
}

@test "(ci) docs/ci/pgupgrade-plan writes the plan in JSON, Markdown and JUnit to build/reports/, valid against the schemas" {
  rm -rf "$CI_REPORTS"
  # On the host itself instead of over SSH; everything else as the workflow runs it.
  run env PGUPGRADE_DOKKU=dokku "$PGUPGRADE_REPO/docs/ci/pgupgrade-plan" sandbox shop postgres 17.10 "$CI_REPORTS"
  assert_success
  assert_equal "$(cd "$CI_REPORTS" && ls)" "$(printf 'plan.json\nplan.md\nplan.xml')"
  validate "$CI_REPORTS/plan.json" "$CI_REPORTS/plan.xml"
  xmllint --noout "$CI_REPORTS/plan.xml"
  jq -e '.kind == "plan" and .outcome == "ready" and .app == "shop" and (.commands | length) > 10' "$CI_REPORTS/plan.json"
  assert_equal "$(head -n1 "$CI_REPORTS/plan.md")" "## ✅ Upgrade plan for shop: ready"
  # The three files are one plan: the same time stamp and the same checks.
  grep -qF "$(jq -r .generated "$CI_REPORTS/plan.json")" "$CI_REPORTS/plan.md"
  assert_equal "$(xmllint --xpath 'string(//testsuite/@timestamp)' "$CI_REPORTS/plan.xml")Z" "$(jq -r .generated "$CI_REPORTS/plan.json")"
  assert_equal "$(xmllint --xpath 'count(//testcase)' "$CI_REPORTS/plan.xml")" "$(jq '.checks | length' "$CI_REPORTS/plan.json")"
  assert_equal "$(grep -c '^| [✅⚠️❌]' "$CI_REPORTS/plan.md")" "$(jq '.checks | length' "$CI_REPORTS/plan.json")"
  run grep -rlF -e "$SANDBOX_S3_SECRET_KEY" -e "$(cat "$DOKKU_LIB_ROOT/services/postgres/shopdb/PASSWORD")" "$CI_REPORTS"
  assert_failure
}

@test "(ci) a blocked plan: the script exits 1 with the failed check in all three files" {
  local out="$BATS_TEST_TMPDIR/blocked"
  run env PGUPGRADE_DOKKU=dokku "$PGUPGRADE_REPO/docs/ci/pgupgrade-plan" sandbox shop postgres 17.10 "$out" --new-service shopdb
  assert_exit_status 1
  assert_contains "$output" " !     Postgres service shopdb already exists: pass another --new-service"
  validate "$out/plan.json" "$out/plan.xml"
  jq -e '.outcome == "blocked" and .summary.fail == 1' "$out/plan.json"
  assert_equal "$(xmllint --xpath 'count(//testcase[@name="new-service"]/failure)' "$out/plan.xml")" 1
  assert_contains "$(cat "$out/plan.md")" "| ❌ fail | new-service |"
  # The workflow's last step turns the failed checks into annotations.
  assert_equal "$(jq -r '.checks[] | select(.status == "fail") | "::error title=pgupgrade \(.id)::\(.reason)"' "$out/plan.json")" \
    "::error title=pgupgrade new-service::Postgres service shopdb already exists: pass another --new-service"
}

@test "(ci) usage errors and a missing app stop the script with the plan's exit code and no report" {
  run env PGUPGRADE_DOKKU=dokku "$PGUPGRADE_REPO/docs/ci/pgupgrade-plan" sandbox ghost postgres 17.10 "$BATS_TEST_TMPDIR/ghost"
  assert_exit_status 20
  assert_not_exists "$BATS_TEST_TMPDIR/ghost/plan.md"
  run env PGUPGRADE_DOKKU=dokku "$PGUPGRADE_REPO/docs/ci/pgupgrade-plan" sandbox shop postgres 17.10 "$BATS_TEST_TMPDIR/bad" --verify maybe
  assert_exit_status 2
  assert_not_exists "$BATS_TEST_TMPDIR/bad/plan.md"
  run "$PGUPGRADE_REPO/docs/ci/pgupgrade-plan" sandbox shop
  assert_exit_status 2
}

@test "(ci) the GitHub Actions example is valid YAML that runs the script and keeps every report" {
  local workflow="$PGUPGRADE_REPO/docs/ci/github-actions.yml"
  run /usr/bin/python3 - "$workflow" <<'EOF'
import sys, yaml
workflow = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
steps = workflow["jobs"]["plan"]["steps"]
runs = "\n".join(step.get("run", "") for step in steps)
assert "ci/pgupgrade-plan" in runs, runs
assert "GITHUB_STEP_SUMMARY" in runs and "reports/plan.md" in runs
upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact"))
assert "reports/plan.json" in upload["with"]["path"] and "reports/plan.xml" in upload["with"]["path"]
assert upload["if"] == "always()"
fail = steps[-1]
assert fail["if"] == "steps.plan.outputs.status != '0'" and "exit 1" in fail["run"]
print("workflow ok:", len(steps), "steps")
EOF
  assert_success
  assert_output "workflow ok: 6 steps"
}

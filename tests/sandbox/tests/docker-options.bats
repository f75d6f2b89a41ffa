#!/usr/bin/env bats
# The emulated core `docker-options` plugin (the forms dokku-postgres link/unlink use).
load test_helper

setup_file() { sandbox_setup_file; }
teardown_file() { sandbox_teardown_file; }

setup() { dokku apps:create my-app >/dev/null; }
teardown() { dokku --force apps:destroy my-app >/dev/null 2>&1 || true; }

@test "(docker-options) a new app restarts on failure in the deploy phase" {
  run dokku docker-options:report my-app
  assert_success
  assert_line_equals 0 "=====> my-app docker options information"
  assert_equal "Docker options build: Docker options deploy: --restart=on-failure:10 Docker options run:" "$(dokku --quiet docker-options:report my-app | xargs)"
}

@test "(docker-options:add) adds a multi-word option to several phases, silently and once" {
  run dokku docker-options:add my-app build,deploy,run "--link dokku.postgres.ls:dokku-postgres-ls"
  assert_success ""
  dokku docker-options:add my-app deploy "--link dokku.postgres.ls:dokku-postgres-ls"
  run dokku docker-options:report my-app --docker-options-deploy
  assert_success "--restart=on-failure:10 --link dokku.postgres.ls:dokku-postgres-ls"
  run dokku docker-options:report my-app --docker-options-build
  assert_success "--link dokku.postgres.ls:dokku-postgres-ls"
  assert_equal "--link dokku.postgres.ls:dokku-postgres-ls" "$(cat "$DOKKU_ROOT/my-app/DOCKER_OPTIONS_RUN")"
}

@test "(docker-options:remove) link then unlink leaves the upstream test's report" {
  dokku docker-options:add my-app build,deploy,run "--link dokku.postgres.ls:dokku-postgres-ls"
  run dokku docker-options:remove my-app build,deploy,run "--link dokku.postgres.ls:dokku-postgres-ls"
  assert_success ""
  assert_equal "Docker options build: Docker options deploy: --restart=on-failure:10 Docker options run:" "$(dokku --quiet docker-options:report my-app | xargs)"
}

@test "(docker-options) invalid phase, missing option, missing app" {
  run dokku docker-options:add my-app deploy,bogus "--x"
  assert_failure " !     Phase must be one of build, deploy, run"
  run dokku docker-options:add my-app deploy
  assert_failure " !     Please specify docker options to add"
  run dokku docker-options:add not-existing-app deploy "--x"
  assert_exit_status 20
  assert_output " !     App not-existing-app does not exist"
}

@test "(docker-options:report) --format json and invalid flags" {
  run dokku docker-options:report my-app --format json
  assert_success '{"build":"","deploy":"--restart=on-failure:10","run":""}'
  run dokku docker-options:report my-app --bogus
  assert_failure " !     Invalid flag passed, valid flags: --docker-options-build, --docker-options-deploy, --docker-options-run"
}

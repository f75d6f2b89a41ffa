#!/usr/bin/env bats
# The emulated core `plugin` plugin (plugin contract §2.4, §6.2).
load test_helper

setup_file() {
  sandbox_setup_file
  # A git repository holding a community plugin, installed through a file:// URL.
  local repo="$BATS_FILE_TMPDIR/dokku-gitplug"
  mkdir -p "$repo"
  printf '[plugin]\ndescription = "git plugin"\nversion = "2.0.0"\n[plugin.config]\n' >"$repo/plugin.toml"
  # shellcheck disable=SC2016
  printf '#!/usr/bin/env bash\necho "gitplug install as $(id -un)" >>"%s/events"\n' "$SANDBOX_TEST_SCRATCH" >"$repo/install"
  # shellcheck disable=SC2016
  printf '#!/usr/bin/env bash\n[[ "$1" == gitplug ]] || exit 0\necho "gitplug uninstall" >>"%s/events"\n' "$SANDBOX_TEST_SCRATCH" >"$repo/uninstall"
  chmod +x "$repo/install" "$repo/uninstall"
  git -C "$repo" init -q
  git -C "$repo" add -A
  git -C "$repo" -c user.email=t@example.com -c user.name=t commit -q -m init
  export GITPLUG_REPO="$repo"
}
teardown_file() { sandbox_teardown_file; }

setup() { rm -f "$SANDBOX_TEST_SCRATCH/events"; }

@test "(plugin:list) plugn version line, then every plugin" {
  run dokku plugin:list
  assert_success
  assert_line_equals 0 "plugn: 0.17.1"
  [[ "$output" =~ $'\n'\ \ apps\ +0\.38\.27\ +enabled\ +dokku\ core\ apps\ plugin ]] || flunk "$output"
  [[ "$output" =~ $'\n'\ \ maintenance\ +[0-9.]+\ +enabled ]] || flunk "$output"
}

@test "(plugin:list) --format json" {
  run dokku plugin:list --format json
  assert_success
  assert_equal "true" "$(jq -r '.[] | select(.name == "apps") | .core' <<<"$output")"
  assert_equal "false" "$(jq -r '.[] | select(.name == "maintenance") | .core' <<<"$output")"
  assert_equal "true" "$(jq -r '.[] | select(.name == "maintenance") | .enabled' <<<"$output")"
  run dokku plugin:list --format xml
  assert_failure " !     Invalid output format specified, supported formats: json, stdout"
}

@test "(plugin:installed) exit status only" {
  run dokku plugin:installed maintenance
  assert_success ""
  run dokku plugin:installed not-a-plugin
  assert_exit_status 1
  assert_output ""
}

@test "(plugin:install) file:// git URL: name from the URL, enabled, install trigger as root" {
  run dokku plugin:install "file://$GITPLUG_REPO"
  assert_success
  assert_contains "$output" "Cloning plugin repo file://$GITPLUG_REPO"
  [[ -d "$PLUGIN_AVAILABLE_PATH/gitplug/.git" ]] || flunk "not cloned"
  [[ -L "$PLUGIN_ENABLED_PATH/gitplug" ]] || flunk "not enabled"
  assert_equal "gitplug install as $(id -un)" "$(cat "$SANDBOX_TEST_SCRATCH/events")"
  run dokku plugin:installed gitplug
  assert_success
}

@test "(plugin:install) an installed plugin: Plugin already enabled" {
  run dokku plugin:install "file://$GITPLUG_REPO"
  assert_failure " !     Plugin already enabled"
}

@test "(plugin:install) --name overrides the name" {
  run dokku plugin:install "file://$GITPLUG_REPO" --name other-name --skip-install-trigger
  assert_success
  [[ -L "$PLUGIN_ENABLED_PATH/other-name" ]] || flunk "not enabled"
  assert_not_exists "$SANDBOX_TEST_SCRATCH/events"
}

@test "(plugin:install) without URL fires install for every plugin" {
  run dokku plugin:install
  assert_success
  assert_contains "$(cat "$SANDBOX_TEST_SCRATCH/events")" "gitplug install as $(id -un)"
}

@test "(plugin:disable|enable) community plugins; core plugins cannot be disabled" {
  run dokku plugin:disable other-name
  assert_success
  [[ ! -e "$PLUGIN_ENABLED_PATH/other-name" ]] || flunk "still enabled"
  run dokku plugin:installed other-name
  assert_success
  run dokku plugin:enable other-name
  assert_success
  [[ -L "$PLUGIN_ENABLED_PATH/other-name" ]] || flunk "not enabled"
  run dokku plugin:disable apps
  assert_failure " !     Cannot disable a core plugin"
}

@test "(plugin:uninstall) fires uninstall on every plugin and removes the plugin" {
  run dokku plugin:uninstall gitplug
  assert_success
  # other-name is a copy of gitplug: its uninstall trigger sees "gitplug" too.
  assert_equal "gitplug uninstall
gitplug uninstall" "$(cat "$SANDBOX_TEST_SCRATCH/events")"
  assert_not_exists "$PLUGIN_AVAILABLE_PATH/gitplug"
  run dokku plugin:installed gitplug
  assert_exit_status 1
  run dokku plugin:uninstall apps
  assert_failure " !     Cannot uninstall a core plugin"
  dokku plugin:uninstall other-name >/dev/null
}

@test "(plugin) management commands must be run as root" {
  [[ "$(id -u)" == 0 ]] || skip "needs root: the gate only exists when root created the host"
  local cmd
  for cmd in plugin:install plugin:installed plugin:uninstall plugin:enable plugin:disable plugin:trigger; do
    run as_sandbox_user dokku "$cmd" x
    assert_exit_status 1
    assert_output " !     This command must be run as root"
  done
}

@test "(plugin:trigger) runs the trigger as the sandbox user" {
  sandbox_test_plugin whoami-plugin
  sandbox_test_plugin_file whoami-plugin sbx-test-whoami <<'SCRIPT'
#!/usr/bin/env bash
echo "$(id -un) $*"
SCRIPT
  run dokku plugin:trigger sbx-test-whoami a b
  assert_success "$(sandbox_user) a b"
  sandbox_test_plugin_remove whoami-plugin
}

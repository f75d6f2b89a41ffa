#!/usr/bin/env bats
# The sandbox's `plugn` (plugin contract §1.2, §2.1).
load test_helper

setup_file() {
  sandbox_setup_file
  local name
  for name in aaa-first zzz-last; do
    sandbox_test_plugin "$name"
    sandbox_test_plugin_file "$name" sbx-test-order <<SCRIPT
#!/usr/bin/env bash
echo "$name \$*"
SCRIPT
  done
  sandbox_test_plugin conf-plugin '[plugin]
description = "config test"
version = "1.2.3"
[plugin.config]
some-key = "ignored default"
other = ""'
  sandbox_test_plugin_file conf-plugin sbx-test-config <<'SCRIPT'
#!/usr/bin/env bash
echo "some=${CONFIG_SOME_KEY-unset} other=${CONFIG_OTHER-unset}"
SCRIPT
  sandbox_test_plugin no-config-table '[plugin]
description = "no config table"
version = "0.1.0"'
  sandbox_test_plugin_file no-config-table sbx-test-panic <<'SCRIPT'
#!/usr/bin/env bash
echo "trigger still ran"
SCRIPT
  sandbox_test_plugin noexec
  sandbox_test_plugin_file noexec sbx-test-noexec 644 <<'SCRIPT'
#!/usr/bin/env bash
echo "must not run"
SCRIPT
  sandbox_test_plugin_file aaa-first sbx-test-fail <<'SCRIPT'
#!/usr/bin/env bash
echo "first fails"
exit 7
SCRIPT
  sandbox_test_plugin_file zzz-last sbx-test-fail <<'SCRIPT'
#!/usr/bin/env bash
echo "must not run"
SCRIPT
}
teardown_file() { sandbox_teardown_file; }

@test "(plugn trigger) runs enabled plugins in alphabetical order with the arguments" {
  run plugn trigger sbx-test-order x "y z"
  assert_success
  assert_output "aaa-first x y z
zzz-last x y z"
}

@test "(plugn trigger) an unknown trigger is a no-op" {
  run plugn trigger sbx-test-nobody-implements-this
  assert_success ""
}

@test "(plugn trigger) a disabled plugin's trigger does not run" {
  plugn disable zzz-last
  run plugn trigger sbx-test-order
  plugn enable zzz-last
  assert_success "aaa-first "
}

@test "(plugn trigger) exports CONFIG_ keys of [plugin.config], values from the environment" {
  run env CONF_PLUGIN_SOME_KEY=from-env plugn trigger sbx-test-config
  assert_success "some=from-env other="
}

@test "(plugn trigger) CONFIG_ values come from config.toml, not plugin.toml defaults" {
  run plugn trigger sbx-test-config
  assert_success "some= other="
  plugn config set conf-plugin other "from toml"
  run plugn trigger sbx-test-config
  assert_success "some= other=from toml"
  run plugn config get conf-plugin other
  assert_success "from toml"
}

@test "(plugn trigger) a plugin.toml without [plugin.config] panics on stderr but runs" {
  run_stderr plugn trigger sbx-test-panic
  assert_success
  assert_line_equals 0 "panic: interface conversion: interface {} is nil, not map[string]interface {}"
  run_stdout plugn trigger sbx-test-panic
  assert_success "trigger still ran"
}

@test "(plugn trigger) a non-executable trigger is skipped with a notice" {
  run_stderr plugn trigger sbx-test-noexec
  assert_success "Trigger 'sbx-test-noexec' is not executable, skipping plugin (noexec)"
  run_stdout plugn trigger sbx-test-noexec
  assert_success ""
}

@test "(plugn trigger) stops at the first failing script with its status" {
  run plugn trigger sbx-test-fail
  assert_exit_status 7
  assert_output "first fails"
}

@test "(plugn list) lists available plugins with version and state" {
  plugn disable noexec
  run plugn list
  plugn enable noexec
  assert_success
  [[ "$output" =~ (^|$'\n')\ \ conf-plugin\ +1\.2\.3\ +enabled\ +config\ test ]] || flunk "$output"
  [[ "$output" =~ (^|$'\n')\ \ noexec\ +0\.0\.1\ +disabled ]] || flunk "$output"
  [[ "$output" =~ (^|$'\n')\ \ apps\ +0\.38\.27\ +enabled ]] || flunk "$output"
}

@test "(plugn version) prints plugn's version" {
  run plugn version
  assert_success "0.17.1"
}

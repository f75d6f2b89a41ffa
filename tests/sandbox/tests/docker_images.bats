#!/usr/bin/env bats
# The sandbox's docker: the image catalogue, pull, images, image inspect, rmi, and
# `sandbox republish` (README "Images", "docker").
load test_helper
load docker_helper

setup_file() { sandbox_setup_file; }
teardown_file() { sandbox_teardown_file; }

@test "(docker pull) an exact tag of the catalogue: progress, digest and status lines" {
  run docker pull postgres:17.10
  assert_success
  assert_line_equals 0 "17.10: Pulling from library/postgres"
  assert_contains "${lines[1]}" ": Pull complete"
  assert_contains "$output" $'\nDigest: sha256:'
  assert_line_equals $((${#lines[@]} - 2)) "Status: Downloaded newer image for postgres:17.10"
  assert_line_equals $((${#lines[@]} - 1)) "docker.io/library/postgres:17.10"
  run docker pull postgres:17.10
  assert_success
  assert_output_contains "Status: Image is up to date for postgres:17.10"
  assert_output_contains "Pull complete" 0
}

@test "(docker pull) short tags resolve like Docker Hub's: 17 is 17.10, latest is 18.4" {
  docker pull postgres:17.10 >/dev/null
  docker pull postgres:17 >/dev/null
  docker pull postgres:18.4 >/dev/null
  run docker pull postgres
  assert_success
  assert_line_equals 0 "Using default tag: latest"
  assert_equal "$(docker image inspect -f '{{.Id}}' postgres:17.10)" "$(docker image inspect -f '{{.Id}}' postgres:17)"
  assert_equal "$(docker image inspect -f '{{.Id}}' postgres:18.4)" "$(docker image inspect -f '{{.Id}}' postgres:latest)"
  run docker image inspect -f '{{json .RepoTags}}' postgres:18.4
  assert_success '["postgres:18.4","postgres:latest"]'
  run docker pull docker.io/library/postgres:16.14
  assert_success
  assert_output_contains "Status: Downloaded newer image for postgres:16.14"
}

@test "(docker pull) every catalogue image, postgis included" {
  local img
  for img in postgres:14.23 postgres:15.18 postgres:16.14 postgres:17.10 postgres:18.4 postgis/postgis:15-3.3 \
    dokku/wait:0.9.3 dokku/s3backup:0.18.0 busybox:1.37.0-uclibc dokku/ambassador:0.8.2; do
    run docker image pull "$img"
    assert_success
    assert_output_contains "for $img"
  done
  run docker pull postgis/postgis:15-3.3
  assert_line_equals 0 "15-3.3: Pulling from postgis/postgis"
}

@test "(docker pull) an unknown tag fails like docker" {
  run_stderr docker pull postgres:99.1
  assert_exit_status 1
  assert_output "Error response from daemon: manifest for postgres:99.1 not found: manifest unknown: manifest unknown"
  run_stderr docker image pull postgis/postgis:latest
  assert_exit_status 1
  assert_output "Error response from daemon: manifest for postgis/postgis:latest not found: manifest unknown: manifest unknown"
}

@test "(docker pull) an unknown repository fails like docker" {
  run_stderr docker pull nosuch/image:1.0
  assert_exit_status 1
  assert_output "Error response from daemon: pull access denied for nosuch/image, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"
}

@test "(docker image ls) -q IMG:TAG prints the short id, or nothing when the tag is not local" {
  docker pull postgres:14.23 >/dev/null
  local id
  id="$(docker image inspect -f '{{.Id}}' postgres:14.23)"
  run docker image ls -q postgres:14.23
  assert_success "${id:7:12}"
  run docker image ls -q postgres:14.99
  assert_success ""
  run docker image ls -q postgres:14
  assert_success ""
}

@test "(docker images) table with repository, tag, id, created and size" {
  docker pull busybox:1.37.0-uclibc >/dev/null
  run docker images busybox
  assert_success
  assert_contains "${lines[0]}" "REPOSITORY"
  assert_contains "${lines[0]}" "IMAGE ID"
  [[ "${lines[1]}" =~ ^busybox\ +1\.37\.0-uclibc\ +[0-9a-f]{12}\ +.+\ ago\ +12MB$ ]] || flunk "row: ${lines[1]}"
  run docker images --format '{{.Repository}}:{{.Tag}}' busybox:1.37.0-uclibc
  assert_success "busybox:1.37.0-uclibc"
}

@test "(docker image inspect) Created, Id and RepoTags from the catalogue; errors like docker" {
  docker pull postgis/postgis:15-3.3 >/dev/null
  run docker image inspect --format '{{.Created}}' postgis/postgis:15-3.3
  assert_success "2026-05-16T04:12:45Z"
  run docker image inspect postgis/postgis:15-3.3
  assert_success
  assert_equal "postgis/postgis:15-3.3" "$(jq -r '.[0].RepoTags[0]' <<<"$output")"
  assert_equal "null" "$(jq -r '.[0].Sandbox' <<<"$output")"
  [[ "$(jq -r '.[0].Id' <<<"$output")" =~ ^sha256:[0-9a-f]{64}$ ]] || flunk "Id: $output"
  run docker image inspect -f '{{.Config.Env}}' postgres:18.4
  assert_contains "$output" "PGDATA=/var/lib/postgresql/18/docker"
  run_stderr docker image inspect nosuch:1
  assert_exit_status 1
  assert_output "Error: No such image: nosuch:1"
  run_stdout docker image inspect nosuch:1
  assert_output "[]"
}

@test "(sandbox republish) the next pull gets a new Id with the newer Created; the old image dangles" {
  docker pull postgis/postgis:15-3.3 >/dev/null
  local old
  old="$(docker image inspect -f '{{.Id}}' postgis/postgis:15-3.3)"
  run "$SANDBOX_CLI" republish "$SANDBOX_TEST_HOST" postgis/postgis:15-3.3 --created 2026-09-01T10:00:00Z
  assert_success
  assert_contains "$output" "sandbox: postgis/postgis:15-3.3 re-published as sha256:"
  # nothing changes locally until the pull
  run docker image inspect -f '{{.Created}}' postgis/postgis:15-3.3
  assert_success "2026-05-16T04:12:45Z"
  run docker pull postgis/postgis:15-3.3
  assert_success
  assert_output_contains "Status: Downloaded newer image for postgis/postgis:15-3.3"
  run docker image inspect -f '{{.Created}}' postgis/postgis:15-3.3
  assert_success "2026-09-01T10:00:00Z"
  [[ "$(docker image inspect -f '{{.Id}}' postgis/postgis:15-3.3)" != "$old" ]] || flunk "same Id after republish"
  run docker image inspect -f '{{json .RepoTags}}' "$old"
  assert_success "[]"
  run docker images --format '{{.Repository}} {{.Tag}} {{.ID}}'
  assert_output_contains "<none> <none> ${old:7:12}"
}

@test "(sandbox republish) refuses images outside the catalogue and bad dates" {
  run "$SANDBOX_CLI" republish "$SANDBOX_TEST_HOST" nosuch/image:1
  assert_failure
  assert_output " !     sandbox: nosuch/image:1 is not in the image catalogue (tests/sandbox/images.conf)"
  run "$SANDBOX_CLI" republish "$SANDBOX_TEST_HOST" postgres:17 --created yesterday
  assert_failure
  assert_output " !     sandbox: --created must look like 2026-06-01T12:00:00Z (got: yesterday)"
}

@test "(docker rmi) untags, refuses an image a container uses" {
  docker pull busybox:1.37.0-uclibc >/dev/null
  docker tag busybox:1.37.0-uclibc busybox:mine
  run docker rmi busybox:mine
  assert_success "Untagged: busybox:mine"
  docker create --name rmi-user busybox:1.37.0-uclibc >/dev/null
  run_stderr docker rmi busybox:1.37.0-uclibc
  assert_exit_status 1
  assert_contains "$output" "Error response from daemon: conflict: unable to remove repository reference \"busybox:1.37.0-uclibc\" (must force) - container "
  docker rm rmi-user >/dev/null
  run docker rmi busybox:1.37.0-uclibc
  assert_success
  assert_line_equals 0 "Untagged: busybox:1.37.0-uclibc"
  assert_contains "${lines[1]}" "Deleted: sha256:"
  run docker image ls -q busybox:1.37.0-uclibc
  assert_success ""
}

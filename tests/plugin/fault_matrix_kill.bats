#!/usr/bin/env bats
# Fault matrix, the helper is killed with SIGKILL during the step (tests/plugin/fault_matrix.bash): every step of
# pgupgrade:run meets the fault while the load client writes; status tells the truth, then resume
# or rollback recovers (alternating across the matrix so every step sees both), no acknowledged
# write is lost and no secret shows. The rows of the matrix are printed to the test log.

load plugin_helper
load fault_matrix

setup_file() {
  matrix_setup_file
}

teardown_file() {
  matrix_teardown_file
}

@test "(fault matrix) kill × pull, then resume" {
  matrix_cell pull kill resume
}

@test "(fault matrix) kill × export, then rollback" {
  matrix_cell export kill rollback
}

@test "(fault matrix) kill × create, then resume" {
  matrix_cell create kill resume
}

@test "(fault matrix) kill × maintenance-on, then rollback" {
  matrix_cell maintenance-on kill rollback
}

@test "(fault matrix) kill × fence, then resume" {
  matrix_cell fence kill resume
}

@test "(fault matrix) kill × backup, then resume" {
  matrix_cell backup kill resume
}

@test "(fault matrix) kill × copy, then rollback" {
  matrix_cell copy kill rollback
}

@test "(fault matrix) kill × verify, then resume" {
  matrix_cell verify kill resume
}

@test "(fault matrix) kill × switch, then rollback" {
  matrix_cell switch kill rollback
}

@test "(fault matrix) kill × maintenance-off, then resume" {
  matrix_cell maintenance-off kill resume
}

@test "(fault matrix) kill × retire-old, then rollback" {
  matrix_cell retire-old kill rollback
}

@test "(fault matrix) kill × backups, then rollback" {
  matrix_cell backups kill rollback
}

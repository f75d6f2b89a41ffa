#!/usr/bin/env bats
# Fault matrix, the emulated command hangs past --command-timeout (tests/plugin/fault_matrix.bash): every step of
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

@test "(fault matrix) hang × pull, then rollback" {
  matrix_cell pull hang rollback
}

@test "(fault matrix) hang × export, then resume" {
  matrix_cell export hang resume
}

@test "(fault matrix) hang × create, then rollback" {
  matrix_cell create hang rollback
}

@test "(fault matrix) hang × maintenance-on, then resume" {
  matrix_cell maintenance-on hang resume
}

@test "(fault matrix) hang × fence, then rollback" {
  matrix_cell fence hang rollback
}

@test "(fault matrix) hang × backup, then resume" {
  matrix_cell backup hang resume
}

@test "(fault matrix) hang × copy, then rollback" {
  matrix_cell copy hang rollback
}

@test "(fault matrix) hang × verify, then resume" {
  matrix_cell verify hang resume
}

@test "(fault matrix) hang × switch, then rollback" {
  matrix_cell switch hang rollback
}

@test "(fault matrix) hang × maintenance-off, then rollback" {
  matrix_cell maintenance-off hang rollback
}

@test "(fault matrix) hang × retire-old, then resume" {
  matrix_cell retire-old hang resume
}

@test "(fault matrix) hang × backups, then resume" {
  matrix_cell backups hang resume
}

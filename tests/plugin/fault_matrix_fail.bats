#!/usr/bin/env bats
# Fault matrix, the emulated command fails (tests/plugin/fault_matrix.bash): every step of
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

@test "(fault matrix) fail × pull, then resume" {
  matrix_cell pull fail resume
}

@test "(fault matrix) fail × export, then rollback" {
  matrix_cell export fail rollback
}

@test "(fault matrix) fail × create, then resume" {
  matrix_cell create fail resume
}

@test "(fault matrix) fail × maintenance-on, then rollback" {
  matrix_cell maintenance-on fail rollback
}

@test "(fault matrix) fail × fence, then resume" {
  matrix_cell fence fail resume
}

@test "(fault matrix) fail × backup, then rollback" {
  matrix_cell backup fail rollback
}

@test "(fault matrix) fail × copy, then resume" {
  matrix_cell copy fail resume
}

@test "(fault matrix) fail × verify, then rollback" {
  matrix_cell verify fail rollback
}

@test "(fault matrix) fail × switch, then resume" {
  matrix_cell switch fail resume
}

@test "(fault matrix) fail × maintenance-off, then resume" {
  matrix_cell maintenance-off fail resume
}

@test "(fault matrix) fail × retire-old, then rollback" {
  matrix_cell retire-old fail rollback
}

@test "(fault matrix) fail × backups, then rollback" {
  matrix_cell backups fail rollback
}

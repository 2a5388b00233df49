#!/usr/bin/env bash
# `make test-outbox`: the outbox's proof (tests/ffi_outbox_proof, issue 10 item 8), run one test at a
# time (each drives child processes and the emulator; two cores are enough, one at a time):
#
#   the_vfs_loses_unsynced_writes                        the power-cut VFS itself, plain SQLite
#   kill_loop_bills_every_acknowledged_record_exactly_once   200 rounds of kill -9 (SaaS)
#   machine_mode_kill_loop_bills_every_acknowledged_record_exactly_once
#                                                        120 rounds in machine mode, a store
#                                                        copied to another machine mid-loop
#   power_loss_with_full_loses_nothing                   the loop on the power-cut VFS, FULL
#   power_loss_with_normal_loses_acknowledged_usage      the same at NORMAL: must fail
#   outage_longer_than_the_retry_budget_delivers_everything
#   outage_longer_than_the_window_expires_and_reports
#
# (bench::bench_outbox is left to scripts/bench-outbox.sh.)
# MPM_PROOF_ROUNDS overrides the number of rounds of each loop; MPM_PROOF_SEED the stream's seed.
# Prints the time the group took.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
CARGO="${CARGO:-cargo}"
start=$(date +%s)
env -u CFLAGS -u CPPFLAGS -u LDFLAGS "$CARGO" build -q -p mpm-emulator
env -u CFLAGS -u CPPFLAGS -u LDFLAGS "$CARGO" test -q -p mpmeter --test ffi_outbox_proof -- \
    --ignored --skip bench:: --test-threads=1 "$@"
echo "test-outbox: $(( $(date +%s) - start ))s"

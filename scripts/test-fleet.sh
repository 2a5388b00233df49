#!/usr/bin/env bash
# `make test-fleet`: fleet mode's crash test (tests/ffi_outbox_fleet, issue 11 item 4): three
# worker processes record into one PostgreSQL outbox and deliver from it while they are
# SIGKILLed, one is held stopped past its lease, their sessions are ended and PostgreSQL
# restarts; then the emulator's ledger must equal what was acknowledged.
#
# It starts nothing by hand: the test starts its own throwaway PostgreSQL
# (core/tests/support/postgres.rs; `scripts/setup.sh postgres` installs the server and the
# user that runs it) and its emulator. MPM_FLEET_SEED sets the seed (default 11). Extra
# arguments go to the test binary. (bench::bench_fleet is left to scripts/bench-fleet.sh.)
# Prints the time the group took.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
CARGO="${CARGO:-cargo}"
start=$(date +%s)
env -u CFLAGS -u CPPFLAGS -u LDFLAGS "$CARGO" build -q -p mpm-emulator
env -u CFLAGS -u CPPFLAGS -u LDFLAGS "$CARGO" test -q -p mpmeter --test ffi_outbox_fleet -- \
    --ignored --skip bench:: --nocapture --test-threads=1 "$@"
echo "test-fleet: $(( $(date +%s) - start ))s"

#!/usr/bin/env bash
# `make bench-fleet`: the fleet's bench (issue 11, item 5), not part of `make test`: a release
# build of tests/ffi_outbox_fleet's `bench::bench_fleet` (tests/ffi_outbox_fleet/bench.rs)
# against a throwaway PostgreSQL (started by the test) and the emulator. Prints one
# "BENCH name value unit" line per number: records a second from 3 processes x 8 threads, then
# the delivery of the 10,002 slots they made by the 3 processes at once (time, requests, the
# rate measured at the emulator and its busiest second), and the machine's load.
# MPM_BENCH_SECONDS (default 3) sets how long they record.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
CARGO="${CARGO:-cargo}"
scripts/setup.sh postgres
env -u CFLAGS -u CPPFLAGS -u LDFLAGS "$CARGO" build -q -p mpm-emulator
env -u CFLAGS -u CPPFLAGS -u LDFLAGS "$CARGO" test -q --release -p mpmeter --test ffi_outbox_fleet -- \
    --ignored --exact bench::bench_fleet --nocapture 2>&1 | grep -E '^BENCH|panicked|FAILED|error' || true

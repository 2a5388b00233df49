#!/usr/bin/env bash
# The outbox's bench (issue 10, item 9), not part of `make test`: a release build of
# tests/ffi_outbox_proof's `bench_outbox` (tests/ffi_outbox_proof/bench.rs) against the emulator.
# Prints one "BENCH name value unit" line per number: record latency p50/p99 (one thread),
# records a second from 16 threads and in batches of 100, RSS over 1,000,000 events, and the
# time to deliver 10,000 slots at 10 requests a second.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
CARGO="${CARGO:-cargo}"
env -u CFLAGS -u CPPFLAGS -u LDFLAGS "$CARGO" build -q -p mpm-emulator
env -u CFLAGS -u CPPFLAGS -u LDFLAGS "$CARGO" test -q --release -p mpmeter --test ffi_outbox_proof -- \
    --ignored --exact bench::bench_outbox --nocapture 2>&1 | grep -E '^BENCH|panicked|FAILED|error' || true

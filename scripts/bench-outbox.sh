#!/usr/bin/env bash
# The outbox's bench (issue 10, item 9), not part of `make test`: a release build of
# tests/ffi_outbox_proof's `bench_outbox` (tests/ffi_outbox_proof/bench.rs) against the emulator.
# Prints one "BENCH name value unit" line per number: record latency p50/p99 (one thread),
# records a second from 16 threads one a call, in batches of 100 from 16 threads and from one
# thread, each through the C API and through the core's Rust API side by side (alternating
# runs), RSS over 1,000,000 events, and the time to deliver 10,000 slots at 10 requests a
# second; "BENCH load" lines give the load average at each step, and `uptime` frames the run:
# the numbers depend on the shared disk's fsync latency (each commit waits for one fsync).
# MPM_BENCH_ONLY=throughput|latency and MPM_BENCH_WAY=c_api|core narrow the run (bench.rs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
CARGO="${CARGO:-cargo}"
env -u CFLAGS -u CPPFLAGS -u LDFLAGS "$CARGO" build -q -p mpm-emulator
env -u CFLAGS -u CPPFLAGS -u LDFLAGS "$CARGO" test -q --release -p mpmeter --test ffi_outbox_proof --no-run
echo "BENCH uptime $(uptime)"
env -u CFLAGS -u CPPFLAGS -u LDFLAGS "$CARGO" test -q --release -p mpmeter --test ffi_outbox_proof -- \
    --ignored --exact bench::bench_outbox --nocapture 2>&1 | grep -E '^BENCH|panicked|FAILED|error' || true
echo "BENCH uptime $(uptime)"

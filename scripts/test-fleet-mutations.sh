#!/usr/bin/env bash
# `make test-fleet-mutations`: the fleet test has teeth. With the library built with its
# mutation hooks (cargo feature `outbox-mutations` of mpmeter-core, never on otherwise) and
# MPM_OUTBOX_MUTATION=no_epoch_fence (a sender that lost its lease still writes its outcome
# over the newer state), the fleet test must FAIL; the same build without a mutation must pass.
# Prints "caught" or "NOT CAUGHT" and fails if the mutation is not caught. Not part of `make
# test`: it rebuilds the library with the feature and runs the fleet test twice.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
CARGO="${CARGO:-cargo}"
run() {
    env -u CFLAGS -u CPPFLAGS -u LDFLAGS "$CARGO" test -q -p mpmeter --features mpmeter-core/outbox-mutations \
        --test ffi_outbox_fleet -- --ignored --nocapture --test-threads=1 --exact \
        fleet_of_three_bills_every_acknowledged_record_exactly_once >"$log" 2>&1
}
"$CARGO" build -q -p mpm-emulator || exit 1
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
failed=0
if MPM_OUTBOX_MUTATION=no_epoch_fence run; then
    echo "mutation no_epoch_fence: NOT CAUGHT (the fleet test passed)"
    grep '^fleet:' "$log" || true
    failed=1
else
    why="$(grep -o 'fleet test failed: .*' "$log" | head -1 | cut -c1-400)"
    echo "mutation no_epoch_fence: caught -- ${why:-$(tail -3 "$log")}"
fi
if MPM_OUTBOX_MUTATION= run; then
    echo "no mutation: passes -- $(grep '^fleet:' "$log" || true)"
else
    echo "no mutation: FAILED (the build with the hooks must pass unmutated)"; tail -20 "$log"; failed=1
fi
exit "$failed"

#!/usr/bin/env bash
# `make test-outbox-mutations`: the proof has teeth. The library is built with its mutation hooks
# (cargo feature `outbox-mutations` of mpmeter-core, never on otherwise), and for each deliberate
# bug, selected by MPM_OUTBOX_MUTATION, the kill loop must FAIL, in SaaS mode and in machine mode:
#
#   resend_current_time   a resend carries the current time instead of the sealed hour
#   late_into_sealed      late usage is added to its sealed slot instead of the current hour
#   no_event_dedupe       a known event_id is counted again
#
# Then the same build without a mutation must pass (the hooks alone change nothing). Prints one
# line per mutation and mode, "caught" or "NOT CAUGHT", and fails if any is not caught.
# MPM_PROOF_ROUNDS (default 80) sets the rounds of each run. Not part of `make test`: it
# rebuilds the library with the feature (a few minutes) and runs each loop four times.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
CARGO="${CARGO:-cargo}"
export MPM_PROOF_ROUNDS="${MPM_PROOF_ROUNDS:-80}"
loops=(kill_loop_bills_every_acknowledged_record_exactly_once
       machine_mode_kill_loop_bills_every_acknowledged_record_exactly_once)
run() {
    env -u CFLAGS -u CPPFLAGS -u LDFLAGS "$CARGO" test -q -p mpmeter --features mpmeter-core/outbox-mutations \
        --test ffi_outbox_proof -- --ignored --exact "$loop" >"$log" 2>&1
}
"$CARGO" build -q -p mpm-emulator || exit 1
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
failed=0
for loop in "${loops[@]}"; do
    mode=saas
    [[ $loop == machine_mode_* ]] && mode=machine
    for m in resend_current_time late_into_sealed no_event_dedupe; do
        if MPM_OUTBOX_MUTATION="$m" run; then
            echo "mutation $m ($mode): NOT CAUGHT (the kill loop passed)"
            failed=1
        else
            why="$(grep -o 'kill loop failed: [^(]*' "$log" | head -1 | cut -c1-300)"
            echo "mutation $m ($mode): caught -- ${why:-$(tail -3 "$log")}"
        fi
    done
    if MPM_OUTBOX_MUTATION= run; then
        echo "no mutation ($mode): passes"
    else
        echo "no mutation ($mode): FAILED (the build with the hooks must pass unmutated)"; tail -20 "$log"; failed=1
    fi
done
exit "$failed"

#!/usr/bin/env bash
# CPU per call of mpmeter (through its C API) against the AWS SDK for Rust, on the local
# emulator. Not part of `make test`: it builds the AWS SDK, which is slow.
#
#   scripts/bench.sh                 # 5000 sequential calls, then 20000 with 64 in flight
#   CALLS=1000 CONC_CALLS=4000 OPS=resolve scripts/bench.sh
#
# Settings (environment): CALLS (sequential calls, 5000), CONC_CALLS (concurrent calls,
# 20000), CONCURRENCY (64), WARMUP (warm-up calls before each measurement, 200),
# OPS ("resolve meter": ResolveCustomer, MeterUsage), INSTRUCTIONS (1: also count
# instructions per sequential call with `perf stat` if the machine has the counter, else with
# valgrind's callgrind on IR_CALLS_LO/IR_CALLS_HI calls, 100/300, by difference; 0: skip).
#
# What is measured: getrusage(RUSAGE_SELF) user+sys CPU time of the client process (all of
# its threads) over the measured calls, divided by the number of calls; wall time the same
# way; peak RSS (ru_maxrss) of the client process. The emulator runs as a separate process
# and is not counted. Every call is checked; a failed call aborts the benchmark.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
CALLS="${CALLS:-5000}"
CONC_CALLS="${CONC_CALLS:-20000}"
CONCURRENCY="${CONCURRENCY:-64}"
WARMUP="${WARMUP:-200}"
OPS="${OPS:-resolve meter}"
INSTRUCTIONS="${INSTRUCTIONS:-1}"
IR_CALLS_LO="${IR_CALLS_LO:-100}"
IR_CALLS_HI="${IR_CALLS_HI:-300}"
BENCH_MANIFEST="$root/bench/Cargo.toml"
BIN="$root/bench/target/release"
EMULATOR="$root/target/release/mpm-emulator"

echo "== building (release): mpm-emulator, libmpmeter, mpmeter-bench, sdk-bench"
cargo build -q --release -p mpm-emulator -p mpmeter
# Two invocations, so that cargo does not unify the SDK's aws-config features into mpmeter's.
cargo build -q --release --manifest-path "$BENCH_MANIFEST" --features mpmeter --bin mpmeter-bench
cargo build -q --release --manifest-path "$BENCH_MANIFEST" --features sdk --bin sdk-bench

tmp="$(mktemp -d)"
# shellcheck source=scripts/lib/emulator.sh
source "$root/scripts/lib/emulator.sh"
cleanup() {
    stop_emulator
    rm -rf "$tmp"
}
trap cleanup EXIT

start_emulator "$EMULATOR" "$tmp"
echo "== mpm-emulator (pid $emulator_pid) listening on $endpoint"

results="$tmp/results"
: >"$results"
run() { # impl op calls concurrency
    local bin="$BIN/$1-bench" line
    line="$("$bin" --endpoint "$endpoint" --op "$2" --calls "$3" --concurrency "$4" --warmup "$WARMUP")"
    echo "   $line"
    echo "$line" >>"$results"
}

for op in $OPS; do
    echo "== $op: $CALLS sequential calls"
    run mpmeter "$op" "$CALLS" 1
    run sdk "$op" "$CALLS" 1
    echo "== $op: $CONC_CALLS calls, $CONCURRENCY in flight"
    run mpmeter "$op" "$CONC_CALLS" "$CONCURRENCY"
    run sdk "$op" "$CONC_CALLS" "$CONCURRENCY"
done

# Instructions per sequential call of the client process.
ir_tool=
if [ "$INSTRUCTIONS" = 1 ]; then
    if perf stat -x, -e instructions:u true 2>&1 >/dev/null | grep -q '^[0-9]'; then
        ir_tool=perf
    elif command -v valgrind >/dev/null; then
        ir_tool=callgrind
    else
        echo "== instructions: neither a perf instructions counter nor valgrind here; skipped"
    fi
fi
instructions() { # impl op calls -> total instructions of the whole process
    local bin="$BIN/$1-bench" args=(--endpoint "$endpoint" --op "$2" --calls "$3" --warmup 20)
    if [ "$ir_tool" = perf ]; then
        perf stat -x, -e instructions:u -o "$tmp/perf.csv" "$bin" "${args[@]}" >/dev/null
        awk -F, '/instructions/ {print $1}' "$tmp/perf.csv"
    else
        valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "$bin" "${args[@]}" \
            >/dev/null 2>"$tmp/cg.err" || { cat "$tmp/cg.err" >&2; return 1; }
        awk '/^(summary|totals):/ {print $2; exit}' "$tmp/cg.out"
    fi
}
declare -A ir
if [ -n "$ir_tool" ]; then
    echo "== instructions per sequential call ($ir_tool, ($IR_CALLS_HI - $IR_CALLS_LO calls) by difference)"
    for op in $OPS; do
        for impl in mpmeter sdk; do
            lo="$(instructions "$impl" "$op" "$IR_CALLS_LO")"
            hi="$(instructions "$impl" "$op" "$IR_CALLS_HI")"
            ir[$impl.$op]=$(( (hi - lo) / (IR_CALLS_HI - IR_CALLS_LO) ))
            echo "   $impl $op: ${ir[$impl.$op]} instructions/call"
        done
    done
fi

field() { # line name
    sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"
}

echo
echo "== results (client process only; CPU = getrusage user+sys)"
printf '%-8s %-7s %6s %5s | %12s %12s %12s | %11s %11s | %9s %9s\n' \
    op mode calls conc "mpmeter cpu" "sdk cpu" "mpm/sdk cpu" "mpm wall" "sdk wall" "mpm RSS" "sdk RSS"
printf '%-8s %-7s %6s %5s | %12s %12s %12s | %11s %11s | %9s %9s\n' \
    "" "" "" "" "us/call" "us/call" "" "us/call" "us/call" "KiB" "KiB"
for op in $OPS; do
    for conc in 1 "$CONCURRENCY"; do
        m="$(grep "impl=mpmeter op=$op .*concurrency=$conc " "$results")"
        s="$(grep "impl=sdk op=$op .*concurrency=$conc " "$results")"
        mc="$(field "$m" cpu_us_per_call)"; sc="$(field "$s" cpu_us_per_call)"
        mode=seq; [ "$conc" = 1 ] || mode=conc
        printf '%-8s %-7s %6s %5s | %12s %12s %12s | %11s %11s | %9s %9s\n' \
            "$op" "$mode" "$(field "$m" calls)" "$conc" "$mc" "$sc" \
            "$(awk -v a="$mc" -v b="$sc" 'BEGIN {printf "%.3f", a / b}')" \
            "$(field "$m" wall_us_per_call)" "$(field "$s" wall_us_per_call)" \
            "$(field "$m" max_rss_kb)" "$(field "$s" max_rss_kb)"
    done
done
if [ -n "$ir_tool" ]; then
    for op in $OPS; do
        printf 'instructions/call (%s, sequential, %s): mpmeter %s, sdk %s, mpmeter/sdk %s\n' \
            "$op" "$ir_tool" "${ir[mpmeter.$op]}" "${ir[sdk.$op]}" \
            "$(awk -v a="${ir[mpmeter.$op]}" -v b="${ir[sdk.$op]}" 'BEGIN {printf "%.3f", a / b}')"
    done
fi
strip -o "$tmp/libmpmeter.so" target/release/libmpmeter.so
printf 'libmpmeter.so stripped: %s bytes (target/release/libmpmeter.so, cargo build --release -p mpmeter)\n' \
    "$(stat -c %s "$tmp/libmpmeter.so")"

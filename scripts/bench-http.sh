#!/usr/bin/env bash
# The HTTP bench (issue 12): mpmeter through its C API, the AWS SDK for Rust at its best and
# the raw-HTTP floor, against one minimal keep-alive mock, all in one run. Not part of
# `make test` (it builds the AWS SDK, which is slow).
#
#   scripts/bench-http.sh
#   CALLS=2000 INFLIGHT_CALLS=10000 scripts/bench-http.sh
#   BASELINE_LIB=/path/to/old/target/release BASELINE_INCLUDE=/path/to/old/include \
#       scripts/bench-http.sh          # also a "before" mpmeter, side by side
#
# The mock runs pinned to CPU SERVER_CPU (0), every client pinned to CLIENT_CPU (1), one at a
# time. Clients: floor (bench/src/bin/http-floor.rs: a prebuilt unsigned request on a
# keep-alive connection, tokio current_thread), sdk (aws-sdk-marketplacemetering, default
# features, one client, current_thread runtime), mpmeter-seq (C: mpm_response_wait),
# mpmeter-cb (C: K in flight, mpm_response_on_finished), mpmeter-cq (C: K in flight on an
# mpm_completion_queue's fd, when the header has it). Operations: MeterUsage (meter) and
# BatchMeterUsage of 25 records (batch).
#
# Per client: CPU per call = getrusage(RUSAGE_SELF) user+sys of the whole client process over
# the measured calls / calls; calls/s = calls / wall time; p50/p99 = per-call latency (start to
# checked answer); allocs/call = allocation calls of the whole process (malloc family; realloc
# not counted); Ir/call = callgrind instructions of the whole process per sequential MeterUsage,
# by difference of IR_LO and IR_HI calls. Ratios: to the floor and to the SDK of the same run.
#
# Settings: CALLS (sequential, 5000), INFLIGHT_CALLS (20000), K (64), WARMUP (300),
# OPS ("meter batch"), IR (1: callgrind pass), IR_LO/IR_HI (200/600), WORKERS (library runtime
# workers, default: the library's), SERVER_CPU/CLIENT_CPU, BUILD (0: use what is built),
# INCLUDE (the header's directory, include/), LIB (libmpmeter.so's directory, target/release).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
CALLS="${CALLS:-5000}"
INFLIGHT_CALLS="${INFLIGHT_CALLS:-20000}"
K="${K:-64}"
WARMUP="${WARMUP:-300}"
OPS="${OPS:-meter batch}"
IR="${IR:-1}"
IR_LO="${IR_LO:-200}"
IR_HI="${IR_HI:-600}"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
WORKERS="${WORKERS:-0}"
BASELINE_LIB="${BASELINE_LIB:-}"
BASELINE_INCLUDE="${BASELINE_INCLUDE:-}"
BENCH_MANIFEST="$root/bench/Cargo.toml"
BIN="$root/bench/target/release"
CC="${CC:-cc}"

INCLUDE="${INCLUDE:-$root/include}"
LIB="${LIB:-$root/target/release}"
if [ "${BUILD:-1}" = 1 ]; then
    echo "== building (release): libmpmeter, mock-server, http-floor, sdk-http-bench, mpm-http-bench"
    env -u CFLAGS -u LDFLAGS cargo build -q --release -p mpmeter
    env -u CFLAGS -u LDFLAGS cargo build -q --release --manifest-path "$BENCH_MANIFEST" --features sdk \
        --bin mock-server --bin http-floor --bin sdk-http-bench
fi

tmp="$(mktemp -d)"
mock_pid=
cleanup() {
    if [ -n "$mock_pid" ]; then kill "$mock_pid" 2>/dev/null; wait "$mock_pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

declare -A with_cq
build_c() { # out include-dir lib-dir
    local cq=()
    grep -q mpm_completion_queue_new "$2/mpmeter.h" && cq=(-DMPM_HAVE_CQ) && with_cq[$1]=1
    "$CC" -O2 -std=gnu99 -Wall "${cq[@]}" -I"$2" bench/c/mpm-http-bench.c -o "$1" \
        -L"$3" -lmpmeter -Wl,-rpath,"$3" -lpthread
}
build_c "$tmp/mpm-http-bench" "$INCLUDE" "$LIB"
mpm_impls=(mpmeter)
declare -A mpm_bin=([mpmeter]="$tmp/mpm-http-bench")
if [ -n "$BASELINE_LIB" ]; then
    build_c "$tmp/mpm-http-bench-before" "${BASELINE_INCLUDE:-$root/include}" "$BASELINE_LIB"
    mpm_impls=(before mpmeter)
    mpm_bin[before]="$tmp/mpm-http-bench-before"
fi

ts=$(( $(date +%s) / 3600 * 3600 ))
taskset -c "$SERVER_CPU" "$BIN/mock-server" --timestamp "$ts" >"$tmp/mock.out" &
mock_pid=$!
for _ in $(seq 100); do grep -q listening "$tmp/mock.out" && break; sleep 0.05; done
endpoint="$(sed -n 's/^listening on //p' "$tmp/mock.out")"
[ -n "$endpoint" ] || { echo "the mock did not start" >&2; exit 1; }
echo "== mock (pid $mock_pid, CPU $SERVER_CPU) on $endpoint; clients on CPU $CLIENT_CPU; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

results="$tmp/results"
: >"$results"
common_args=(--endpoint "$endpoint" --timestamp "$ts" --warmup "$WARMUP")
run() { # label op calls k cmd...
    local label="$1" op="$2" n="$3" k="$4"
    shift 4
    local line
    line="$(taskset -c "$CLIENT_CPU" "$@" "${common_args[@]}" --op "$op" --calls "$n" --concurrency "$k")"
    line="${line/ impl=* op=/ impl=$label op=}"
    echo "   $line"
    echo "$line" >>"$results"
}
wflag=()
[ "$WORKERS" != 0 ] && wflag=(--workers "$WORKERS")
for op in $OPS; do
    echo "== $op: $CALLS sequential calls"
    run floor "$op" "$CALLS" 1 "$BIN/http-floor"
    run sdk "$op" "$CALLS" 1 "$BIN/sdk-http-bench"
    for m in "${mpm_impls[@]}"; do
        run "$m-seq" "$op" "$CALLS" 1 "${mpm_bin[$m]}" --mode seq "${wflag[@]}"
    done
    echo "== $op: $INFLIGHT_CALLS calls, $K in flight"
    run floor "$op" "$INFLIGHT_CALLS" "$K" "$BIN/http-floor"
    run sdk "$op" "$INFLIGHT_CALLS" "$K" "$BIN/sdk-http-bench"
    for m in "${mpm_impls[@]}"; do
        run "$m-cb" "$op" "$INFLIGHT_CALLS" "$K" "${mpm_bin[$m]}" --mode cb "${wflag[@]}"
        if [ -n "${with_cq[${mpm_bin[$m]}]:-}" ]; then
            run "$m-cq" "$op" "$INFLIGHT_CALLS" "$K" "${mpm_bin[$m]}" --mode cq "${wflag[@]}"
        fi
    done
done

declare -A ir
if [ "$IR" = 1 ] && command -v valgrind >/dev/null; then
    echo "== callgrind: instructions per sequential MeterUsage (whole process, ($IR_HI - $IR_LO) calls by difference)"
    irun() { # n cmd...
        local n="$1"
        shift
        taskset -c "$CLIENT_CPU" valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.%p" "$@" \
            --endpoint "$endpoint" --timestamp "$ts" --warmup 20 --op meter --calls "$n" \
            >/dev/null 2>"$tmp/cg.err" || { cat "$tmp/cg.err" >&2; return 1; }
        local f
        f="$(ls -t "$tmp"/cg.* | grep -v err | head -1)"
        awk '/^(summary|totals):/ {print $2; exit}' "$f"
        rm -f "$f"
    }
    icmd() { # impl -> command
        case "$1" in
            floor) echo "$BIN/http-floor" ;;
            sdk) echo "$BIN/sdk-http-bench" ;;
            *) echo "${mpm_bin[$1]} --mode seq" ;;
        esac
    }
    for impl in floor sdk "${mpm_impls[@]}"; do
        # shellcheck disable=SC2046
        lo="$(irun "$IR_LO" $(icmd "$impl"))"
        # shellcheck disable=SC2046
        hi="$(irun "$IR_HI" $(icmd "$impl"))"
        ir[$impl]=$(( (hi - lo) / (IR_HI - IR_LO) ))
        echo "   $impl: ${ir[$impl]} instructions/call"
    done
fi

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
get() { # label op mode field
    field "$(grep " impl=$1 op=$2 mode=$3 " "$results" | head -1)" "$4"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }

echo
echo "== results (client process; CPU = getrusage user+sys of the whole process)"
printf '%-6s %-8s %-12s | %9s %9s %9s %9s %8s | %7s %7s %7s %7s %7s\n' \
    op mode impl "cpu us" "calls/s" "p50 us" "p99 us" "allocs" \
    "cpu/fl" "cpu/sdk" "thr/sdk" "p50/fl" "p50/sdk"
for op in $OPS; do
    for mode in seq inflight; do
        fl_cpu="$(get floor "$op" "$mode" cpu_us_per_call)"
        sdk_cpu="$(get sdk "$op" "$mode" cpu_us_per_call)"
        sdk_thr="$(get sdk "$op" "$mode" calls_per_s)"
        fl_p50="$(get floor "$op" "$mode" p50_us)"
        sdk_p50="$(get sdk "$op" "$mode" p50_us)"
        while read -r line; do
            [ -n "$line" ] || continue
            impl="$(field "$line" impl)"
            cpu="$(field "$line" cpu_us_per_call)"; thr="$(field "$line" calls_per_s)"
            p50="$(field "$line" p50_us)"
            printf '%-6s %-8s %-12s | %9s %9s %9s %9s %8s | %7s %7s %7s %7s %7s\n' \
                "$op" "$mode" "$impl" "$cpu" "$thr" "$p50" "$(field "$line" p99_us)" \
                "$(field "$line" allocs_per_call)" "$(ratio "$cpu" "$fl_cpu")" \
                "$(ratio "$cpu" "$sdk_cpu")" "$(ratio "$thr" "$sdk_thr")" \
                "$(ratio "$p50" "$fl_p50")" "$(ratio "$p50" "$sdk_p50")"
        done < <(grep " op=$op mode=$mode " "$results")
    done
done
if [ "${#ir[@]}" -gt 0 ]; then
    echo
    echo "== instructions per sequential MeterUsage (callgrind, whole process)"
    for impl in floor sdk "${mpm_impls[@]}"; do
        printf '   %-8s %9s Ir/call   /floor %6s   /sdk %6s\n' "$impl" "${ir[$impl]}" \
            "$(ratio "${ir[$impl]}" "${ir[floor]}")" "$(ratio "${ir[$impl]}" "${ir[sdk]}")"
    done
fi

echo
echo "== targets of issue 12 (mpmeter, this run)"
target() { # what value limit
    local ok
    ok="$(awk -v v="$2" -v l="$3" 'BEGIN { if (v == "-" || v == "") print "n/a"; else if (v + 0 <= l + 0) print "MET"; else print "NOT MET" }')"
    printf '   %-62s %6s (limit %s)  %s\n' "$1" "$2" "$3" "$ok"
}
target_ge() {
    local ok
    ok="$(awk -v v="$2" -v l="$3" 'BEGIN { if (v == "-" || v == "") print "n/a"; else if (v + 0 >= l + 0) print "MET"; else print "NOT MET" }')"
    printf '   %-62s %6s (limit %s)  %s\n' "$1" "$2" "$3" "$ok"
}
target "CPU/call vs floor, sequential MeterUsage (<= 2)" \
    "$(ratio "$(get mpmeter-seq meter seq cpu_us_per_call)" "$(get floor meter seq cpu_us_per_call)")" 2
target "CPU/call vs floor, $K in flight MeterUsage, callbacks (<= 2)" \
    "$(ratio "$(get mpmeter-cb meter inflight cpu_us_per_call)" "$(get floor meter inflight cpu_us_per_call)")" 2
if grep -q " impl=mpmeter-cq op=meter " "$results"; then
    target "CPU/call vs floor, $K in flight MeterUsage, completion queue (<= 2)" \
        "$(ratio "$(get mpmeter-cq meter inflight cpu_us_per_call)" "$(get floor meter inflight cpu_us_per_call)")" 2
fi
target_ge "calls/s vs SDK, $K in flight MeterUsage, callbacks (>= 3)" \
    "$(ratio "$(get mpmeter-cb meter inflight calls_per_s)" "$(get sdk meter inflight calls_per_s)")" 3
[ -n "${ir[mpmeter]:-}" ] && target "Ir/call vs floor, sequential MeterUsage (<= 4)" \
    "$(ratio "${ir[mpmeter]}" "${ir[floor]}")" 4
target "p50 vs floor, sequential MeterUsage (<= 1.25)" \
    "$(ratio "$(get mpmeter-seq meter seq p50_us)" "$(get floor meter seq p50_us)")" 1.25
strip -o "$tmp/libmpmeter.so" "$LIB/libmpmeter.so"
printf '\nlibmpmeter.so (release) stripped: %s bytes\n' "$(stat -c %s "$tmp/libmpmeter.so")"

#!/usr/bin/env bash
# The time-sensitive test groups on a faked system clock (libfaketime), at dates where the
# metering rules bite. Default dates (UTC): 2026-12-01 20:00 (the 1st, after the previous
# month closed at 06:00) and 2027-01-01 03:00 (New Year, inside the grace period); others as
# arguments. Not part of `make test`: it runs every group once per date.
#
#   scripts/test-dates.sh ['2028-03-01 05:59:00' ...]
#   MPM_DATE_GROUPS='emulator rust'  choose groups (default: emulator rust outbox python boto3 c qt)
#   MPM_LIBFAKETIME=/path/libfaketime.so.1  when it is not where Debian puts it
#
# Needs libfaketime (`scripts/setup.sh dates` installs Debian's faketime as root). Only test
# programs run on the fake clock, never cargo, make or the compiler: cargo stamps its
# fingerprints with the current time, and a faked one would confuse later builds in the shared
# target directory.
# - emulator, rust: `cargo test` with cargo's runner preloading libfaketime, so the test
#   binaries and every emulator they start see the fake time. CLOCK_MONOTONIC is not faked
#   (FAKETIME_DONT_FAKE_MONOTONIC=1): std's and tokio's timed waits use it with the kernel.
#   rust = every test of both crates (mpmeter-core and mpmeter); outbox = the outbox's proof
#   (tests/ffi_outbox_proof: kill loop, power loss, outages), as `make test-outbox` runs it.
# - python (bindings/python/tests), boto3 (tests/python): CLOCK_MONOTONIC is faked too, as
#   libfaketime 0.9.10 fails Python's time.sleep (clock_nanosleep, EINVAL) otherwise. Faking
#   it upsets the library's own timed waits, so test_wait_timeout_leaves_the_call_running (a
#   50 ms wait; it fails under libfaketime even at FAKETIME=+0) is left out here.
# - c: the C examples and tests/c/test_api.c, built first, on the fake clock without valgrind
#   or sanitizers (ASan refuses a library preloaded ahead of its runtime); scripts/test-c.sh
#   runs them under those on the real clock.
# The fake clock is an offset from the real one (FAKETIME=+N), not libfaketime's "@" start-at
# form, under which every process starts at that instant: an emulator started by a test a
# minute in would then run a minute behind it.
# Ends with "N passed, N failed"; exits non-zero if anything failed.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export TZ=UTC
MAKE="${MAKE:-make}"
CC="${CC:-cc}"
groups="${MPM_DATE_GROUPS:-emulator rust outbox python boto3 c qt}"
[ "$#" -gt 0 ] || set -- '2026-12-01 20:00:00' '2027-01-01 03:00:00'

scripts/setup.sh dates
lib="${MPM_LIBFAKETIME:-}"
if [ -z "$lib" ]; then
    for p in /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 \
        /usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1 \
        /usr/lib/faketime/libfaketime.so.1 /usr/local/lib/faketime/libfaketime.so.1; do
        if [ -f "$p" ]; then lib=$p; break; fi
    done
fi
if [ -z "$lib" ] || [ ! -f "$lib" ]; then
    echo "libfaketime not found: scripts/setup.sh dates (as root), or set MPM_LIBFAKETIME" >&2
    exit 2
fi

passed=0
failed=0
failed_names=()
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); failed_names+=("$1"); echo "FAIL $1"; }
has() { [[ " $groups " == *" $1 "* ]]; }

tmp="$(mktemp -d)"
# shellcheck source=scripts/lib/emulator.sh
source "$root/scripts/lib/emulator.sh"
trap 'stop_emulator; rm -rf "$tmp"' EXIT

# ---- builds, on the real clock ----------------------------------------------------------

nobuild_env=(env -u CFLAGS -u CPPFLAGS -u LDFLAGS)
echo "== build"
"${nobuild_env[@]}" cargo build -q -p mpm-emulator || exit 1
if has rust || has python || has boto3 || has c; then
    "${nobuild_env[@]}" cargo build -q -p mpmeter || exit 1
fi
# Test binaries compiled now, so that only the runs below see the fake clock.
if has emulator; then "${nobuild_env[@]}" cargo test -q --no-run -p mpm-emulator || exit 1; fi
if has rust || has outbox; then
    "${nobuild_env[@]}" cargo test -q --no-run -p mpmeter -p mpmeter-core || exit 1
fi
qt_builds=()
if has qt; then
    scripts/setup.sh qt
    if scripts/setup.sh --check qt; then
        "$MAKE" --no-print-directory -s lib emulator || exit 1
        for major in ${MPM_QT_MAJORS:-5 6}; do
            b="build/qt$major"
            cmake -S bindings/qt -B "$b" -DMPM_QT_MAJOR="$major" \
                -DMPMETER_LIBRARY="$root/target/debug/libmpmeter.so" \
                -DMPMETER_INCLUDE_DIR="$root/include" \
                -DMPM_EMULATOR="$root/target/debug/mpm-emulator" >/dev/null || exit 1
            cmake --build "$b" -j "$(nproc)" >/dev/null || exit 1
            qt_builds+=("$b")
        done
    else
        fail "qt: Qt development files missing (scripts/setup.sh qt)"
    fi
fi
if has python || has boto3; then
    scripts/setup.sh python
    scripts/setup.sh --check python || exit 1
fi
if has c; then
    "$MAKE" --no-print-directory -s lib examples || exit 1
    "$CC" -std=c99 -g -pthread -Iinclude tests/c/test_api.c -o "$tmp/test_api" \
        -Ltarget/debug -lmpmeter -Wl,-rpath,"$root/target/debug" || exit 1
fi
runner_var="CARGO_TARGET_$(rustc -vV | sed -n 's/^host: //p' | tr 'a-z-' 'A-Z_')_RUNNER"
EX="$root/build/examples"

# ---- the groups, once per date -----------------------------------------------------------

for date in "$@"; do
    target="$(date -u -d "$date" +%s)" || { fail "bad date '$date'"; continue; }
    FAKETIME="$(printf '%+d' $((target - $(date +%s))))"
    # The PostgreSQL servers the tests start are faked too: the store follows the database's
    # clock, which must agree with the library's (a server on the real clock refuses usage a
    # month "ahead" of it, rightly). Known artifact: under libfaketime with any non-zero
    # offset, PostgreSQL 15 ends a session that is waiting on a lock, so
    # outbox::tests::postgres::a_transaction_left_open_by_a_stopped_process_stops_blocking_others
    # fails here (it passes at FAKETIME=+0, and at +3600 with the server left unfaked).
    export FAKETIME FAKETIME_DONT_FAKE_MONOTONIC=1
    fake=(env LD_PRELOAD="$lib")
    seen="$("${fake[@]}" date -u '+%Y-%m-%d %H:%M')"
    echo "== $date UTC (FAKETIME=$FAKETIME; a faked 'date' says $seen)"
    if [ "$seen" != "$(date -u -d "$date" '+%Y-%m-%d %H:%M')" ]; then
        fail "$date: libfaketime does not take effect"
        continue
    fi

    if has emulator; then
        if env "$runner_var=env LD_PRELOAD=$lib" cargo test -q -p mpm-emulator >"$tmp/out" 2>&1
        then pass "$date: cargo test -p mpm-emulator"
        else sed 's/^/  | /' "$tmp/out"; fail "$date: cargo test -p mpm-emulator"; fi
    fi
    if has rust; then
        if env "$runner_var=env LD_PRELOAD=$lib" cargo test -q -p mpmeter-core -p mpmeter \
            >"$tmp/out" 2>&1
        then pass "$date: cargo test -p mpmeter-core -p mpmeter ($(grep -c '^test result: ok' "$tmp/out") targets)"
        else sed 's/^/  | /' "$tmp/out"; fail "$date: cargo test -p mpmeter-core -p mpmeter"; fi
    fi
    if has outbox; then
        if env "$runner_var=env LD_PRELOAD=$lib" cargo test -q -p mpmeter --test ffi_outbox_proof \
            -- --ignored --skip bench:: --test-threads=1 >"$tmp/out" 2>&1
        then pass "$date: the outbox's proof (tests/ffi_outbox_proof)"
        else sed 's/^/  | /' "$tmp/out"; fail "$date: the outbox's proof (tests/ffi_outbox_proof)"; fi
    fi
    for b in "${qt_builds[@]+"${qt_builds[@]}"}"; do
        if QT_QPA_PLATFORM=offscreen "${fake[@]}" ctest --test-dir "$b" --output-on-failure \
            >"$tmp/out" 2>&1
        then pass "$date: ctest $b"
        else sed 's/^/  | /' "$tmp/out"; fail "$date: ctest $b"; fi
    done
    pyfake=("${fake[@]}" FAKETIME_DONT_FAKE_MONOTONIC=0
        MPM_EMULATOR="$root/target/debug/mpm-emulator"
        MPMETER_LIBRARY="$root/target/debug/libmpmeter.so")
    pytest=(.venv/bin/python -m pytest -q -p no:cacheprovider)
    if has python; then
        if "${pyfake[@]}" "${pytest[@]}" bindings/python/tests \
            -k 'not test_wait_timeout_leaves_the_call_running' >"$tmp/out" 2>&1
        then pass "$date: bindings/python/tests"
        else sed 's/^/  | /' "$tmp/out"; fail "$date: bindings/python/tests"; fi
    fi
    if has boto3; then
        if "${pyfake[@]}" "${pytest[@]}" tests/python/test_emulator_boto3.py >"$tmp/out" 2>&1
        then pass "$date: tests/python/test_emulator_boto3.py"
        else sed 's/^/  | /' "$tmp/out"; fail "$date: tests/python/test_emulator_boto3.py"; fi
    fi
    if has c; then
        LD_PRELOAD="$lib" start_emulator "$root/target/debug/mpm-emulator" "$tmp" ||
            { fail "$date: start mpm-emulator"; continue; }
        now="$("${fake[@]}" date +%s)"
        conn=(--endpoint "$endpoint" --region us-east-1 --access-key-id AKIAIOSFODNN7EXAMPLE
            --secret-access-key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY)
        # name, wanted exit code, command
        while IFS='|' read -r name want cmd; do
            read -r -a argv <<<"$cmd"
            "${fake[@]}" "${argv[@]/#@/$EX/}" "${conn[@]}" >"$tmp/out" 2>&1
            rc=$?
            if [ "$rc" = "$want" ]; then pass "$date: $name"
            else sed 's/^/  | /' "$tmp/out"; echo "  exit code $rc, want $want"; fail "$date: $name"; fi
        done <<EOF
meter_usage, now|0|@meter_usage --dimension users --quantity 3
meter_usage_static, an hour back|0|@meter_usage_static --timestamp $((now - 3600)) --quantity 4
batch_meter_usage, now|0|@batch_meter_usage --timestamp $now
batch_meter_usage, two hours back|0|@batch_meter_usage --timestamp $((now - 7200)) --record demo-customer-2:users:2
meter_usage, a day back: TimestampOutOfBounds|1|@meter_usage --timestamp $((now - 86400))
register_usage|0|@register_usage --public-key-version 1 --nonce n
EOF
        if "${fake[@]}" "$tmp/test_api" "$endpoint" >"$tmp/out" 2>&1; then
            pass "$date: test_api ($(tail -n 1 "$tmp/out"))"
        else
            sed 's/^/  | /' "$tmp/out"; fail "$date: test_api"
        fi
        stop_emulator
    fi
done

echo
for n in "${failed_names[@]+"${failed_names[@]}"}"; do echo "failed: $n"; done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

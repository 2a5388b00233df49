#!/usr/bin/env bash
# `make test` as if the system clock were set to other dates, at the instants where the
# metering rules bite. Default dates (UTC): 2026-12-01 20:00 (the 1st, after the previous
# month closed at 06:00) and 2027-01-01 03:00 (New Year, inside the grace period). Not part of
# `make test` itself: it is the whole suite once per date.
#
#   scripts/test-dates.sh [--clone] ['2028-02-29 23:30' ...]
#   --clone                    each date in a fresh clone of this tree's HEAD (under $TMPDIR),
#                              as CI runs it: nothing built before is reused
#   MPM_DATE_TARGETS='test-rust test-outbox'   make targets to run (default: test)
#
# The clock: scripts/clock/mpm_fakeclock.c, preloaded into every process, moves the wall clock
# (clock_gettime(CLOCK_REALTIME), gettimeofday, time, timespec_get) by the date's offset from
# now and leaves the monotonic clock, sleeps and waits to the kernel. Every test program, the
# emulators and the PostgreSQL servers the tests start, Python, Qt and the C programs see the
# moved date and agree on it. libfaketime is not used: its wrappers of waits fail the suite for
# reasons of their own (scripts/clock/epoll_signal_probe.c shows one: PostgreSQL's timeouts
# never fire under it).
# Build tools keep the real clock (MPM_FAKE_SKIP below): the kernel stamps the files they write
# with the real time, and cargo, make or cmake comparing those stamps with a moved "now" would
# rebuild everything each time, or too little. On a machine whose system clock were really
# set, files would carry the moved time too, and those tools would be consistent again.
# Ends with one PASS or FAIL line per date; exits non-zero if any date failed.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export TZ=UTC
MAKE="${MAKE:-make}"
CC="${CC:-cc}"
targets="${MPM_DATE_TARGETS:-test}"
clone=0
if [ "${1:-}" = --clone ]; then clone=1; shift; fi
[ "$#" -gt 0 ] || set -- '2026-12-01 20:00:00' '2027-01-01 03:00:00'

# The build tools that keep the real clock (program names, as the kernel knows them).
skip="cargo rustc rustdoc rustup cargo-nextest cargo-fuzz cc c++ gcc g++ cc1 cc1plus collect2"
skip+=" ld ld.bfd ld.gold lto-wrapper lto1 as ar ranlib strip objcopy make gmake cmake ninja"
skip+=" apt apt-get dpkg http https git"

shim_dir="$(mktemp -d)"
trap 'rm -rf "$shim_dir"' EXIT
# Readable by every user: as root the tests run their PostgreSQL servers as mpm-postgres, and
# the dynamic loader silently skips a preload it cannot read (that server would keep the real
# clock and refuse the tests' usage as a month in the future).
chmod 755 "$shim_dir"
shim="$shim_dir/libmpm_fakeclock.so"
"$CC" -std=c99 -Wall -Wextra -Wpedantic -Werror -O2 -shared -fPIC \
    scripts/clock/mpm_fakeclock.c -o "$shim" -ldl || exit 2

status=0
results=()
for date in "$@"; do
    target="$(date -u -d "$date" +%s)" || { results+=("FAIL bad date '$date'"); status=1; continue; }
    offset=$((target - $(date +%s)))
    fake=(env LD_PRELOAD="$shim" MPM_FAKE_OFFSET="$offset" MPM_FAKE_SKIP="$skip")
    seen="$("${fake[@]}" date -u '+%Y-%m-%d %H:%M')"
    want="$(date -u -d "$date" '+%Y-%m-%d %H:%M')"
    echo "== $date UTC (offset ${offset} s; a faked 'date' says $seen)"
    if [ "$seen" != "$want" ]; then
        results+=("FAIL $date: the faked clock does not take effect ($seen)")
        status=1
        continue
    fi
    dir="$root"
    if [ "$clone" = 1 ]; then
        dir="$(mktemp -d)"
        git clone -q "$root" "$dir" || { results+=("FAIL $date: git clone"); status=1; continue; }
        echo "   in a fresh clone of $(git rev-parse --short HEAD): $dir"
    fi
    start=$(date +%s)
    # shellcheck disable=SC2086 # the targets are words
    if (cd "$dir" && "${fake[@]}" "$MAKE" --no-print-directory $targets); then
        results+=("PASS $date: make $targets ($(($(date +%s) - start)) s)")
        [ "$clone" = 1 ] && rm -rf "$dir"
    else
        results+=("FAIL $date: make $targets ($(($(date +%s) - start)) s; kept in $dir)")
        status=1
    fi
done

echo
printf '%s\n' "${results[@]}"
exit "$status"

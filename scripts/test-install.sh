#!/usr/bin/env bash
# Tests `make install`: installs into a temporary prefix (and, with DESTDIR, into a staging
# directory), checks the files, links and SONAME, then builds examples-c/meter_usage.c out of
# tree against the installed copy only -- with the pkg-config and CMake snippets of
# packaging/README.md and with tests/install/CMakeLists.txt (shared and static) -- and runs
# every program against the emulator (only 127.0.0.1). Exits non-zero on the first failure.
#
#   scripts/test-install.sh        (make test-install; KEEP=1 keeps the temporary directory)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
MAKE="${MAKE:-make}"
CC="${CC:-cc}"
emulator_bin="${MPM_EMULATOR:-$root/target/debug/mpm-emulator}"
version="$(sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)"
major="${version%%.*}"
soname="libmpmeter.so.$major"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/mpm-install.XXXXXX")"
# shellcheck source=scripts/lib/emulator.sh
source "$root/scripts/lib/emulator.sh"
cleanup() {
    stop_emulator
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

fail() { echo "test-install: FAIL: $*" >&2; exit 1; }
ok() { echo "test-install: ok: $*"; }

# --- install, and check what was installed ------------------------------------------------

prefix="$tmp/prefix"
"$MAKE" --no-print-directory install PREFIX="$prefix" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; fail "make install PREFIX=$prefix"; }

check_tree() { # check_tree ROOT_OF_PREFIX (where files are) PREFIX (what the files say)
    local at="$1" says="$2" lib="$1/lib"
    for f in include/mpmeter.h lib/libmpmeter.a "lib/libmpmeter.so.$version" \
        lib/pkgconfig/mpmeter.pc lib/cmake/mpmeter/mpmeterConfig.cmake \
        lib/cmake/mpmeter/mpmeterConfigVersion.cmake; do
        [ -f "$at/$f" ] || fail "$at/$f is missing"
    done
    [ "$(readlink "$lib/$soname")" = "libmpmeter.so.$version" ] || fail "$soname does not link to libmpmeter.so.$version"
    [ "$(readlink "$lib/libmpmeter.so")" = "$soname" ] || fail "libmpmeter.so does not link to $soname"
    local got
    got="$(readelf -d "$lib/libmpmeter.so.$version" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')"
    [ "$got" = "$soname" ] || fail "SONAME of libmpmeter.so.$version is '$got', not $soname"
    grep -qx "prefix=$says" "$lib/pkgconfig/mpmeter.pc" || fail "mpmeter.pc does not say prefix=$says"
    grep -qx "Version: $version" "$lib/pkgconfig/mpmeter.pc" || fail "mpmeter.pc has not Version: $version"
    cmp -s include/mpmeter.h "$at/include/mpmeter.h" || fail "the installed header differs from include/mpmeter.h"
    [ -x "$at/bin/mpm-emulator" ] || fail "$at/bin/mpm-emulator is missing"
    "$at/bin/mpm-emulator" --version | grep -q '^mpm-emulator ' || fail "the installed mpm-emulator does not run"
}
check_tree "$prefix" "$prefix"
ok "make install PREFIX: files, links, SONAME $soname"

"$MAKE" --no-print-directory install DESTDIR="$tmp/stage" PREFIX=/opt/mpmeter >"$tmp/install-destdir.log" 2>&1 ||
    { cat "$tmp/install-destdir.log"; fail "make install DESTDIR=... PREFIX=/opt/mpmeter"; }
check_tree "$tmp/stage/opt/mpmeter" /opt/mpmeter
ok "make install DESTDIR: files under DESTDIR, paths without it"

# --- the emulator ---------------------------------------------------------------------------

[ -x "$emulator_bin" ] || fail "no emulator at $emulator_bin (make emulator)"
start_emulator "$emulator_bin" "$tmp" || fail "the emulator did not start"
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_MARKETPLACE_METERING || true

runs=0
# Runs a built example against the emulator; each run meters another hour, so none is a duplicate.
run_example() { # run_example WHAT BINARY [env...]
    local what="$1" bin="$2" out
    shift 2
    [ -x "$bin" ] || fail "$what: $bin was not built"
    local dims=(users hosts data_gb)
    local hour=$(( $(date +%s) - runs / 3 * 3600 ))
    out="$(env "$@" "$bin" --endpoint "$endpoint" --dimension "${dims[runs % 3]}" --quantity $((runs + 1)) \
        --timestamp "$hour" 2>&1)" || { echo "$out"; fail "$what: the program failed"; }
    echo "$out" | grep -Eq '^  metering_record_id: [0-9a-f-]{36}$' || { echo "$out"; fail "$what: no metering_record_id"; }
    runs=$((runs + 1))
    ok "$what: MeterUsage succeeded"
}

needed_soname() { readelf -d "$1" | sed -n 's/.*Shared library: \[\(libmpmeter[^]]*\)\].*/\1/p'; }

# A fresh out-of-tree copy of the example sources.
new_src() { # new_src DIR
    mkdir -p "$1"
    cp examples-c/meter_usage.c examples-c/example_common.c examples-c/example_common.h "$1/"
}

# The fenced blocks of a language in a Markdown file, one file each: OUTDIR/1, OUTDIR/2, ...
extract_blocks() { # extract_blocks FILE LANG OUTDIR
    mkdir -p "$3"
    awk -v lang="$2" -v out="$3" '
        $0 == "```" lang { n++; inside = 1; next }
        inside && $0 == "```" { inside = 0; close(out "/" n); next }
        inside { print > (out "/" n) }' "$1"
}

# The README block (of LANG) that contains TEXT, with /opt/mpmeter replaced by our prefix.
readme_block() { # readme_block LANG TEXT
    local dir="$tmp/readme-$1" f
    [ -d "$dir" ] || extract_blocks "$root/packaging/README.md" "$1" "$dir"
    f="$(grep -lF -- "$2" "$dir"/* | head -n 1)" || true
    [ -n "$f" ] || fail "packaging/README.md has no $1 block with '$2'"
    sed "s|/opt/mpmeter|$prefix|g" "$f"
}

# --- pkg-config, with the README's commands --------------------------------------------------

if command -v pkg-config >/dev/null; then
    PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --exists --print-errors "mpmeter = $version" ||
        fail "pkg-config does not find mpmeter $version"
    src="$tmp/pkgconfig"
    new_src "$src"
    (cd "$src" && readme_block sh '--cflags --libs mpmeter' >build.sh && bash -eu build.sh) ||
        fail "the README's pkg-config build failed"
    [ "$(needed_soname "$src/meter_usage")" = "$soname" ] || fail "pkg-config build: NEEDED is not $soname"
    run_example "pkg-config (shared)" "$src/meter_usage" LD_LIBRARY_PATH="$prefix/lib"

    (cd "$src" && readme_block sh 'libmpmeter.a' >build-static.sh &&
        PKG_CONFIG_PATH="$prefix/lib/pkgconfig" bash -eu build-static.sh) ||
        fail "the README's static pkg-config build failed"
    [ -z "$(needed_soname "$src/meter_usage_static")" ] || fail "static build still needs libmpmeter.so"
    run_example "pkg-config (static)" "$src/meter_usage_static"

    # Strict flags, as the project's own build: the installed header must compile clean.
    "$CC" -std=c99 -Wall -Wextra -Wpedantic -Werror -o "$src/meter_usage_strict" \
        "$src/meter_usage.c" "$src/example_common.c" \
        $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs mpmeter) ||
        fail "strict build (-Wall -Wextra -Wpedantic -Werror) against the installed header failed"
    run_example "pkg-config (strict flags)" "$src/meter_usage_strict" LD_LIBRARY_PATH="$prefix/lib"
else
    echo "test-install: SKIPPED pkg-config builds (pkg-config is missing)" >&2
fi

# --- CMake ----------------------------------------------------------------------------------

if command -v cmake >/dev/null; then
    # The README's CMakeLists.txt and commands.
    src="$tmp/cmake-readme"
    new_src "$src"
    readme_block cmake 'find_package(mpmeter' >"$src/CMakeLists.txt"
    (cd "$src" && readme_block sh 'cmake -S' >build.sh && bash -eu build.sh >"$tmp/cmake-readme.log" 2>&1) ||
        { cat "$tmp/cmake-readme.log"; fail "the README's CMake build failed"; }
    [ "$(needed_soname "$src/build/meter_usage")" = "$soname" ] || fail "README CMake build: NEEDED is not $soname"
    run_example "CMake README (shared)" "$src/build/meter_usage"

    # tests/install: both imported targets, strict flags, property checks.
    src="$tmp/cmake-src"
    new_src "$src"
    cmake -S tests/install -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" -DMPM_EXAMPLE_DIR="$src" \
        >"$tmp/cmake.log" 2>&1 && cmake --build "$tmp/cmake-build" >>"$tmp/cmake.log" 2>&1 ||
        { cat "$tmp/cmake.log"; fail "the CMake build of tests/install failed"; }
    [ "$(needed_soname "$tmp/cmake-build/meter_usage_shared")" = "$soname" ] || fail "mpmeter::mpmeter: NEEDED is not $soname"
    [ -z "$(needed_soname "$tmp/cmake-build/meter_usage_static")" ] || fail "mpmeter::mpmeter_static needs libmpmeter.so"
    run_example "CMake mpmeter::mpmeter" "$tmp/cmake-build/meter_usage_shared"
    run_example "CMake mpmeter::mpmeter_static" "$tmp/cmake-build/meter_usage_static"

    # A version the package does not provide is refused.
    mkdir -p "$tmp/cmake-v"
    printf 'cmake_minimum_required(VERSION 3.16)\nproject(v NONE)\nfind_package(mpmeter 1.0 REQUIRED)\n' \
        >"$tmp/cmake-v/CMakeLists.txt"
    if cmake -S "$tmp/cmake-v" -B "$tmp/cmake-v/build" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null 2>&1; then
        fail "find_package(mpmeter 1.0) accepted mpmeter $version"
    fi
    ok "find_package(mpmeter 1.0) refused"

    # The CMake package finds its files relative to itself: move the prefix and look again.
    mv "$prefix" "$tmp/moved"
    cmake -S tests/install -B "$tmp/cmake-moved" -DCMAKE_PREFIX_PATH="$tmp/moved" -DMPM_EXAMPLE_DIR="$src" \
        >"$tmp/cmake-moved.log" 2>&1 || { cat "$tmp/cmake-moved.log"; fail "the moved prefix is not found"; }
    grep -qF "$tmp/moved/lib/libmpmeter.so.$version" "$tmp/cmake-moved.log" || fail "the moved package points elsewhere"
    mv "$tmp/moved" "$prefix"
    ok "CMake package is relocatable"
else
    echo "test-install: SKIPPED CMake builds (cmake is missing)" >&2
fi

# --- every run was recorded -----------------------------------------------------------------

recorded="$(emulator_admin GET /__mpm/ledger | grep -o '"metering_record_id"' | wc -l)"
[ "$recorded" -eq "$runs" ] || fail "the emulator recorded $recorded records for $runs runs"
ok "$runs programs built against the installed mpmeter metered usage"

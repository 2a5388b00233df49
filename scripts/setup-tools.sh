#!/usr/bin/env bash
# Installs the tools the tests use beyond Rust and a C compiler, on Debian/Ubuntu, when they
# are missing: valgrind (leak checks of the C programs), g++ (the header as C++), pkg-config,
# python3 and python3-venv (the emulator's boto3 test; JSON pretty-printing in the demo).
# Runs `apt-get update` once, only if something is missing. Without root (or apt-get) it
# installs nothing and says so; each test that needs a missing tool then reports it skipped.
set -euo pipefail

missing=()
need() { # need COMMAND PACKAGE
    command -v "$1" >/dev/null 2>&1 || missing+=("$2")
}
need valgrind valgrind
need g++ g++
need pkg-config pkg-config
need python3 python3
# Debian's python3 lacks ensurepip (and so a working venv) without python3-venv.
if command -v python3 >/dev/null 2>&1 && ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    missing+=(python3-venv)
fi

if [ "${#missing[@]}" -eq 0 ]; then
    echo "setup-tools: all test tools present"
    exit 0
fi

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-tools: not installing ${missing[*]} (needs root and apt-get);" \
        "tests that need them will be skipped" >&2
    exit 0
fi

echo "setup-tools: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# A failed install is reported, not fatal: the tests that need the tools say they skipped.
if apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    echo "setup-tools: done"
else
    echo "setup-tools: could not install ${missing[*]}; tests that need them will be skipped" >&2
fi

#!/usr/bin/env bash
# Installs the tools `make test-install` needs beyond a C compiler and Rust: cmake and
# pkg-config, on Debian/Ubuntu, when missing. Runs `apt-get update` once, only if something is
# missing, and only as root; otherwise it says what is missing and test-install skips the part
# that needs it.
set -euo pipefail

missing=()
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-install-tools: missing ${missing[*]} (installing needs root and apt-get)" >&2
    exit 0
fi
echo "setup-install-tools: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

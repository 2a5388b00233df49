#!/usr/bin/env bash
# Installs what the Qt binding's build and tests need (Debian 12 packages):
# Qt 5 and Qt 6 development files, CMake and a C++ compiler. Idempotent: when
# every package is already installed nothing is run, so it also works unprivileged.
set -euo pipefail

packages=(qtbase5-dev qt6-base-dev cmake g++)

missing=()
for p in "${packages[@]}"; do
    # dpkg-query exits 0 even for removed packages; the status field tells.
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null; then
    echo "setup-qt.sh: missing ${missing[*]}; install them as root (apt-get install ${missing[*]})" >&2
    exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

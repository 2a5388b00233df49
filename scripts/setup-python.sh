#!/usr/bin/env bash
# Creates the repo's Python virtualenv (.venv) with boto3 and pytest, used
# by the boto3 test of the emulator. Idempotent: an existing, working .venv
# with both packages is left alone.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
python="${PYTHON:-python3}"

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import boto3, pytest' 2>/dev/null; then
    exit 0
fi

make_venv() {
    rm -rf "$venv"
    "$python" -m venv "$venv"
}

if ! make_venv 2>/dev/null; then
    # Debian's python3 ships venv without ensurepip; the package adds it.
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        python=/usr/bin/python3
        make_venv
    else
        echo "setup-python.sh: '$python -m venv' failed; install python3-venv" >&2
        exit 1
    fi
fi

"$venv/bin/python" -m pip install -q --disable-pip-version-check boto3 pytest
"$venv/bin/python" -c 'import boto3, pytest'

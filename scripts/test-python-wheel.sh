#!/usr/bin/env bash
# The Python package as a user installs it (make test-python-wheel):
#   1. scripts/build-python-wheel.sh builds the wheel: it holds mpmeter/libmpmeter.so and
#      py.typed, and its platform tag is the manylinux tag of the highest GLIBC_x.y symbol
#      version the .so references (and `auditwheel show` agrees, where it installs);
#   2. the wheel installed into a fresh venv imports from /tmp with no MPMETER_* variable,
#      loads the library inside the venv, and meters usage against the emulator;
#   3. `pip install ./bindings/python` into another fresh venv: the same;
#   4. `pip install -e ./bindings/python`: loads the release library copied next to the
#      sources, never target/debug.
# Only 127.0.0.1 is contacted (pip reaches the package index for the build requirements).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
emulator_bin="${MPM_EMULATOR:-$root/target/debug/mpm-emulator}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/mpm-wheel.XXXXXX")"
# shellcheck source=scripts/lib/emulator.sh
source "$root/scripts/lib/emulator.sh"
cleanup() {
    stop_emulator
    rm -f "$root/bindings/python/mpmeter/libmpmeter.so"
    rm -rf "$root/bindings/python/build" "$root/bindings/python/"*.egg-info
    if [ "${KEEP:-0}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
passed=0
failed=0
ok() { echo "test-python-wheel: ok: $*"; passed=$((passed + 1)); }
fail() { echo "test-python-wheel: FAIL: $*" >&2; failed=$((failed + 1)); }
die() { fail "$*"; echo "$passed passed, $failed failed"; exit 1; }

[ -x "$emulator_bin" ] || die "no emulator at $emulator_bin (make emulator)"
start_emulator "$emulator_bin" "$tmp" || die "the emulator did not start"

# --- 1. the wheel ---------------------------------------------------------------------------
wheel="$(scripts/build-python-wheel.sh 2>"$tmp/build.log" | tail -n 1)" ||
    { cat "$tmp/build.log"; die "scripts/build-python-wheel.sh"; }
[ -f "$wheel" ] || { cat "$tmp/build.log"; die "no wheel built"; }
name="$(basename "$wheel")"
"$python" - "$wheel" <<'PY' || die "the wheel's contents or tag ($name)"
import re, sys, zipfile
wheel = sys.argv[1]
with zipfile.ZipFile(wheel) as z:
    names = set(z.namelist())
    for need in ("mpmeter/libmpmeter.so", "mpmeter/py.typed", "mpmeter/__init__.py"):
        assert need in names, f"{need} not in the wheel"
    so = z.read("mpmeter/libmpmeter.so")
    wheel_meta = next(n for n in names if n.endswith(".dist-info/WHEEL"))
    meta = z.read(wheel_meta).decode()
versions = {tuple(map(int, m.groups())) for m in re.finditer(rb"GLIBC_(\d+)\.(\d+)(?:\.\d+)?\x00", so)}
need = max(versions)
tag = re.search(r"-py3-none-(\w+)\.whl$", wheel).group(1)
want = f"manylinux_{need[0]}_{need[1]}_"
assert tag.startswith(want), f"tag {tag}, but the library needs glibc {need[0]}.{need[1]}"
assert "Root-Is-Purelib: false" in meta, meta
assert f"Tag: py3-none-{tag}" in meta, meta
print(f"wheel tag {tag}: the library references at most GLIBC_{need[0]}.{need[1]}")
PY
ok "wheel $name holds libmpmeter.so and py.typed; its tag matches the GLIBC versions the .so needs"
if "$root/build/pytools/bin/python" -m pip install -q --disable-pip-version-check auditwheel >/dev/null 2>&1; then
    "$root/build/pytools/bin/auditwheel" show "$wheel" >"$tmp/auditwheel.txt" 2>&1 || true
    plat="${name##*-py3-none-}"; plat="${plat%.whl}"
    # "... is consistent with\nthe following platform tag: "manylinux_2_17_x86_64"."
    if grep -q "platform tag: \"${plat}\"" "$tmp/auditwheel.txt"; then
        ok "auditwheel show: $plat"
    else
        cat "$tmp/auditwheel.txt"; fail "auditwheel does not agree with $plat"
    fi
else
    echo "test-python-wheel: skip: auditwheel (cannot install it)"
fi

# The check each install must pass: imported from /tmp with no MPMETER_* variable, the library
# from inside the install, one MeterUsage against the emulator.
check_import() { # check_import VENV_PYTHON WANT_PATH_PREFIX WHAT
    (cd /tmp && env -u MPMETER_LIBRARY -u MPMETER_BUILD_LIBRARY -u PYTHONPATH \
        AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
        AWS_REGION=us-east-1 AWS_ENDPOINT_URL="$endpoint" \
        "$1" - "$2" <<'PY') >"$tmp/check.out" 2>&1 && ok "$3" || { cat "$tmp/check.out"; fail "$3"; }
import os, sys
from datetime import datetime, timezone
import mpmeter
path = os.path.realpath(mpmeter.library_path)
assert path.startswith(os.path.realpath(sys.argv[1])), f"loaded {path}, not from {sys.argv[1]}"
assert "target/debug" not in path, path
assert os.path.getsize(path) < 60_000_000, f"{path} is {os.path.getsize(path)} bytes: a debug build?"
with mpmeter.Client() as client:  # region, endpoint and credentials from the environment
    r = client.meter_usage(product_code="demo-product", timestamp=datetime.now(timezone.utc),
                           usage_dimension="users", usage_quantity=1).result(timeout=30)
    assert r.metering_record_id, r
print("loaded", path, "metered", r.metering_record_id)
PY
}

# --- 2. the wheel in a fresh venv -----------------------------------------------------------
"$python" -m venv "$tmp/venv-wheel"
"$tmp/venv-wheel/bin/pip" install -q --disable-pip-version-check --no-index "$wheel" ||
    die "pip install $name"
site="$("$tmp/venv-wheel/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
check_import "$tmp/venv-wheel/bin/python" "$site/mpmeter" "wheel in a fresh venv: import from /tmp, no variable, meters usage"

# --- 3. pip install ./bindings/python -------------------------------------------------------
"$python" -m venv "$tmp/venv-dir"
if "$tmp/venv-dir/bin/pip" install -q --disable-pip-version-check ./bindings/python >"$tmp/pip-dir.log" 2>&1; then
    site="$("$tmp/venv-dir/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["platlib"])')"
    check_import "$tmp/venv-dir/bin/python" "$site/mpmeter" "pip install ./bindings/python: import from /tmp, no variable, meters usage"
else
    cat "$tmp/pip-dir.log"; fail "pip install ./bindings/python"
fi

# --- 4. pip install -e ----------------------------------------------------------------------
"$python" -m venv "$tmp/venv-edit"
if "$tmp/venv-edit/bin/pip" install -q --disable-pip-version-check -e ./bindings/python >"$tmp/pip-edit.log" 2>&1; then
    check_import "$tmp/venv-edit/bin/python" "$root/bindings/python/mpmeter/libmpmeter.so" \
        "pip install -e: loads the release library next to the sources, not target/debug"
else
    cat "$tmp/pip-edit.log"; fail "pip install -e ./bindings/python"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Builds the mpmeter wheel (bindings/python) with libmpmeter.so inside, into build/wheels/.
#
#   scripts/build-python-wheel.sh              release build linked on this machine: the tag
#                                              is manylinux_<this glibc's needs>_<arch>
#   scripts/build-python-wheel.sh --old-glibc  the library linked against glibc 2.17 with
#                                              zig (cargo-zigbuild and ziglang from PyPI, in
#                                              build/pytools): manylinux_2_17_<arch>
#   PYTHON=python3.12 scripts/build-python-wheel.sh
#
# The tag is what the library needs: setup.py reads the highest GLIBC_x.y symbol version the
# .so references (PEP 600); `auditwheel show` agrees (the test checks). Prints the wheel's path
# last.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
out="$root/build/wheels"
tools="$root/build/pytools"

tools_venv() { # a venv with the packaging tools: build, wheel, setuptools (+ zig tools)
    if [ ! -x "$tools/bin/python" ]; then "$python" -m venv "$tools"; fi
    "$tools/bin/python" -m pip install -q --disable-pip-version-check "$@"
}

old_glibc=0
[ "${1:-}" = "--old-glibc" ] && old_glibc=1

if [ "$old_glibc" = 1 ]; then
    tools_venv build wheel "setuptools>=61" ziglang cargo-zigbuild
    arch="$(uname -m)"
    zig_target="$arch-unknown-linux-gnu.2.17"
    rustup target list --installed 2>/dev/null | grep -qx "$arch-unknown-linux-gnu" ||
        rustup target add "$arch-unknown-linux-gnu"
    PATH="$tools/bin:$PATH" env -u CFLAGS -u CPPFLAGS -u LDFLAGS \
        cargo zigbuild --release -p mpmeter --target "$zig_target"
    export MPMETER_BUILD_LIBRARY="$root/target/$arch-unknown-linux-gnu/release/libmpmeter.so"
else
    tools_venv build wheel "setuptools>=61"
fi

rm -rf "$out" bindings/python/build
mkdir -p "$out"
# No isolation: the tools venv has the build requirements; setup.py runs cargo.
"$tools/bin/python" -m build --wheel --no-isolation --outdir "$out" bindings/python >&2
rm -rf bindings/python/build
wheel="$(ls "$out"/mpmeter-*.whl)"
echo "$wheel"

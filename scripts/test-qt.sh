#!/usr/bin/env bash
# Builds the Qt binding against Qt 5 and Qt 6 (build/qt5, build/qt6) and runs its
# tests against the emulator (bindings/qt/tests/emulator.cpp starts it). Installs what is
# missing first (scripts/setup.sh qt); skipped when that cannot be done (not root).
# MPM_QT_MAJORS="6" limits the run to one Qt.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
MAKE="${MAKE:-make}"

scripts/setup.sh qt
if ! scripts/setup.sh --check qt; then
    echo "test-qt: SKIPPED (Qt 5 and Qt 6 development files, cmake and g++ are needed)"
    exit 0
fi
"$MAKE" --no-print-directory -s lib emulator

# The tests use QCoreApplication only; offscreen keeps any plugin off a display.
export QT_QPA_PLATFORM=offscreen

for major in ${MPM_QT_MAJORS:-5 6}; do
    echo "== Qt $major =="
    build="build/qt$major"
    cmake -S bindings/qt -B "$build" -DMPM_QT_MAJOR="$major" \
        -DMPMETER_LIBRARY="$root/target/debug/libmpmeter.so" \
        -DMPMETER_INCLUDE_DIR="$root/include" \
        -DMPM_EMULATOR="$root/target/debug/mpm-emulator"
    cmake --build "$build" -j "$(nproc)"
    ctest --test-dir "$build" --output-on-failure
done

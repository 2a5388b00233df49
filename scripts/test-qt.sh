#!/usr/bin/env bash
# Builds the Qt binding against Qt 5 and Qt 6 (build/qt5, build/qt6) and runs its
# tests against the emulator (bindings/qt/tests/emulator.cpp starts it). Installs what is
# missing first (scripts/setup.sh qt); skipped when that cannot be done (not root).
# MPM_QT_MAJORS="6" limits the run to one Qt.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
MAKE="${MAKE:-make}"
# shellcheck source=scripts/lib/emulator.sh
source "$root/scripts/lib/emulator.sh"
tmp="$(mktemp -d)"
trap 'stop_emulator; rm -rf "$tmp"' EXIT

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
    # cmake --install, then a program outside the tree built against the installed package
    # only (find_package(QtAwsMarketplaceMetering) and find_package(mpmeter-qt)), run
    # against the emulator with a client made from the environment.
    prefix="$root/build/qt$major-install"
    rm -rf "$prefix" "$build-consumer"
    cmake --install "$build" --prefix "$prefix" >/dev/null
    for f in lib/libmpmeter-qt.a lib/libmpmeter.so.0 include/mpmeter.h \
        include/mpmeter-qt/marketplacemetering/marketplacemeteringclient.h \
        include/mpmeter-qt/marketplacemetering/outbox.h \
        include/mpmeter-qt/core/awslibrarycredentials.h \
        lib/cmake/QtAwsMarketplaceMetering/QtAwsMarketplaceMeteringConfig.cmake \
        lib/cmake/mpmeter-qt/mpmeter-qtConfig.cmake; do
        [ -e "$prefix/$f" ] || { echo "test-qt: cmake --install did not install $f" >&2; exit 1; }
    done
    cmake -S bindings/qt/tests/consumer -B "$build-consumer" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
    cmake --build "$build-consumer" -j "$(nproc)" >/dev/null
    start_emulator "$root/target/debug/mpm-emulator" "$tmp" ||
        { echo "test-qt: the emulator did not start" >&2; exit 1; }
    url="$endpoint"
    for exe in consumer_qtaws consumer_mpmeter_qt; do
        if ! env -u AWS_PROFILE AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
            AWS_ENDPOINT_URL="$url" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE \
            AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY "$build-consumer/$exe"; then
            stop_emulator
            echo "test-qt: the out-of-tree consumer $exe failed (Qt $major)" >&2; exit 1
        fi
    done
    stop_emulator
    echo "test-qt: Qt $major: installed package found and used out of tree, the Outbox too (consumer_qtaws, consumer_mpmeter_qt)"
done

#!/usr/bin/env bash
# `make demo`: builds the library, the C examples and the emulator, starts mpm-emulator on a
# free loopback port, runs each example against it (MeterUsage, BatchMeterUsage,
# ResolveCustomer, RegisterUsage), then shows what the emulator metered (GET /__mpm/ledger).
# Needs only Rust, a C compiler and bash; uses python3 or jq to pretty-print when present.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
MAKE="${MAKE:-make}"
EX="$root/build/examples"
EMULATOR="$root/target/debug/mpm-emulator"

echo "== building the library, the C examples and the emulator"
"$MAKE" --no-print-directory -s lib examples emulator

tmp="$(mktemp -d)"
# shellcheck source=scripts/lib/emulator.sh
source "$root/scripts/lib/emulator.sh"
cleanup() {
    stop_emulator
    rm -rf "$tmp"
}
trap cleanup EXIT

start_emulator "$EMULATOR" "$tmp"
echo "== mpm-emulator listening on $endpoint"

# The examples read the usual AWS variables; these are the emulator's default credentials.
export AWS_ENDPOINT_URL_MARKETPLACE_METERING="$endpoint"
export AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
unset AWS_SESSION_TOKEN

status=0
step() {
    echo
    echo "\$ ${*#"$EX/"}"
    "$@" || { echo "(exit code $?)"; status=1; }
}

step "$EX/meter_usage" --product-code demo-product --dimension users --quantity 3
step "$EX/meter_usage" --dimension data_gb --quantity-decimal 2.5 --allocation-tag team=analytics
step "$EX/batch_meter_usage" --product-code demo-product \
    --record demo-customer-1:hosts:2 --record demo-customer-2:users:1.5 \
    --record 444455556666:data_gb:10 --record unsubscribed-customer:users:1
step "$EX/resolve_customer" --registration-token demo-registration-token
step "$EX/register_usage" --product-code demo-product --public-key-version 1 --nonce demo-nonce

echo
echo "== a failure, as the examples report it (an expired registration token)"
"$EX/resolve_customer" --registration-token expired-registration-token || true

echo
echo "== what the emulator metered (GET $endpoint/__mpm/ledger)"
ledger="$(emulator_admin GET /__mpm/ledger)"
if command -v python3 >/dev/null 2>&1 && printf '%s' "$ledger" | python3 -m json.tool 2>/dev/null; then
    :
elif command -v jq >/dev/null 2>&1 && printf '%s' "$ledger" | jq . 2>/dev/null; then
    :
else
    printf '%s\n' "$ledger"
fi

echo
echo "== the outbox across kill -9 (scripts/demo-outbox.sh)"
"$root/scripts/demo-outbox.sh" || status=1

echo
if [ "$status" = 0 ]; then
    echo "demo finished: every example succeeded"
else
    echo "demo finished: some example failed (see above)"
fi
exit "$status"

#!/bin/sh
# Runs the credentials C examples against the emulator: once with keys in environment
# variables only, once with a profile file. Used by `make test-credentials-c`.
set -eu
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'kill $emu 2>/dev/null || true; rm -rf "$out"' EXIT
target/debug/mpm-emulator --listen 127.0.0.1:0 >"$out/emu.log" 2>&1 &
emu=$!
for _ in $(seq 50); do grep -q '^listening on ' "$out/emu.log" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$out/emu.log" | head -1)
[ -n "$url" ] || { echo "emulator did not start"; cat "$out/emu.log"; exit 1; }

clean() { env -i PATH="$PATH" HOME="$out" AWS_EC2_METADATA_DISABLED=true "$@"; }

clean AWS_REGION=us-east-1 AWS_ENDPOINT_URL_MARKETPLACE_METERING="$url" \
    AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE \
    AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
    target/c/meter_usage_env demo-product users 1 >"$out/env.txt"
grep -q '^credentials_provider: environment$' "$out/env.txt"
grep -q '^metering_record_id: ' "$out/env.txt"
! grep -q 'EXAMPLEKEY' "$out/env.txt"

cat >"$out/credentials" <<INI
[metering]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
INI
printf '[profile metering]\nregion = us-east-1\n' >"$out/config"
clean AWS_CONFIG_FILE="$out/config" AWS_SHARED_CREDENTIALS_FILE="$out/credentials" \
    target/c/meter_usage_profile metering "$url" >"$out/profile.txt"
grep -q '^credentials_provider: profile$' "$out/profile.txt"
grep -q '^metering_record_id: ' "$out/profile.txt"
echo "credentials C examples: 2 passed, 0 failed"

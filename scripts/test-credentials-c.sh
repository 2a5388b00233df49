#!/usr/bin/env bash
# Runs the credentials C examples (build/examples/meter_usage_env, _profile) against the
# emulator: once with keys in environment variables only, once with a profile file. Used by
# `make test-credentials-c`, which builds them and the emulator first.
# Ends with "N passed, N failed"; exits non-zero if anything failed.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
EX="$root/build/examples"
EMULATOR="${MPM_EMULATOR:-$root/target/debug/mpm-emulator}"
AKID=AKIAIOSFODNN7EXAMPLE
SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1"; }

tmp="$(mktemp -d)"
# shellcheck source=scripts/lib/emulator.sh
source "$root/scripts/lib/emulator.sh"
trap 'stop_emulator; rm -rf "$tmp"' EXIT

start_emulator "$EMULATOR" "$tmp" || { echo "credentials C examples: 0 passed, 1 failed"; exit 1; }

# No AWS_* variable of the caller leaks in; no IMDS lookup on a machine that has one. The
# moved clock of scripts/test-dates.sh, when there is one, is kept.
keep=()
for v in LD_PRELOAD MPM_FAKE_OFFSET MPM_FAKE_SKIP; do [ -n "${!v:-}" ] && keep+=("$v=${!v}"); done
clean() {
    env -i PATH="$PATH" HOME="$tmp" AWS_EC2_METADATA_DISABLED=true "${keep[@]+"${keep[@]}"}" "$@"
}

# check NAME FILE PATTERN...: each extended regex matches a line of FILE
check() {
    local name="$1" file="$2" p ok=1
    shift 2
    for p in "$@"; do
        grep -Eq -- "$p" "$file" || { echo "  no line matches: $p"; ok=0; }
    done
    if grep -q 'EXAMPLEKEY' "$file"; then echo "  the secret key is printed"; ok=0; fi
    if [ "$ok" = 1 ]; then pass "$name"; else sed 's/^/  | /' "$file"; fail "$name"; fi
}

clean AWS_REGION=us-east-1 AWS_ENDPOINT_URL_MARKETPLACE_METERING="$endpoint" \
    AWS_ACCESS_KEY_ID="$AKID" AWS_SECRET_ACCESS_KEY="$SECRET" \
    "$EX/meter_usage_env" demo-product users 1 >"$tmp/env.txt" 2>&1
echo "exit $?" >>"$tmp/env.txt"
check "meter_usage_env: credentials from environment variables" "$tmp/env.txt" \
    '^credentials_provider: environment$' '^MeterUsage: OK$' '^  metering_record_id: [0-9a-f-]{36}$' \
    '^exit 0$'

cat >"$tmp/credentials" <<INI
[metering]
aws_access_key_id = $AKID
aws_secret_access_key = $SECRET
INI
printf '[profile metering]\nregion = us-east-1\n' >"$tmp/config"
clean AWS_CONFIG_FILE="$tmp/config" AWS_SHARED_CREDENTIALS_FILE="$tmp/credentials" \
    "$EX/meter_usage_profile" metering "$endpoint" >"$tmp/profile.txt" 2>&1
echo "exit $?" >>"$tmp/profile.txt"
check "meter_usage_profile: credentials from a profile file" "$tmp/profile.txt" \
    '^credentials_provider: profile$' '^MeterUsage: OK$' '^  metering_record_id: [0-9a-f-]{36}$' \
    '^exit 0$'

"$EX/meter_usage_env" --help >"$tmp/help.txt" 2>&1
echo "exit $?" >>"$tmp/help.txt"
check "meter_usage_env --help" "$tmp/help.txt" '^usage: ' '^exit 0$'
clean "$EX/meter_usage_env" demo-product users lots >"$tmp/bad.txt" 2>&1
echo "exit $?" >>"$tmp/bad.txt"
check "meter_usage_env: a bad QUANTITY is refused before any call" "$tmp/bad.txt" \
    "QUANTITY: 'lots' is not a whole number" '^exit 2$'

echo "credentials C examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

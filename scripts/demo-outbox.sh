#!/usr/bin/env bash
# The outbox step of `make demo` (issue 10, item 6): a recorder (examples-c/outbox_kill_demo.c)
# records usage through mpm_outbox_record and is killed with SIGKILL mid-stream, twice; it is
# restarted from the first event it had not acknowledged (the same event_id, so an event that
# was committed just before the kill counts once); a last run seals, flushes and shows the
# stats; then the emulator's ledger is compared with what the recorders acknowledged.
# Runs on its own emulator (real clock, default credentials). Needs the library built.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
CC="${CC:-cc}"
EMULATOR="$root/target/debug/mpm-emulator"
BIN="$root/build/examples/outbox_kill_demo"
mkdir -p "$root/build/examples"
"$CC" -std=c99 -Wall -Wextra -Werror -Iinclude examples-c/outbox_kill_demo.c -o "$BIN" \
    -Ltarget/debug -lmpmeter -Wl,-rpath,"$root/target/debug"

tmp="$(mktemp -d)"
# shellcheck source=scripts/lib/emulator.sh
source "$root/scripts/lib/emulator.sh"
trap 'stop_emulator; rm -rf "$tmp"' EXIT
start_emulator "$EMULATOR" "$tmp"
export AWS_ENDPOINT_URL_MARKETPLACE_METERING="$endpoint" AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
unset AWS_SESSION_TOKEN
store="$tmp/outbox.db"
acks="$tmp/acks"
: >"$acks"
next=0
for run in 1 2; do
    "$BIN" record "$store" "$next" >>"$acks" 2>"$tmp/err" &
    pid=$!
    sleep 1.$((RANDOM % 9))
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    n=$(grep -c '^ACK ' "$acks" || true)
    echo "recorder $run (pid $pid): killed with SIGKILL after $((n - next)) acknowledged records"
    next=$n
done
echo "restart: re-record event $next (in flight at the kill, or never recorded), seal now, flush"
"$BIN" flush "$store" "$next" >>"$acks"
grep '^STATS' "$acks"
acked="$(awk '/^ACK /{s[$3" "$4]+=$5} END{for(k in s) printf "%s %.6f\n", k, s[k]}' "$acks" | sort)"
# GET with bash's /dev/tcp (no curl needed).
hostport="${endpoint#http://}"
exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}"
printf 'GET /__mpm/ledger HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$hostport" >&3
resp="$(cat <&3)"
exec 3<&-
ledger_json="${resp#*$'\r\n\r\n'}"
billed="$(printf '%s' "$ledger_json" | python3 -c '
import json, sys
s = {}
for e in json.load(sys.stdin):
    k = e["customer_identifier"] + " " + e["dimension"]
    s[k] = s.get(k, 0) + float(e["quantity"])
for k in sorted(s):
    print("%s %.6f" % (k, s[k]))
')"
echo
echo "acknowledged (customer dimension quantity):"
printf '%s\n' "$acked" | sed 's/^/  /'
echo "billed by the emulator (GET /__mpm/ledger):"
printf '%s\n' "$billed" | sed 's/^/  /'
if [ "$acked" = "$billed" ]; then
    echo "outbox demo: the ledger equals what was acknowledged: nothing lost, nothing twice"
else
    echo "outbox demo: MISMATCH between acknowledged and billed"
    exit 1
fi

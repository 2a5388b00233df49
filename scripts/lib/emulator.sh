# The one way the shell scripts start mpm-emulator (demo, demo-outbox, test-c, test-qt,
# test-credentials-c, test-install, test-dates, test-python-wheel). Source it from bash:
#
#   start_emulator BINARY WORKDIR [ARGS...]   start it on a free loopback port; sets
#                                             emulator_pid and endpoint (http://127.0.0.1:PORT)
#   emulator_admin METHOD PATH [JSON]         a request to its admin API (/__mpm/...); prints
#                                             the body, fails unless the status is 2xx
#   stop_emulator                             stop it (safe to call twice, or before start)
#
# The contract every harness relies on (scripts here, core/tests/support/emulator.rs,
# tests/python/mpm_emulator.py, bindings/qt/tests/emulator.cpp): with `--listen 127.0.0.1:0`,
# the emulator binds a free port and prints its URL as the first line of stdout, exactly
# `listening on http://127.0.0.1:PORT`, flushed. Its stderr goes to WORKDIR/emulator.err,
# shown when it does not start. No curl needed: the admin requests use bash's /dev/tcp.

emulator_pid=
endpoint=

start_emulator() {
    local bin="$1" dir="$2" line
    shift 2
    "$bin" --listen 127.0.0.1:0 "$@" >"$dir/emulator.out" 2>"$dir/emulator.err" &
    emulator_pid=$!
    endpoint=
    for _ in $(seq 1 100); do
        line="$(head -n 1 "$dir/emulator.out" 2>/dev/null || true)"
        if [[ "$line" == "listening on http://"* ]]; then endpoint="${line#listening on }"; return 0; fi
        kill -0 "$emulator_pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "mpm-emulator did not start:" >&2
    cat "$dir/emulator.err" >&2
    stop_emulator
    return 1
}

emulator_admin() {
    local method="$1" path="$2" body="${3:-}" hostport="${endpoint#http://}" resp
    [ -n "$emulator_pid" ] || { echo "emulator_admin: no emulator started" >&2; return 1; }
    exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}" || return 1
    printf '%s %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
        "$method" "$path" "$hostport" "${#body}" "$body" >&3
    resp="$(cat <&3)"
    exec 3<&-
    [[ "$resp" == "HTTP/1.1 2"* ]] || { printf '%s\n' "$resp" >&2; return 1; }
    printf '%s\n' "${resp#*$'\r\n\r\n'}"
}

stop_emulator() {
    if [ -n "$emulator_pid" ]; then
        kill "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
        emulator_pid=
    fi
}

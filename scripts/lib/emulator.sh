# Sourced by the scripts that run mpm-emulator for a while (demo, bench).
#
#   start_emulator BINARY WORKDIR [ARGS...]   start it on a free loopback port; sets
#                                             emulator_pid and endpoint (http://127.0.0.1:PORT)
#   stop_emulator                             stop it (safe to call twice, or before start)

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
    return 1
}

stop_emulator() {
    if [ -n "$emulator_pid" ]; then
        kill "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
        emulator_pid=
    fi
}

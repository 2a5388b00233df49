#!/usr/bin/env bash
# The one way the shell scripts start a throwaway PostgreSQL server (the fleet demo and bench,
# a new user trying the README's "Running on a fleet"). The Rust tests have the same harness
# in core/tests/support/postgres.rs. Source it from bash:
#
#   start_postgres              initdb in a fresh directory under /tmp, start the server on
#                               127.0.0.1 and a free port, wait until it accepts connections;
#                               sets postgres_url (postgres://mpm:PASSWORD@127.0.0.1:PORT/mpm),
#                               postgres_dir and postgres_port
#   postgres_sql SQL            run SQL on it through psql; prints the rows, unaligned
#   stop_postgres               stop it and delete its directory (safe to call twice)
#
# Or run it: `scripts/lib/postgres.sh` starts a server, prints its URL and keeps it until
# Ctrl-C (or the end of its standard input), then stops and deletes it.
#
# The server: Debian's binaries (/usr/lib/postgresql/NN/bin, the newest; MPM_POSTGRES_BIN
# overrides), fsync and synchronous_commit on, TCP on 127.0.0.1 only (no Unix socket), password
# authentication (scram-sha-256) for every connection, so the URL carries a password as a real
# deployment's does (and redaction can be tested). PostgreSQL refuses to run as root, so as
# root the server runs as the system user MPM_POSTGRES_USER (default mpm-postgres, made by
# `scripts/setup.sh postgres`).

postgres_url=
postgres_dir=
postgres_port=
postgres_bin=

# Picks the server binaries; fails with the reason.
_postgres_find_bin() {
    if [ -n "${MPM_POSTGRES_BIN:-}" ]; then
        postgres_bin="$MPM_POSTGRES_BIN"
    else
        postgres_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    fi
    if [ -z "$postgres_bin" ] || [ ! -x "$postgres_bin/postgres" ]; then
        echo "postgres: no PostgreSQL server in /usr/lib/postgresql/*/bin (scripts/setup.sh postgres installs it)" >&2
        return 1
    fi
}

# Runs a server binary as the user that owns the data directory.
_postgres_as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u "${MPM_POSTGRES_USER:-mpm-postgres}" -- "$@"
    else
        "$@"
    fi
}

# A port nobody listens on now (the kernel's choice for port 0, through Python if present,
# else a random one that bash cannot connect to).
_postgres_free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
        return
    fi
    local p
    while :; do
        p=$((20000 + RANDOM % 30000))
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}

start_postgres() {
    local user="${MPM_POSTGRES_USER:-mpm-postgres}" password try
    _postgres_find_bin || return 1
    if [ "$(id -u)" = 0 ] && ! id -u "$user" >/dev/null 2>&1; then
        echo "postgres: running as root needs the system user $user (scripts/setup.sh postgres makes it)" >&2
        return 1
    fi
    # Under /tmp, not a caller's private temporary directory: the server's user must reach it.
    postgres_dir="$(mktemp -d /tmp/mpm-postgres.XXXXXX)" || return 1
    chmod 755 "$postgres_dir"
    password="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
    (umask 077 && printf '%s\n' "$password" >"$postgres_dir/pwfile")
    if [ "$(id -u)" = 0 ]; then chown "$user" "$postgres_dir" "$postgres_dir/pwfile"; fi
    # --no-sync: only initdb's own files go unsynced (a throwaway cluster); the server fsyncs.
    if ! _postgres_as_owner "$postgres_bin/initdb" -D "$postgres_dir/data" -U mpm \
        --pwfile="$postgres_dir/pwfile" --auth=scram-sha-256 --no-sync -E UTF8 --locale=C \
        >"$postgres_dir/initdb.log" 2>&1; then
        echo "postgres: initdb failed:" >&2
        cat "$postgres_dir/initdb.log" >&2
        stop_postgres
        return 1
    fi
    rm -f "$postgres_dir/pwfile"
    # Another process can take the free port before the server binds it: try a few.
    for try in 1 2 3 4 5; do
        postgres_port="$(_postgres_free_port)"
        if _postgres_as_owner "$postgres_bin/pg_ctl" -D "$postgres_dir/data" -l "$postgres_dir/server.log" \
            -w -t 60 -o "-c listen_addresses=127.0.0.1 -c port=$postgres_port -c unix_socket_directories= \
            -c fsync=on -c synchronous_commit=on -c max_connections=200" start >/dev/null 2>&1; then
            postgres_url="postgres://mpm:$password@127.0.0.1:$postgres_port/mpm"
            # The default database of the URL.
            PGCONNECT_TIMEOUT=10 psql -X -q -d "postgres://mpm:$password@127.0.0.1:$postgres_port/postgres" \
                -c 'CREATE DATABASE mpm' >/dev/null || { stop_postgres; return 1; }
            return 0
        fi
        grep -q "Address already in use" "$postgres_dir/server.log" 2>/dev/null || break
    done
    echo "postgres: the server did not start:" >&2
    cat "$postgres_dir/server.log" >&2
    stop_postgres
    return 1
}

postgres_sql() {
    [ -n "$postgres_url" ] || { echo "postgres_sql: no server started" >&2; return 1; }
    psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$postgres_url" -c "$1"
}

stop_postgres() {
    if [ -n "$postgres_dir" ]; then
        if [ -f "$postgres_dir/data/postmaster.pid" ]; then
            _postgres_as_owner "$postgres_bin/pg_ctl" -D "$postgres_dir/data" -m fast -w -t 30 stop \
                >/dev/null 2>&1 || true
        fi
        rm -rf "$postgres_dir"
        postgres_dir=
        postgres_url=
        postgres_port=
    fi
}

# Run as a program: a server for trying things by hand.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -uo pipefail
    start_postgres || exit 1
    trap 'stop_postgres; exit 0' INT TERM
    echo "$postgres_url"
    echo "(PostgreSQL $("$postgres_bin/postgres" --version | awk '{print $3}') in $postgres_dir; Ctrl-C stops and deletes it)" >&2
    # Until Ctrl-C, or the end of standard input when it is not a terminal.
    if [ -t 0 ]; then
        while :; do sleep 3600 & wait $!; done
    else
        cat >/dev/null
    fi
    stop_postgres
fi

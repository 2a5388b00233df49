#!/usr/bin/env bash
# Prepares what the test groups need beyond Rust, a C compiler and bash, per group:
#
#   scripts/setup.sh [GROUP...]        prepare these groups (default: all)
#   scripts/setup.sh --check GROUP...  exit 0 if every group is ready, else say what is missing
#
# Groups:
#   c        valgrind (leak checks of the C programs), g++ (the header as C++)   test-c
#   install  cmake, pkg-config (builds against the installed library)            test-install
#   python   python3 and its venv module, then .venv with boto3, pytest and mypy test-python, test-boto3
#   qt       Qt 5 and Qt 6 development files, cmake, g++                         test-qt
#   docs     doxygen (the C reference)                                           docs, test-docs
#   postgres PostgreSQL 15 server binaries, and the system user mpm-postgres     test-fleet
#            that runs the tests' throwaway servers (PostgreSQL refuses root)
#   all      every group above
#
# Idempotent: what is present is left alone, so a second run does nothing. Debian packages are
# installed only when missing and only as root with apt-get (one `apt-get update` per run, only
# if something is missing). Otherwise nothing is installed: it says what is missing and that
# the tests needing it will be skipped (each test checks for itself). Exits 0 unless the
# arguments are wrong, so `make test` goes on with what it has.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
python="${PYTHON:-python3}"
all_groups=(c install python qt docs postgres)
# The system user that runs the tests' PostgreSQL servers when they run as root (the name
# scripts/lib/postgres.sh and core/tests/support/postgres.rs use; MPM_POSTGRES_USER overrides).
pg_user="${MPM_POSTGRES_USER:-mpm-postgres}"
# What the .venv holds (PyPI).
venv_packages=(boto3 pytest mypy)

usage() {
    sed -n '2,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0" >&2
    exit 2
}

installed() { # installed PACKAGE: the Debian package is installed
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

has_python_venv() {
    command -v "$python" >/dev/null 2>&1 && "$python" -c 'import ensurepip, venv' 2>/dev/null
}

venv_ready() {
    [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import $(IFS=,; echo "${venv_packages[*]}")" 2>/dev/null
}

# A PostgreSQL server of any version from Debian's packages (postgresql-NN).
has_postgres() {
    compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null
}

# The test servers' user is needed only where the tests run as root.
pg_user_ready() {
    [ "$(id -u)" != 0 ] || id -u "$pg_user" >/dev/null 2>&1
}

# missing_packages GROUP: the Debian packages the group lacks, one a line.
missing_packages() {
    case "$1" in
    c)
        command -v valgrind >/dev/null 2>&1 || echo valgrind
        command -v g++ >/dev/null 2>&1 || echo g++
        ;;
    install)
        command -v cmake >/dev/null 2>&1 || echo cmake
        command -v pkg-config >/dev/null 2>&1 || echo pkg-config
        ;;
    python)
        command -v "$python" >/dev/null 2>&1 || echo python3
        # Debian's python3 lacks ensurepip (and so a working venv) without python3-venv.
        if ! venv_ready && ! has_python_venv; then echo python3-venv; fi
        ;;
    qt)
        # dpkg-query, not a command: the Qt development files are headers and CMake packages.
        local p
        for p in qtbase5-dev qt6-base-dev; do installed "$p" || echo "$p"; done
        command -v cmake >/dev/null 2>&1 || echo cmake
        command -v g++ >/dev/null 2>&1 || echo g++
        ;;
    docs)
        command -v doxygen >/dev/null 2>&1 || echo doxygen
        ;;
    postgres)
        # postgresql-15 brings psql (postgresql-client-15) along.
        has_postgres || echo postgresql-15
        ;;
    esac
}

# ready GROUP: everything of the group is present (for python, also the .venv).
ready() {
    [ -z "$(missing_packages "$1")" ] || return 1
    if [ "$1" = python ]; then venv_ready || return 1; fi
    if [ "$1" = postgres ]; then pg_user_ready || return 1; fi
    return 0
}

check() {
    local g status=0 missing
    for g in "$@"; do
        if ! ready "$g"; then
            missing="$(missing_packages "$g" | tr '\n' ' ')"
            [ "$g" = python ] && ! venv_ready && missing+=".venv with ${venv_packages[*]}"
            [ "$g" = postgres ] && ! pg_user_ready && missing+="the system user $pg_user"
            echo "setup: group $g is not ready: missing ${missing% } (scripts/setup.sh $g)" >&2
            status=1
        fi
    done
    return "$status"
}

[ "${1:-}" = -h ] || [ "${1:-}" = --help ] && usage
if [ "${1:-}" = --check ]; then
    shift
    [ "$#" -gt 0 ] || usage
    mode=check
else
    mode=setup
fi
[ "$#" -gt 0 ] || set -- all
groups=()
for g in "$@"; do
    case "$g" in
    all) groups+=("${all_groups[@]}") ;;
    c | install | python | qt | docs | postgres) groups+=("$g") ;;
    *) echo "setup: unknown group '$g' (groups: ${all_groups[*]} all)" >&2; usage ;;
    esac
done

if [ "$mode" = check ]; then
    check "${groups[@]}"
    exit
fi

# ---- Debian packages, all groups at once ----------------------------------------------------

missing=()
for g in "${groups[@]}"; do
    while read -r p; do
        [ -n "$p" ] && [[ " ${missing[*]} " != *" $p "* ]] && missing+=("$p")
    done < <(missing_packages "$g")
done
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "setup: not installing ${missing[*]} (needs root and apt-get);" \
            "the tests that need them will be skipped" >&2
    else
        echo "setup: installing ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        # A failed install is reported, not fatal: the tests that need the tools skip.
        # Two setups at once (two clones tested side by side) take turns on a lock of ours,
        # and apt waits for any other holder of its own locks instead of failing at once.
        apt=(flock /tmp/mpm-setup-apt.lock apt-get -o DPkg::Lock::Timeout=600)
        if "${apt[@]}" update -qq &&
            "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
            # Debian's python3-venv is for /usr/bin/python3, not another python3 on PATH.
            if [[ " ${missing[*]} " == *" python3-venv "* ]] && ! has_python_venv; then
                python=/usr/bin/python3
            fi
        else
            echo "setup: could not install ${missing[*]}; the tests that need them will be skipped" >&2
        fi
    fi
fi

# ---- the Python virtualenv -----------------------------------------------------------------

if [[ " ${groups[*]} " == *" python "* ]] && ! venv_ready; then
    # A working .venv only gets what it lacks; a broken or missing one is made anew.
    if ! "$venv/bin/python" -c 'import sys' 2>/dev/null; then
        if has_python_venv; then
            echo "setup: creating $venv"
            rm -rf "$venv"
            "$python" -m venv "$venv" || rm -rf "$venv"
        else
            echo "setup: '$python -m venv' cannot work here (python3-venv is missing)" >&2
        fi
    fi
    if [ -x "$venv/bin/python" ]; then
        echo "setup: installing ${venv_packages[*]} into $venv"
        "$venv/bin/python" -m pip install -q --disable-pip-version-check "${venv_packages[@]}" || true
    fi
    venv_ready || echo "setup: could not make $venv with ${venv_packages[*]}; the Python tests will be skipped" >&2
fi

# ---- the user of the PostgreSQL test servers ---------------------------------------------

if [[ " ${groups[*]} " == *" postgres "* ]] && ! pg_user_ready; then
    # A system user with no login shell and no home: it only owns the servers' temporary
    # data directories (initdb and postgres refuse to run as root).
    echo "setup: creating the system user $pg_user (runs the tests' PostgreSQL servers)"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
        --user-group "$pg_user" ||
        echo "setup: could not create the user $pg_user; the PostgreSQL tests will fail" >&2
fi

for g in "${groups[@]}"; do
    ready "$g" 2>/dev/null || echo "setup: group $g is not ready; its tests will be skipped" >&2
done
exit 0

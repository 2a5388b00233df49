#!/usr/bin/env bash
# C-side tests (`make test-c`): the header compiles as C99 and C++11 and declares every
# exported symbol; each example in examples-c/ runs against a local mpm-emulator with the
# expected output and exit code (including failures the service reports); tests/c/test_api.c
# exercises the whole API; tests/c/test_callback_free.c has callbacks free their response.
# Every C program runs under valgrind when it is installed, the API test is also built and run
# with AddressSanitizer + UBSan, and both tests run against libmpmeter itself built with
# AddressSanitizer (in target/asan). Talks only to 127.0.0.1.
# Ends with "N passed, N failed"; exits non-zero if anything failed.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

CC="${CC:-cc}"
CXX="${CXX:-g++}"
MAKE="${MAKE:-make}"
C_STRICT=(-std=c99 -Wall -Wextra -Wpedantic -Werror)
# Extra compiler flags from the caller (as make passes CFLAGS), before our own -I.
read -r -a EXTRA_CFLAGS <<<"${CFLAGS:-}"
LIB_DIR="$root/target/debug"
EX="$root/build/examples"
OUT="$root/build/tests"
EMULATOR="$root/target/debug/mpm-emulator"
AKID=AKIAIOSFODNN7EXAMPLE
SECRET=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
# Only definite leaks fail: the library's runtime threads still hold reachable (and
# "possibly lost") memory at exit by design; it is freed with the process.
VALGRIND=(valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite
    --show-possibly-lost=no)

passed=0
failed=0
skipped=0
failed_names=()
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); failed_names+=("$1"); echo "FAIL $1"; }
skip() { skipped=$((skipped + 1)); echo "SKIP $1: $2"; }

summary() {
    echo
    [ "$skipped" -eq 0 ] || echo "$skipped skipped"
    for n in "${failed_names[@]+"${failed_names[@]}"}"; do echo "failed: $n"; done
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

tmp="$(mktemp -d)"
# shellcheck source=scripts/lib/emulator.sh
source "$root/scripts/lib/emulator.sh"
cleanup() {
    stop_emulator
    rm -rf "$tmp"
}
trap cleanup EXIT

have_valgrind=0
if command -v valgrind >/dev/null 2>&1; then
    have_valgrind=1
else
    echo "valgrind not installed: C programs run without it (scripts/setup.sh c installs it)"
fi

# Runs a C program, under valgrind when present.
run_c() {
    if [ "$have_valgrind" = 1 ]; then "${VALGRIND[@]}" "$@"; else "$@"; fi
}

# ---- build ----------------------------------------------------------------------------

echo "== build"
if ! "$MAKE" --no-print-directory -s lib >"$tmp/build.log" 2>&1; then
    cat "$tmp/build.log"
    fail "build libmpmeter"
    summary
    exit 1
fi
examples_built=1
if "$MAKE" --no-print-directory -s examples >"$tmp/build.log" 2>&1; then
    pass "examples build with ${C_STRICT[*]} (shared and static)"
else
    sed 's/^/  | /' "$tmp/build.log"
    fail "examples build with ${C_STRICT[*]} (shared and static)"
    examples_built=0
fi
if ! "$MAKE" --no-print-directory -s emulator >"$tmp/build.log" 2>&1 || [ ! -x "$EMULATOR" ]; then
    cat "$tmp/build.log"
    fail "build mpm-emulator"
    summary
    exit 1
fi
mkdir -p "$OUT"

# ---- the header ----------------------------------------------------------------------

echo "== header"
if "$CC" "${C_STRICT[@]}" -Iinclude -c tests/c/header_c99.c -o "$tmp/header_c99.o" 2>"$tmp/err"; then
    pass "header compiles as C99 with ${C_STRICT[*]}"
else
    cat "$tmp/err"; fail "header compiles as C99 with ${C_STRICT[*]}"
fi
if command -v "$CXX" >/dev/null 2>&1; then
    if "$CXX" -std=c++11 -Wall -Wextra -Wpedantic -Werror -x c++ -fsyntax-only -Iinclude \
        tests/c/header_cxx.cpp 2>"$tmp/err"; then
        pass "header compiles as C++11"
    else
        cat "$tmp/err"; fail "header compiles as C++11"
    fi
else
    skip "header compiles as C++11" "no C++ compiler ($CXX); scripts/setup.sh c installs g++"
fi
# Every function the library exports must be declared, or C callers cannot use it.
nm -D --defined-only "$LIB_DIR/libmpmeter.so" | awk '{print $3}' | grep '^mpm_' | sort -u >"$tmp/exported"
grep -o '\bmpm_[a-z0-9_]*(' include/mpmeter.h | tr -d '(' | sort -u >"$tmp/declared"
missing="$(comm -23 "$tmp/exported" "$tmp/declared")"
if [ -s "$tmp/exported" ] && [ -z "$missing" ]; then
    pass "header declares all $(wc -l <"$tmp/exported") exported functions"
else
    echo "exported by libmpmeter.so but not declared in include/mpmeter.h:"; echo "$missing"
    fail "header declares every exported function"
fi

# ---- the emulator --------------------------------------------------------------------

echo "== emulator"
if ! start_emulator "$EMULATOR" "$tmp"; then
    fail "start mpm-emulator"
    summary
    exit 1
fi
echo "emulator at $endpoint"

# ---- the examples --------------------------------------------------------------------

# example NAME WANT_RC PATTERN... -- COMMAND...: runs COMMAND (under valgrind when present)
# and checks its exit code and that each extended regex PATTERN matches a line of output.
example() {
    local name=$1 want=$2 rc ok=1 p
    shift 2
    if [ "$examples_built" = 0 ] && [[ "$*" == *"$EX/"* ]]; then
        skip "$name" "the examples did not build"
        return
    fi
    local patterns=()
    while [ "$1" != "--" ]; do patterns+=("$1"); shift; done
    shift
    run_c "$@" >"$tmp/out" 2>&1
    rc=$?
    if [ "$rc" != "$want" ]; then
        echo "  exit code $rc, want $want"; ok=0
    fi
    for p in "${patterns[@]}"; do
        if ! grep -Eq -- "$p" "$tmp/out"; then echo "  no line matches: $p"; ok=0; fi
    done
    if [ "$ok" = 1 ]; then
        pass "$name"
    else
        sed 's/^/  | /' "$tmp/out"; fail "$name"
    fi
}

echo "== examples"
now=$(date +%s)
conn=(--endpoint "$endpoint" --region us-east-1 --access-key-id "$AKID" --secret-access-key "$SECRET")
uuid='[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

example "meter_usage: integer quantity" 0 \
    '^MeterUsage: OK$' "^  metering_record_id: $uuid\$" '^  http_status: 200$' '^  attempts: 1$' \
    -- "$EX/meter_usage" "${conn[@]}" --product-code demo-product --dimension users --quantity 3
example "meter_usage: decimal quantity with an allocation" 0 \
    '^MeterUsage: OK$' "^  metering_record_id: $uuid\$" \
    -- "$EX/meter_usage" "${conn[@]}" --dimension hosts --quantity-decimal 2.5 \
    --allocation-tag team=platform --allocation-tag env=prod
example "meter_usage: endpoint, region and credentials from the environment" 0 \
    '^MeterUsage: OK$' "^  metering_record_id: $uuid\$" \
    -- env AWS_ENDPOINT_URL_MARKETPLACE_METERING="$endpoint" AWS_ENDPOINT_URL=http://127.0.0.1:1 \
    AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID="$AKID" AWS_SECRET_ACCESS_KEY="$SECRET" \
    "$EX/meter_usage" --dimension data_gb --quantity 1
example "meter_usage (static libmpmeter.a)" 0 \
    '^MeterUsage: OK$' "^  metering_record_id: $uuid\$" \
    -- "$EX/meter_usage_static" "${conn[@]}" --timestamp $((now - 3600)) --quantity 4
example "batch_meter_usage: default records" 0 \
    '^BatchMeterUsage: OK$' '^  results: 4$' '^  unprocessed: 0$' \
    '^    status: Success \(MPM_RECORD_STATUS_SUCCESS\)$' \
    '^    status: CustomerNotSubscribed \(MPM_RECORD_STATUS_CUSTOMER_NOT_SUBSCRIBED\)$' \
    "^    metering_record_id: $uuid\$" '^    customer_identifier: demo-customer-2$' \
    '^    customer_aws_account_id: 111122223333$' '^    quantity_as_decimal: 1.5$' \
    '^    quantity: 10$' "^    timestamp: $now\$" \
    -- "$EX/batch_meter_usage" "${conn[@]}" --timestamp "$now"
# Faults apply in the order given: the first attempt is throttled, the retry leaves one unprocessed.
if emulator_admin POST /__mpm/faults '{"mode":"throttle","count":1,"operation":"BatchMeterUsage"}' >/dev/null &&
    emulator_admin POST /__mpm/faults '{"mode":"unprocessed","count":1,"unprocessed_count":1}' >/dev/null; then
    example "batch_meter_usage: retried after throttling, one record unprocessed" 0 \
        '^BatchMeterUsage: OK$' '^  attempts: 2$' '^  results: 1$' '^  unprocessed: 1$' \
        '^  unprocessed\[0\]:$' '^    dimension: hosts$' \
        -- "$EX/batch_meter_usage" "${conn[@]}" --timestamp $((now - 7200)) \
        --record demo-customer-2:users:2 --record demo-customer-2:hosts:5
else
    fail "POST /__mpm/faults"
fi
example "resolve_customer" 0 \
    '^ResolveCustomer: OK$' '^  customer_identifier: demo-customer-1$' \
    '^  customer_aws_account_id: 111122223333$' '^  product_code: demo-product$' \
    '^  license_arn: arn:aws:license-manager::111122223333:license:l-demo0000000000000000001$' \
    '^  agreement_id: agmt-demo-0001$' \
    -- "$EX/resolve_customer" "${conn[@]}" --registration-token demo-registration-token
example "register_usage" 0 \
    '^RegisterUsage: OK$' '^  signature: [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$' \
    '^  public_key_rotation_timestamp: [0-9]{10,}$' \
    -- "$EX/register_usage" "${conn[@]}" --public-key-version 1 --nonce test-nonce
# The outbox: recorded (an event_id twice, counted once), sealed now, flushed, each slot's fate
# read back. On a clean ledger: the examples above metered the same customers this hour.
if emulator_admin DELETE /__mpm/ledger >/dev/null; then
    example "outbox: recorded, sealed, flushed, billed once" 0 \
        '^recorded: 3 events, event 0 twice$' '^flush: OK$' \
        '^stats: open=0 pending=0 accepted=1 rejected=0 expired=0$' \
        "^slot: demo-customer-2 data_gb quantity=4.5 state=accepted id=$uuid\$" \
        '^terminal: demo-customer-2 data_gb accepted$' \
        -- "$EX/outbox" "${conn[@]}" --store "$tmp/outbox.db" --customer demo-customer-2 \
        --dimension data_gb --quantity 1.5
else
    fail "DELETE /__mpm/ledger"
fi

echo "== examples: failures"
example "wrong secret key: signature rejected" 1 \
    '^MeterUsage: FAILED$' '^  result: MPM_ERR_SERVICE$' \
    '^  error_code: (InvalidSignatureException|UnrecognizedClientException)$' \
    '^  error_message: .+' '^  http_status: 403$' "^  request_id: $uuid\$" \
    -- "$EX/meter_usage" "${conn[@]}" --secret-access-key not-the-secret --dimension users
example "unknown access key id" 1 \
    '^  error_code: UnrecognizedClientException$' '^  service_error: MPM_SERVICE_ERROR_UNKNOWN$' \
    -- "$EX/resolve_customer" "${conn[@]}" --access-key-id AKIAUNKNOWNUNKNOWN00
example "expired registration token" 1 \
    '^ResolveCustomer: FAILED$' '^  service_error: MPM_SERVICE_ERROR_EXPIRED_TOKEN$' \
    '^  error_code: ExpiredTokenException$' '^  http_status: 400$' '^  attempts: 1$' \
    -- "$EX/resolve_customer" "${conn[@]}" --registration-token expired-registration-token
example "stale timestamp" 1 \
    '^  service_error: MPM_SERVICE_ERROR_TIMESTAMP_OUT_OF_BOUNDS$' \
    '^  error_code: TimestampOutOfBoundsException$' \
    -- "$EX/meter_usage" "${conn[@]}" --timestamp $((now - 86400))
example "unknown public key version" 1 \
    '^  service_error: MPM_SERVICE_ERROR_INVALID_PUBLIC_KEY_VERSION$' \
    -- "$EX/register_usage" "${conn[@]}" --public-key-version 7
example "invalid argument refused before any call" 2 \
    'MPM_ERR_INVALID_ARGUMENT' \
    -- "$EX/meter_usage" "${conn[@]}" --quantity -5
example "no credentials" 2 'no credentials' \
    -- env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$EX/meter_usage" --endpoint "$endpoint"
example "nothing listening: transport error" 1 \
    '^  result: MPM_ERR_TRANSPORT$' '^  http_status: 0$' \
    -- "$EX/register_usage" "${conn[@]}" --endpoint http://127.0.0.1:1

# The C example in README.md must compile with the strict flags and work as shown.
awk '/^```c$/{f=1; next} /^```$/{f=0} f' README.md >"$tmp/readme_example.c"
if [ ! -s "$tmp/readme_example.c" ]; then
    fail "README.md has a C example"
elif "$CC" "${C_STRICT[@]}" "${EXTRA_CFLAGS[@]+"${EXTRA_CFLAGS[@]}"}" -Iinclude \
    "$tmp/readme_example.c" -o "$OUT/readme_example" -L"$LIB_DIR" -lmpmeter \
    -Wl,-rpath,"$LIB_DIR" 2>"$tmp/err"; then
    example "README.md example" 0 "^metering record $uuid\$" \
        -- "$OUT/readme_example" "$endpoint"
    # A transport error has no error code: the example must not pass NULL to %s.
    example "README.md example, nothing listening" 1 '^failed: MPM_ERR_TRANSPORT: .' \
        -- "$OUT/readme_example" http://127.0.0.1:1
else
    cat "$tmp/err"; fail "README.md example compiles"
fi

# ---- the API test --------------------------------------------------------------------

echo "== tests/c/test_api.c"
api_flags=("${C_STRICT[@]}" "${EXTRA_CFLAGS[@]+"${EXTRA_CFLAGS[@]}"}" -g -pthread -Iinclude)
api_libs=(-L"$LIB_DIR" -lmpmeter -Wl,-rpath,"$LIB_DIR")
if "$CC" "${api_flags[@]}" tests/c/test_api.c -o "$OUT/test_api" "${api_libs[@]}" 2>"$tmp/err"; then
    name="test_api"; [ "$have_valgrind" = 1 ] && name="test_api under valgrind"
    if run_c "$OUT/test_api" "$endpoint" >"$tmp/out" 2>&1; then
        pass "$name ($(tail -n 1 "$tmp/out"))"
    else
        sed 's/^/  | /' "$tmp/out"; fail "$name"
    fi
else
    cat "$tmp/err"; fail "build test_api"
fi

# LeakSanitizer needs ptrace; some containers forbid it and LSan then aborts with this text.
lsan_unavailable() { grep -q 'LeakSanitizer has encountered a fatal error' "$1"; }
# Under a preloaded library (scripts/test-dates.sh's moved clock, which wraps only time
# functions) ASan would refuse to start because its runtime is not first in the list.
asan_pre=
if [ -n "${LD_PRELOAD:-}" ]; then asan_pre=verify_asan_link_order=0:; fi
san_env=(ASAN_OPTIONS=${asan_pre}detect_leaks=1:abort_on_error=0
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1)
if [ -f tests/c/lsan.supp ]; then san_env+=(LSAN_OPTIONS=suppressions="$root/tests/c/lsan.supp"); fi
if "$CC" "${api_flags[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer \
    -fno-sanitize-recover=undefined tests/c/test_api.c -o "$OUT/test_api_asan" "${api_libs[@]}" \
    2>"$tmp/err"; then
    if env "${san_env[@]}" "$OUT/test_api_asan" "$endpoint" >"$tmp/out" 2>&1; then
        pass "test_api with AddressSanitizer, LeakSanitizer and UBSan"
    elif lsan_unavailable "$tmp/out"; then
        skip "LeakSanitizer" "cannot run here (ptrace not permitted); ASan and UBSan only"
        if env ASAN_OPTIONS=${asan_pre}detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1 "$OUT/test_api_asan" \
            "$endpoint" >"$tmp/out" 2>&1; then
            pass "test_api with AddressSanitizer and UBSan"
        else
            sed 's/^/  | /' "$tmp/out"; fail "test_api with AddressSanitizer and UBSan"
        fi
    else
        sed 's/^/  | /' "$tmp/out"; fail "test_api with AddressSanitizer, LeakSanitizer and UBSan"
    fi
elif printf 'int main(void) { return 0; }\n' >"$tmp/san.c" &&
    "$CC" -fsanitize=address,undefined "$tmp/san.c" -o "$tmp/san" 2>/dev/null; then
    cat "$tmp/err"; fail "build test_api with sanitizers"
else
    skip "test_api with sanitizers" "$CC cannot build with -fsanitize=address,undefined"
fi

# A callback may free its own response as its last act; the library must not touch it after.
# Valgrind reports an access after that free as an invalid read or write.
echo "== tests/c/test_callback_free.c"
if "$CC" "${api_flags[@]}" tests/c/test_callback_free.c -o "$OUT/test_callback_free" \
    "${api_libs[@]}" 2>"$tmp/err"; then
    name="test_callback_free"; [ "$have_valgrind" = 1 ] && name="test_callback_free under valgrind"
    if run_c "$OUT/test_callback_free" "$endpoint" >"$tmp/out" 2>&1; then
        pass "$name ($(tail -n 1 "$tmp/out"))"
    else
        sed 's/^/  | /' "$tmp/out"; fail "$name"
    fi
else
    cat "$tmp/err"; fail "build test_callback_free"
fi

# The library itself built with AddressSanitizer (the -fsanitize builds above check only the
# C side's accesses). Nightly -Zsanitizer through RUSTC_BOOTSTRAP, as the fuzz targets do; the
# explicit --target leaves build scripts and proc-macros uninstrumented. A Rust cdylib carries
# no ASan runtime: the C program's serves both. Leaks are not checked here: LeakSanitizer sees
# the same allocations whether or not the library is instrumented, and the runs above check.
echo "== libmpmeter built with AddressSanitizer"
host_triple="$(rustc -vV | sed -n 's/^host: //p')"
ASAN_LIB_DIR="$root/target/asan/$host_triple/debug"
printf '#[no_mangle]\npub extern "C" fn probe() {}\n' >"$tmp/asan_probe.rs"
printf 'int main(void) { return 0; }\n' >"$tmp/asan_probe.c"
if ! RUSTC_BOOTSTRAP=1 rustc -Zsanitizer=address --crate-type cdylib --target "$host_triple" \
    "$tmp/asan_probe.rs" -o "$tmp/libasan_probe.so" >"$tmp/err" 2>&1; then
    sed 's/^/  | /' "$tmp/err"
    skip "libmpmeter built with AddressSanitizer" "rustc cannot build with -Zsanitizer=address"
elif ! "$CC" -fsanitize=address "$tmp/asan_probe.c" -o "$tmp/asan_probe" 2>/dev/null; then
    skip "libmpmeter built with AddressSanitizer" "$CC cannot build with -fsanitize=address"
else
    started=$SECONDS
    if env -u CFLAGS -u CPPFLAGS -u LDFLAGS RUSTC_BOOTSTRAP=1 RUSTFLAGS=-Zsanitizer=address \
        cargo build -q -p mpmeter --target "$host_triple" --target-dir "$root/target/asan" \
        >"$tmp/build.log" 2>&1; then
        echo "built in $((SECONDS - started)) s: $ASAN_LIB_DIR/libmpmeter.so"
        asan_lib_flags=("${api_flags[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer
            -fno-sanitize-recover=undefined)
        asan_lib_libs=(-L"$ASAN_LIB_DIR" -lmpmeter -Wl,-rpath,"$ASAN_LIB_DIR")
        for prog in test_callback_free test_api; do
            name="$prog with libmpmeter built with AddressSanitizer"
            if ! "$CC" "${asan_lib_flags[@]}" "tests/c/$prog.c" -o "$OUT/${prog}_asan_lib" \
                "${asan_lib_libs[@]}" 2>"$tmp/err"; then
                cat "$tmp/err"; fail "build $name"; continue
            fi
            if env ASAN_OPTIONS=${asan_pre}detect_leaks=0:halt_on_error=1 \
                UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
                "$OUT/${prog}_asan_lib" "$endpoint" >"$tmp/out" 2>&1; then
                pass "$name ($(tail -n 1 "$tmp/out"))"
            else
                sed 's/^/  | /' "$tmp/out"; fail "$name"
            fi
        done
    else
        sed 's/^/  | /' "$tmp/build.log"; fail "build libmpmeter with AddressSanitizer"
    fi
fi

# Unloading: dlopen, meter, free everything, dlclose; the library must stay mapped.
echo "== tests/c/test_unload.c"
if "$CC" "${C_STRICT[@]}" -g tests/c/test_unload.c -o "$OUT/test_unload" -ldl 2>"$tmp/err"; then
    if run_c "$OUT/test_unload" "$LIB_DIR/libmpmeter.so" "$endpoint" >"$tmp/out" 2>&1; then
        pass "dlopen, use and dlclose of libmpmeter.so"
    else
        sed 's/^/  | /' "$tmp/out"; fail "dlopen, use and dlclose of libmpmeter.so"
    fi
else
    cat "$tmp/err"; fail "build test_unload"
fi

# The leak checks must be able to fail: a program that leaks handles must be caught. The canary
# leaks 8 requests and each check must find all 8, at -O0 and at -O2: a stale copy of a pointer
# hides a leak, and where stale copies end up depends on the optimisation level (leak_canary.c
# explains how it leaves none). A canary that did not run to its end is a failure, not a catch.
echo "== leak checks catch a leak"
canary_leaks=8
canary_caught() { # NAME PATTERN: the canary's output in $tmp/out shows it ran and PATTERN
    if grep -q "^leaked $canary_leaks mpm_meter_usage_request handles\$" "$tmp/out" &&
        grep -Eq -- "$2" "$tmp/out"; then
        pass "$1"
    else
        sed 's/^/  | /' "$tmp/out"; fail "$1"
    fi
}
for opt in -O0 -O2; do
    if ! "$CC" "${api_flags[@]}" "$opt" tests/c/leak_canary.c -o "$OUT/leak_canary$opt" \
        "${api_libs[@]}" 2>"$tmp/err"; then
        cat "$tmp/err"; fail "build leak_canary ($opt)"; continue
    fi
    name="valgrind reports $canary_leaks leaked mpm_meter_usage_request handles ($opt)"
    if [ "$have_valgrind" = 1 ]; then
        "${VALGRIND[@]}" "$OUT/leak_canary$opt" >"$tmp/out" 2>&1
        rc=$?
        if [ "$rc" = 1 ]; then # --error-exitcode: the leak was reported as an error
            canary_caught "$name" "bytes in $canary_leaks blocks are definitely lost"
        else
            sed 's/^/  | /' "$tmp/out"; echo "  exit code $rc, want 1"; fail "$name"
        fi
    else
        skip "$name" "valgrind not installed"
    fi
    name="LeakSanitizer reports $canary_leaks leaked mpm_meter_usage_request handles ($opt)"
    if "$CC" "${api_flags[@]}" "$opt" -fsanitize=address tests/c/leak_canary.c \
        -o "$OUT/leak_canary_asan$opt" "${api_libs[@]}" 2>/dev/null; then
        env "${san_env[@]}" "$OUT/leak_canary_asan$opt" >"$tmp/out" 2>&1
        if lsan_unavailable "$tmp/out"; then
            skip "$name" "ptrace not permitted"
        else
            canary_caught "$name" "Direct leak of [0-9]+ byte\(s\) in $canary_leaks object\(s\)"
        fi
    fi
done

summary

#!/usr/bin/env bash
# `make test-docs`, second half: proves that the Rust checks of scripts/docs.sh can fail. On a
# copy of the committed tree (git archive HEAD) with this tree's docs.sh, it adds to
# mpmeter-core an undocumented public function, a documented one whose example fails, and a
# documented one whose example passes, and expects `docs.sh --rust` to fail naming the first
# two and not the third; then, with the crate's missing_docs lint removed, to fail for that.
#
# The copy builds in target/docs-selftest (its own directory, so that it never writes the
# real target/doc/mpmeter_core; the first run builds the dependencies once, later runs reuse
# them). Prints the time it took.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
start=$(date +%s)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
bad() { echo "test-docs-check: FAIL: $*" >&2; failures=$((failures + 1)); }

copy() {
    rm -rf "$tmp/tree"
    mkdir -p "$tmp/tree"
    git -C "$root" archive HEAD | tar -x -C "$tmp/tree"
    cp "$root/scripts/docs.sh" "$tmp/tree/scripts/docs.sh"
}
run_docs() {
    (cd "$tmp/tree" && env -u CFLAGS -u CPPFLAGS -u LDFLAGS \
        CARGO_TARGET_DIR="$root/target/docs-selftest" scripts/docs.sh --rust) >"$1" 2>&1
}

# 1. An undocumented item and a failing example are both reported; a good example is not.
copy
cat >>"$tmp/tree/core/src/lib.rs" <<'EOF'

pub fn docs_selftest_undocumented() {}

/// Documented, with an example that fails.
///
/// ```
/// assert_eq!(mpmeter_core::docs_selftest_failing_example(), 3);
/// ```
pub fn docs_selftest_failing_example() -> u32 {
    2
}

/// Documented, with an example that passes.
///
/// ```
/// assert_eq!(mpmeter_core::docs_selftest_passing_example(), 2);
/// ```
pub fn docs_selftest_passing_example() -> u32 {
    2
}
EOF
log="$tmp/defects.log"
# docs.sh shows the first problems; its full logs are where every one is.
rustdoc_log="$tmp/tree/build/docs/rustdoc.log"
doctests_log="$tmp/tree/build/docs/doctests.log"
if run_docs "$log"; then
    bad "docs.sh --rust passed on a crate with an undocumented item and a failing example"
fi
grep -A4 "^warning: missing documentation for a function" "$rustdoc_log" |
    grep -q "pub fn docs_selftest_undocumented" || bad "the undocumented function is not reported"
grep -Eq "^test core/src/lib.rs - docs_selftest_failing_example \(line [0-9]+\) \.\.\. FAILED" \
    "$doctests_log" || bad "the failing example is not reported"
grep -Eq "^test core/src/lib.rs - docs_selftest_passing_example \(line [0-9]+\) \.\.\. ok" \
    "$doctests_log" || bad "the passing example did not run and pass"
if grep -q "pub fn docs_selftest_passing_example\|pub fn docs_selftest_failing_example" "$rustdoc_log"; then
    bad "a documented function is reported as undocumented"
fi
grep -q "without a doc comment" "$log" || bad "no count of undocumented items"
grep -q "a doc example of mpmeter-core failed" "$log" || bad "the failed example is not said"

# 2. Without the lint nothing would warn of missing docs: the check refuses to run.
copy
sed -i '/^#!\[warn(missing_docs)\]$/d' "$tmp/tree/core/src/lib.rs"
log2="$tmp/nolint.log"
if run_docs "$log2"; then
    bad "docs.sh --rust passed on a crate without #![warn(missing_docs)]"
fi
grep -q "has no #!\[warn(missing_docs)\]" "$log2" || bad "a crate without the lint is not named as such"

if [ "$failures" -gt 0 ]; then
    echo "--- docs.sh --rust on the defective copy:" >&2
    tail -60 "$log" >&2
    echo "--- docs.sh --rust on the copy without the lint:" >&2
    tail -20 "$log2" >&2
    echo "test-docs-check: $failures failures ($(( $(date +%s) - start ))s)" >&2
    exit 1
fi
echo "test-docs-check: an undocumented item, a failing example and a missing lint each fail" \
    "docs.sh --rust ($(( $(date +%s) - start ))s)"

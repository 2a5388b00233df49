#!/usr/bin/env bash
# The reference documentation, as HTML:
#   build/docs/html/index.html    the C API (include/mpmeter.h), by Doxygen (docs/Doxyfile)
#   target/doc/mpmeter_core/      the Rust API of mpmeter-core, by rustdoc
# and the checks that they are complete: every function declared in the header is in
# Doxygen's output with a description, Doxygen warns of nothing undocumented; every public
# item of mpmeter-core has a doc comment (the crate's `#![warn(missing_docs)]`, and
# `cargo doc -p mpmeter-core` must print no warning) and every doc example passes
# (`cargo test -p mpmeter-core --doc`; `no_run` ones are still compiled).
#
#   scripts/docs.sh           (make docs, make test-docs)   build and check both
#   scripts/docs.sh --c       the C reference only
#   scripts/docs.sh --rust    the Rust reference and its examples only (no doxygen needed)
# scripts/test-docs-check.sh proves the Rust checks fail on an undocumented item and on a
# failing example.
# Doxygen comes from `scripts/setup.sh docs` (Debian's package, installed as root when missing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/build/docs"
only_c=0
only_rust=0
case "${1:-}" in
    --c) only_c=1 ;;
    --rust) only_rust=1 ;;
    "") ;;
    *) echo "usage: scripts/docs.sh [--c | --rust]" >&2; exit 2 ;;
esac

fail() { echo "docs: FAIL: $*" >&2; exit 1; }

# The Rust API. Missing docs are warned of by the crate's own lint (an attribute in the crate
# outranks a -D flag on the command line, so the lint must be there), and any rustdoc warning
# fails. Both checks run, so that one report shows every problem.
check_rust() {
    local lib="$root/core/src/lib.rs" log="$out/rustdoc.log" tests="$out/doctests.log" bad=0
    mkdir -p "$out"
    grep -q '^#!\[\(warn\|deny\)(missing_docs)\]' "$lib" ||
        fail "core/src/lib.rs has no #![warn(missing_docs)]: undocumented items would pass unseen"
    if ! cargo doc -p mpmeter-core --no-deps 2>"$log"; then
        cat "$log"; fail "cargo doc"
    fi
    if grep -q "^warning" "$log"; then
        grep -A6 "^warning" "$log" | head -80
        echo "docs: $(grep -c "^warning: missing documentation" "$log") public items of mpmeter-core" \
            "without a doc comment; full log: $log" >&2
        bad=1
    fi
    if cargo test -p mpmeter-core --doc >"$tests" 2>&1; then
        echo "docs: Rust examples: $(grep -o '^test result: ok\. [0-9]* passed' "$tests" | grep -o '[0-9]*')" \
            "doc examples of mpmeter-core pass"
    else
        grep -E "^test .* FAILED$|^---- |panicked|^error" "$tests" | head -40
        echo "docs: a doc example of mpmeter-core failed; full log: $tests" >&2
        bad=1
    fi
    [ "$bad" = 0 ] || fail "the Rust reference is incomplete or an example fails"
    echo "docs: Rust reference: $root/target/doc/mpmeter_core/index.html"
}

if [ "$only_rust" = 1 ]; then
    check_rust
    exit 0
fi

scripts/setup.sh docs
command -v doxygen >/dev/null || fail "doxygen is not installed (scripts/setup.sh docs installs it, as root)"

rm -rf "$out"
mkdir -p "$out"
{ cat docs/Doxyfile; echo "OUTPUT_DIRECTORY = $out"; echo "WARN_LOGFILE = $out/warnings.log"; } |
    doxygen - >"$out/doxygen.log" 2>&1 || { cat "$out/doxygen.log"; fail "doxygen"; }
[ -f "$out/html/index.html" ] || fail "no $out/html/index.html"

# Every function the header declares, and what Doxygen documented.
python3 - "$root/include/mpmeter.h" "$out/xml" <<'PY' || fail "the C reference is incomplete"
import re, sys, pathlib
import xml.etree.ElementTree as ET
header, xml_dir = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
declared = set()
for line in header.read_text().splitlines():
    if line.startswith(("#", " ", "/", "}")) or "(" not in line:
        continue
    m = re.search(r"\b(mpm_\w+)\s*\(", line)
    if m:
        declared.add(m.group(1))
documented, undocumented = set(), set()
for f in xml_dir.glob("*.xml"):
    for md in ET.parse(f).iter("memberdef"):
        if md.get("kind") != "function":
            continue
        name = md.findtext("name")
        text = "".join(md.find("briefdescription").itertext()) + "".join(
            md.find("detaileddescription").itertext())
        (documented if text.strip() else undocumented).add(name)
missing = sorted(declared - documented)
print(f"docs: {len(declared)} functions declared in mpmeter.h, {len(documented & declared)} documented by Doxygen")
if not declared:
    sys.exit("no function found in the header")
if missing:
    sys.exit("not in the reference, or without a description: " + ", ".join(missing))
PY
# Every function, type, enum value and macro must be documented; a struct field without a
# comment is reported but does not fail (the struct's own comment describes it).
if grep "not documented" "$out/warnings.log" | grep -qv "(variable) of struct"; then
    grep "not documented" "$out/warnings.log" | grep -v "(variable) of struct" | head -20
    fail "Doxygen found undocumented entities in the header"
fi
if grep -q "(variable) of struct.*not documented" "$out/warnings.log"; then
    echo "docs: note: struct fields without a comment:" \
        "$(grep "(variable) of struct.*not documented" "$out/warnings.log" |
            sed 's/.*Member \([a-z_0-9]*\) (variable) of struct \([a-z_0-9]*\).*/\2.\1/' | sort -u | tr '\n' ' ')"
fi
echo "docs: C reference: $out/html/index.html"

[ "$only_c" = 1 ] && exit 0
check_rust

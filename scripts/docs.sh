#!/usr/bin/env bash
# The reference documentation, as HTML:
#   build/docs/html/index.html    the C API (include/mpmeter.h), by Doxygen (docs/Doxyfile)
#   target/doc/mpmeter_core/      the Rust API of mpmeter-core, by rustdoc
# and the checks that they are complete: every function declared in the header is in
# Doxygen's output with a description, Doxygen warns of nothing undocumented, and
# `cargo doc -p mpmeter-core` prints no warning.
#
#   scripts/docs.sh           (make docs)       build and check both
#   scripts/docs.sh --c       the C reference only (make test-docs runs this and the doctests)
# Doxygen comes from `scripts/setup.sh docs` (Debian's package, installed as root when missing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="$root/build/docs"
only_c=0
[ "${1:-}" = "--c" ] && only_c=1

fail() { echo "docs: FAIL: $*" >&2; exit 1; }

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

# The Rust API: no warning (missing docs are warned of by the crate's lints).
cargo doc -p mpmeter-core --no-deps 2>"$out/rustdoc.log" || { cat "$out/rustdoc.log"; fail "cargo doc"; }
if grep -q "^warning" "$out/rustdoc.log"; then
    cat "$out/rustdoc.log"; fail "cargo doc -p mpmeter-core printed warnings"
fi
echo "docs: Rust reference: $root/target/doc/mpmeter_core/index.html"

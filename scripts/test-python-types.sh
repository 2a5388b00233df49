#!/usr/bin/env bash
# The Python package's annotations: `mypy --strict` over bindings/python/mpmeter (which ships
# py.typed) and over bindings/python/tests/typed_usage.py, a program as a user writes it.
# mypy (PyPI) is in the .venv of `scripts/setup.sh python`. Run by make test-python.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
py="$root/.venv/bin/python"
[ -x "$py" ] || { echo "test-python-types: no .venv (scripts/setup.sh python)" >&2; exit 1; }
"$py" -c 'import mypy' 2>/dev/null || scripts/setup.sh python
cd bindings/python
MYPYPATH=. "$py" -m mypy --strict --no-incremental mpmeter tests/typed_usage.py

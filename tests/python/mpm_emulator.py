"""The one way the Python tests start mpm-emulator: tests/python/test_emulator_boto3.py and
bindings/python/tests/conftest.py.

The contract shared with scripts/lib/emulator.sh, core/tests/support/emulator.rs and
bindings/qt/tests/emulator.cpp: run with `--listen 127.0.0.1:0`, the emulator binds a free
port and prints its URL as the first line of stdout, exactly
`listening on http://127.0.0.1:PORT`, flushed. The binary is $MPM_EMULATOR, else
target/debug/mpm-emulator (`make emulator` builds it).
"""

import json
import os
import pathlib
import subprocess
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
PREFIX = "listening on "


def binary():
    return os.environ.get("MPM_EMULATOR", str(ROOT / "target" / "debug" / "mpm-emulator"))


class Emulator:
    """A running emulator: `url`, its admin API (`admin`, `reset`, `fault`, `ledger`,
    `config`), `stop`. Also a context manager that stops it."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([binary(), "--listen", "127.0.0.1:0", *args],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith(PREFIX + "http://127.0.0.1:"):
            self.stop()
            raise RuntimeError(f"mpm-emulator did not start (exit code {self.proc.returncode}):"
                               f" first line {line!r}")
        self.url = line.strip().removeprefix(PREFIX)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def admin(self, method, path, body=None):
        """A request to /__mpm/PATH; the decoded JSON answer (None when empty)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + "/__mpm/" + path, method=method, data=data,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def reset(self):
        self.admin("POST", "reset", {})

    def fault(self, **fault):
        self.admin("POST", "faults", fault)

    def ledger(self):
        return self.admin("GET", "ledger")

    def config(self, patch):
        self.admin("POST", "config", patch)

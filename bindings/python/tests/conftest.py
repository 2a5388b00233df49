"""Fixtures of the mpmeter Python binding tests: an emulator per test module, clients on it.

Only 127.0.0.1 is ever contacted. The library comes from $MPMETER_LIBRARY (make test-python
sets it to target/debug/libmpmeter.so), else the package's own search. The emulator binary
from $MPM_EMULATOR, else target/debug/mpm-emulator.
"""

import gc
import json
import os
import pathlib
import subprocess
import sys
import urllib.request

import pytest

BINDINGS = pathlib.Path(__file__).resolve().parents[1]
ROOT = BINDINGS.parents[1]
sys.path.insert(0, str(BINDINGS))

import mpmeter  # noqa: E402

AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
PRODUCT = "demo-product"
LICENSE_ARN = "arn:aws:license-manager::111122223333:license:l-demo0000000000000000001"


class Emulator:
    def __init__(self, url):
        self.url = url

    def admin(self, method, path, body=None):
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


@pytest.fixture(scope="module")
def emulator():
    binary = os.environ.get("MPM_EMULATOR", str(ROOT / "target" / "debug" / "mpm-emulator"))
    proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("listening on http://127.0.0.1:"), line
        yield Emulator(line.strip().removeprefix("listening on "))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def client(emulator):
    emulator.reset()
    with mpmeter.Credentials.basic(AKID, SECRET) as creds:
        c = mpmeter.Client(endpoint=emulator.url, credentials=creds)
    with c:
        yield c


@pytest.fixture
def no_leaks():
    """Fails the test if it leaves live handles behind (after garbage collection)."""
    gc.collect()
    before = mpmeter.live_handles()
    yield
    gc.collect()
    assert mpmeter.live_handles() == before

"""Fixtures of the mpmeter Python binding tests: an emulator per test module, clients on it.

Only 127.0.0.1 is ever contacted. The library comes from $MPMETER_LIBRARY (make test-python
sets it to target/debug/libmpmeter.so), else the package's own search. The emulator is
started by tests/python/mpm_emulator.py (binary from $MPM_EMULATOR, else
target/debug/mpm-emulator), as for every Python test.
"""

import gc
import pathlib
import sys

import pytest

BINDINGS = pathlib.Path(__file__).resolve().parents[1]
ROOT = BINDINGS.parents[1]
sys.path.insert(0, str(BINDINGS))
sys.path.insert(0, str(ROOT / "tests" / "python"))

import mpmeter  # noqa: E402
from mpm_emulator import Emulator  # noqa: E402

AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
PRODUCT = "demo-product"
LICENSE_ARN = "arn:aws:license-manager::111122223333:license:l-demo0000000000000000001"


@pytest.fixture(scope="module")
def emulator():
    with Emulator() as e:
        yield e


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

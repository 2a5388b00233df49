"""The examples in bindings/python/README.md run against the emulator and print what they say:
the first python block (the client) and the one that opens an `mpmeter.Outbox`."""

import os
import re
import subprocess
import sys

from conftest import AKID, BINDINGS, SECRET


def readme_blocks():
    text = (BINDINGS / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "README.md has no python example"
    return blocks


def readme_example():
    return readme_blocks()[0]


def run_example(emulator, tmp_path, source):
    emulator.reset()
    script = tmp_path / "example.py"
    script.write_text(source)
    env = dict(os.environ, AWS_ENDPOINT_URL=emulator.url, AWS_ACCESS_KEY_ID=AKID,
               AWS_SECRET_ACCESS_KEY=SECRET,
               PYTHONPATH=os.pathsep.join([str(BINDINGS), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_readme_example_runs(emulator, tmp_path):
    out = run_example(emulator, tmp_path, readme_example())
    assert re.search(r"^metered: [0-9a-f-]{36} attempts: 1$", out, re.M), out
    assert re.search(r"^record: demo-customer-1 SUCCESS [0-9a-f-]{36}$", out, re.M), out
    assert "record: unsubscribed-customer CUSTOMER_NOT_SUBSCRIBED None" in out
    assert "customer: demo-customer-1 111122223333" in out
    assert "expired: ExpiredTokenException 400 True" in out
    assert re.search(r"^registered until: \d{4}-\d\d-01T00:00:00\+00:00$", out, re.M), out
    ledger = emulator.ledger()
    assert {e["operation"] for e in ledger} == {"MeterUsage", "BatchMeterUsage"}
    assert any(e["quantity"] == "2.5" for e in ledger)


def test_readme_outbox_example_runs(emulator, tmp_path):
    [source] = [b for b in readme_blocks() if "mpmeter.Outbox(" in b]
    out = run_example(emulator, tmp_path, source)
    assert "fate: demo-customer-1 users 3 ACCEPTED None" in out, out
    assert "fate: demo-customer-1 data_gb 2.5 ACCEPTED None" in out, out
    assert "fate: unsubscribed-customer users 1 REJECTED CustomerNotSubscribed" in out, out
    assert "accepted: 2 rejected: 1 pending: 0" in out, out
    assert re.search(r"^slot: demo-customer-1 users 3 ACCEPTED [0-9a-f-]{36}$", out, re.M), out
    assert "slot: unsubscribed-customer users 1 REJECTED None" in out, out
    # Billed exactly what was recorded: the repeated event once.
    billed = {(e["customer_identifier"], e["dimension"]): e["quantity"] for e in emulator.ledger()}
    assert billed == {("demo-customer-1", "users"): "3", ("demo-customer-1", "data_gb"): "2.5"}

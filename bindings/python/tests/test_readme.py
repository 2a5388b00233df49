"""The example in bindings/python/README.md runs against the emulator and prints what it says."""

import os
import re
import subprocess
import sys

from conftest import AKID, BINDINGS, SECRET


def readme_example():
    text = (BINDINGS / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "README.md has no python example"
    return blocks[0]


def test_readme_example_runs(emulator, tmp_path):
    emulator.reset()
    script = tmp_path / "example.py"
    script.write_text(readme_example())
    env = dict(os.environ, AWS_ENDPOINT_URL=emulator.url, AWS_ACCESS_KEY_ID=AKID,
               AWS_SECRET_ACCESS_KEY=SECRET,
               PYTHONPATH=os.pathsep.join([str(BINDINGS), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert re.search(r"^metered: [0-9a-f-]{36} attempts: 1$", out, re.M), out
    assert re.search(r"^record: demo-customer-1 SUCCESS [0-9a-f-]{36}$", out, re.M), out
    assert "record: unsubscribed-customer CUSTOMER_NOT_SUBSCRIBED None" in out
    assert "customer: demo-customer-1 111122223333" in out
    assert "expired: ExpiredTokenException 400 True" in out
    assert re.search(r"^registered until: \d{4}-\d\d-01T00:00:00\+00:00$", out, re.M), out
    ledger = emulator.ledger()
    assert {e["operation"] for e in ledger} == {"MeterUsage", "BatchMeterUsage"}
    assert any(e["quantity"] == "2.5" for e in ledger)

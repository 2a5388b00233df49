# mpm-emulator: the local AWS Marketplace Metering Service used by tests.
# Included by the root Makefile (`include mk/*.mk`).

EMULATOR_BIN := target/debug/mpm-emulator

TEST_TARGETS += test-emulator test-boto3

.PHONY: emulator test-emulator test-boto3

emulator:
	cargo build -p mpm-emulator

test-emulator:
	cargo test -p mpm-emulator

# boto3 as an independent client of the emulator.
test-boto3: emulator
	scripts/setup-python.sh
	MPM_EMULATOR=$(EMULATOR_BIN) .venv/bin/python -m pytest -q tests/python/test_emulator_boto3.py

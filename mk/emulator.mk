# mpm-emulator: the local AWS Marketplace Metering Service used by tests.
# Included by the root Makefile (`include mk/*.mk`), which has the `emulator` target.

EMULATOR_BIN := target/debug/mpm-emulator

TEST_TARGETS += test-emulator test-boto3
SETUP_GROUPS += python

.PHONY: test-emulator test-boto3

test-emulator:
	$(CARGO_ENV) $(CARGO) test -p mpm-emulator

# boto3 as an independent client of the emulator; skipped without the .venv (scripts/setup.sh).
test-boto3: emulator
	@scripts/setup.sh python
	@if scripts/setup.sh --check python; then \
		echo "MPM_EMULATOR=$(EMULATOR_BIN) .venv/bin/python -m pytest -q -p no:cacheprovider tests/python/test_emulator_boto3.py"; \
		MPM_EMULATOR=$(EMULATOR_BIN) .venv/bin/python -m pytest -q -p no:cacheprovider tests/python/test_emulator_boto3.py; \
	else \
		echo "test-boto3: SKIPPED (no Python virtualenv with boto3 and pytest)"; \
	fi

# Python bindings (bindings/python): the mpmeter package on ctypes, tested against the emulator.
# Included by the root Makefile (`include mk/*.mk`).

PYTHON_TESTS := bindings/python/tests

TEST_TARGETS += test-python
SETUP_GROUPS += python

.PHONY: test-python

# The tests load target/debug/libmpmeter.so and start target/debug/mpm-emulator per module;
# skipped without the .venv (scripts/setup.sh python).
test-python: lib emulator
	@scripts/setup.sh python
	@if scripts/setup.sh --check python; then \
		echo "MPMETER_LIBRARY=... MPM_EMULATOR=... .venv/bin/python -m pytest -q -p no:cacheprovider $(PYTHON_TESTS)"; \
		MPMETER_LIBRARY=$(CURDIR)/target/debug/libmpmeter.so MPM_EMULATOR=$(CURDIR)/$(EMULATOR_BIN) \
			.venv/bin/python -m pytest -q -p no:cacheprovider $(PYTHON_TESTS); \
	else \
		echo "test-python: SKIPPED (no Python virtualenv with pytest)"; \
	fi

# Python bindings (bindings/python): the mpmeter package on ctypes, tested against the emulator.
# Included by the root Makefile (`include mk/*.mk`).

PYTHON_TESTS := bindings/python/tests

TEST_TARGETS += test-python test-python-wheel
SETUP_GROUPS += python

.PHONY: test-python test-python-wheel python-wheel

# The tests load target/debug/libmpmeter.so and start target/debug/mpm-emulator per module
# (tests/python/mpm_emulator.py); skipped without the .venv (scripts/setup.sh python).
test-python: lib emulator
	@scripts/setup.sh python
	@if scripts/setup.sh --check python; then \
		echo "MPMETER_LIBRARY=... MPM_EMULATOR=... .venv/bin/python -m pytest -q -p no:cacheprovider $(PYTHON_TESTS)"; \
		MPMETER_LIBRARY=$(CURDIR)/target/debug/libmpmeter.so MPM_EMULATOR=$(CURDIR)/$(EMULATOR_BIN) \
			.venv/bin/python -m pytest -q -p no:cacheprovider $(PYTHON_TESTS) && \
		scripts/test-python-types.sh; \
	else \
		echo "test-python: SKIPPED (no Python virtualenv with pytest)"; \
	fi

# The wheel (build/wheels/): libmpmeter.so inside, tagged manylinux_X_Y for the glibc it
# needs. `make python-wheel PYTHON_WHEEL_FLAGS=--old-glibc` links against glibc 2.17 (zig).
python-wheel:
	scripts/build-python-wheel.sh $(PYTHON_WHEEL_FLAGS)

# The package as users install it: the wheel, `pip install ./bindings/python` and `pip
# install -e`, each in a fresh venv, imported from /tmp with no variable, against the emulator.
test-python-wheel: emulator
	MPM_EMULATOR=$(CURDIR)/$(EMULATOR_BIN) scripts/test-python-wheel.sh

# Python bindings (bindings/python): the mpmeter package on ctypes, tested against the emulator.
# Included by the root Makefile (`include mk/*.mk`).

PYTHON_TESTS := bindings/python/tests

TEST_TARGETS += test-python

.PHONY: test-python

# The tests load target/debug/libmpmeter.so and start target/debug/mpm-emulator per module.
test-python:
	cargo build -p mpmeter -p mpm-emulator
	scripts/setup-python.sh
	MPMETER_LIBRARY=$(CURDIR)/target/debug/libmpmeter.so MPM_EMULATOR=$(CURDIR)/target/debug/mpm-emulator \
		.venv/bin/python -m pytest -q -p no:cacheprovider $(PYTHON_TESTS)

# C examples that take credentials and settings from the environment or a profile, run
# against the emulator. Included by the root Makefile (`include mk/*.mk`).

CRED_CFLAGS := -std=c99 -Wall -Wextra -Wpedantic -Werror -Iinclude
CRED_LDFLAGS := -Ltarget/debug -lmpmeter -Wl,-rpath,$(abspath target/debug)
CRED_EXAMPLES := target/c/meter_usage_env target/c/meter_usage_profile

TEST_TARGETS += test-credentials-c

.PHONY: test-credentials-c

target/c/meter_usage_%: examples-c/meter_usage_%.c include/mpmeter.h
	cargo build -p mpmeter
	mkdir -p target/c
	cc $(CRED_CFLAGS) -o $@ $< $(CRED_LDFLAGS)

# Starts the emulator on a free port, then meters once with credentials from environment
# variables only, and once from a temporary profile file.
test-credentials-c: $(CRED_EXAMPLES)
	cargo build -p mpm-emulator
	scripts/test-credentials-c.sh

# Fleet mode (issue 11): the outbox on PostgreSQL. Included by the root Makefile
# (`include mk/*.mk`).
#
#   make test-fleet             the fleet's crash test (tests/ffi_outbox_fleet; part of make
#                               test): scripts/test-fleet.sh
#   make test-fleet-mutations   with the store's epoch fencing disabled it must fail (not in
#                               make test: it rebuilds the library with the mutation hooks)
#   make bench-fleet            records a second from 3 processes x 8 threads, delivery of 10,000
#                               slots at the rate limit (not in make test): scripts/bench-fleet.sh
#
# The tests start their own throwaway PostgreSQL servers (core/tests/support/postgres.rs); the
# postgres group of scripts/setup.sh installs the server binaries and the non-root user that
# runs them. The harness's own test (core/tests/postgres_harness.rs) runs in test-rust, so the
# group is prepared for every `make test`.

TEST_TARGETS += test-fleet
SETUP_GROUPS += postgres

.PHONY: test-fleet test-fleet-mutations bench-fleet

test-fleet:
	@scripts/setup.sh postgres
	scripts/test-fleet.sh

test-fleet-mutations:
	@scripts/setup.sh postgres
	scripts/test-fleet-mutations.sh

bench-fleet:
	scripts/bench-fleet.sh

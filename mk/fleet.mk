# Fleet mode (issue 11): the outbox on PostgreSQL. Included by the root Makefile
# (`include mk/*.mk`).
#
# The tests start their own throwaway PostgreSQL servers (core/tests/support/postgres.rs); the
# postgres group of scripts/setup.sh installs the server binaries and the non-root user that
# runs them. The harness's own test (core/tests/postgres_harness.rs) runs in test-rust, so the
# group is prepared for every `make test`.

SETUP_GROUPS += postgres

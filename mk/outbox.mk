# The outbox's proof (issue 10, item 8): kill loop, power loss, outages.
# Included by the root Makefile (`include mk/*.mk`).
#
#   make test-outbox            the proof (part of `make test`): scripts/test-outbox.sh
#   make test-outbox-mutations  each deliberate bug must make the proof fail (not in make test:
#                               it rebuilds the library with the mutation hooks compiled in)
#   make bench-outbox           record latency, throughput, delivery, memory (not in make test)

TEST_TARGETS += test-outbox

.PHONY: test-outbox test-outbox-mutations bench-outbox

test-outbox:
	scripts/test-outbox.sh

test-outbox-mutations:
	scripts/test-outbox-mutations.sh

bench-outbox:
	scripts/bench-outbox.sh

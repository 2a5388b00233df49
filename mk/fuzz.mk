# Short fuzz runs of the response parser and the request builders (scripts/fuzz-smoke.sh).
TEST_TARGETS += test-fuzz

.PHONY: test-fuzz
test-fuzz:
	FUZZ_SECONDS=$${FUZZ_SECONDS:-20} scripts/fuzz-smoke.sh

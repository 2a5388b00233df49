# Reference documentation (scripts/docs.sh): the C API as HTML by Doxygen from the header's
# Doxygen comments (docs/Doxyfile; build/docs/html/index.html), the Rust API of mpmeter-core
# by rustdoc (target/doc/mpmeter_core/). Included by the root Makefile (`include mk/*.mk`).

TEST_TARGETS += test-docs
SETUP_GROUPS += docs

.PHONY: docs test-docs

docs:
	scripts/docs.sh

# Builds both and fails if a header function is missing from Doxygen's output or has no
# description, if Doxygen or rustdoc warns (a public item of mpmeter-core without a doc
# comment is a rustdoc warning), or if a doc example of mpmeter-core fails; then proves those
# Rust checks can fail (scripts/test-docs-check.sh, on a copy with planted defects).
test-docs:
	scripts/docs.sh
	scripts/test-docs-check.sh

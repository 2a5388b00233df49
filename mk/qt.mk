# mpmeter-qt (bindings/qt): QtAws's MarketplaceMetering API over the C library.
# Included by the root Makefile (`include mk/*.mk`).

TEST_TARGETS += test-qt
SETUP_GROUPS += qt

.PHONY: test-qt

# Builds and tests the binding against Qt 5 and Qt 6 (build/qt5, build/qt6); skipped when
# scripts/setup.sh qt cannot provide them.
test-qt:
	scripts/test-qt.sh

# `make install`: the release library, header, pkg-config file and CMake package.
# Included by the root Makefile (`include mk/*.mk`).
#
#   make install PREFIX=/opt/mpmeter          # default PREFIX=/usr/local
#   make install DESTDIR=/tmp/stage           # staged: files under $(DESTDIR)$(PREFIX)
#   make uninstall PREFIX=...
#
# Installs $(includedir)/mpmeter.h, $(libdir)/libmpmeter.a, libmpmeter.so.X.Y.Z with the links
# libmpmeter.so.X (the SONAME) and libmpmeter.so, $(libdir)/pkgconfig/mpmeter.pc and
# $(libdir)/cmake/mpmeter/mpmeterConfig{,Version}.cmake, and the emulator as
# $(bindir)/mpm-emulator (release build). libdir, includedir and bindir may be
# overridden (GNU style, absolute); the pkg-config and CMake files find them relative to
# PREFIX and to themselves, so an installed tree can be moved.

PREFIX ?= /usr/local
libdir ?= $(PREFIX)/lib
includedir ?= $(PREFIX)/include
bindir ?= $(PREFIX)/bin

MPM_VERSION := $(shell sed -n 's/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml | head -n 1)
MPM_VERSION_PARTS := $(subst ., ,$(MPM_VERSION))
MPM_MAJOR := $(word 1,$(MPM_VERSION_PARTS))
MPM_MINOR := $(word 2,$(MPM_VERSION_PARTS))
MPM_SONAME := libmpmeter.so.$(MPM_MAJOR)
MPM_REAL_SO := libmpmeter.so.$(MPM_VERSION)
RELEASE_DIR := target/release

TEST_TARGETS += test-install
SETUP_GROUPS += install

.PHONY: install uninstall release-lib release-emulator test-install

release-lib:
	$(CARGO_ENV) $(CARGO) build --release -p mpmeter

release-emulator:
	$(CARGO_ENV) $(CARGO) build --release -p mpm-emulator

# The SONAME comes from build.rs (-Wl,-soname,libmpmeter.so.MAJOR); for a library built
# without it, patchelf sets it when present, else the install says what is wrong.
install: release-lib release-emulator
	@set -eu; \
	lib="$(DESTDIR)$(libdir)"; inc="$(DESTDIR)$(includedir)"; \
	install -d "$(DESTDIR)$(bindir)"; \
	install -m 755 $(RELEASE_DIR)/mpm-emulator "$(DESTDIR)$(bindir)/mpm-emulator"; \
	pc_dir="$$lib/pkgconfig"; cmake_dir="$$lib/cmake/mpmeter"; \
	install -d "$$lib" "$$inc" "$$pc_dir" "$$cmake_dir"; \
	install -m 644 include/mpmeter.h "$$inc/mpmeter.h"; \
	install -m 644 $(RELEASE_DIR)/libmpmeter.a "$$lib/libmpmeter.a"; \
	install -m 755 $(RELEASE_DIR)/libmpmeter.so "$$lib/$(MPM_REAL_SO)"; \
	soname=$$(readelf -d "$$lib/$(MPM_REAL_SO)" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p'); \
	if [ "$$soname" != "$(MPM_SONAME)" ]; then \
		if command -v patchelf >/dev/null; then \
			patchelf --set-soname $(MPM_SONAME) "$$lib/$(MPM_REAL_SO)"; \
		else \
			echo "install: $(MPM_REAL_SO) has SONAME '$$soname', not $(MPM_SONAME)" \
				"(build.rs should pass -Wl,-soname; or install patchelf)" >&2; \
		fi; \
	fi; \
	ln -sfn $(MPM_REAL_SO) "$$lib/$(MPM_SONAME)"; \
	ln -sfn $(MPM_SONAME) "$$lib/libmpmeter.so"; \
	to_libdir=$$(realpath -m --relative-to="$(PREFIX)" "$(libdir)"); \
	to_includedir=$$(realpath -m --relative-to="$(PREFIX)" "$(includedir)"); \
	to_prefix=$$(realpath -m --relative-to="$(libdir)/cmake/mpmeter" "$(PREFIX)"); \
	subst() { sed -e "s|@PREFIX@|$(PREFIX)|g" -e "s|@PREFIX_TO_LIBDIR@|$$to_libdir|g" \
		-e "s|@PREFIX_TO_INCLUDEDIR@|$$to_includedir|g" -e "s|@CMAKE_TO_PREFIX@|$$to_prefix|g" \
		-e "s|@VERSION@|$(MPM_VERSION)|g" -e "s|@MAJOR@|$(MPM_MAJOR)|g" -e "s|@MINOR@|$(MPM_MINOR)|g" \
		-e "s|@SIZEOF_VOID_P@|$$(( $$(getconf LONG_BIT) / 8 ))|g" "$$1" > "$$2"; chmod 644 "$$2"; }; \
	subst packaging/mpmeter.pc.in "$$pc_dir/mpmeter.pc"; \
	subst packaging/mpmeterConfig.cmake.in "$$cmake_dir/mpmeterConfig.cmake"; \
	subst packaging/mpmeterConfigVersion.cmake.in "$$cmake_dir/mpmeterConfigVersion.cmake"; \
	echo "installed mpmeter $(MPM_VERSION) into $(DESTDIR)$(PREFIX)"

uninstall:
	rm -f "$(DESTDIR)$(includedir)/mpmeter.h" "$(DESTDIR)$(bindir)/mpm-emulator" \
		"$(DESTDIR)$(libdir)/libmpmeter.a" "$(DESTDIR)$(libdir)/$(MPM_REAL_SO)" \
		"$(DESTDIR)$(libdir)/$(MPM_SONAME)" "$(DESTDIR)$(libdir)/libmpmeter.so" \
		"$(DESTDIR)$(libdir)/pkgconfig/mpmeter.pc" \
		"$(DESTDIR)$(libdir)/cmake/mpmeter/mpmeterConfig.cmake" \
		"$(DESTDIR)$(libdir)/cmake/mpmeter/mpmeterConfigVersion.cmake"
	-rmdir "$(DESTDIR)$(libdir)/cmake/mpmeter" 2>/dev/null

# Installs into a temporary prefix and builds a C example out of tree against it, through
# pkg-config and through CMake, then runs both against the emulator. Without pkg-config or
# cmake (scripts/setup.sh install), the builds that need them are skipped.
test-install: emulator
	@scripts/setup.sh install
	scripts/test-install.sh

"""Builds the mpmeter package with libmpmeter.so inside it (see pyproject.toml).

`pip install ./bindings/python` and `scripts/build-python-wheel.sh` both come here. The
library is, in order:

1. the file named by $MPMETER_BUILD_LIBRARY (a libmpmeter.so built elsewhere, e.g. with
   cargo-zigbuild for an older glibc: scripts/build-python-wheel.sh does that);
2. else `cargo build --release -p mpmeter` in the source tree this directory belongs to
   (never the debug build: it is ~10 times larger and slow).

It is copied into the package as mpmeter/libmpmeter.so, which the package loads first, so
the installed package needs no environment variable. For an editable install
(`pip install -e`) it is copied into the source directory bindings/python/mpmeter/ (ignored
by git), so that an editable install loads the release build, not target/debug.

The wheel is not pure: its platform tag says which glibc the library needs, read from the
GLIBC_x.y symbol versions it references (manylinux_2_17_x86_64 for a library that needs at
most glibc 2.17), per PEP 600. Its Python tag is py3-none: the package is ctypes only and
works on any CPython 3.8+.
"""

import os
import pathlib
import platform
import re
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

try:  # setuptools >= 70.1 has bdist_wheel itself
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # older: the wheel package (pip's build environment installs it)
    from wheel.bdist_wheel import bdist_wheel  # type: ignore[no-redef]

HERE = pathlib.Path(__file__).resolve().parent
LIB = "libmpmeter.so"


def _source_root():
    root = HERE.parent.parent
    if (root / "Cargo.toml").is_file() and (root / "src" / "ffi").is_dir():
        return root
    return None


def built_library():
    """The libmpmeter.so to ship: $MPMETER_BUILD_LIBRARY, else a fresh release build."""
    given = os.environ.get("MPMETER_BUILD_LIBRARY")
    if given:
        path = pathlib.Path(given)
        if not path.is_file():
            raise SystemExit(f"mpmeter: MPMETER_BUILD_LIBRARY={given} is not a file")
        return path
    root = _source_root()
    if root is None:
        raise SystemExit("mpmeter: not in the mpmeter source tree, so libmpmeter.so cannot be "
                         "built here; set MPMETER_BUILD_LIBRARY to a built libmpmeter.so")
    cargo = shutil.which(os.environ.get("CARGO", "cargo"))
    if cargo is None:
        raise SystemExit("mpmeter: building libmpmeter.so needs cargo (Rust); or set "
                         "MPMETER_BUILD_LIBRARY to a built libmpmeter.so")
    env = {k: v for k, v in os.environ.items() if k not in ("CFLAGS", "CPPFLAGS", "LDFLAGS")}
    subprocess.run([cargo, "build", "--release", "-p", "mpmeter"], cwd=root, env=env, check=True)
    target = pathlib.Path(env.get("CARGO_TARGET_DIR") or root / "target")
    if not target.is_absolute():
        target = root / target
    return target / "release" / LIB


def glibc_needed(path):
    """The highest GLIBC_x.y symbol version the library references, as (x, y)."""
    versions = {tuple(int(p) for p in m.groups())
                for m in re.finditer(rb"GLIBC_(\d+)\.(\d+)(?:\.\d+)?\x00", path.read_bytes())}
    return max(versions) if versions else (2, 17)


class BuildPyWithLibrary(build_py):
    def run(self):
        super().run()
        lib = built_library()
        if getattr(self, "editable_mode", False):
            dest = HERE / "mpmeter" / LIB
        else:
            dest = pathlib.Path(self.build_lib) / "mpmeter" / LIB
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(lib, dest)
        os.chmod(dest, 0o755)
        # For bdist_wheel's tag.
        self.distribution.mpmeter_library = dest


class BinaryDistribution(Distribution):
    """Not pure: the package holds a shared library, so it installs into platlib (where
    auditwheel and installers expect binaries) and the wheel's root is not purelib."""

    def has_ext_modules(self):
        return True


class PlatformWheel(bdist_wheel):
    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        lib = getattr(self.distribution, "mpmeter_library", None)
        if lib is None:
            lib = pathlib.Path(self.bdist_dir or "build") / "mpmeter" / LIB
        machine = platform.machine()
        if lib is not None and pathlib.Path(lib).is_file():
            major, minor = glibc_needed(pathlib.Path(lib))
            plat = f"manylinux_{major}_{minor}_{machine}"
        else:
            plat = f"linux_{machine}"
        return "py3", "none", plat


setup(distclass=BinaryDistribution,
      cmdclass={"build_py": BuildPyWithLibrary, "bdist_wheel": PlatformWheel})

//! Where the workspace is, for tests of either crate: the emulator binary and the test TLS
//! material live at its root, whichever crate's tests run.

use std::path::{Path, PathBuf};

/// The workspace root: the nearest directory above the crate that holds `Cargo.lock`.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find(|p| p.join("Cargo.lock").exists())
        .expect("the workspace root holds Cargo.lock")
        .to_path_buf()
}

/// `tests/data` of the workspace: the certificate of 127.0.0.1 and its CA (see its README).
pub fn test_data() -> PathBuf {
    root().join("tests/data")
}

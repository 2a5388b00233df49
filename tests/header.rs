//! The checked-in header must be exactly what cbindgen generates from the sources. Run with
//! MPM_WRITE_HEADER=1 (`make header`) to rewrite it instead of comparing.

use std::path::Path;

#[test]
fn checked_in_header_matches_cbindgen() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let bindings = cbindgen::Builder::new()
        .with_crate(root)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let mut generated = Vec::new();
    bindings.write(&mut generated);
    let path = root.join("include/mpmeter.h");
    if std::env::var_os("MPM_WRITE_HEADER").is_some() {
        std::fs::write(&path, &generated).expect("write include/mpmeter.h");
        return;
    }
    let checked_in = std::fs::read(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "include/mpmeter.h differs from what cbindgen generates: run `make header` and commit it"
    );
}

#[test]
fn header_version_macros_match_cargo() {
    let header =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("include/mpmeter.h"))
            .expect("include/mpmeter.h");
    let mut parts = env!("CARGO_PKG_VERSION").split('.');
    for name in ["MAJOR", "MINOR", "PATCH"] {
        let want = format!("#define MPM_VERSION_{name} {}", parts.next().unwrap());
        assert!(header.contains(&want), "header lacks `{want}`");
    }
}

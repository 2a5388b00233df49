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

/// cbindgen skips functions written through macros, so each `pub extern "C" fn` in src/ffi
/// must be declared in the header (a missing declaration once broke C callers).
#[test]
fn every_export_is_declared_in_the_header() {
    fn scan(dir: &Path, names: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("read src/ffi") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                scan(&path, names);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("read source");
                for part in text.split("pub extern \"C\" fn ").skip(1) {
                    let name: String = part
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    names.push(name);
                }
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut names = Vec::new();
    scan(&root.join("src/ffi"), &mut names);
    assert!(names.len() > 100, "found only {} exports", names.len());
    let header = std::fs::read_to_string(root.join("include/mpmeter.h")).expect("header");
    let missing: Vec<_> = names
        .iter()
        .filter(|n| {
            n.is_empty()
                || !(header.contains(&format!(" {n}(")) || header.contains(&format!("*{n}(")))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "exports missing from the header: {missing:?}"
    );
}

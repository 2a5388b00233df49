//! The core knows nothing of C. `#![forbid(unsafe_code)]` in lib.rs already makes the compiler
//! refuse `#[no_mangle]`, `extern "C"` blocks and raw-pointer work; this test also keeps out the
//! C types std offers safely (`CStr`, `CString`, `c_char`, ...), `#[repr(C)]` and a libc
//! dependency, so that everything C-facing stays in the mpmeter crate.

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("read core/src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("read source");
            out.push((path.display().to_string(), text));
        }
    }
}

#[test]
fn the_core_names_no_c_type() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    assert!(files.len() > 20, "found only {} files", files.len());
    const FORBIDDEN: &[&str] = &[
        "std::ffi::c_",
        "core::ffi::c_",
        "CString",
        "CStr",
        "c_char",
        "c_void",
        "extern \"C\"",
        "repr(C)",
        "no_mangle",
        "libc::",
    ];
    let mut hits = Vec::new();
    for (path, text) in &files {
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for f in FORBIDDEN {
                if code.contains(f) {
                    hits.push(format!("{path}:{}: {f}", n + 1));
                }
            }
        }
    }
    assert!(hits.is_empty(), "C types in the core: {hits:#?}");
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
    assert!(lib.contains("#![forbid(unsafe_code)]"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(!manifest.contains("libc"), "the core depends on libc");
}

//! Every `extern "C"` function must run inside the panic boundary (a forgotten boundary was a
//! real bug in rustls-ffi, #286): each export's body starts with `ffi_boundary!` or, for the
//! functions that read the last error, `ffi_boundary_keep_error!`.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src/ffi") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_export_is_inside_the_panic_boundary() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ffi"),
        &mut files,
    );
    let mut exports = 0;
    let mut missing = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read source");
        let mut rest = text.as_str();
        while let Some(pos) = rest.find("pub extern \"C\" fn ") {
            let after = &rest[pos + "pub extern \"C\" fn ".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let body_start = after.find('{').expect("function body");
            let body = after[body_start + 1..].trim_start();
            exports += 1;
            if !(body.starts_with("ffi_boundary!") || body.starts_with("ffi_boundary_keep_error!"))
            {
                missing.push(format!("{}: {name}", file.display()));
            }
            rest = &after[body_start..];
        }
    }
    assert!(
        exports > 50,
        "found only {exports} exports: is the scan broken?"
    );
    assert!(
        missing.is_empty(),
        "exports without ffi_boundary!: {missing:#?}"
    );
}

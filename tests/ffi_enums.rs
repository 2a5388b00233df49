//! The C enums are written once each (`#[derive(CEnum)]` on the enum as written) and every
//! other list of their values is checked against them here: the header cbindgen emits, the
//! names the library hands out, and the Qt binding's own copy of the service errors (Python's
//! copies are checked by bindings/python/tests/test_header_enums.py).

use std::ffi::{c_char, CStr};
use std::path::Path;

use mpmeter::ffi::*;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn name(p: *const c_char) -> String {
    unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_string()
}

/// `NAME = value` of the C enum `ty` in the header.
fn header_enum(ty: &str) -> Vec<(String, u32)> {
    let header = std::fs::read_to_string(root().join("include/mpmeter.h")).unwrap();
    // cbindgen writes `enum mpm_x` then, for C23 and C++, `: uint32_t`, then the body.
    let start = header
        .find(&format!("enum {ty}\n"))
        .or_else(|| header.find(&format!("enum {ty} {{")))
        .unwrap_or_else(|| panic!("the header lacks enum {ty}"));
    let open = start + header[start..].find('{').unwrap();
    let body = &header[open..open + header[open..].find('}').unwrap()];
    body.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("MPM_"))
        .filter_map(|l| {
            let (n, v) = l.trim_end_matches(',').split_once(" = ")?;
            let v = match v.strip_prefix("0x") {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => v.parse().ok()?,
            };
            Some((n.to_string(), v))
        })
        .collect()
}

/// Every value of `T` as the header has it, and only those.
fn same_as_header<T: CEnum + std::fmt::Debug>() {
    let in_header = header_enum(T::TYPE_NAME);
    let ours: Vec<(String, u32)> = T::ALL
        .iter()
        .map(|v| (v.name().to_str().unwrap().to_string(), v.to_u32()))
        .collect();
    assert_eq!(ours, in_header, "{}", T::TYPE_NAME);
}

#[test]
fn every_c_enum_is_in_the_header_as_written() {
    same_as_header::<mpm_result>();
    same_as_header::<mpm_region>();
    same_as_header::<mpm_service_error>();
    same_as_header::<mpm_operation>();
    same_as_header::<mpm_record_status>();
    same_as_header::<mpm_platform>();
    same_as_header::<mpm_retry_mode>();
    same_as_header::<mpm_log_level>();
}

/// A new C enum must take the same scheme: `#[repr(u32)]` and `#[derive(CEnum)]`.
#[test]
fn every_c_enum_derives_c_enum() {
    fn scan(dir: &Path, bad: &mut Vec<String>, found: &mut usize) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                scan(&path, bad, found);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (i, l) in lines.iter().enumerate() {
                if let Some(rest) = l.strip_prefix("pub enum mpm_") {
                    *found += 1;
                    let attrs = lines[i.saturating_sub(4)..i].join("\n");
                    if !(attrs.contains("#[repr(u32)]") && attrs.contains("CEnum")) {
                        bad.push(format!("{}: mpm_{rest}", path.display()));
                    }
                }
            }
        }
    }
    let (mut bad, mut found) = (Vec::new(), 0);
    scan(&root().join("src/ffi"), &mut bad, &mut found);
    assert!(found >= 8, "found only {found} C enums");
    assert!(
        bad.is_empty(),
        "C enums without #[repr(u32)] and CEnum: {bad:?}"
    );
}

#[test]
fn the_name_functions_give_the_header_names() {
    for (n, v) in header_enum("mpm_result") {
        assert_eq!(name(mpm_result_name(v)), n);
    }
    for (n, v) in header_enum("mpm_service_error") {
        assert_eq!(name(mpm_service_error_name(v)), n);
    }
    assert_eq!(name(mpm_result_name(12345)), "MPM_UNKNOWN_RESULT");
}

/// The Qt binding's `MarketplaceMeteringResponse::ServiceError` mirrors `mpm_service_error` in
/// order (serviceError() casts the number): `CustomerNotEntitledError` for
/// MPM_SERVICE_ERROR_CUSTOMER_NOT_ENTITLED, `InternalServiceError` for ..._INTERNAL_SERVICE_ERROR.
#[test]
fn the_qt_service_errors_mirror_the_c_enum() {
    let path = root().join("bindings/qt/include/marketplacemetering/marketplacemeteringresponse.h");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return;
    };
    let start = text
        .find("enum ServiceError {")
        .expect("Qt's ServiceError enum");
    let body = &text[start + "enum ServiceError {".len()..];
    let body = &body[..body.find('}').unwrap()];
    let qt: Vec<String> = body
        .split(',')
        .map(|v| v.split('=').next().unwrap().trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    let expected: Vec<String> = mpm_service_error::ALL
        .iter()
        .map(|v| {
            let camel: String = v
                .short_name()
                .split('_')
                .map(|w| w[..1].to_string() + &w[1..].to_ascii_lowercase())
                .collect();
            match camel.as_str() {
                "None" => "NoServiceError".to_string(),
                "Unknown" => "UnknownServiceError".to_string(),
                c if c.ends_with("Error") => c.to_string(),
                c => format!("{c}Error"),
            }
        })
        .collect();
    assert_eq!(qt, expected, "{}", path.display());
}

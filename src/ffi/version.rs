//! The library's version: numbers for the header (a test keeps them equal to Cargo.toml) and
//! `mpm_version`.

use std::ffi::c_char;

use super::panic::ffi_boundary_keep_error;

/// Major version of the library this header belongs to.
pub const MPM_VERSION_MAJOR: u32 = 0;
/// Minor version of the library this header belongs to.
pub const MPM_VERSION_MINOR: u32 = 1;
/// Patch version of the library this header belongs to.
pub const MPM_VERSION_PATCH: u32 = 0;

/// The library version ("0.1.0"), a static string: never free it. Leaves the last error as
/// it is.
#[no_mangle]
pub extern "C" fn mpm_version() -> *const c_char {
    ffi_boundary_keep_error! {
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn equal_to_cargo_toml() {
        let v = format!(
            "{}.{}.{}",
            super::MPM_VERSION_MAJOR,
            super::MPM_VERSION_MINOR,
            super::MPM_VERSION_PATCH
        );
        assert_eq!(v, env!("CARGO_PKG_VERSION"));
    }
}

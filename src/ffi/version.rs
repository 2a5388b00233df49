//! Version numbers for the header; a test keeps them equal to Cargo.toml.

/// Major version of the library this header belongs to.
pub const MPM_VERSION_MAJOR: u32 = 0;
/// Minor version of the library this header belongs to.
pub const MPM_VERSION_MINOR: u32 = 1;
/// Patch version of the library this header belongs to.
pub const MPM_VERSION_PATCH: u32 = 0;

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

//! What every C enum of the API has: its values, its number conversion and each value's C
//! name. `#[derive(CEnum)]` (crate `mpmeter-macros`) implements it from the enum as written,
//! so each variant is written once and cbindgen, which does not expand macros, still reads
//! the enum. Every C enum is `#[repr(u32)]` and taken from C as `uint32_t`, so a number this
//! version does not define is an error, never undefined behaviour.

use std::ffi::CStr;

pub use mpmeter_macros::CEnum;

pub trait CEnum: Copy + PartialEq + Sized + 'static {
    /// The C type's name ("mpm_region").
    const TYPE_NAME: &'static str;
    /// Every value, in the order written.
    const ALL: &'static [Self];

    fn to_u32(self) -> u32;

    /// The value's name in the header ("MPM_REGION_US_EAST_1"), static and NUL-terminated.
    fn name(self) -> &'static CStr;

    /// The value a number from C stands for; None for one this version does not define.
    fn from_u32(value: u32) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.to_u32() == value)
    }

    /// The C name without the prefix every value of the enum shares ("US_EAST_1").
    fn short_name(self) -> &'static str {
        let name = self.name().to_str().unwrap_or_default();
        let prefix = common_prefix(
            Self::ALL
                .iter()
                .map(|v| v.name().to_str().unwrap_or_default()),
        );
        &name[prefix..]
    }
}

/// The length of the longest prefix, ending with '_', that all names share.
fn common_prefix<'a>(mut names: impl Iterator<Item = &'a str>) -> usize {
    let Some(first) = names.next() else { return 0 };
    let mut len = first.len();
    for n in names {
        len = first
            .bytes()
            .zip(n.bytes())
            .take(len)
            .take_while(|(a, b)| a == b)
            .count();
    }
    first[..len].rfind('_').map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_prefix_ends_at_an_underscore() {
        let names = [
            "MPM_REGION_US_EAST_1",
            "MPM_REGION_US_WEST_2",
            "MPM_REGION_INVALID",
        ];
        assert_eq!(common_prefix(names.into_iter()), "MPM_REGION_".len());
        let names = ["MPM_RECORD_STATUS_NONE", "MPM_RECORD_STATUS_NOT_X"];
        assert_eq!(common_prefix(names.into_iter()), "MPM_RECORD_STATUS_".len());
    }
}

//! `mpm_service_error`: which modeled exception the service answered with, and the names of
//! each value. The exceptions are listed twice in the whole library, each list once: the
//! core's (`ServiceErrorKind`, with the model's exception names) and this C enum (with its
//! published numbers). Everything else is derived from those two by name
//! (`CustomerNotEntitled` is `MPM_SERVICE_ERROR_CUSTOMER_NOT_ENTITLED`), and a test checks the
//! two lists against each other.

use std::ffi::{c_char, CString};

use once_cell::sync::Lazy;

use crate::ffi::c_enum::CEnum;
use crate::ffi::panic::{ffi_boundary_keep_error, PanicDefault};
use mpmeter_core::service_error::ServiceErrorKind;

/// Which modeled exception the service answered with. `MPM_SERVICE_ERROR_NONE` when the call
/// did not end in a service error; `MPM_SERVICE_ERROR_UNKNOWN` for a code this version does not
/// model (read it with `mpm_response_error_code`). Values are never renumbered. Named by
/// `mpm_service_error_name` and `mpm_service_error_exception_name`.
#[repr(u32)]
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, CEnum)]
pub enum mpm_service_error {
    MPM_SERVICE_ERROR_NONE = 0,
    MPM_SERVICE_ERROR_UNKNOWN = 1,
    MPM_SERVICE_ERROR_CUSTOMER_NOT_ENTITLED = 2,
    MPM_SERVICE_ERROR_DISABLED_API = 3,
    MPM_SERVICE_ERROR_DUPLICATE_REQUEST = 4,
    MPM_SERVICE_ERROR_EXPIRED_TOKEN = 5,
    MPM_SERVICE_ERROR_IDEMPOTENCY_CONFLICT = 6,
    MPM_SERVICE_ERROR_INTERNAL_SERVICE_ERROR = 7,
    MPM_SERVICE_ERROR_INVALID_CUSTOMER_IDENTIFIER = 8,
    MPM_SERVICE_ERROR_INVALID_ENDPOINT_REGION = 9,
    MPM_SERVICE_ERROR_INVALID_LICENSE = 10,
    MPM_SERVICE_ERROR_INVALID_PRODUCT_CODE = 11,
    MPM_SERVICE_ERROR_INVALID_PUBLIC_KEY_VERSION = 12,
    MPM_SERVICE_ERROR_INVALID_REGION = 13,
    MPM_SERVICE_ERROR_INVALID_TAG = 14,
    MPM_SERVICE_ERROR_INVALID_TOKEN = 15,
    MPM_SERVICE_ERROR_INVALID_USAGE_ALLOCATIONS = 16,
    MPM_SERVICE_ERROR_INVALID_USAGE_DIMENSION = 17,
    MPM_SERVICE_ERROR_PLATFORM_NOT_SUPPORTED = 18,
    MPM_SERVICE_ERROR_THROTTLING = 19,
    MPM_SERVICE_ERROR_TIMESTAMP_OUT_OF_BOUNDS = 20,
}

impl PanicDefault for mpm_service_error {
    fn panic_default() -> Self {
        mpm_service_error::MPM_SERVICE_ERROR_NONE
    }
}

/// `CustomerNotEntitled` as `CUSTOMER_NOT_ENTITLED`.
fn screaming_snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 8);
    let mut prev_lower = false;
    for c in camel.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// Each kind of the core with its C value, matched by name; `Unknown` is UNKNOWN.
static BY_KIND: Lazy<Vec<(ServiceErrorKind, mpm_service_error)>> = Lazy::new(|| {
    let kinds = ServiceErrorKind::MODELED.iter().copied();
    kinds
        .chain([ServiceErrorKind::Unknown])
        .filter_map(|k| {
            let name = screaming_snake(&format!("{k:?}"));
            let value = mpm_service_error::ALL
                .iter()
                .find(|v| v.short_name() == name)?;
            Some((k, *value))
        })
        .collect()
});

impl From<ServiceErrorKind> for mpm_service_error {
    fn from(k: ServiceErrorKind) -> Self {
        BY_KIND
            .iter()
            .find(|(kind, _)| *kind == k)
            .map_or(mpm_service_error::MPM_SERVICE_ERROR_UNKNOWN, |(_, v)| *v)
    }
}

/// The model's exception name of each value ("ThrottlingException"), "" for NONE, UNKNOWN.
static EXCEPTION_NAMES: Lazy<Vec<(mpm_service_error, CString)>> = Lazy::new(|| {
    let name_of = |v: mpm_service_error| {
        let kind = BY_KIND
            .iter()
            .find(|(_, value)| *value == v)
            .map(|(k, _)| *k);
        let code = kind
            .filter(|k| *k != ServiceErrorKind::Unknown)
            .map(|k| k.code());
        CString::new(code.unwrap_or_default()).expect("an exception name has no NUL")
    };
    let all = mpm_service_error::ALL.iter();
    all.map(|v| (*v, name_of(*v))).collect()
});

/// The name of an `mpm_service_error` value ("MPM_SERVICE_ERROR_THROTTLING"), or
/// "MPM_SERVICE_ERROR_(unknown value)" for a value this version does not define. The returned
/// string is static: never free it. Leaves the last error as it is.
#[no_mangle]
pub extern "C" fn mpm_service_error_name(error: u32) -> *const c_char {
    ffi_boundary_keep_error! {
        match mpm_service_error::from_u32(error) {
            Some(e) => e.name().as_ptr(),
            None => c"MPM_SERVICE_ERROR_(unknown value)".as_ptr(),
        }
    }
}

/// The service's exception name for an `mpm_service_error` value ("ThrottlingException"), as
/// the model and `mpm_response_error_code` spell it; "" for `MPM_SERVICE_ERROR_NONE`,
/// `MPM_SERVICE_ERROR_UNKNOWN` (the raw code is on the response) and values this version does
/// not define. The returned string is static: never free it. Leaves the last error as it is.
#[no_mangle]
pub extern "C" fn mpm_service_error_exception_name(error: u32) -> *const c_char {
    ffi_boundary_keep_error! {
        let found = EXCEPTION_NAMES.iter().find(|(v, _)| v.to_u32() == error);
        match found {
            Some((_, name)) => name.as_ptr(),
            None => c"".as_ptr(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The core's list and the C enum's list name the same 19 exceptions: every modeled kind
    /// has its own value, every value but NONE and UNKNOWN is some kind's.
    #[test]
    fn the_core_and_the_c_enum_list_the_same_exceptions() {
        assert_eq!(ServiceErrorKind::MODELED.len(), 19);
        let mut seen = HashSet::new();
        let to_u32 = |v: mpm_service_error| v.to_u32();
        for k in ServiceErrorKind::MODELED {
            let v = mpm_service_error::from(*k);
            assert_ne!(
                v,
                mpm_service_error::MPM_SERVICE_ERROR_UNKNOWN,
                "{k:?} has no C value"
            );
            assert!(seen.insert(to_u32(v)), "{k:?} shares {v:?}");
            let exception = EXCEPTION_NAMES.iter().find(|(x, _)| *x == v).unwrap();
            assert_eq!(exception.1.to_str().unwrap(), k.code());
        }
        let named: HashSet<u32> = mpm_service_error::ALL
            .iter()
            .copied()
            .filter(|v| {
                !matches!(
                    v,
                    mpm_service_error::MPM_SERVICE_ERROR_NONE
                        | mpm_service_error::MPM_SERVICE_ERROR_UNKNOWN
                )
            })
            .map(to_u32)
            .collect();
        assert_eq!(seen, named);
        assert_eq!(
            mpm_service_error::from(ServiceErrorKind::Unknown),
            mpm_service_error::MPM_SERVICE_ERROR_UNKNOWN
        );
    }

    #[test]
    fn names() {
        assert_eq!(
            screaming_snake("InvalidPublicKeyVersion"),
            "INVALID_PUBLIC_KEY_VERSION"
        );
        assert_eq!(screaming_snake("DisabledApi"), "DISABLED_API");
        let throttling = mpm_service_error::MPM_SERVICE_ERROR_THROTTLING as u32;
        let name = |p: *const c_char| unsafe { std::ffi::CStr::from_ptr(p) }.to_str().unwrap();
        assert_eq!(
            name(mpm_service_error_name(throttling)),
            "MPM_SERVICE_ERROR_THROTTLING"
        );
        assert_eq!(
            name(mpm_service_error_exception_name(throttling)),
            "ThrottlingException"
        );
        assert_eq!(name(mpm_service_error_exception_name(1)), "");
        assert_eq!(name(mpm_service_error_exception_name(99)), "");
        assert_eq!(
            name(mpm_service_error_name(99)),
            "MPM_SERVICE_ERROR_(unknown value)"
        );
    }
}

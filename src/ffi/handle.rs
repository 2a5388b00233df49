//! Casts between C handles and the Rust values behind them, and writes to out-parameters, in
//! one place, so no other module writes a pointer cast. Each C type is an empty marker struct; `Castable` ties it to its
//! Rust type. Every handle is a `Box` made by its `_new` and destroyed by its `_free`.

use super::error::{mpm_result, FfiError, FfiResult};

pub trait Castable {
    /// The Rust value a pointer to this C type stands for.
    type Rust;
    /// The C type's name, for error messages.
    const NAME: &'static str;
}

fn null_error(name: &str, arg: &str) -> FfiError {
    FfiError::new(
        mpm_result::MPM_ERR_NULL_ARGUMENT,
        format!("{arg} ({name} *) must not be NULL"),
    )
}

/// Moves a value to the heap and hands C a pointer it must later free.
pub fn to_boxed_ptr<C: Castable>(value: C::Rust) -> *mut C {
    Box::into_raw(Box::new(value)).cast()
}

/// Borrows the value behind a `const C *`.
///
/// Safety contract (C's): the pointer is NULL or came from this library and is not freed.
pub fn try_ref<'a, C: Castable>(ptr: *const C, arg: &str) -> FfiResult<&'a C::Rust> {
    // SAFETY: non-NULL pointers of type C are only ever made by `to_boxed_ptr::<C>`.
    unsafe { ptr.cast::<C::Rust>().as_ref() }.ok_or_else(|| null_error(C::NAME, arg))
}

/// Borrows the value behind a `C *` mutably.
pub fn try_mut<'a, C: Castable>(ptr: *mut C, arg: &str) -> FfiResult<&'a mut C::Rust> {
    // SAFETY: as for `try_ref`; the C API documents that a handle being changed is not used
    // from another thread at the same time.
    unsafe { ptr.cast::<C::Rust>().as_mut() }.ok_or_else(|| null_error(C::NAME, arg))
}

/// Takes back and drops a value handed out by `to_boxed_ptr`; NULL is a no-op.
pub fn free_boxed<C: Castable>(ptr: *mut C) {
    if !ptr.is_null() {
        // SAFETY: the pointer came from `to_boxed_ptr::<C>` and C gives it up here.
        drop(unsafe { Box::from_raw(ptr.cast::<C::Rust>()) });
    }
}

/// Ties a C handle type (an empty marker struct, written out so cbindgen sees it and emits
/// an opaque typedef) to the Rust type behind it.
macro_rules! impl_castable {
    ($c:ident => $rust:ty) => {
        impl $crate::ffi::handle::Castable for $c {
            type Rust = $rust;
            const NAME: &'static str = stringify!($c);
        }
    };
}
pub(crate) use impl_castable;

/// Lends C a pointer to a value owned by another handle (a record inside a response).
pub fn borrow_ptr<C: Castable>(value: &C::Rust) -> *const C {
    (value as *const C::Rust).cast()
}

/// A caller's out-parameter (`T *out`), checked when a function starts: a NULL `out` is an
/// argument error whatever else might fail. `set` writes it, so outputs are written only on
/// success. This and `write_out` are the one way a C function hands a number or a POD
/// struct back.
pub struct Out<T>(std::ptr::NonNull<T>);

pub fn out_param<T>(out: *mut T) -> FfiResult<Out<T>> {
    std::ptr::NonNull::new(out)
        .map(Out)
        .ok_or_else(|| FfiError::new(mpm_result::MPM_ERR_NULL_ARGUMENT, "out must not be NULL"))
}

impl<T> Out<T> {
    pub fn set(self, value: T) {
        // SAFETY: C passes a pointer to writable storage for one T (the documented contract).
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// `out_param` and `set` at once, for a value already known.
pub fn write_out<T>(out: *mut T, value: T) -> FfiResult<()> {
    out_param(out)?.set(value);
    Ok(())
}

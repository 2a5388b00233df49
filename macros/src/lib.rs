//! `#[derive(CEnum)]` for the C enums of the `mpmeter` crate.
//!
//! cbindgen reads the Rust sources without expanding macros (only `bitflags!` is understood;
//! `parse.expand` needs a nightly compiler), so an enum defined inside a `macro_rules!`
//! invocation would be missing from the header. A derive leaves the enum as written, where
//! cbindgen sees it, and generates from that same text what would otherwise be a second
//! list of the variants: `mpmeter::ffi::c_enum::CEnum` (every value, the number conversion
//! and each value's C name).

use proc_macro::TokenStream;
use quote::quote;
use syn::{parse_macro_input, Data, DeriveInput, Fields};

/// Implements `crate::ffi::c_enum::CEnum` for a fieldless `#[repr(u32)]` enum.
#[proc_macro_derive(CEnum)]
pub fn derive_c_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    match expand(&input) {
        Ok(tokens) => tokens.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn expand(input: &DeriveInput) -> syn::Result<proc_macro2::TokenStream> {
    let name = &input.ident;
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new_spanned(name, "CEnum is for enums"));
    };
    let repr_u32 = input.attrs.iter().any(|a| {
        a.path().is_ident("repr") && a.parse_args::<syn::Ident>().is_ok_and(|i| i == "u32")
    });
    if !repr_u32 {
        return Err(syn::Error::new_spanned(
            name,
            "a C enum is #[repr(u32)]: C takes and returns it as uint32_t",
        ));
    }
    let mut variants = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            return Err(syn::Error::new_spanned(
                v,
                "a C enum's variants carry no data",
            ));
        }
        variants.push(&v.ident);
    }
    let names = variants.iter().map(|v| {
        let text = std::ffi::CString::new(v.to_string()).expect("an identifier has no NUL");
        syn::LitCStr::new(&text, v.span())
    });
    let type_name = name.to_string();
    Ok(quote! {
        impl crate::ffi::c_enum::CEnum for #name {
            const TYPE_NAME: &'static str = #type_name;
            const ALL: &'static [Self] = &[#(Self::#variants),*];

            fn to_u32(self) -> u32 {
                self as u32
            }

            fn name(self) -> &'static ::std::ffi::CStr {
                match self {
                    #(Self::#variants => #names,)*
                }
            }
        }
    })
}

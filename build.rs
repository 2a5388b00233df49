//! Gives the shared library an SONAME that follows the major version (libmpmeter.so.0), as a
//! C library installed system-wide needs, marks it not unloadable (`-z nodelete`), and leaves
//! a libmpmeter.so.0 link beside the build output so programs linked in the build tree find
//! it at run time too.

fn main() {
    let major = std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets the version");
    let soname = format!("libmpmeter.so.{major}");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
        // dlclose must never unmap the library: the runtime's threads run its code for the
        // rest of the process's life.
        println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
        // OUT_DIR is target/<profile>/build/mpmeter-<hash>/out: the library lands three up.
        if let Some(profile_dir) = std::env::var_os("OUT_DIR")
            .map(std::path::PathBuf::from)
            .and_then(|p| p.ancestors().nth(3).map(|p| p.to_path_buf()))
        {
            let link = profile_dir.join(&soname);
            #[cfg(unix)]
            if std::fs::symlink_metadata(&link).is_err() {
                let _ = std::os::unix::fs::symlink("libmpmeter.so", &link);
            }
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}

//! A test-only SQLite VFS that models a disk with a volatile write cache, the way SQLite's own
//! crash tests do (`src/test6.c`, "simulated crash"): every write since the file's last `xSync`
//! stays in memory, in this process, and reaches the real file only when `xSync` is called. A
//! process killed with SIGKILL therefore loses exactly what a power cut loses: everything not
//! yet synced. Reads see the cached writes, so the running process sees a coherent file.
//!
//! It wraps the default VFS ("unix") and is registered under [`NAME`]; the outbox is pointed at
//! it with `mpm_outbox_options_set_sqlite_vfs(options, "mpm-powerloss")`.
//!
//! The test's teeth: run with `synchronous=NORMAL` (the outbox's test-only synchronous setting,
//! which only a caller that also names a VFS can reach), WAL commits are not synced, so
//! acknowledged records are lost on a power cut and the kill loop must fail.
//!
//! Not modelled (test6.c does some of these): torn sectors, reordering of synced writes,
//! directory entries (a file created or deleted is so at once), the `-shm` file (shared memory,
//! passed through: SQLite rebuilds it after every process has gone).

#![allow(clippy::missing_safety_doc)]

use rusqlite::ffi;
use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::ptr;
use std::sync::{Arc, Mutex};

pub const NAME: &str = "mpm-powerloss";
const NAME_C: &CStr = c"mpm-powerloss";

/// The writes of one open file not yet synced, in order, and a truncation not yet synced.
#[derive(Default)]
struct Cache {
    writes: Vec<(i64, Vec<u8>)>,
    truncate: Option<i64>,
}

#[repr(C)]
struct File {
    base: ffi::sqlite3_file,
    /// The underlying file, in the same allocation right after this struct.
    real: *mut ffi::sqlite3_file,
    /// Null for files passed through untouched (temporary files). One cache per path, shared
    /// by every handle of this process on that file (as the OS's page cache is), from
    /// `Arc::into_raw`.
    cache: *const Mutex<Cache>,
    /// The path (key of [`CACHES`]), from `Box::into_raw`.
    path: *mut String,
}

/// Per path: the cache and how many handles have it open.
static CACHES: Mutex<Option<HashMap<String, (Arc<Mutex<Cache>>, usize)>>> = Mutex::new(None);

static mut UNDERLYING: *mut ffi::sqlite3_vfs = ptr::null_mut();
static REGISTER: std::sync::Once = std::sync::Once::new();

fn underlying() -> *mut ffi::sqlite3_vfs {
    unsafe { UNDERLYING }
}

unsafe fn real_methods(f: *mut ffi::sqlite3_file) -> &'static ffi::sqlite3_io_methods {
    &*(*(*(f as *mut File)).real).pMethods
}

/// Registers the VFS (once per process; not as the default).
pub fn register() {
    REGISTER.call_once(|| unsafe {
        let real = ffi::sqlite3_vfs_find(ptr::null());
        assert!(!real.is_null(), "no default SQLite VFS");
        UNDERLYING = real;
        let vfs = Box::new(ffi::sqlite3_vfs {
            iVersion: 1,
            szOsFile: (std::mem::size_of::<File>() + (*real).szOsFile as usize) as c_int,
            mxPathname: (*real).mxPathname,
            pNext: ptr::null_mut(),
            zName: NAME_C.as_ptr(),
            pAppData: ptr::null_mut(),
            xOpen: Some(x_open),
            xDelete: Some(x_delete),
            xAccess: Some(x_access),
            xFullPathname: Some(x_full_pathname),
            xDlOpen: None,
            xDlError: None,
            xDlSym: None,
            xDlClose: None,
            xRandomness: Some(x_randomness),
            xSleep: Some(x_sleep),
            xCurrentTime: Some(x_current_time),
            xGetLastError: Some(x_get_last_error),
            xCurrentTimeInt64: None,
            xSetSystemCall: None,
            xGetSystemCall: None,
            xNextSystemCall: None,
        });
        let rc = ffi::sqlite3_vfs_register(Box::into_raw(vfs), 0);
        assert_eq!(rc, ffi::SQLITE_OK, "sqlite3_vfs_register");
    });
}

static IO_METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    // Version 2: shared memory (WAL), no xFetch (memory-mapped reads would bypass the cache).
    iVersion: 2,
    xClose: Some(f_close),
    xRead: Some(f_read),
    xWrite: Some(f_write),
    xTruncate: Some(f_truncate),
    xSync: Some(f_sync),
    xFileSize: Some(f_file_size),
    xLock: Some(f_lock),
    xUnlock: Some(f_unlock),
    xCheckReservedLock: Some(f_check_reserved_lock),
    xFileControl: Some(f_file_control),
    xSectorSize: Some(f_sector_size),
    xDeviceCharacteristics: Some(f_device_characteristics),
    xShmMap: Some(f_shm_map),
    xShmLock: Some(f_shm_lock),
    xShmBarrier: Some(f_shm_barrier),
    xShmUnmap: Some(f_shm_unmap),
    xFetch: None,
    xUnfetch: None,
};

unsafe extern "C" fn x_open(
    _vfs: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    let f = file as *mut File;
    let real = (f as *mut u8).add(std::mem::size_of::<File>()) as *mut ffi::sqlite3_file;
    (*f).real = real;
    (*f).cache = ptr::null();
    (*f).path = ptr::null_mut();
    (*f).base.pMethods = ptr::null();
    let u = underlying();
    let rc = ((*u).xOpen.unwrap())(u, name, real, flags, out_flags);
    if rc != ffi::SQLITE_OK {
        return rc;
    }
    let durable = flags
        & (ffi::SQLITE_OPEN_MAIN_DB | ffi::SQLITE_OPEN_WAL | ffi::SQLITE_OPEN_MAIN_JOURNAL)
        != 0;
    if durable && !name.is_null() {
        let path = CStr::from_ptr(name).to_string_lossy().into_owned();
        let mut caches = CACHES.lock().unwrap();
        let entry = caches
            .get_or_insert_with(HashMap::new)
            .entry(path.clone())
            .or_insert_with(|| (Arc::new(Mutex::new(Cache::default())), 0));
        entry.1 += 1;
        (*f).cache = Arc::into_raw(entry.0.clone());
        (*f).path = Box::into_raw(Box::new(path));
    }
    (*f).base.pMethods = &IO_METHODS;
    ffi::SQLITE_OK
}

unsafe fn cache<'a>(f: *mut ffi::sqlite3_file) -> Option<&'a Mutex<Cache>> {
    let c = (*(f as *mut File)).cache;
    (!c.is_null()).then(|| &*c)
}

unsafe extern "C" fn f_close(f: *mut ffi::sqlite3_file) -> c_int {
    let file = f as *mut File;
    let real = (*file).real;
    if !(*file).cache.is_null() {
        let path = Box::from_raw((*file).path);
        let cache = Arc::from_raw((*file).cache);
        (*file).cache = ptr::null();
        (*file).path = ptr::null_mut();
        let mut caches = CACHES.lock().unwrap();
        let map = caches.get_or_insert_with(HashMap::new);
        let last = map.get_mut(&*path).is_some_and(|e| {
            e.1 -= 1;
            e.1 == 0
        });
        if last {
            map.remove(&*path);
            // The last handle of a living process closes: its unsynced writes go to the file
            // without a sync (the page cache keeps them; only a power cut before the OS
            // writes them back would lose them, which this model leaves out: it errs on the
            // side of losing less).
            let c = std::mem::take(&mut *cache.lock().unwrap());
            write_through(real, c);
        }
    }
    ((*(*real).pMethods).xClose.unwrap())(real)
}

/// Applies a cache's truncation and writes to the real file (no sync).
unsafe fn write_through(real: *mut ffi::sqlite3_file, c: Cache) -> c_int {
    let m = &*(*real).pMethods;
    if let Some(t) = c.truncate {
        let rc = (m.xTruncate.unwrap())(real, t);
        if rc != ffi::SQLITE_OK {
            return rc;
        }
    }
    for (off, data) in c.writes {
        let rc = (m.xWrite.unwrap())(
            real,
            data.as_ptr() as *const c_void,
            data.len() as c_int,
            off,
        );
        if rc != ffi::SQLITE_OK {
            return rc;
        }
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn f_read(
    f: *mut ffi::sqlite3_file,
    buf: *mut c_void,
    amount: c_int,
    offset: i64,
) -> c_int {
    let real = (*(f as *mut File)).real;
    let Some(cache) = cache(f) else {
        return (real_methods(f).xRead.unwrap())(real, buf, amount, offset);
    };
    let c = cache.lock().unwrap();
    let n = amount as usize;
    let out = std::slice::from_raw_parts_mut(buf as *mut u8, n);
    // The real file's bytes, as cut by a pending truncation.
    let mut rc = (real_methods(f).xRead.unwrap())(real, buf, amount, offset);
    if rc != ffi::SQLITE_OK && rc != ffi::SQLITE_IOERR_SHORT_READ {
        return rc;
    }
    let mut real_size = 0i64;
    (real_methods(f).xFileSize.unwrap())(real, &mut real_size);
    let mut size = c.truncate.map_or(real_size, |t| t.min(real_size));
    if let Some(t) = c.truncate {
        // Bytes past the truncation read as zero until written again.
        for (i, b) in out.iter_mut().enumerate() {
            if offset + i as i64 >= t {
                *b = 0;
            }
        }
    }
    for (woff, data) in &c.writes {
        let wend = woff + data.len() as i64;
        size = size.max(wend);
        let start = offset.max(*woff);
        let end = (offset + n as i64).min(wend);
        if start < end {
            out[(start - offset) as usize..(end - offset) as usize]
                .copy_from_slice(&data[(start - woff) as usize..(end - woff) as usize]);
        }
    }
    if offset + n as i64 <= size {
        rc = ffi::SQLITE_OK;
    } else {
        // A short read: SQLite wants the missing tail zeroed.
        let have = (size - offset).max(0) as usize;
        for b in &mut out[have.min(n)..] {
            *b = 0;
        }
        rc = ffi::SQLITE_IOERR_SHORT_READ;
    }
    rc
}

unsafe extern "C" fn f_write(
    f: *mut ffi::sqlite3_file,
    buf: *const c_void,
    amount: c_int,
    offset: i64,
) -> c_int {
    let real = (*(f as *mut File)).real;
    let Some(cache) = cache(f) else {
        return (real_methods(f).xWrite.unwrap())(real, buf, amount, offset);
    };
    let data = std::slice::from_raw_parts(buf as *const u8, amount as usize).to_vec();
    cache.lock().unwrap().writes.push((offset, data));
    ffi::SQLITE_OK
}

unsafe extern "C" fn f_truncate(f: *mut ffi::sqlite3_file, size: i64) -> c_int {
    let real = (*(f as *mut File)).real;
    let Some(cache) = cache(f) else {
        return (real_methods(f).xTruncate.unwrap())(real, size);
    };
    let mut c = cache.lock().unwrap();
    // Cached writes past the new end are cut too.
    for (off, data) in c.writes.iter_mut() {
        if *off + data.len() as i64 > size {
            data.truncate((size - *off).max(0) as usize);
        }
    }
    c.writes.retain(|(_, d)| !d.is_empty());
    c.truncate = Some(c.truncate.map_or(size, |t| t.min(size)));
    ffi::SQLITE_OK
}

unsafe extern "C" fn f_sync(f: *mut ffi::sqlite3_file, flags: c_int) -> c_int {
    let real = (*(f as *mut File)).real;
    if let Some(cache) = cache(f) {
        let mut c = cache.lock().unwrap();
        let rc = write_through(real, std::mem::take(&mut *c));
        if rc != ffi::SQLITE_OK {
            return rc;
        }
    }
    (real_methods(f).xSync.unwrap())(real, flags)
}

unsafe extern "C" fn f_file_size(f: *mut ffi::sqlite3_file, size: *mut i64) -> c_int {
    let real = (*(f as *mut File)).real;
    let rc = (real_methods(f).xFileSize.unwrap())(real, size);
    if rc != ffi::SQLITE_OK {
        return rc;
    }
    if let Some(cache) = cache(f) {
        let c = cache.lock().unwrap();
        let mut s = c.truncate.map_or(*size, |t| t.min(*size));
        for (off, data) in &c.writes {
            s = s.max(off + data.len() as i64);
        }
        *size = s;
    }
    ffi::SQLITE_OK
}

unsafe extern "C" fn f_lock(f: *mut ffi::sqlite3_file, l: c_int) -> c_int {
    (real_methods(f).xLock.unwrap())((*(f as *mut File)).real, l)
}
unsafe extern "C" fn f_unlock(f: *mut ffi::sqlite3_file, l: c_int) -> c_int {
    (real_methods(f).xUnlock.unwrap())((*(f as *mut File)).real, l)
}
unsafe extern "C" fn f_check_reserved_lock(f: *mut ffi::sqlite3_file, out: *mut c_int) -> c_int {
    (real_methods(f).xCheckReservedLock.unwrap())((*(f as *mut File)).real, out)
}

unsafe extern "C" fn f_file_control(
    f: *mut ffi::sqlite3_file,
    op: c_int,
    arg: *mut c_void,
) -> c_int {
    (real_methods(f).xFileControl.unwrap())((*(f as *mut File)).real, op, arg)
}

unsafe extern "C" fn f_sector_size(f: *mut ffi::sqlite3_file) -> c_int {
    (real_methods(f).xSectorSize.unwrap())((*(f as *mut File)).real)
}
unsafe extern "C" fn f_device_characteristics(f: *mut ffi::sqlite3_file) -> c_int {
    (real_methods(f).xDeviceCharacteristics.unwrap())((*(f as *mut File)).real)
}
unsafe extern "C" fn f_shm_map(
    f: *mut ffi::sqlite3_file,
    region: c_int,
    size: c_int,
    extend: c_int,
    out: *mut *mut c_void,
) -> c_int {
    (real_methods(f).xShmMap.unwrap())((*(f as *mut File)).real, region, size, extend, out)
}
unsafe extern "C" fn f_shm_lock(
    f: *mut ffi::sqlite3_file,
    offset: c_int,
    n: c_int,
    flags: c_int,
) -> c_int {
    (real_methods(f).xShmLock.unwrap())((*(f as *mut File)).real, offset, n, flags)
}
unsafe extern "C" fn f_shm_barrier(f: *mut ffi::sqlite3_file) {
    (real_methods(f).xShmBarrier.unwrap())((*(f as *mut File)).real)
}
unsafe extern "C" fn f_shm_unmap(f: *mut ffi::sqlite3_file, delete: c_int) -> c_int {
    (real_methods(f).xShmUnmap.unwrap())((*(f as *mut File)).real, delete)
}

unsafe extern "C" fn x_delete(
    _v: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    sync_dir: c_int,
) -> c_int {
    let u = underlying();
    ((*u).xDelete.unwrap())(u, name, sync_dir)
}
unsafe extern "C" fn x_access(
    _v: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    flags: c_int,
    out: *mut c_int,
) -> c_int {
    let u = underlying();
    ((*u).xAccess.unwrap())(u, name, flags, out)
}
unsafe extern "C" fn x_full_pathname(
    _v: *mut ffi::sqlite3_vfs,
    name: *const c_char,
    n: c_int,
    out: *mut c_char,
) -> c_int {
    let u = underlying();
    ((*u).xFullPathname.unwrap())(u, name, n, out)
}
unsafe extern "C" fn x_randomness(_v: *mut ffi::sqlite3_vfs, n: c_int, out: *mut c_char) -> c_int {
    let u = underlying();
    ((*u).xRandomness.unwrap())(u, n, out)
}
unsafe extern "C" fn x_sleep(_v: *mut ffi::sqlite3_vfs, us: c_int) -> c_int {
    let u = underlying();
    ((*u).xSleep.unwrap())(u, us)
}
unsafe extern "C" fn x_current_time(_v: *mut ffi::sqlite3_vfs, out: *mut f64) -> c_int {
    let u = underlying();
    ((*u).xCurrentTime.unwrap())(u, out)
}
unsafe extern "C" fn x_get_last_error(
    _v: *mut ffi::sqlite3_vfs,
    n: c_int,
    out: *mut c_char,
) -> c_int {
    let u = underlying();
    ((*u).xGetLastError.unwrap())(u, n, out)
}

//! One process per store file. SQLite's own locks are advisory per transaction; the outbox
//! needs the file for its whole life (the sender, the recovery of claimed slots), so it holds
//! an exclusive lock on `<store>.lock` (flock on Unix: released by the kernel when the
//! process dies, even by SIGKILL). Lock files do not work on NFS: the store must be on a
//! local disk.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;

use crate::outbox::model::OutboxError;

pub struct StoreLock {
    _file: File,
}

pub fn lock_path(store: &Path) -> std::path::PathBuf {
    let mut p = store.as_os_str().to_owned();
    p.push(".lock");
    p.into()
}

impl StoreLock {
    pub fn acquire(store: &Path) -> Result<Self, OutboxError> {
        let path = lock_path(store);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| {
                OutboxError::Store(format!("cannot open the lock file {}: {e}", path.display()))
            })?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(OutboxError::Locked(format!(
                "the outbox store {} is in use by another process (or another open outbox): \
                 one process per store file",
                store.display()
            ))),
            Err(TryLockError::Error(e)) => Err(OutboxError::Store(format!(
                "cannot lock {}: {e}",
                path.display()
            ))),
        }
    }
}

//! Credentials from the application (its own secret store), through a function it gives.
//! The function runs on a blocking thread, never on a runtime worker, one call at a time.

use std::sync::{Arc, Mutex};

use aws_credential_types::Credentials;

use super::cache::{BoxFuture, Fetch, Fetched};

/// Returns fresh credentials or a reason (which must not contain a secret).
pub type CallbackFn = Arc<dyn Fn() -> Result<Credentials, String> + Send + Sync>;

pub struct Callback {
    f: CallbackFn,
    /// Serializes calls even when two caches or threads ask at once.
    lock: Arc<Mutex<()>>,
}

impl Callback {
    pub fn new(f: CallbackFn) -> Self {
        Self {
            f,
            lock: Arc::new(Mutex::new(())),
        }
    }
}

impl Fetch for Callback {
    fn fetch(&self) -> BoxFuture<'_, Result<Fetched, String>> {
        let f = Arc::clone(&self.f);
        let lock = Arc::clone(&self.lock);
        Box::pin(async move {
            let run = move || {
                let _one_at_a_time = lock.lock().unwrap_or_else(|p| p.into_inner());
                f()
            };
            let credentials = match tokio::runtime::Handle::try_current() {
                Ok(_) => tokio::task::spawn_blocking(run)
                    .await
                    .map_err(|e| format!("the credentials callback did not finish: {e}"))??,
                Err(_) => run()?,
            };
            Ok(Fetched {
                credentials,
                provider: "callback".to_string(),
            })
        })
    }
}

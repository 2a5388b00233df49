//! A clean AWS environment for a test that reads it: no AWS variable set but those it sets,
//! empty profile files in a temporary directory, IMDS at a closed port. The process
//! environment is global, so an `Env` holds a lock for its whole life.

use std::path::PathBuf;
use std::sync::Mutex;

static ENV_LOCK: Mutex<()> = Mutex::new(());

const VARS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_EC2_METADATA_DISABLED",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_STS",
    "AWS_STS_REGIONAL_ENDPOINTS",
    "AWS_METADATA_SERVICE_TIMEOUT",
    "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// A clean environment: no AWS variables, empty profile files, IMDS at a closed port.
pub struct Env {
    _guard: std::sync::MutexGuard<'static, ()>,
    dir: PathBuf,
}

impl Env {
    pub fn new(name: &str) -> Self {
        let guard = ENV_LOCK.lock().unwrap_or_else(|p| p.into_inner());
        for v in VARS {
            std::env::remove_var(v);
        }
        let dir = std::env::temp_dir().join(format!("mpm-creds-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let env = Env { _guard: guard, dir };
        env.file("config", "");
        env.file("credentials", "");
        env.set("AWS_CONFIG_FILE", env.path("config"));
        env.set("AWS_SHARED_CREDENTIALS_FILE", env.path("credentials"));
        // Nothing listens on port 9 of loopback: IMDS is "not on EC2".
        env.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9");
        env.set("AWS_REGION", "us-east-1");
        env
    }
    pub fn path(&self, f: &str) -> String {
        self.dir.join(f).display().to_string()
    }
    pub fn file(&self, f: &str, text: &str) -> String {
        std::fs::write(self.dir.join(f), text).unwrap();
        self.path(f)
    }
    pub fn set(&self, k: &str, v: impl AsRef<str>) {
        std::env::set_var(k, v.as_ref());
    }
    pub fn unset(&self, k: &str) {
        std::env::remove_var(k);
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        for v in VARS {
            std::env::remove_var(v);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

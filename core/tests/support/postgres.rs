//! A throwaway PostgreSQL server for tests, and a fresh database on it for each test (the same
//! server as scripts/lib/postgres.sh starts for the shell scripts).
//!
//! [`Postgres::start`] gives a test its own database on the test binary's shared server, so tests
//! run in parallel; [`Postgres::start_own`] gives it a server of its own, which it may restart.
//! The server: Debian's binaries (`/usr/lib/postgresql/NN/bin`, the newest; `MPM_POSTGRES_BIN`
//! overrides), initdb in a fresh directory under /tmp, 127.0.0.1 and a free port only (no Unix
//! socket), fsync and synchronous_commit on, password authentication (scram-sha-256), so the
//! URL carries a password as a deployment's does. PostgreSQL refuses to run as root, so as root
//! the server runs as `MPM_POSTGRES_USER` (default `mpm-postgres`, made by
//! `scripts/setup.sh postgres`). Checks go through `psql`, so the tests need no client crate.
//!
//! A server that cannot start fails the test with the reason (a test must not pass by not
//! running); only with `MPM_SKIP_POSTGRES=1` does `start` return `None`, saying so on stderr.
//! Dropping the last user of a server stops it and deletes its directory.

use std::hash::{BuildHasher, Hasher};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

/// The superuser initdb makes; the tests connect as it.
const USER: &str = "mpm";

/// One running (or stopped, between `stop` and `start`) server and its directory.
pub struct Server {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    password: String,
    /// The user that owns the data directory and runs the server, when we are root.
    run_as: Option<String>,
}

/// A database of its own for one test, on a shared server or on its own.
pub struct Postgres {
    server: Arc<Server>,
    database: String,
    own_server: bool,
}

fn random_hex() -> String {
    let h = |n: u64| {
        let mut x = std::collections::hash_map::RandomState::new().build_hasher();
        x.write_u64(n);
        x.finish()
    };
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    format!("{:016x}{:08x}", h(t), h(std::process::id() as u64) as u32)
}

fn skip_requested() -> bool {
    std::env::var("MPM_SKIP_POSTGRES").is_ok_and(|v| v == "1")
}

fn server_bin() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("MPM_POSTGRES_BIN") {
        return Ok(PathBuf::from(p));
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|e| format!("/usr/lib/postgresql: {e}"))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("postgres").exists().then_some((v, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|x| x.1)
        .ok_or_else(|| "no server in /usr/lib/postgresql/*/bin".to_string())
}

fn am_root() -> bool {
    // /proc/self belongs to the process's effective user.
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

fn output_text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

impl Server {
    fn start() -> Result<Server, String> {
        let bin = server_bin()?;
        let run_as = if am_root() {
            let user = std::env::var("MPM_POSTGRES_USER").unwrap_or("mpm-postgres".into());
            let known = Command::new("id")
                .args(["-u", &user])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if !known {
                return Err(format!(
                    "running as root needs the system user {user} (scripts/setup.sh postgres makes it)"
                ));
            }
            Some(user)
        } else {
            None
        };
        static N: AtomicU64 = AtomicU64::new(0);
        // Under /tmp, not TMPDIR: the server's user must be able to reach it.
        let dir = PathBuf::from(format!(
            "/tmp/mpm-pg-{}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed),
            &random_hex()[..6]
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut server = Server {
            bin,
            dir,
            port: 0,
            password: random_hex(),
            run_as,
        };
        server.init()?;
        // Another process may take the free port before the server binds it: try a few.
        for _ in 0..5 {
            server.port = std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map_err(|e| format!("no free port: {e}"))?
                .port();
            match server.start_again() {
                Ok(()) => return Ok(server),
                Err(e) if e.contains("Address already in use") => continue,
                Err(e) => return Err(e),
            }
        }
        Err("no free port after 5 tries".into())
    }

    /// A command run as the data directory's owner.
    fn as_owner(&self, program: &Path) -> Command {
        match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(program);
                c
            }
            None => Command::new(program),
        }
    }

    fn init(&self) -> Result<(), String> {
        let pwfile = self.dir.join("pwfile");
        std::fs::write(&pwfile, format!("{}\n", self.password)).map_err(|e| e.to_string())?;
        if let Some(user) = &self.run_as {
            let chown = Command::new("chown")
                .arg(user)
                .arg(&self.dir)
                .arg(&pwfile)
                .output()
                .map_err(|e| format!("chown: {e}"))?;
            if !chown.status.success() {
                return Err(format!("chown {user}: {}", output_text(&chown)));
            }
        }
        // --no-sync: only initdb's own files go unsynced (a throwaway cluster); the server fsyncs.
        let out = self
            .as_owner(&self.bin.join("initdb"))
            .arg("-D")
            .arg(self.dir.join("data"))
            .args([
                "-U",
                USER,
                "--auth=scram-sha-256",
                "--no-sync",
                "-E",
                "UTF8",
            ])
            .args(["--locale=C"])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output()
            .map_err(|e| format!("initdb: {e}"))?;
        let _ = std::fs::remove_file(&pwfile);
        if !out.status.success() {
            return Err(format!("initdb failed: {}", output_text(&out)));
        }
        Ok(())
    }

    fn log(&self) -> PathBuf {
        self.dir.join("server.log")
    }

    /// Starts the server on its port and waits until it accepts connections.
    pub fn start_again(&self) -> Result<(), String> {
        let opts = format!(
            "-c listen_addresses=127.0.0.1 -c port={} -c unix_socket_directories= -c fsync=on \
             -c synchronous_commit=on -c max_connections=200",
            self.port
        );
        let out = self
            .as_owner(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.join("data"))
            .arg("-l")
            .arg(self.log())
            .args(["-w", "-t", "60", "-o", &opts, "start"])
            .output()
            .map_err(|e| format!("pg_ctl: {e}"))?;
        if !out.status.success() {
            let log = std::fs::read_to_string(self.log()).unwrap_or_default();
            return Err(format!(
                "the server did not start: {}\n{log}",
                output_text(&out)
            ));
        }
        Ok(())
    }

    /// Stops the server: `fast` ends every session and shuts down cleanly; `immediate` is a
    /// crash (recovery at the next start).
    pub fn stop(&self, mode: &str) -> Result<(), String> {
        let out = self
            .as_owner(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", mode, "-w", "-t", "60", "stop"])
            .output()
            .map_err(|e| format!("pg_ctl: {e}"))?;
        if !out.status.success() {
            return Err(format!("pg_ctl stop: {}", output_text(&out)));
        }
        Ok(())
    }

    pub fn url(&self, database: &str) -> String {
        format!(
            "postgres://{USER}:{}@127.0.0.1:{}/{database}",
            self.password, self.port
        )
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn password(&self) -> &str {
        &self.password
    }

    fn psql(&self, database: &str, sql: &str) -> Result<String, String> {
        let psql = self.bin.join("psql");
        let program = if psql.exists() {
            psql
        } else {
            PathBuf::from("psql")
        };
        let out = Command::new(program)
            .args(["-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1"])
            .arg("-d")
            .arg(self.url(database))
            .arg("-c")
            .arg(sql)
            .env("PGCONNECT_TIMEOUT", "10")
            .env("PGOPTIONS", "-c statement_timeout=60000")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("psql: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_string())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.dir.join("data/postmaster.pid").exists() {
            let _ = self.stop("immediate");
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The test binary's shared server while any test uses it.
static SHARED: Mutex<Weak<Server>> = Mutex::new(Weak::new());

fn start_or_explain(what: &str) -> Option<Server> {
    if skip_requested() {
        eprintln!("{what}: skipped (MPM_SKIP_POSTGRES=1)");
        return None;
    }
    match Server::start() {
        Ok(s) => Some(s),
        Err(e) => panic!(
            "{what}: cannot start a PostgreSQL server: {e}\n(scripts/setup.sh postgres installs \
             it; MPM_SKIP_POSTGRES=1 skips these tests)"
        ),
    }
}

impl Postgres {
    /// A fresh database on the test binary's shared server (started if none runs). `None` only
    /// with MPM_SKIP_POSTGRES=1; panics with the reason when the server cannot start.
    pub fn start() -> Option<Postgres> {
        let server = {
            let mut shared = SHARED.lock().unwrap_or_else(|e| e.into_inner());
            match shared.upgrade() {
                Some(s) => s,
                None => {
                    let s = Arc::new(start_or_explain("Postgres::start")?);
                    *shared = Arc::downgrade(&s);
                    s
                }
            }
        };
        Some(Self::with_database(server, false))
    }

    /// A fresh database on a server of its own, which the test may restart.
    pub fn start_own() -> Option<Postgres> {
        let server = Arc::new(start_or_explain("Postgres::start_own")?);
        Some(Self::with_database(server, true))
    }

    fn with_database(server: Arc<Server>, own_server: bool) -> Postgres {
        static N: AtomicU64 = AtomicU64::new(0);
        let database = format!(
            "t{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        server
            .psql("postgres", &format!("CREATE DATABASE {database}"))
            .unwrap_or_else(|e| panic!("CREATE DATABASE {database}: {e}"));
        Postgres {
            server,
            database,
            own_server,
        }
    }

    /// The URL of this test's database, with the password.
    pub fn url(&self) -> String {
        self.server.url(&self.database)
    }

    pub fn database(&self) -> &str {
        &self.database
    }

    /// The server's password (to check that it never appears in messages).
    pub fn password(&self) -> &str {
        self.server.password()
    }

    pub fn port(&self) -> u16 {
        self.server.port()
    }

    /// The server's directory (data, log), deleted when its last user drops.
    pub fn server_dir(&self) -> PathBuf {
        self.server.dir.clone()
    }

    /// Runs SQL on this database; the rows as lines, columns separated by tabs. Panics with
    /// psql's message on error.
    pub fn sql(&self, sql: &str) -> String {
        self.try_sql(sql)
            .unwrap_or_else(|e| panic!("SQL failed: {e}\n{sql}"))
    }

    pub fn try_sql(&self, sql: &str) -> Result<String, String> {
        self.server.psql(&self.database, sql)
    }

    /// The rows of a query, each a vector of its columns.
    pub fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        let out = self.sql(sql);
        out.lines()
            .filter(|l| !l.is_empty())
            .map(|l| l.split('\t').map(str::to_string).collect())
            .collect()
    }

    /// Ends every other session on this database (pg_terminate_backend); how many it ended.
    pub fn terminate_backends(&self) -> usize {
        self.sql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .trim()
        .parse()
        .expect("a count")
    }

    /// How many other sessions are connected to this database now.
    pub fn sessions(&self) -> usize {
        self.sql(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .trim()
        .parse()
        .expect("a count")
    }

    /// Stops the server cleanly (`fast`: sessions ended) and starts it again on the same port.
    /// Only on a server of its own ([`Postgres::start_own`]).
    pub fn restart(&self) {
        self.stop();
        self.start_again();
    }

    /// Stops the server (`fast`); it stays down until [`Postgres::start_again`].
    pub fn stop(&self) {
        assert!(
            self.own_server,
            "stopping a server needs Postgres::start_own: other tests share this one"
        );
        self.server.stop("fast").unwrap_or_else(|e| panic!("{e}"));
    }

    /// Starts the stopped server again on the same port and waits until it is ready.
    pub fn start_again(&self) {
        assert!(self.own_server, "needs Postgres::start_own");
        self.server.start_again().unwrap_or_else(|e| panic!("{e}"));
    }

    /// Waits until `sql` answers `expected` (a condition another process makes true).
    pub fn wait_for(&self, sql: &str, expected: &str, timeout: Duration) {
        let end = Instant::now() + timeout;
        loop {
            let got = self.try_sql(sql);
            if got.as_deref() == Ok(expected) {
                return;
            }
            assert!(
                Instant::now() < end,
                "waited {timeout:?} for {expected:?} from {sql}; last {got:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // A shared server lives on for other tests: take this test's database off it.
        if !self.own_server && !std::thread::panicking() {
            let _ = self.server.psql(
                "postgres",
                &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.database),
            );
        }
    }
}

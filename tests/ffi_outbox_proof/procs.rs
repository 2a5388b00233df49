//! The worker processes of the outbox's proofs (the kill loop here, the fleet test in
//! tests/ffi_outbox_fleet, which includes this file by path): this same test binary re-run as
//! its `child_process` test, with the role in the environment, its stdout read line by line on
//! a thread (the ACK lines), killed with SIGKILL, stopped and continued.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The child's environment (its role and settings).
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

pub fn env_u64(name: &str, default: u64) -> u64 {
    env(name).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A line to the parent, flushed at once: a line the parent did not get was never said (the
/// child may be killed right after).
pub fn out(line: &str) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    let _ = writeln!(o, "{line}");
    let _ = o.flush();
}

/// This test binary, for the children: a hard link made once per process next to it, so that a
/// concurrent `cargo test` rebuilding the binary in the same tree (which replaces the file)
/// cannot take it away in the middle of a loop.
pub fn child_exe() -> PathBuf {
    static EXE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    EXE.get_or_init(|| {
        let exe = std::env::current_exe().unwrap();
        let link = exe.with_extension(format!("proof-child-{}", std::process::id()));
        let _ = std::fs::remove_file(&link);
        // Links left by earlier runs whose process is gone.
        if let (Some(dir), Some(name)) = (exe.parent(), exe.file_name().and_then(|n| n.to_str())) {
            let prefix = format!("{name}.proof-child-");
            for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let f = e.file_name().to_string_lossy().into_owned();
                if let Some(pid) = f.strip_prefix(&prefix) {
                    if !Path::new(&format!("/proc/{pid}")).exists() {
                        let _ = std::fs::remove_file(e.path());
                    }
                }
            }
        }
        match std::fs::hard_link(&exe, &link) {
            Ok(()) => link,
            Err(_) => exe,
        }
    })
    .clone()
}

/// Where a child's stderr goes: nowhere, or with `MPM_PROOF_CHILD_LOGS=DIR` to
/// `DIR/child-N.err` (N counts the children this process started), for reading a failed
/// run's library log beside `MPM_LOG=debug`.
fn child_stderr() -> Stdio {
    static STARTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let Some(dir) = std::env::var_os("MPM_PROOF_CHILD_LOGS") else {
        return Stdio::null();
    };
    let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = Path::new(&dir).join(format!("child-{n}.err"));
    match std::fs::File::create(&path) {
        Ok(f) => Stdio::from(f),
        Err(e) => panic!(
            "MPM_PROOF_CHILD_LOGS: cannot create {}: {e}",
            path.display()
        ),
    }
}

pub struct Proc {
    child: Child,
    pub lines: std::sync::mpsc::Receiver<String>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Proc {
    pub fn spawn(envs: &[(&str, String)]) -> Proc {
        let mut cmd = Command::new(child_exe());
        cmd.args([
            "child_process",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .stdout(Stdio::piped())
        .stderr(child_stderr());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn child");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // libtest starts the child's first line with the test's name.
                let line = match line.strip_prefix("test child_process ... ") {
                    Some(rest) => rest.to_string(),
                    None => line,
                };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Proc {
            child,
            lines: rx,
            reader: Some(reader),
        }
    }

    /// SIGKILL (if still running), then every line it printed.
    pub fn kill(mut self) -> Vec<String> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        self.lines.try_iter().collect()
    }

    pub fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    pub fn pid(&self) -> i32 {
        self.child.id() as i32
    }

    /// Sends `signal` (SIGSTOP, SIGCONT, ...) to the child.
    pub fn signal(&self, signal: i32) {
        // SAFETY: kill(2) on our own child's pid, which we have not reaped yet.
        unsafe {
            libc::kill(self.pid(), signal);
        }
    }

    /// Whether the child is stopped (SIGSTOP): state `T` in /proc/PID/stat.
    pub fn stopped(&self) -> bool {
        std::fs::read_to_string(format!("/proc/{}/stat", self.pid()))
            .ok()
            .and_then(|s| {
                // "PID (COMM) STATE ...": COMM may hold spaces, so after the last ')'.
                let rest = &s[s.rfind(')')? + 1..];
                rest.split_whitespace().next().map(|st| st == "T")
            })
            .unwrap_or(false)
    }
}

/// A child left running when the parent gives up (a failed check, a panic) would wait for
/// the parent's signal files forever: it dies with its `Proc`.
impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

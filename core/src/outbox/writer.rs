//! Group commit: one thread owns the store and runs every job. It takes all the jobs that are
//! waiting, runs each in a savepoint of one transaction, commits once (one fsync for every
//! caller) and only then answers them, so `record` returns after its usage is durable.

use std::sync::mpsc;
use std::thread::JoinHandle;

use super::model::{CrashHook, CrashPoint, OutboxError};
use super::store::Store;

type Finish = Box<dyn FnOnce(Result<(), OutboxError>) + Send>;
type Work = Box<dyn FnOnce(&Store) -> Finish + Send>;

enum Job {
    Work { work: Work, is_record: bool },
    Stop,
}

/// At most this many jobs share one transaction.
const MAX_GROUP: usize = 1024;

#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

pub struct WriterThread {
    pub writer: Writer,
    join: Option<JoinHandle<()>>,
}

impl WriterThread {
    pub fn start(store: Store, crash: Option<CrashHook>) -> Result<Self, OutboxError> {
        let (tx, rx) = mpsc::channel::<Job>();
        let join = std::thread::Builder::new()
            .name("mpmeter-outbox-writer".into())
            .spawn(move || run(store, rx, crash))
            .map_err(|e| OutboxError::Store(format!("cannot start the outbox writer: {e}")))?;
        Ok(Self {
            writer: Writer { tx },
            join: Some(join),
        })
    }

    /// Runs the jobs already queued, then closes the store (its lock goes with it).
    pub fn stop(&mut self) {
        let _ = self.writer.tx.send(Job::Stop);
        if let Some(j) = self.join.take() {
            let _ = j.join();
        }
    }
}

impl Drop for WriterThread {
    fn drop(&mut self) {
        self.stop();
    }
}

fn run(store: Store, rx: mpsc::Receiver<Job>, crash: Option<CrashHook>) {
    let mut stop = false;
    while !stop {
        let Ok(first) = rx.recv() else { break };
        let mut jobs = vec![first];
        while jobs.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let begun = store.conn.execute_batch("BEGIN IMMEDIATE");
        let mut finishers = Vec::with_capacity(jobs.len());
        let mut records = false;
        for job in jobs {
            match job {
                Job::Stop => stop = true,
                Job::Work { work, is_record } => {
                    records |= is_record;
                    finishers.push(in_savepoint(&store, work));
                }
            }
        }
        let committed = begun
            .and_then(|()| store.conn.execute_batch("COMMIT"))
            .map_err(|e| {
                let _ = store.conn.execute_batch("ROLLBACK");
                OutboxError::Store(format!("outbox store: commit failed: {e}"))
            });
        if committed.is_ok() && records {
            if let Some(hook) = &crash {
                hook(CrashPoint::AfterCommit);
            }
        }
        for f in finishers {
            f(committed.clone());
        }
    }
}

/// Runs one job so that its failure undoes only its own writes.
fn in_savepoint(store: &Store, work: Work) -> Finish {
    if let Err(e) = store.conn.execute_batch("SAVEPOINT job") {
        let e = OutboxError::Store(format!("outbox store: {e}"));
        return Box::new(move |_| drop(e));
    }
    let finish = work(store);
    finish
}

impl Writer {
    fn submit<T: Send + 'static>(
        &self,
        is_record: bool,
        f: impl FnOnce(&Store) -> Result<T, OutboxError> + Send + 'static,
        reply: impl FnOnce(Result<T, OutboxError>) + Send + 'static,
    ) -> Result<(), OutboxError> {
        let work: Work = Box::new(move |store: &Store| {
            let out = f(store);
            let sql = if out.is_ok() {
                "RELEASE job"
            } else {
                "ROLLBACK TO job; RELEASE job"
            };
            let out = match (out, store.conn.execute_batch(sql)) {
                (Ok(v), Ok(())) => Ok(v),
                (Err(e), _) => Err(e),
                (Ok(_), Err(e)) => Err(OutboxError::Store(format!("outbox store: {e}"))),
            };
            Box::new(move |committed: Result<(), OutboxError>| {
                reply(committed.and(out));
            })
        });
        self.tx
            .send(Job::Work { work, is_record })
            .map_err(|_| OutboxError::Closed)
    }

    /// Runs `f` in the next group and waits until it is committed.
    pub fn call<T: Send + 'static>(
        &self,
        is_record: bool,
        f: impl FnOnce(&Store) -> Result<T, OutboxError> + Send + 'static,
    ) -> Result<T, OutboxError> {
        let (tx, rx) = mpsc::sync_channel(1);
        self.submit(is_record, f, move |r| {
            let _ = tx.send(r);
        })?;
        rx.recv().map_err(|_| OutboxError::Closed)?
    }

    /// The same, for the sender task.
    pub async fn call_async<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, OutboxError> + Send + 'static,
    ) -> Result<T, OutboxError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.submit(false, f, move |r| {
            let _ = tx.send(r);
        })?;
        rx.await.map_err(|_| OutboxError::Closed)?
    }
}

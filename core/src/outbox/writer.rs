//! Group commit: one thread owns the store and runs every job. It takes all the jobs that are
//! waiting, runs each in a savepoint of one transaction, commits once (one fsync, or one
//! PostgreSQL commit, for every caller) and only then answers them, so `record` returns after
//! its usage is durable. A transaction that cannot begin (PostgreSQL unreachable) answers every
//! job of the group with that error, without running it.

use std::sync::mpsc;
use std::thread::JoinHandle;

use super::model::Recorded;
use super::model::{CrashHook, CrashPoint, OutboxError};
use super::store::{Store, Usage};

type Finish = Box<dyn FnOnce(Result<(), OutboxError>) + Send>;
/// Runs a job on the store (None: the transaction did not begin; the job is not run and
/// its finisher answers with the error).
type Work = Box<dyn FnOnce(Option<&dyn Store>) -> Finish + Send>;

enum Job {
    Work {
        work: Work,
        is_record: bool,
    },
    /// One `record`: the group's records are run together first (`Store::record_group`: on
    /// PostgreSQL their statements go out in one round trip).
    Record {
        usage: Usage,
        reply: Box<dyn FnOnce(Result<Recorded, OutboxError>) + Send>,
    },
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
    /// Starts the thread, opens the store on it with `open` (a PostgreSQL store blocks on
    /// the runtime there, never on the caller's thread) and returns once it is open.
    pub fn start(
        open: impl FnOnce() -> Result<Box<dyn Store>, OutboxError> + Send + 'static,
        crash: Option<CrashHook>,
    ) -> Result<Self, OutboxError> {
        let (tx, rx) = mpsc::channel::<Job>();
        let (opened_tx, opened_rx) = mpsc::sync_channel::<Result<(), OutboxError>>(1);
        let join = std::thread::Builder::new()
            .name("mpmeter-outbox-writer".into())
            .spawn(move || match open() {
                Ok(store) => {
                    let _ = opened_tx.send(Ok(()));
                    run(&*store, rx, crash);
                }
                Err(e) => {
                    let _ = opened_tx.send(Err(e));
                }
            })
            .map_err(|e| OutboxError::Store(format!("cannot start the outbox writer: {e}")))?;
        let opened = opened_rx
            .recv()
            .unwrap_or_else(|_| Err(OutboxError::Store("the outbox writer ended at open".into())));
        match opened {
            Ok(()) => Ok(Self {
                writer: Writer { tx },
                join: Some(join),
            }),
            Err(e) => {
                let _ = join.join();
                Err(e)
            }
        }
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

fn run(store: &dyn Store, rx: mpsc::Receiver<Job>, crash: Option<CrashHook>) {
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
        let begun = store.begin();
        let mut finishers = Vec::with_capacity(jobs.len());
        let mut usages = Vec::new();
        let mut replies = Vec::new();
        let mut others = Vec::with_capacity(jobs.len());
        for job in jobs {
            match job {
                Job::Record { usage, reply } => {
                    usages.push(usage);
                    replies.push(reply);
                }
                other => others.push(other),
            }
        }
        let mut records = !usages.is_empty();
        if records {
            let outcomes = match &begun {
                Ok(()) => store.record_group(&usages),
                Err(e) => usages.iter().map(|_| Err(e.clone())).collect(),
            };
            for (reply, out) in replies.into_iter().zip(outcomes) {
                finishers.push(Box::new(move |committed: Result<(), OutboxError>| {
                    reply(committed.and(out))
                }) as Finish);
            }
        }
        for job in others {
            match job {
                Job::Stop => stop = true,
                Job::Record { .. } => unreachable!("taken out above"),
                Job::Work { work, is_record } => {
                    records |= is_record;
                    finishers.push(match &begun {
                        Ok(()) => in_savepoint(store, work),
                        Err(_) => work(None),
                    });
                }
            }
        }
        let committed = begun.and_then(|()| store.commit()).inspect_err(|_| {
            store.rollback();
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
fn in_savepoint(store: &dyn Store, work: Work) -> Finish {
    match store.savepoint() {
        Ok(()) => work(Some(store)),
        Err(e) => {
            let finish = work(None);
            Box::new(move |_| finish(Err(e)))
        }
    }
}

impl Writer {
    fn submit<T: Send + 'static>(
        &self,
        is_record: bool,
        f: impl FnOnce(&dyn Store) -> Result<T, OutboxError> + Send + 'static,
        reply: impl FnOnce(Result<T, OutboxError>) + Send + 'static,
    ) -> Result<(), OutboxError> {
        let work: Work = Box::new(move |store: Option<&dyn Store>| {
            let Some(store) = store else {
                return Box::new(move |committed: Result<(), OutboxError>| {
                    reply(committed.and(Err(OutboxError::Store(
                        "outbox store: the job did not run".into(),
                    ))));
                });
            };
            let out = f(store);
            let kept = store.end_savepoint(out.is_ok());
            let out = match (out, kept) {
                (Ok(v), Ok(())) => Ok(v),
                (Err(e), _) => Err(e),
                (Ok(_), Err(e)) => Err(e),
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
        f: impl FnOnce(&dyn Store) -> Result<T, OutboxError> + Send + 'static,
    ) -> Result<T, OutboxError> {
        let (tx, rx) = mpsc::sync_channel(1);
        self.submit(is_record, f, move |r| {
            let _ = tx.send(r);
        })?;
        rx.recv().map_err(|_| OutboxError::Closed)?
    }

    /// Records `usage` in the next group and waits until it is committed.
    pub fn record(&self, usage: Usage) -> Result<Recorded, OutboxError> {
        let (tx, rx) = mpsc::sync_channel(1);
        let reply = Box::new(move |r| {
            let _ = tx.send(r);
        });
        self.tx
            .send(Job::Record { usage, reply })
            .map_err(|_| OutboxError::Closed)?;
        rx.recv().map_err(|_| OutboxError::Closed)?
    }

    /// The same, for the sender task.
    pub async fn call_async<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Store) -> Result<T, OutboxError> + Send + 'static,
    ) -> Result<T, OutboxError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.submit(false, f, move |r| {
            let _ = tx.send(r);
        })?;
        rx.await.map_err(|_| OutboxError::Closed)?
    }
}

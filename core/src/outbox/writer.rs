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

/// A job other than one record: run in a savepoint of the group's transaction (again, in a
/// new transaction, when the database ended the first to resolve a conflict), and answered
/// once, after the commit.
trait Work: Send {
    /// Runs it on the store (None: the transaction did not begin; it is not run).
    fn run(&mut self, store: Option<&dyn Store>);
    /// Answers the caller with the commit's outcome and its own.
    fn finish(self: Box<Self>, committed: Result<(), OutboxError>);
}

/// A `Writer::call`: the function and where its answer goes.
struct Call<T, F, R> {
    f: F,
    reply: R,
    out: Option<Result<T, OutboxError>>,
}

impl<T, F, R> Work for Call<T, F, R>
where
    T: Send,
    F: Fn(&dyn Store) -> Result<T, OutboxError> + Send,
    R: FnOnce(Result<T, OutboxError>) + Send,
{
    fn run(&mut self, store: Option<&dyn Store>) {
        self.out = Some(match store {
            Some(store) => store.in_savepoint(|| (self.f)(store)),
            None => Err(not_run()),
        });
    }
    fn finish(self: Box<Self>, committed: Result<(), OutboxError>) {
        let out = self.out.unwrap_or_else(|| Err(not_run()));
        (self.reply)(committed.and(out));
    }
}

fn not_run() -> OutboxError {
    OutboxError::Store("outbox store: the job did not run".into())
}

type Reply = Box<dyn FnOnce(Result<Recorded, OutboxError>) + Send>;

enum Job {
    Work {
        work: Box<dyn Work>,
        is_record: bool,
    },
    /// One `record`: the group's records are run together first (`Store::record_group`: on
    /// PostgreSQL their statements go out in one round trip).
    Record {
        usage: Usage,
        reply: Reply,
    },
    Stop,
}

/// At most this many jobs share one transaction.
const MAX_GROUP: usize = 1024;
/// Transactions a group may take when the database ends them to resolve conflicts with other
/// processes' (deadlocks between two fleet members' groups): the first and this many more.
const CONFLICT_RETRIES: usize = 3;

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
        let mut usages = Vec::new();
        let mut replies = Vec::new();
        let mut works = Vec::with_capacity(jobs.len());
        let mut records = false;
        for job in jobs {
            match job {
                Job::Record { usage, reply } => {
                    usages.push(usage);
                    replies.push(reply);
                    records = true;
                }
                Job::Work { work, is_record } => {
                    records |= is_record;
                    works.push(work);
                }
                Job::Stop => stop = true,
            }
        }
        let (mut outcomes, mut committed) = attempt(store, &usages, &mut works);
        for _ in 0..CONFLICT_RETRIES {
            if committed.is_ok() || !store.lost_to_conflict() {
                break;
            }
            (outcomes, committed) = attempt(store, &usages, &mut works);
        }
        if committed.is_ok() && records {
            if let Some(hook) = &crash {
                hook(CrashPoint::AfterCommit);
            }
        }
        for (reply, out) in replies.into_iter().zip(outcomes) {
            reply(committed.clone().and(out));
        }
        for w in works {
            w.finish(committed.clone());
        }
    }
}

/// Runs one group in one transaction: the records together first, then each other job in a
/// savepoint of its own (its failure undoes only its own writes). Returns the records'
/// outcomes and the commit's; when the commit failed, nothing of the group was written.
fn attempt(
    store: &dyn Store,
    usages: &[Usage],
    works: &mut [Box<dyn Work>],
) -> (Vec<Result<Recorded, OutboxError>>, Result<(), OutboxError>) {
    let begun = store.begin();
    let outcomes = match &begun {
        Ok(()) if !usages.is_empty() => store.record_group(usages),
        Ok(()) => Vec::new(),
        Err(e) => usages.iter().map(|_| Err(e.clone())).collect(),
    };
    for w in works.iter_mut() {
        w.run(begun.is_ok().then_some(store));
    }
    let committed = begun.and_then(|()| store.commit()).inspect_err(|_| {
        store.rollback();
    });
    (outcomes, committed)
}

impl Writer {
    fn submit<T: Send + 'static>(
        &self,
        is_record: bool,
        f: impl Fn(&dyn Store) -> Result<T, OutboxError> + Send + 'static,
        reply: impl FnOnce(Result<T, OutboxError>) + Send + 'static,
    ) -> Result<(), OutboxError> {
        let work = Box::new(Call {
            f,
            reply,
            out: None,
        });
        self.tx
            .send(Job::Work { work, is_record })
            .map_err(|_| OutboxError::Closed)
    }

    /// Runs `f` in the next group and waits until it is committed (`f` may run more than
    /// once: again in a new transaction when a conflict ended the first).
    pub fn call<T: Send + 'static>(
        &self,
        is_record: bool,
        f: impl Fn(&dyn Store) -> Result<T, OutboxError> + Send + 'static,
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
        let reply: Reply = Box::new(move |r| {
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
        f: impl Fn(&dyn Store) -> Result<T, OutboxError> + Send + 'static,
    ) -> Result<T, OutboxError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.submit(false, f, move |r| {
            let _ = tx.send(r);
        })?;
        rx.await.map_err(|_| OutboxError::Closed)?
    }
}

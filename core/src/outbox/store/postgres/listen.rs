//! Wake-ups across the fleet: a connection of its own LISTENs on the schema's channel (seal
//! and flush NOTIFY it), and a notification wakes the sender at once. Only an optimisation:
//! the sender polls anyway, so a pooler that breaks LISTEN (PgBouncer's transaction pooling)
//! or a lost connection costs latency, never a delivery. A lost listener tries again later.

use std::time::Duration;

use tokio_postgres::AsyncMessage;

use super::tls::MakeRustls;
use super::Target;

/// Pause before listening again after the connection was lost or could not be made.
const RETRY: Duration = Duration::from_secs(5);

/// Calls `wake` on every notification, until the task is aborted.
pub async fn listen(target: Target, wake: impl Fn() + Send + 'static) {
    let channel = format!("mpmeter_{}", target.schema);
    loop {
        if let Err(e) = listen_once(&target, &channel, &wake).await {
            tracing::debug!(target: "mpmeter::outbox", error = %target.redact(&e), "LISTEN ended; polling meanwhile");
        }
        tokio::time::sleep(RETRY).await;
    }
}

async fn listen_once(target: &Target, channel: &str, wake: &impl Fn()) -> Result<(), String> {
    let tls = MakeRustls::get()?;
    let (client, mut connection) = target
        .config
        .connect(tls)
        .await
        .map_err(|e| e.to_string())?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    // The connection is driven here; notifications come out of it as messages.
    let driver = tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(AsyncMessage::Notification(_))) => {
                    if tx.send(()).is_err() {
                        return;
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => return,
            }
        }
    });
    let _abort = AbortOnDrop(driver.abort_handle());
    client
        .batch_execute(&format!("LISTEN \"{channel}\""))
        .await
        .map_err(|e| e.to_string())?;
    while rx.recv().await.is_some() {
        wake();
    }
    Err("the listening connection closed".into())
}

struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

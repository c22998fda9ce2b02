//! Progress notifications for a tool call whose request carries `_meta.progressToken`:
//! bytes of an upload or a download, pages of a search.
//!
//! The core reports to a [`Meter`] from wherever it is (a file reader's `poll_read`, a
//! search's page futures); [`Progress::run`], polled beside the call inside the call's own
//! task, sends what changed at most every [`INTERVAL`], and [`Progress::flush`] sends the
//! last state before the result goes out. Nothing is sent after the result, nor after the
//! client cancelled.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rmcp::RoleServer;
use rmcp::model::{ProgressNotificationParam, ProgressToken};
use rmcp::service::{Peer, RequestContext};
use tokio::sync::Notify;

use crate::telegram::{Attachments, UploadProgress};

/// At most one notification this often: a fast upload is not a flood of messages.
const INTERVAL: Duration = Duration::from_millis(100);

/// The progress of one tool call, told to the client that asked for it.
pub(super) struct Progress {
    peer: Peer<RoleServer>,
    token: ProgressToken,
    meter: Arc<Meter>,
    /// Held while a notification goes out, so the sending loop and `flush` never send the
    /// same state twice, and a send the loop dropped half-way is sent again by `flush`.
    sending: tokio::sync::Mutex<()>,
}

/// Where the core reports how far an operation got.
#[derive(Default)]
pub(super) struct Meter {
    state: Mutex<State>,
    changed: Notify,
}

#[derive(Default)]
struct State {
    done: u64,
    total: Option<u64>,
    message: Option<String>,
    /// Bytes read of each file of an upload; a file uploaded again (after a flood wait)
    /// starts over, and `done` stays where it was until it passes it.
    files: Vec<u64>,
    /// What was last sent, so an unchanged state is not sent twice.
    sent: Option<(u64, Option<u64>)>,
}

impl Progress {
    /// `None` when the request asked for no progress.
    pub(super) fn of(request: &RequestContext<RoleServer>) -> Option<Self> {
        let token = request.meta.get_progress_token()?;
        Some(Self {
            peer: request.peer.clone(),
            token,
            meter: Arc::default(),
            sending: tokio::sync::Mutex::new(()),
        })
    }

    /// What the core reports downloads and searches to.
    pub(super) fn meter(&self) -> &dyn crate::telegram::Progress {
        &*self.meter
    }

    /// Reports the upload of `attachments`' files, in bytes of their total size.
    pub(super) fn upload(&self, attachments: &mut Attachments) {
        if attachments.files.is_empty() {
            return;
        }
        let total = attachments.files.iter().map(|f| f.size).sum();
        self.meter.lock().total = Some(total);
        attachments.progress = Some(Arc::clone(&self.meter) as Arc<dyn UploadProgress>);
    }

    /// Sends each change, at most every [`INTERVAL`]; never returns (it is dropped when
    /// the call ends).
    pub(super) async fn run(&self) -> std::convert::Infallible {
        loop {
            self.meter.changed.notified().await;
            self.send_latest().await;
            tokio::time::sleep(INTERVAL).await;
        }
    }

    /// Sends the last state if it was not sent yet: called before the result goes out.
    pub(super) async fn flush(&self) {
        self.send_latest().await;
    }

    async fn send_latest(&self) {
        let _sending = self.sending.lock().await;
        let (done, total, message) = {
            let state = self.meter.lock();
            let now = (state.done, state.total);
            if state.sent == Some(now) || (state.sent.is_none() && now == (0, state.total)) {
                return;
            }
            (state.done, state.total, state.message.clone())
        };
        let mut notification = ProgressNotificationParam::new(self.token.clone(), done as f64);
        if let Some(total) = total {
            notification = notification.with_total(total as f64);
        }
        if let Some(message) = message {
            notification = notification.with_message(message);
        }
        // Marked sent only once it went out: the sending loop is dropped when the call
        // ends, possibly in the middle of this, and then `flush` must send it again.
        match self.peer.notify_progress(notification).await {
            Ok(()) => self.meter.lock().sent = Some((done, total)),
            Err(e) => tracing::debug!("progress notification not sent: {e}"),
        }
    }
}

impl Meter {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn update(&self, change: impl FnOnce(&mut State)) {
        change(&mut self.lock());
        self.changed.notify_one();
    }
}

impl crate::telegram::Progress for Meter {
    fn advance(&self, done: u64, total: Option<u64>) {
        self.update(|state| {
            state.done = state.done.max(done);
            state.total = total;
        });
    }
}

impl UploadProgress for Meter {
    fn start(&self, file: usize, name: &str, _size: u64) {
        self.update(|state| {
            if state.files.len() <= file {
                state.files.resize(file + 1, 0);
            }
            state.files[file] = 0;
            state.message = Some(format!("uploading {name}"));
        });
    }

    fn advance(&self, file: usize, bytes: u64) {
        self.update(|state| {
            if let Some(read) = state.files.get_mut(file) {
                *read += bytes;
            }
            let read: u64 = state.files.iter().sum();
            state.done = state.done.max(read);
        });
    }

    fn finish(&self, _file: usize) {}
}

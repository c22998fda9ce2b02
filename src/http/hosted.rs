//! Hosted mode's HTTP half: each account its own MCP service (its own MCP sessions, its
//! own link to Telegram, its own download folder and its own limit on calls at once), the
//! account chosen by the request's token in [`super::require_token`].
//!
//! An MCP session id made for one account means nothing to another's service, so a
//! token cannot reach into another account's session even with a stolen session id.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use futures_util::StreamExt as _;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::AppState;
use crate::hosted::{Account, Accounts, Counts};
use crate::mcp::{FileOptions, TelegramServer, ToolSelection};

type Service = StreamableHttpService<TelegramServer, LocalSessionManager>;

/// One account's MCP face, made on its first request.
struct Face {
    service: Service,
    sessions: Arc<LocalSessionManager>,
    /// The account's calls at once, so one account cannot take every slot.
    limit: Arc<Semaphore>,
}

pub(super) struct Hosted {
    pub(super) accounts: Arc<Accounts>,
    faces: Mutex<HashMap<String, Arc<Face>>>,
    selection: ToolSelection,
    files: FileOptions,
    max_body_bytes: usize,
    per_account: usize,
    stop: CancellationToken,
}

/// The account a request's token selected, put in its extensions.
#[derive(Clone)]
pub(super) struct Selected(pub(super) Arc<Account>);

impl Hosted {
    pub(super) fn new(
        accounts: Arc<Accounts>,
        selection: ToolSelection,
        files: FileOptions,
        max_body_bytes: usize,
        per_account: usize,
        stop: CancellationToken,
    ) -> Self {
        Self {
            accounts,
            faces: Mutex::default(),
            selection,
            files,
            max_body_bytes,
            per_account: per_account.max(1),
            stop,
        }
    }

    fn face(&self, state: &AppState, account: &Arc<Account>) -> Arc<Face> {
        let mut faces = self.faces.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(face) = faces.get(account.name()) {
            return Arc::clone(face);
        }
        let config = StreamableHttpServerConfig::default()
            .disable_allowed_hosts()
            .disable_allowed_origins()
            .with_max_request_body_bytes(self.max_body_bytes)
            .with_cancellation_token(self.stop.child_token());
        let mut files = self.files.clone();
        // Each account downloads into its own folder under --download-dir.
        files.download_dir = files.download_dir.map(|dir| dir.join(account.name()));
        let (link, metrics) = (Arc::clone(&account.link), Arc::clone(&state.metrics));
        let selection = self.selection.clone();
        let timeout = state.options.request_timeout;
        let factory = move || {
            Ok(TelegramServer::new(Arc::clone(&link), selection.clone())
                .with_observer(metrics.clone())
                .with_call_timeout(timeout)
                .with_files(files.clone()))
        };
        let sessions = Arc::new(LocalSessionManager::default());
        let face = Arc::new(Face {
            service: StreamableHttpService::new(factory, Arc::clone(&sessions), config),
            sessions,
            limit: Arc::new(Semaphore::new(self.per_account)),
        });
        faces.insert(account.name().to_owned(), Arc::clone(&face));
        face
    }

    /// MCP sessions open, over every account.
    pub(super) async fn sessions(&self) -> usize {
        let faces: Vec<Arc<Face>> = self
            .faces
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        let mut total = 0;
        for face in faces {
            total += face.sessions.sessions.read().await.len();
        }
        total
    }
}

/// An MCP request, handed to its account's service.
pub(super) async fn mcp(State(state): State<AppState>, request: Request) -> Response {
    let (Some(hosted), Some(Selected(account))) = (
        state.hosted.as_ref(),
        request.extensions().get::<Selected>().cloned(),
    ) else {
        return super::error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "no account was selected for this request",
        );
    };
    let face = hosted.face(&state, &account);
    let Ok(permit) = Arc::clone(&face.limit).try_acquire_owned() else {
        return super::busy(&format!(
            "this account is running its limit of {} requests at once — try again shortly",
            hosted.per_account
        ));
    };
    let mut service = face.service.clone();
    let response = match tower_service::Service::call(&mut service, request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    // The permit is held until the answer's stream ends: that is when the call is done.
    let (parts, body) = response.into_parts();
    let body = axum::body::Body::new(body)
        .into_data_stream()
        .map(move |chunk| {
            let _held = &permit;
            chunk
        });
    Response::from_parts(parts, axum::body::Body::from_stream(body))
}

/// The accounts as Prometheus gauges and counters, without a per-account label.
pub(super) fn render_metrics(out: &mut String, counts: &Counts) {
    let mut family = |name: &str, kind: &str, help: &str, samples: &[(&str, u64)]| {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} {kind}");
        for (labels, value) in samples {
            let _ = writeln!(out, "{name}{labels} {value}");
        }
    };
    family(
        "tgmcp_accounts",
        "gauge",
        "Hosted accounts by state: on disk (with a token), loaded, connected, logged out.",
        &[
            (r#"{state="on_disk"}"#, counts.on_disk as u64),
            (r#"{state="loaded"}"#, counts.loaded as u64),
            (r#"{state="connected"}"#, counts.connected as u64),
            (r#"{state="logged_out"}"#, counts.logged_out as u64),
        ],
    );
    family(
        "tgmcp_accounts_max_active",
        "gauge",
        "At most this many hosted accounts are connected at once (--max-active-sessions).",
        &[("", counts.max_active as u64)],
    );
    family(
        "tgmcp_account_loads_total",
        "counter",
        "Hosted accounts loaded on first use.",
        &[("", counts.loads)],
    );
    family(
        "tgmcp_account_evictions_total",
        "counter",
        "Hosted accounts disconnected as least recently used or idle.",
        &[("", counts.evictions)],
    );
    family(
        "tgmcp_account_reauthorizations_total",
        "counter",
        "New logins picked up for accounts Telegram had logged out.",
        &[("", counts.reauthorizations)],
    );
}

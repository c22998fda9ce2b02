//! Progress notifications of `tgmcp serve` (uploads, downloads, searches) and an upload
//! cancelled between its parts, through rmcp's client (which puts a progressToken on every
//! request) and on the wire, against the sandbox with its answers slowed down.

use std::process::Stdio;
use std::time::Duration;

use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, ProgressNotificationParam};
use rmcp::service::{NotificationContext, RunningService};
use rmcp::{ClientHandler, RoleClient};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc;

use crate::common::{RawStdio, TestEnv, within};

const PART: &str = "upload.saveFilePart";
/// Answers held back this long: longer than the server's 100 ms between notifications.
const SLOW: Duration = Duration::from_millis(150);

/// A client that records every progress notification.
struct Recorder(mpsc::UnboundedSender<ProgressNotificationParam>);

impl ClientHandler for Recorder {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        let _ = self.0.send(params);
    }
}

struct Served {
    client: RunningService<RoleClient, Recorder>,
    child: tokio::process::Child,
    progress: mpsc::UnboundedReceiver<ProgressNotificationParam>,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

async fn serve(env: &TestEnv, args: &[&str]) -> Served {
    let mut child = env
        .command()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tgmcp starts");
    let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let sink = std::sync::Arc::clone(&stderr);
    let err = child.stderr.take().unwrap();
    tokio::spawn(async move {
        let mut lines = BufReader::new(err).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let mut sink = sink.lock().unwrap();
            sink.push_str(&line);
            sink.push('\n');
        }
    });
    let transport = (child.stdout.take().unwrap(), child.stdin.take().unwrap());
    let (tx, progress) = mpsc::unbounded_channel();
    let client = within(30, Recorder(tx).serve(transport))
        .await
        .expect("handshake");
    Served {
        client,
        child,
        progress,
        stderr,
    }
}

impl Served {
    async fn ok(&self, tool: &str, arguments: Value) -> Value {
        let Value::Object(arguments) = arguments else {
            panic!("an object")
        };
        let result = within(
            60,
            self.client
                .call_tool(CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments)),
        )
        .await
        .unwrap_or_else(|e| panic!("{tool}: {e}"));
        assert_ne!(result.is_error, Some(true), "{tool}: {result:?}");
        result.structured_content.expect("structured content")
    }

    /// The notifications of one call, up to the one that reached its total.
    async fn until_done(&mut self) -> Vec<ProgressNotificationParam> {
        let mut seen = Vec::new();
        loop {
            let next = within(30, self.progress.recv())
                .await
                .expect("a progress notification");
            let done = next.total == Some(next.progress);
            seen.push(next);
            if done {
                return seen;
            }
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    async fn stop(mut self) {
        drop(within(10, self.client.cancel()).await);
        let status = within(15, self.child.wait()).await.expect("exits");
        assert_eq!(status.code(), Some(0));
    }
}

/// One call's notifications: one token, progress rising, ending at `total`.
fn assert_rises_to(seen: &[ProgressNotificationParam], total: f64) {
    assert!(!seen.is_empty());
    let token = &seen[0].progress_token;
    let mut last = 0.0;
    for n in seen {
        assert_eq!(&n.progress_token, token, "one call's token: {seen:?}");
        assert_eq!(n.total, Some(total), "{seen:?}");
        assert!(n.progress > last, "progress rises: {seen:?}");
        last = n.progress;
    }
    assert_eq!(last, total, "{seen:?}");
}

#[tokio::test]
async fn uploads_downloads_and_searches_report_their_progress() {
    let f = crate::files::fixture().await;
    let downloads = f.dir.path().join("downloads");
    // Four parts of 512 KiB and a short one.
    let size = 4 * 512 * 1024 + 1000;
    let path = f.dir.path().join("big.bin");
    std::fs::write(&path, crate::files_server::body("progress", size)).unwrap();
    let mut served = serve(
        &f.env,
        &["serve", "--download-dir", &downloads.display().to_string()],
    )
    .await;
    f.sandbox.faults().delay_answers_to(PART, SLOW);
    let sent = served
        .ok(
            "send_message",
            json!({"chat_id": "me", "message": "with progress", "files": path.display().to_string()}),
        )
        .await;
    let upload = served.until_done().await;
    assert_rises_to(&upload, size as f64);
    assert!(upload.len() >= 3, "one per part or so: {upload:?}");
    assert!(
        upload[0].message.as_deref() == Some("uploading big.bin"),
        "{upload:?}"
    );
    assert_eq!(f.sandbox.stats().count(PART), 5);

    f.sandbox.faults().clear();
    f.sandbox.faults().delay_answers_to("upload.getFile", SLOW);
    let id = sent["message_ids"][0].as_i64().unwrap();
    let saved = served
        .ok("download_media", json!({"chat_id": "me", "message_id": id}))
        .await;
    assert_eq!(saved["size"], size);
    let download = served.until_done().await;
    assert_rises_to(&download, size as f64);
    assert!(download.len() >= 2, "{download:?}");

    f.sandbox.faults().clear();
    f.sandbox.faults().set_delay(SLOW);
    served
        .ok(
            "search_messages_globally",
            json!({"query": "rust, invoice, meeting"}),
        )
        .await;
    let pages = served.until_done().await;
    assert_rises_to(&pages, 3.0);
    f.sandbox.faults().clear();
    // Nothing more for any of them after their results.
    served.ok("get_chat_info", json!({"chat_id": "me"})).await;
    assert!(served.progress.try_recv().is_err());
    served.stop().await;
}

#[tokio::test]
async fn a_cancelled_upload_stops_between_parts_and_sends_nothing() {
    let f = crate::files::fixture().await;
    // Twenty parts: seconds of upload at the slowed pace.
    let path = f.dir.path().join("cancel.bin");
    std::fs::write(&path, crate::files_server::body("cancel", 20 * 512 * 1024)).unwrap();
    let mut served = serve(&f.env, &["-v", "serve"]).await;
    served.ok("get_chat_info", json!({"chat_id": "me"})).await;
    let before = f.sent().len();
    f.sandbox.faults().delay_answers_to(PART, SLOW);

    // rmcp's client sends notifications/cancelled when a call is dropped: dropped once
    // the second part has arrived and progress has been told.
    let Value::Object(arguments) = json!({
        "chat_id": "me", "message": "never sent", "files": path.display().to_string()
    }) else {
        unreachable!()
    };
    let call = served
        .client
        .call_tool(CallToolRequestParams::new("send_message").with_arguments(arguments));
    let progress = &mut served.progress;
    let told = async {
        f.sandbox.stats().wait_for(PART, 2).await;
        progress.recv().await.expect("progress")
    };
    let told = tokio::select! {
        result = call => panic!("the upload should still run: {result:?}"),
        told = within(30, told) => told,
    };
    assert!(told.progress > 0.0 && told.progress < told.total.unwrap());
    within(30, async {
        while !served.stderr().contains("kind=\"interrupted\"") {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    let parts = f.sandbox.stats().count(PART);
    // Once the part in flight is answered, an upload still running would send the next
    // one at once, ahead of the next call's requests.
    within(30, async {
        while f.sandbox.stats().in_flight() > 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    served
        .ok("get_chat_info", json!({"chat_id": "@bob_builder"}))
        .await;
    assert_eq!(
        f.sandbox.stats().count(PART),
        parts,
        "no part after the cancel"
    );
    assert!(parts < 20, "{parts}");
    assert_eq!(f.sandbox.stats().count("messages.sendMedia"), 0);
    assert_eq!(f.sent().len(), before, "nothing was sent");
    assert!(
        !served.stderr().contains("unknown_outcome"),
        "nothing had left: {}",
        served.stderr()
    );
    f.sandbox.faults().clear();
    served.stop().await;
}

/// On the wire: the notifications carry the request's own token, all come before the
/// result, and a request without a token gets none.
#[tokio::test]
async fn progress_goes_out_before_the_result_and_only_when_asked() {
    let (sandbox, env) = crate::mcp::demo().await;
    let mut server = RawStdio::serve(&env);
    sandbox.faults().set_delay(SLOW);
    let search = |id: u64, meta: Value| {
        json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {
            "name": "search_messages_globally",
            "arguments": {"query": "rust, invoice, meeting"},
            "_meta": meta}})
    };
    let requests = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "progress", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        search(2, json!({"progressToken": "search-2"})),
    ];
    for request in &requests {
        server.send(request).await;
    }
    let mut progress = Vec::new();
    loop {
        let message = server.next().await;
        if message["id"] == 2 {
            assert!(
                message["result"]["structuredContent"].is_object(),
                "{message}"
            );
            break;
        }
        if message["method"] == "notifications/progress" {
            assert_eq!(message["params"]["progressToken"], "search-2");
            assert_eq!(message["params"]["total"], 3.0);
            progress.push(message["params"]["progress"].as_f64().unwrap());
        }
    }
    assert_eq!(progress.last(), Some(&3.0), "{progress:?}");
    // The same search without a token: its result, and no notification before or after
    // (a ping's answer comes after anything the search could still send).
    for (id, request) in [
        (3, search(3, json!({}))),
        (4, json!({"jsonrpc": "2.0", "id": 4, "method": "ping"})),
    ] {
        server.send(&request).await;
        loop {
            let message = server.next().await;
            assert_ne!(message["method"], "notifications/progress", "{message}");
            if message["id"] == id {
                break;
            }
        }
    }
    sandbox.faults().clear();
    assert_eq!(server.finish().await, Some(0));
}

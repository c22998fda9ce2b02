//! `tgmcp serve --http` end to end: the real binary on 127.0.0.1 (port 0), spoken to with
//! rmcp's streamable HTTP client and with plain HTTP requests, against an in-process
//! sandbox DC. Only loopback and temp dirs are touched.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rmcp::model::{CallToolRequestParams, CallToolResult};
use rmcp::service::RunningService;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Value, json};
use tgmcp::sandbox::{Sandbox, World};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

use crate::common::{TestEnv, within};
use crate::harness::Setup;

pub(crate) const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"test","version":"1"}}}"#;

/// A running `tgmcp serve --http`.
pub(crate) struct HttpServer {
    child: Child,
    pub(crate) addr: SocketAddr,
    stderr: Arc<Mutex<String>>,
}

impl HttpServer {
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub(crate) fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// An MCP client over streamable HTTP, with the token if given.
    pub(crate) async fn client(
        &self,
        path: &str,
        token: Option<&str>,
    ) -> RunningService<RoleClient, ()> {
        let mut config = StreamableHttpClientTransportConfig::with_uri(self.url(path));
        if let Some(token) = token {
            config = config.auth_header(token);
        }
        tgmcp::net::install_crypto_provider();
        let transport = StreamableHttpClientTransport::from_config(config);
        match within(30, ().serve(transport)).await {
            Ok(client) => client,
            Err(e) => panic!("MCP handshake over HTTP: {e}\nstderr: {}", self.stderr()),
        }
    }

    pub(crate) async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        request(reqwest::Method::GET, &self.url(path), headers, None).await
    }

    pub(crate) async fn post(&self, path: &str, headers: &[(&str, &str)], body: &str) -> Answer {
        let mut all = vec![
            ("content-type", "application/json"),
            ("accept", "application/json, text/event-stream"),
        ];
        all.extend_from_slice(headers);
        request(
            reqwest::Method::POST,
            &self.url(path),
            &all,
            Some(body.to_owned()),
        )
        .await
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id().expect("running")
    }

    /// The exit code, once the server exits by itself (after a signal sent by pid).
    pub(crate) async fn exited(mut self) -> i32 {
        let status = within(40, self.child.wait()).await.expect("tgmcp exits");
        status.code().unwrap_or(-1)
    }

    /// SIGTERM, then the exit code.
    pub(crate) async fn terminate(mut self) -> i32 {
        signal(&self.child, "TERM").await;
        let status = within(20, self.child.wait()).await.expect("tgmcp exits");
        status.code().unwrap_or(-1)
    }
}

pub(crate) async fn signal(child: &Child, name: &str) {
    let pid = child.id().expect("running").to_string();
    let status = tokio::process::Command::new("kill")
        .args([format!("-{name}"), pid])
        .status()
        .await
        .expect("kill runs");
    assert!(status.success());
}

pub(crate) struct Answer {
    pub(crate) status: u16,
    headers: reqwest::header::HeaderMap,
    pub(crate) body: String,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }

    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

pub(crate) async fn request(
    method: reqwest::Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> Answer {
    tgmcp::net::install_crypto_provider();
    let client = reqwest::Client::new();
    let mut builder = client.request(method, url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    if let Some(body) = body {
        builder = builder.body(body);
    }
    let response = within(30, builder.send()).await.expect("request sent");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = within(30, response.text()).await.unwrap_or_default();
    Answer {
        status,
        headers,
        body,
    }
}

/// Starts `tgmcp serve --http 127.0.0.1:0 <args>` and waits for its address.
pub(crate) async fn start(env: &TestEnv, args: &[&str]) -> HttpServer {
    start_with(env, args, |_| {}).await
}

pub(crate) async fn start_with(
    env: &TestEnv,
    args: &[&str],
    tweak: impl FnOnce(&mut tokio::process::Command),
) -> HttpServer {
    let mut cmd = env.command();
    cmd.args(["serve", "--http", "127.0.0.1:0"]).args(args);
    tweak(&mut cmd);
    spawn(cmd).await
}

/// Spawns `cmd` (a `tgmcp serve --http`, perhaps wrapped) and waits for its address.
pub(crate) async fn spawn(mut cmd: tokio::process::Command) -> HttpServer {
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("tgmcp starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr is piped")).lines();
    let stderr = Arc::new(Mutex::new(String::new()));
    let addr = within(30, async {
        while let Some(line) = lines.next_line().await.expect("stderr") {
            stderr.lock().unwrap().push_str(&format!("{line}\n"));
            if let Some(rest) = line.split("serving MCP at http://").nth(1) {
                return rest
                    .split("/mcp")
                    .next()
                    .unwrap()
                    .parse::<SocketAddr>()
                    .unwrap();
            }
        }
        panic!(
            "tgmcp exited before serving:\n{}",
            stderr.lock().unwrap().clone()
        );
    })
    .await;
    let sink = Arc::clone(&stderr);
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            sink.lock().unwrap().push_str(&format!("{line}\n"));
        }
    });
    HttpServer {
        child,
        addr,
        stderr,
    }
}

/// The demo world, a profile logged in to it, and a bearer token for the profile.
pub(crate) async fn demo() -> (Sandbox, TestEnv, String) {
    let sandbox = Sandbox::start(World::demo()).await.expect("sandbox starts");
    let me = sandbox.world().demo_user();
    let env = TestEnv::new();
    env.profile_at(&sandbox, "default", me).await;
    let token = save_token(&env, "default");
    (sandbox, env, token)
}

/// [`demo`], with the temp folder checked empty at the end ([`Setup`]).
pub(crate) async fn checked_demo() -> (Setup, String) {
    let f = Setup::demo().await;
    let token = save_token(&f.env, "default");
    (f, token)
}

pub(crate) fn save_token(env: &TestEnv, profile: &str) -> String {
    let token = tgmcp::http::token::generate().unwrap();
    tgmcp::http::token::save(&env.profile_dir(profile).join("token"), &token).unwrap();
    token
}

fn params(tool: &str, arguments: Value) -> CallToolRequestParams {
    let Value::Object(arguments) = arguments else {
        panic!("arguments must be an object");
    };
    CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments)
}

pub(crate) async fn call(
    client: &RunningService<RoleClient, ()>,
    tool: &str,
    args: Value,
) -> CallToolResult {
    within(60, client.call_tool(params(tool, args.clone())))
        .await
        .unwrap_or_else(|e| panic!("{tool}({args}): {e}"))
}

pub(crate) fn structured(result: &CallToolResult) -> Value {
    assert_ne!(result.is_error, Some(true), "tool error: {result:?}");
    result.structured_content.clone().expect("structured")
}

/// Prometheus text: `name{labels}` → value, every sample line parsed.
pub(crate) fn parse_metrics(text: &str) -> HashMap<String, f64> {
    let mut samples = HashMap::new();
    for line in text.lines() {
        if line.is_empty() || line.starts_with('#') {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let kind = rest.split_whitespace().nth(1).unwrap();
                assert!(
                    ["counter", "gauge", "histogram", "summary"].contains(&kind),
                    "{line}"
                );
            }
            continue;
        }
        let (key, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("{line}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("{line}"));
        let name = key.split('{').next().unwrap();
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "{line}"
        );
        assert!(
            samples.insert(key.to_owned(), value).is_none(),
            "dup {line}"
        );
    }
    samples
}

async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn every_tool_over_http_with_the_token() {
    let (f, token) = checked_demo().await;
    let env = &f.env;
    let server = start_with(env, &[], |cmd| {
        cmd.env("TGMCP_LOG", "debug");
    })
    .await;

    for path in ["/mcp", "/v1/mcp"] {
        let client = server.client(path, Some(&token)).await;
        let tools = within(30, client.list_all_tools()).await.unwrap();
        // All but download_media, which needs --download-dir over HTTP.
        assert_eq!(tools.len(), tgmcp::mcp::TOOL_NAMES.len() - 1, "{path}");
        assert!(tools.iter().all(|t| t.name != "download_media"), "{path}");
        let found = structured(&call(&client, "find_chats", json!({"query": "bob"})).await);
        assert!(
            found["chats"].to_string().contains("bob_builder"),
            "{found}"
        );
        drop(within(10, client.cancel()).await);
    }

    let client = server.client("/mcp", Some(&token)).await;
    let page = structured(
        &call(
            &client,
            "search_messages_globally",
            json!({"query": "invoice"}),
        )
        .await,
    );
    assert!(!page["messages"].as_array().unwrap().is_empty(), "{page}");
    structured(&call(&client, "search_messages_in_chat", json!({"chat_id": "me"})).await);
    structured(&call(&client, "get_chat_info", json!({"chat_id": "@bob_builder"})).await);
    let sent = structured(
        &call(
            &client,
            "send_message",
            json!({"chat_id": "me", "message": "over http"}),
        )
        .await,
    );
    let id = sent["message_ids"][0].as_i64().expect("a message id");
    let read = structured(
        &call(
            &client,
            "read_messages",
            json!({"chat_id": "me", "message_ids": [id]}),
        )
        .await,
    );
    assert!(read.to_string().contains("over http"), "{read}");
    structured(
        &call(
            &client,
            "edit_message",
            json!({"chat_id": "me", "message_id": id, "message": "edited over http"}),
        )
        .await,
    );
    let stranger = call(
        &client,
        "send_message_to_phone",
        json!({"phone_number": "+15559999999", "message": "hello?"}),
    )
    .await;
    assert_eq!(stranger.is_error, Some(true), "{stranger:?}");
    let stranger = crate::mcp::error_of(&stranger);
    assert_eq!(stranger["kind"], "peer_not_found", "{stranger}");
    assert!(
        stranger["message"]
            .as_str()
            .unwrap()
            .starts_with("peer not found: +1555•••••99 is not on Telegram"),
        "{stranger}"
    );
    // Local paths are refused over HTTP (by policy); a bad value is invalid input.
    let files = call(
        &client,
        "send_message",
        json!({"chat_id": "me", "message": "x", "files": ["/etc/passwd"]}),
    )
    .await;
    assert_eq!(files.is_error, Some(true));
    let files = crate::mcp::error_of(&files);
    assert_eq!(files["kind"], "forbidden", "{files}");
    assert!(
        files["message"]
            .as_str()
            .unwrap()
            .contains("/etc/passwd: local paths are refused over HTTP"),
        "{files}"
    );
    let invalid = call(
        &client,
        "send_message",
        json!({"chat_id": "me", "message": "x", "files": [""]}),
    )
    .await;
    assert_eq!(invalid.is_error, Some(true));
    assert_eq!(
        crate::mcp::error_of(&invalid),
        json!({"kind": "invalid_input", "message": "invalid input: files holds an empty entry — give a path, an https URL or a data: URI"})
    );

    let health = server.get("/health", &[]).await.json();
    assert_eq!(health["sessions"], 1, "{health}");

    let metrics = server
        .get("/metrics", &[("authorization", &format!("Bearer {token}"))])
        .await;
    assert_eq!(metrics.status, 200);
    assert!(metrics.header("content-type").starts_with("text/plain"));
    let samples = parse_metrics(&metrics.body);
    let value = |key: &str| {
        *samples
            .get(key)
            .unwrap_or_else(|| panic!("{key} missing:\n{}", metrics.body))
    };
    assert_eq!(
        value(r#"tgmcp_tool_calls_total{tool="find_chats",outcome="ok"}"#),
        2.0
    );
    assert_eq!(
        value(r#"tgmcp_tool_calls_total{tool="send_message",outcome="ok"}"#),
        1.0
    );
    assert_eq!(
        value(r#"tgmcp_tool_calls_total{tool="send_message",outcome="invalid_input"}"#),
        1.0
    );
    assert_eq!(
        value(r#"tgmcp_tool_call_duration_seconds_count{tool="find_chats"}"#),
        2.0
    );
    assert!(
        value(r#"tgmcp_http_requests_total{route="/v1/mcp",method="POST",status="200"}"#) >= 3.0
    );
    assert_eq!(
        value(r#"tgmcp_http_requests_total{route="/health",method="GET",status="200"}"#),
        1.0
    );
    assert_eq!(value("tgmcp_mcp_sessions"), 1.0);
    assert_eq!(value("tgmcp_telegram_authorized"), 1.0);
    assert!(value("process_resident_memory_bytes") > 1e6);
    assert!(value("process_open_fds") > 3.0);

    drop(within(10, client.cancel()).await);
    let stderr = server.stderr();
    assert_eq!(server.terminate().await, 0, "{stderr}");
    assert!(!stderr.contains(&token), "the token leaked into the logs");
    assert!(!stderr.contains(&token[6..20]));
}

#[tokio::test]
async fn bearer_token_none_wrong_right() {
    let (f, token) = checked_demo().await;
    let env = &f.env;
    let server = start(env, &[]).await;

    let none = server.post("/mcp", &[], INITIALIZE).await;
    assert_eq!(none.status, 401);
    assert!(
        none.header("www-authenticate")
            .starts_with(r#"Bearer realm="tgmcp", error_description="#)
    );
    assert_eq!(none.json()["error"], "unauthorized");

    let wrong_token = format!("{}x", &token[..token.len() - 1]);
    for wrong in [
        format!("Bearer {wrong_token}"),
        format!("Basic {token}"),
        "Bearer".to_owned(),
    ] {
        let answer = server
            .post("/v1/mcp", &[("authorization", &wrong)], INITIALIZE)
            .await;
        assert_eq!(answer.status, 401, "{wrong}");
        assert!(answer.header("www-authenticate").starts_with("Bearer"));
        assert!(answer.json()["message"].is_string());
        assert!(!answer.body.contains(&token));
    }

    let right = server
        .post(
            "/mcp",
            &[("authorization", &format!("bearer {token}"))],
            INITIALIZE,
        )
        .await;
    assert_eq!(right.status, 200, "{}", right.body);
    assert!(!right.header("mcp-session-id").is_empty());

    // Monitoring: /health and /ready open, /metrics behind the token.
    assert_eq!(server.get("/health", &[]).await.status, 200);
    assert_eq!(server.get("/ready", &[]).await.status, 200);
    let metrics = server.get("/metrics", &[]).await;
    assert_eq!(metrics.status, 401);
    assert_eq!(metrics.json()["error"], "unauthorized");
    let missing = server.get("/nope", &[]).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"], "not_found");
    let health = server.get("/health", &[]).await.body;
    assert!(!health.contains(&token[..10]), "{health}");
    assert!(!health.contains("+1555"), "no phone numbers: {health}");
    assert_eq!(server.terminate().await, 0);

    let server = start(env, &["--metrics-public"]).await;
    assert_eq!(server.get("/metrics", &[]).await.status, 200);
    assert_eq!(server.post("/mcp", &[], INITIALIZE).await.status, 401);
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn no_auth_only_on_loopback() {
    let f = Setup::demo().await;
    let env = &f.env;

    // Without a token, loopback needs --no-auth, and says so.
    let run = env.run(&["serve", "--http", "127.0.0.1:0"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--rotate-token"), "{run:?}");
    assert!(run.stderr.contains("--no-auth"), "{run:?}");

    let server = start(env, &["--no-auth"]).await;
    let client = server.client("/mcp", None).await;
    assert_eq!(
        within(30, client.list_all_tools()).await.unwrap().len(),
        tgmcp::mcp::TOOL_NAMES.len() - 1,
        "every tool but download_media (no --download-dir)"
    );
    drop(within(10, client.cancel()).await);
    assert_eq!(server.terminate().await, 0);

    // Anywhere else: refused before binding, token or not.
    let run = env
        .run(&["serve", "--http", "0.0.0.0:0", "--no-auth"])
        .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("loopback"), "{run:?}");
    let run = env.run(&["serve", "--http", "0.0.0.0:0"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("tgmcp setup --rotate-token"), "{run:?}");
    assert!(!run.stderr.contains("--no-auth"), "{run:?}");
    let run = env
        .run_with(&["serve", "--no-auth"], |cmd| {
            cmd.env("TGMCP_HTTP", "0.0.0.0:0");
        })
        .await;
    assert_eq!(run.code, 2, "{run:?}");
}

#[tokio::test]
async fn bad_host_and_origin_are_refused() {
    let (f, token) = checked_demo().await;
    let env = &f.env;
    let auth = format!("Bearer {token}");
    let server = start(env, &["--allow-host", "mcp.example.com"]).await;
    let port = server.addr.port();

    let evil = server
        .post(
            "/mcp",
            &[("host", "evil.example"), ("authorization", &auth)],
            INITIALIZE,
        )
        .await;
    assert_eq!(evil.status, 403);
    assert_eq!(evil.json()["error"], "forbidden_host");
    assert!(
        evil.json()["message"]
            .as_str()
            .unwrap()
            .contains("--allow-host")
    );
    // Health too: a rebinding page learns nothing.
    assert_eq!(
        server
            .get("/health", &[("host", "evil.example")])
            .await
            .status,
        403
    );
    let rebound = format!("127.0.0.1.evil.example:{port}");
    assert_eq!(
        server.get("/health", &[("host", &rebound)]).await.status,
        403
    );

    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "mcp.example.com".to_owned(),
    ] {
        let answer = server
            .post(
                "/mcp",
                &[("host", &host), ("authorization", &auth)],
                INITIALIZE,
            )
            .await;
        assert_eq!(answer.status, 200, "{host}: {}", answer.body);
    }

    let origin = server
        .post(
            "/mcp",
            &[("origin", "http://evil.example"), ("authorization", &auth)],
            INITIALIZE,
        )
        .await;
    assert_eq!(origin.status, 403);
    assert_eq!(origin.json()["error"], "forbidden_origin");
    for bad in ["null", &format!("http://localhost:{}", port + 1)] {
        let answer = server
            .post(
                "/mcp",
                &[("origin", bad), ("authorization", &auth)],
                INITIALIZE,
            )
            .await;
        assert_eq!(answer.status, 403, "{bad}");
    }
    let same = format!("http://127.0.0.1:{port}");
    let answer = server
        .post(
            "/mcp",
            &[("origin", &same), ("authorization", &auth)],
            INITIALIZE,
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn health_and_ready_follow_telegram_down_and_back_up() {
    let (f, _token) = checked_demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = start(env, &[]).await;

    eventually("healthy", async || {
        server.get("/health", &[]).await.status == 200
    })
    .await;
    let health = server.get("/health", &[]).await.json();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(health["transport"], "streamable-http");
    assert_eq!(health["telegram"]["connected"], true);
    assert_eq!(health["telegram"]["authorized"], true);
    assert_eq!(health["telegram"]["home_dc"], sandbox.dc_id());
    assert!(health["telegram"]["last_ok_unix"].as_u64().unwrap() > 1_600_000_000);
    assert!(health["uptime_s"].is_u64());
    assert_eq!(server.get("/ready", &[]).await.status, 200);

    // Telegram stops answering: the health probe gives up after 2 s.
    sandbox.faults().set_delay(Duration::from_secs(3));
    eventually("unhealthy", async || {
        server.get("/health", &[]).await.status == 503
    })
    .await;
    let health = server.get("/health", &[]).await.json();
    assert_eq!(health["status"], "unavailable");
    assert_eq!(health["telegram"]["connected"], false);
    assert_eq!(health["telegram"]["last_error_kind"], "network");
    let ready = server.get("/ready", &[]).await;
    assert_eq!(ready.status, 503);
    assert_eq!(ready.json()["reason"], "telegram_unreachable");

    // And answers again, after dropping the connection once.
    sandbox.faults().set_delay(Duration::ZERO);
    sandbox.faults().drop_after(0);
    eventually("healthy again", async || {
        server.get("/health", &[]).await.status == 200
    })
    .await;
    assert_eq!(server.get("/ready", &[]).await.status, 200);
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn ready_and_metrics_follow_a_dc_restart_and_flood_waits() {
    let (sandbox, env, token) = demo().await;
    let server = start(&env, &[]).await;
    let auth = format!("Bearer {token}");
    eventually("ready", async || {
        server.get("/ready", &[]).await.status == 200
    })
    .await;
    let client = server.client("/mcp", Some(&token)).await;

    // A short FLOOD_WAIT is slept through; a long one is returned with its seconds.
    sandbox.faults().flood_wait("contacts.search", 1, Some(1));
    structured(&call(&client, "find_chats", json!({"query": "bob"})).await);
    sandbox
        .faults()
        .flood_wait("messages.sendMessage", 120, Some(1));
    let flood = call(
        &client,
        "send_message",
        json!({"chat_id": "me", "message": "not now"}),
    )
    .await;
    assert_eq!(flood.is_error, Some(true), "{flood:?}");

    // The DC goes away: not ready. It comes back on the same address: ready again,
    // and tools work, without restarting the server.
    let stopped = sandbox.stop().await;
    eventually("not ready", async || {
        server.get("/ready", &[]).await.status == 503
    })
    .await;
    let ready = server.get("/ready", &[]).await.json();
    assert_eq!(ready["reason"], "telegram_unreachable", "{ready}");
    let sandbox = stopped.start().await.expect("the DC restarts");
    eventually("ready again", async || {
        server.get("/ready", &[]).await.status == 200
    })
    .await;
    structured(&call(&client, "find_chats", json!({"query": "carol"})).await);
    assert!(sandbox.stats().count("contacts.search") >= 1);

    let metrics = server.get("/metrics", &[("authorization", &auth)]).await;
    let samples = parse_metrics(&metrics.body);
    let value = |key: &str| samples.get(key).copied().unwrap_or(0.0);
    let requests = |method: &str, outcome: &str| {
        value(&format!(
            r#"tgmcp_telegram_requests_total{{method="{method}",outcome="{outcome}"}}"#
        ))
    };
    assert_eq!(
        requests("messages.sendMessage", "FLOOD_WAIT"),
        1.0,
        "{}",
        metrics.body
    );
    assert_eq!(requests("contacts.search", "ok"), 2.0, "{}", metrics.body);
    assert!(
        requests("updates.getState", "ok") >= 2.0,
        "{}",
        metrics.body
    );
    assert!(
        requests("updates.getState", "network") >= 1.0,
        "{}",
        metrics.body
    );
    assert_eq!(
        value(r#"tgmcp_telegram_flood_waits_total{handling="slept"}"#),
        1.0
    );
    assert_eq!(
        value(r#"tgmcp_telegram_flood_wait_seconds_total{handling="slept"}"#),
        1.0
    );
    assert_eq!(
        value(r#"tgmcp_telegram_flood_waits_total{handling="returned"}"#),
        1.0
    );
    assert_eq!(
        value(r#"tgmcp_telegram_flood_wait_seconds_total{handling="returned"}"#),
        120.0
    );
    assert!(
        value("tgmcp_telegram_connection_losses_total") >= 1.0,
        "{}",
        metrics.body
    );
    assert!(
        value("tgmcp_telegram_reconnects_total") >= 1.0,
        "{}",
        metrics.body
    );
    assert!(
        value(r#"tgmcp_telegram_request_seconds_total{method="contacts.search"}"#) >= 1.0,
        "the slept flood wait counts in the time: {}",
        metrics.body
    );

    drop(within(10, client.cancel()).await);
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn json_logs_have_one_event_per_request_with_tool_and_outcome() {
    let (f, token) = checked_demo().await;
    let env = &f.env;
    let server = start_with(env, &["--log-format", "json"], |cmd| {
        cmd.env("TGMCP_LOG", "info");
    })
    .await;
    let client = server.client("/mcp", Some(&token)).await;
    structured(&call(&client, "find_chats", json!({"query": "bob"})).await);
    let refused = call(
        &client,
        "get_chat_info",
        json!({"chat_id": "@nobody_here_at_all"}),
    )
    .await;
    assert_eq!(refused.is_error, Some(true));
    let refused = crate::mcp::error_of(&refused);
    assert_eq!(refused["kind"], "peer_not_found", "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .starts_with("peer not found: @nobody_here_at_all does not exist"),
        "{refused}"
    );
    assert_eq!(server.get("/ready", &[]).await.status, 200);
    drop(within(10, client.cancel()).await);
    let stderr = server.stderr();
    assert_eq!(server.terminate().await, 0, "{stderr}");

    let events: Vec<Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .filter(|event: &Value| event["fields"]["message"] == "request")
        .collect();
    let find = |tool: &str| {
        events
            .iter()
            .find(|e| e["fields"]["tool"] == tool)
            .unwrap_or_else(|| panic!("no request event for {tool} in\n{stderr}"))
    };
    let found = &find("find_chats")["fields"];
    assert_eq!(found["outcome"], "ok", "{found}");
    assert_eq!(found["route"], "/mcp");
    assert_eq!(found["method"], "POST");
    assert_eq!(found["status"], 200);
    assert!(found["duration_ms"].as_f64().unwrap() > 0.0);
    assert_eq!(find("get_chat_info")["fields"]["outcome"], "peer_not_found");
    let ready = events
        .iter()
        .find(|e| e["fields"]["route"] == "/ready")
        .expect("/ready logged");
    assert_eq!(ready["fields"]["status"], 200);
    assert!(ready["fields"].get("tool").is_none(), "{ready}");
    assert!(!stderr.contains(&token), "the token leaked into the logs");
}

#[tokio::test]
async fn health_is_503_without_a_login() {
    let f = TestEnv::builder().logged_out("default").build().await;
    let env = &f.env;
    let server = start(env, &["--no-auth"]).await;
    eventually("not authorized", async || {
        server.get("/health", &[]).await.json()["telegram"]["authorized"] == false
    })
    .await;
    let health = server.get("/health", &[]).await;
    assert_eq!(health.status, 503);
    assert_eq!(
        health.json()["telegram"]["last_error_kind"],
        "not_logged_in"
    );
    let ready = server.get("/ready", &[]).await;
    assert_eq!(
        (ready.status, ready.json()["reason"].clone()),
        (503, json!("not_authorized"))
    );
    assert_eq!(server.terminate().await, 0);

    // No session at all: the server still runs, and says it is not usable.
    let env = TestEnv::checked();
    let server = start(&env, &["--no-auth"]).await;
    let health = server.get("/health", &[]).await;
    assert_eq!(health.status, 503);
    assert_eq!(health.json()["telegram"]["authorized"], false);
    assert_eq!(server.get("/ready", &[]).await.status, 503);
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn limits_answer_413_and_503_with_json() {
    let (f, token) = checked_demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let auth = format!("Bearer {token}");
    let server = start(env, &["--max-body-bytes", "2048", "--max-concurrent", "1"]).await;

    let big = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"ping","params":{{"pad":"{}"}}}}"#,
        "x".repeat(4096)
    );
    let answer = server.post("/mcp", &[("authorization", &auth)], &big).await;
    assert_eq!(answer.status, 413);
    assert_eq!(answer.json()["error"], "payload_too_large");
    assert!(
        answer.json()["message"]
            .as_str()
            .unwrap()
            .contains("--max-body-bytes")
    );

    let client = Arc::new(server.client("/mcp", Some(&token)).await);
    sandbox.faults().set_delay(Duration::from_millis(1500));
    let slow = {
        let client = Arc::clone(&client);
        tokio::spawn(async move { call(&client, "find_chats", json!({})).await })
    };
    // The slow call holds the slot once its request reached the DC.
    let dialogs = sandbox.stats().count("messages.getDialogs");
    within(
        30,
        sandbox.stats().wait_for("messages.getDialogs", dialogs + 1),
    )
    .await;
    let busy = server
        .post("/mcp", &[("authorization", &auth)], INITIALIZE)
        .await;
    assert_eq!(busy.status, 503, "{}", busy.body);
    assert_eq!(busy.json()["error"], "unavailable");
    assert_eq!(busy.header("retry-after"), "1");
    structured(&slow.await.unwrap());
    sandbox.faults().set_delay(Duration::ZERO);
    // The slot is free again.
    structured(&call(&client, "find_chats", json!({})).await);
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn a_call_longer_than_the_request_timeout_is_a_tool_error() {
    let (f, token) = checked_demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = start(env, &["--request-timeout", "1"]).await;
    let client = server.client("/mcp", Some(&token)).await;
    sandbox.faults().set_delay(Duration::from_secs(4));
    let started = Instant::now();
    let result = call(&client, "find_chats", json!({})).await;
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(result.is_error, Some(true));
    let error = &crate::mcp::error_of(&result);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("--request-timeout"),
        "{error}"
    );
    sandbox.faults().set_delay(Duration::ZERO);
    drop(within(10, client.cancel()).await);
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn graceful_shutdown_lets_a_call_in_flight_finish() {
    let (f, token) = checked_demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = start(env, &[]).await;
    let client = Arc::new(server.client("/mcp", Some(&token)).await);
    sandbox.faults().set_delay(Duration::from_millis(1500));
    let in_flight = {
        let client = Arc::clone(&client);
        tokio::spawn(async move {
            call(
                &client,
                "send_message",
                json!({"chat_id": "me", "message": "sent during shutdown"}),
            )
            .await
        })
    };
    // SIGTERM once the call's request reached the DC.
    within(30, sandbox.stats().wait_for("messages.sendMessage", 1)).await;
    signal(&server.child, "TERM").await;
    let result = within(20, in_flight).await.unwrap();
    assert!(structured(&result)["message_ids"][0].is_i64());

    let mut child = server.child;
    let status = within(20, child.wait()).await.unwrap();
    assert_eq!(status.code(), Some(0), "{}", server.stderr.lock().unwrap());
    tgmcp::net::install_crypto_provider();
    let refused = reqwest::Client::new()
        .get(format!("http://{}/health", server.addr))
        .send()
        .await;
    assert!(refused.is_err(), "still accepting after shutdown");
}

#[tokio::test]
async fn setup_rotate_token_prints_http_configs() {
    let f = Setup::demo().await;
    let env = &f.env;
    let path = env.profile_dir("default").join("token");
    assert!(!path.exists());

    let run = env.run(&["setup", "--rotate-token", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let first = tgmcp::http::token::load(&path).unwrap().expect("a token");
    assert_eq!(first.len(), "tgmcp_".len() + 43);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let out = run.json();
    let bearer = format!("Bearer {first}");
    assert_eq!(
        out["mcp"]["cursor"]["mcpServers"]["telegram"]["headers"]["Authorization"],
        bearer
    );
    assert_eq!(out["mcp"]["vscode"]["servers"]["telegram"]["type"], "http");
    assert_eq!(out["mcp"]["url"], "http://127.0.0.1:8000/mcp");
    assert!(
        out["mcp"]["claude_code"]
            .as_str()
            .unwrap()
            .contains(&bearer)
    );

    let run = env
        .run_with(&["setup", "--rotate-token"], |cmd| {
            cmd.env("TGMCP_HTTP", "127.0.0.1:9999");
        })
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let second = tgmcp::http::token::load(&path).unwrap().unwrap();
    assert_ne!(first, second);
    assert!(run.stdout.contains(&format!("Bearer {second}")), "{run:?}");
    assert!(run.stdout.contains("http://127.0.0.1:9999/mcp"), "{run:?}");
    assert!(
        run.stdout.contains("tgmcp serve --http 127.0.0.1:9999"),
        "{run:?}"
    );
    // The session was not touched: still logged in.
    assert_eq!(env.run(&["health", "--json"]).await.code, 0);

    // A server started now takes the new token only.
    let server = start(env, &[]).await;
    let old = server
        .post(
            "/mcp",
            &[("authorization", &format!("Bearer {first}"))],
            INITIALIZE,
        )
        .await;
    assert_eq!(old.status, 401);
    let new = server
        .post(
            "/mcp",
            &[("authorization", &format!("Bearer {second}"))],
            INITIALIZE,
        )
        .await;
    assert_eq!(new.status, 200);
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn health_url_probes_a_running_server() {
    let (sandbox, env, _token) = demo().await;
    let server = start(&env, &[]).await;
    let url = server.url("");
    eventually("healthy", async || {
        server.get("/ready", &[]).await.status == 200
    })
    .await;

    let run = env.run(&["health", "--url", &url]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("ok   health"), "{run:?}");
    let run = env
        .run(&["--json", "health", "--url", &format!("{url}/mcp")])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let out = run.json();
    assert_eq!(out["ok"], true);
    assert_eq!(out["health"]["status"], 200);
    assert_eq!(out["ready"]["body"]["ready"], true);

    drop(sandbox);
    eventually("unhealthy", async || {
        server.get("/health", &[]).await.status == 503
    })
    .await;
    let run = env.run(&["health", "--url", &url]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("FAIL"), "{run:?}");
    assert_eq!(server.terminate().await, 0);

    // Nothing listening.
    let run = env.run(&["health", "--url", &url, "--timeout", "2"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.contains("cannot reach"), "{run:?}");
}

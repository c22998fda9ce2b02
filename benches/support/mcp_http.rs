//! An MCP client over streamable HTTP for the benches: one session, bearer token,
//! JSON-RPC requests timed by wall clock. Shared by `benches/http.rs` and
//! `benches/hosted.rs` (`#[path]`-included; benches have no common crate).

use std::time::{Duration, Instant};

use serde_json::json;

pub struct Client {
    http: reqwest::Client,
    url: String,
    auth: String,
    session: String,
}

impl Client {
    /// `initialize` and `notifications/initialized` with `token`, over `http`.
    pub async fn connect(http: &reqwest::Client, url: &str, token: &str) -> Self {
        let auth = format!("Bearer {token}");
        let response = http
            .post(url)
            .header("authorization", &auth)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(
                json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                    "protocolVersion": "2025-06-18", "capabilities": {},
                    "clientInfo": {"name": "bench", "version": "0"}}})
                .to_string(),
            )
            .send()
            .await
            .expect("initialize");
        let session = response
            .headers()
            .get("mcp-session-id")
            .expect("a session id")
            .to_str()
            .unwrap()
            .to_owned();
        response.text().await.expect("initialize answer");
        let client = Self {
            http: http.clone(),
            url: url.to_owned(),
            auth,
            session,
        };
        client
            .send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await;
        client
    }

    async fn send(&self, message: serde_json::Value) -> String {
        let (status, answer) = self.send_raw(message).await;
        assert!(status.is_success(), "status {status}");
        answer
    }

    async fn send_raw(&self, message: serde_json::Value) -> (reqwest::StatusCode, String) {
        let response = self
            .http
            .post(&self.url)
            .header("authorization", &self.auth)
            .header("mcp-session-id", &self.session)
            .header("mcp-protocol-version", "2025-06-18")
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(message.to_string())
            .send()
            .await
            .expect("request");
        let status = response.status();
        (status, response.text().await.expect("answer"))
    }

    /// Like [`Client::request`], but an answer 503 (the server's limit on calls at once,
    /// reached when an open loop outruns it) is `None` rather than a panic.
    #[allow(dead_code)]
    pub async fn request_or_busy(
        &self,
        id: usize,
        method: &str,
        params: serde_json::Value,
    ) -> Option<Duration> {
        let started = Instant::now();
        let (status, answer) = self
            .send_raw(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        if status == reqwest::StatusCode::SERVICE_UNAVAILABLE {
            return None;
        }
        let elapsed = started.elapsed();
        assert!(status.is_success(), "status {status}");
        assert!(
            answer.contains("\"result\"") && !answer.contains("\"isError\":true"),
            "{answer}"
        );
        Some(elapsed)
    }

    /// One request; its wall time. Panics unless it was answered without an error.
    pub async fn request(&self, id: usize, method: &str, params: serde_json::Value) -> Duration {
        let started = Instant::now();
        let answer = self
            .send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))
            .await;
        let elapsed = started.elapsed();
        assert!(
            answer.contains("\"result\"") && !answer.contains("\"isError\":true"),
            "{answer}"
        );
        elapsed
    }
}

//! tgmcp driven by the official MCP SDKs — Python (`mcp`, pinned 2.x) and TypeScript
//! (`@modelcontextprotocol/sdk`, pinned) — over stdio and HTTP, as the clients people use
//! drive it. Each calls every tool; the SDKs validate every result against its tool's
//! output schema, and any warning they print fails the test. The scripts are in
//! tests/sdk/; `.ci/run` installs the SDKs into target/sdk (or set SDK_TEST_DIR). Without
//! them the tests say so and pass, except under CI=true, where they fail.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::{TestEnv, within};

/// Where `.ci/run` installs the SDKs: `venv/` (Python) and `node/node_modules` (npm).
fn sdk_dir() -> PathBuf {
    std::env::var_os("SDK_TEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/sdk"))
}

fn scripts() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sdk")
}

/// `Some(path)` when `path` exists; otherwise a visible skip, or a failure under CI.
fn required(path: PathBuf, what: &str) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    let message = format!(
        "{what} is not installed at {} — run .ci/run (or set SDK_TEST_DIR) to test with it",
        path.display()
    );
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true: {message}"
    );
    eprintln!("SKIPPED: {message}");
    None
}

fn python() -> Option<PathBuf> {
    required(sdk_dir().join("venv/bin/python"), "the MCP Python SDK")
}

/// Node with the TypeScript SDK: the script is copied next to its node_modules, as ES
/// modules resolve packages from the importing file's folder.
fn node_script() -> Option<PathBuf> {
    let dir = sdk_dir().join("node");
    required(
        dir.join("node_modules/@modelcontextprotocol/sdk"),
        "the MCP TypeScript SDK",
    )?;
    let script = dir.join("ts_client.mjs");
    std::fs::copy(scripts().join("ts_client.mjs"), &script).expect("copy the script");
    Some(script)
}

/// Every tool, with arguments that succeed in the demo world, then argument mistakes
/// (tool errors, which the SDKs must take without a warning).
fn cases() -> Value {
    json!([
        ["search_messages_globally", {"query": "invoice"}],
        ["search_messages_in_chat", {"chat_id": "me", "limit": 5}],
        ["read_messages", {"chat_id": "me", "message_ids": [1, 999999]}],
        ["find_chats", {}],
        ["find_chats", {"query": "alice", "limit": "3"}],
        ["get_chat_info", {"chat_id": "me"}],
        ["send_message", {"chat_id": "me", "message": "hello from an SDK"}],
        ["edit_message", {"chat_id": "me", "message_id": "$sent", "message": "edited by an SDK"}],
        ["send_message_to_phone", {"phone_number": "+15550100002", "message": "hi"}],
        ["send_message", {"chat_id": "me", "message": "a file",
            "files": ["data:text/plain;base64,aGVsbG8gZnJvbSBhbiBTREs="]}],
        ["download_media", {"chat_id": "me", "message_id": "$sent"}],
        ["invoke_mtproto", {"method_full_name": "users.getUsers", "params_json": {"id": ["me"]}}],
        ["wait_for_messages", {"timeout_s": 1}],
        ["search_messages_globally", {"query": "x", "limit": "ten"}],
        ["get_chat_info", {"chat_id": "@no_such_user_here"}],
    ])
}

/// Runs `program args` in `env` and returns its JSON report.
async fn run(env: &TestEnv, program: &Path, args: &[String]) -> Value {
    let mut cmd = env.command_for(program.to_str().unwrap());
    cmd.args(args);
    let out = within(180, cmd.output())
        .await
        .expect("the SDK client runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{} failed ({}):\n{stdout}\n{stderr}",
        program.display(),
        out.status
    );
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("not a report ({e}):\n{stdout}\n{stderr}"))
}

/// What every run must show: all tools listed and called, every good call a validated
/// success with structured content, every mistake a tool error, and no warning.
fn check(report: &Value, label: &str) {
    assert_eq!(report["warnings"], json!([]), "{label}: {report}");
    assert_eq!(
        report["tools"].as_array().unwrap().len(),
        tgmcp::mcp::TOOL_NAMES.len(),
        "{label}"
    );
    let calls = report["calls"].as_array().unwrap();
    let cases = cases();
    assert_eq!(calls.len(), cases.as_array().unwrap().len(), "{label}");
    let (good, bad) = calls.split_at(calls.len() - 2);
    for call in good {
        assert_eq!(call["is_error"], false, "{label}: {call}");
        assert_eq!(call["structured"], true, "{label}: {call}");
    }
    for call in bad {
        assert_eq!(call["is_error"], true, "{label}: {call}");
    }
    assert!(
        bad[0]["text"]
            .as_str()
            .unwrap()
            .contains("limit must be an integer"),
        "{label}: {}",
        bad[0]
    );
}

fn stdio_args(env: &TestEnv) -> Vec<String> {
    let downloads = env.home.path().join("downloads");
    vec![
        "--stdio".into(),
        env!("CARGO_BIN_EXE_tgmcp").into(),
        "serve".into(),
        "--download-dir".into(),
        downloads.to_string_lossy().into_owned(),
    ]
}

#[tokio::test]
async fn python_sdk_over_stdio_in_both_protocol_modes() {
    let Some(python) = python() else { return };
    let script = scripts().join("py_client.py");
    for (mode, version) in [("legacy", "2025-11-25"), ("2026-07-28", "2026-07-28")] {
        let (_sandbox, env) = crate::mcp::demo().await;
        let mut args = vec![
            script.to_string_lossy().into_owned(),
            mode.into(),
            cases().to_string(),
        ];
        args.extend(stdio_args(&env));
        let report = run(&env, &python, &args).await;
        check(&report, mode);
        assert_eq!(report["protocol_version"], version);
    }
}

#[tokio::test]
async fn python_sdk_over_http_in_both_protocol_modes() {
    let Some(python) = python() else { return };
    let script = scripts().join("py_client.py");
    for (mode, version) in [("legacy", "2025-11-25"), ("2026-07-28", "2026-07-28")] {
        let (_sandbox, env, token) = crate::http::demo().await;
        let downloads = env.home.path().join("downloads");
        let server =
            crate::http::start(&env, &["--download-dir", downloads.to_str().unwrap()]).await;
        let args = vec![
            script.to_string_lossy().into_owned(),
            mode.into(),
            cases().to_string(),
            "--http".into(),
            format!("http://{}/mcp", server.addr),
            token,
        ];
        let report = run(&env, &python, &args).await;
        check(&report, mode);
        assert_eq!(report["protocol_version"], version);
        assert_eq!(server.terminate().await, 0);
    }
}

#[tokio::test]
async fn typescript_sdk_over_stdio_and_http() {
    let Some(script) = node_script() else { return };
    let node = PathBuf::from("node");
    let (_sandbox, env) = crate::mcp::demo().await;
    let mut args = vec![script.to_string_lossy().into_owned(), cases().to_string()];
    args.extend(stdio_args(&env));
    let report = run(&env, &node, &args).await;
    check(&report, "stdio");

    let (_sandbox, env, token) = crate::http::demo().await;
    let downloads = env.home.path().join("downloads");
    let server = crate::http::start(&env, &["--download-dir", downloads.to_str().unwrap()]).await;
    let args = vec![
        script.to_string_lossy().into_owned(),
        cases().to_string(),
        "--http".into(),
        format!("http://{}/mcp", server.addr),
        token,
    ];
    let report = run(&env, &node, &args).await;
    check(&report, "http");
    assert_eq!(server.terminate().await, 0);
}

/// The MCP Inspector's CLI in strict mode finds nothing to warn about in the tool list
/// (custom formats, type arrays, schemas that accept anything …).
#[tokio::test]
async fn inspector_strict_finds_no_warnings() {
    let Some(inspector) = required(
        sdk_dir().join("inspector/node_modules/.bin/inspector"),
        "the MCP Inspector",
    ) else {
        return;
    };
    let env = TestEnv::new();
    let mut cmd = env.command_for(inspector.to_str().unwrap());
    cmd.args(["--cli", "--method", "tools/list", "--strict"])
        .arg(env!("CARGO_BIN_EXE_tgmcp"))
        .arg("serve")
        .env("RUST_LOG", "warn");
    let out = within(120, cmd.output()).await.expect("the inspector runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}:\n{stdout}\n{stderr}", out.status);
    let listed: Value = serde_json::from_str(stdout.trim()).expect("the tool list");
    assert_eq!(
        listed["tools"].as_array().unwrap().len(),
        tgmcp::mcp::TOOL_NAMES.len()
    );
    let lower = stderr.to_lowercase();
    assert!(
        !lower.contains("warning") && !lower.contains("error"),
        "{stderr}"
    );
}

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

/// Resources, prompts, completions and progress through the Python SDK in `mode`; under
/// 2026-07-28 also a `subscriptions/listen` stream that hears of a message Bob sends
/// (from another client) exactly once.
async fn python_features(mode: &str, version: &str) {
    use tokio::io::AsyncBufReadExt;
    let Some(python) = python() else { return };
    let (sandbox, env) = crate::mcp::demo().await;
    let listen = if mode == "2026-07-28" {
        "tg://chat/@bob_builder/messages"
    } else {
        ""
    };
    let mut cmd = env.command_for(python.to_str().unwrap());
    cmd.arg(scripts().join("py_features.py"))
        .args([mode, listen])
        .args(stdio_args(&env))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("the SDK client runs");
    let stderr = child.stderr.take().unwrap();
    let errors = tokio::spawn(async move {
        let mut text = String::new();
        let _ = tokio::io::AsyncReadExt::read_to_string(&mut { stderr }, &mut text).await;
        text
    });
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut report = None;
    while let Some(line) = within(120, lines.next_line()).await.expect("stdout") {
        let message: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("{mode}: not JSON ({e}): {line}"));
        if message["listening"] == true {
            // The server follows new messages from its updates.getState on (the first
            // was the login check at start): a message before that is history.
            within(
                30,
                sandbox
                    .stats()
                    .wait_until(|s| s.count("updates.getState") >= 2),
            )
            .await;
            let (bob, _) = crate::watch::user(&sandbox, "bob_builder").await;
            crate::watch::bob_says(&sandbox, &bob, "to the SDK listener").await;
        } else {
            report = Some(message);
        }
    }
    let status = within(60, child.wait()).await.expect("exits");
    let errors = errors.await.unwrap();
    assert!(status.success(), "{mode}: {status}\n{errors}");
    let report = report.unwrap_or_else(|| panic!("{mode}: no report\n{errors}"));

    assert_eq!(report["warnings"], json!([]), "{mode}: {report}");
    assert_eq!(report["protocol_version"], version);
    assert_eq!(
        report["resources"],
        json!(["tg://me", "tg://chats"]),
        "{mode}"
    );
    assert_eq!(
        report["templates"],
        json!(["tg://chat/{chat}", "tg://chat/{chat}/messages"]),
        "{mode}"
    );
    let reads = &report["reads"];
    assert_eq!(reads["tg://me"]["username"], "alex_demo", "{mode}: {reads}");
    assert!(!reads["tg://chats"]["chats"].as_array().unwrap().is_empty());
    assert_eq!(
        reads["tg://chat/@bob_builder"]["chat"]["username"],
        "bob_builder"
    );
    let page = reads["tg://chat/@rust_berlin/messages"]["messages"]
        .as_array()
        .unwrap();
    assert!(!page.is_empty(), "{mode}: {reads}");
    assert_eq!(
        report["prompts"],
        json!(["catch_up", "summarize_chat", "draft_reply"])
    );
    let texts = &report["prompt_texts"];
    assert!(texts["catch_up"].as_str().unwrap().contains("get_unread"));
    assert!(
        texts["summarize_chat"]
            .as_str()
            .unwrap()
            .contains("@rust_berlin")
    );
    assert!(
        texts["draft_reply"]
            .as_str()
            .unwrap()
            .contains("@bob_builder")
    );
    let has = |key: &str, value: &str| report[key].as_array().unwrap().iter().any(|v| v == value);
    assert!(has("complete_prompt", "@bob_builder"), "{mode}: {report}");
    assert!(has("complete_template", "@rust_berlin"), "{mode}: {report}");

    assert_eq!(report["search_is_error"], false);
    let progress = report["progress"].as_array().unwrap();
    let last = progress
        .last()
        .unwrap_or_else(|| panic!("{mode}: no progress"));
    assert_eq!(
        (last["progress"].as_f64(), last["total"].as_f64()),
        (Some(3.0), Some(3.0))
    );

    if listen.is_empty() {
        assert!(report.get("events").is_none());
    } else {
        assert_eq!(report["honored"], json!([listen]), "{mode}: {report}");
        assert_eq!(
            report["events"],
            json!([listen]),
            "once: {report}\n{errors}"
        );
    }
}

#[tokio::test]
async fn python_sdk_reads_resources_prompts_completions_and_progress_legacy() {
    python_features("legacy", "2025-11-25").await;
}

#[tokio::test]
async fn python_sdk_reads_resources_prompts_completions_progress_and_listens_2026() {
    python_features("2026-07-28", "2026-07-28").await;
}

/// Resources, prompts, completions and progress through the TypeScript SDK.
#[tokio::test]
async fn typescript_sdk_reads_resources_prompts_completions_and_progress() {
    let Some(client) = node_script() else { return };
    let script = client.with_file_name("ts_features.mjs");
    std::fs::copy(scripts().join("ts_features.mjs"), &script).expect("copy the script");
    let (sandbox, env) = crate::mcp::demo().await;
    // Four parts of 512 KiB and a short one, each answered 150 ms late: longer than the
    // server's 100 ms between notifications, so most arrive well before the result.
    let size = 4 * 512 * 1024 + 1000;
    let upload = env.home.path().join("big.bin");
    std::fs::write(&upload, crate::files_server::body("progress", size)).unwrap();
    sandbox
        .faults()
        .delay_answers_to("upload.saveFilePart", std::time::Duration::from_millis(150));
    let mut args = vec![
        script.to_string_lossy().into_owned(),
        "--upload".into(),
        upload.to_string_lossy().into_owned(),
    ];
    args.extend(stdio_args(&env));
    let report = run(&env, &PathBuf::from("node"), &args).await;
    assert_eq!(report["warnings"], json!([]), "{report}");
    assert_eq!(report["resources"], json!(["tg://me", "tg://chats"]));
    assert_eq!(
        report["templates"],
        json!(["tg://chat/{chat}", "tg://chat/{chat}/messages"])
    );
    let reads = &report["reads"];
    assert_eq!(reads["tg://me"]["username"], "alex_demo", "{reads}");
    assert!(!reads["tg://chats"]["chats"].as_array().unwrap().is_empty());
    assert_eq!(
        reads["tg://chat/@bob_builder"]["chat"]["username"],
        "bob_builder"
    );
    assert!(
        !reads["tg://chat/@rust_berlin/messages"]["messages"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        report["prompts"],
        json!(["catch_up", "summarize_chat", "draft_reply"])
    );
    let texts = &report["prompt_texts"];
    assert!(texts["catch_up"].as_str().unwrap().contains("get_unread"));
    assert!(
        texts["summarize_chat"]
            .as_str()
            .unwrap()
            .contains("@rust_berlin")
    );
    assert!(
        texts["draft_reply"]
            .as_str()
            .unwrap()
            .contains("@bob_builder")
    );
    let has = |key: &str, value: &str| report[key].as_array().unwrap().iter().any(|v| v == value);
    assert!(has("complete_prompt", "@bob_builder"), "{report}");
    assert!(has("complete_template", "@rust_berlin"), "{report}");
    assert_eq!(report["search_is_error"], false, "{report}");
    assert_eq!(report["upload_is_error"], false, "{report}");
    // The last notification may be lost to the SDK's race with the result (see the
    // script); the ones before it must all be there, rising, with the file's size.
    let progress = report["progress"].as_array().unwrap();
    assert!(progress.len() >= 2, "one per part or so: {report}");
    assert_eq!(progress[0]["message"], "uploading big.bin", "{report}");
    let mut last = 0.0;
    for p in progress {
        assert_eq!(p["total"], size, "{report}");
        let done = p["progress"].as_f64().unwrap();
        assert!(done > last && done <= size as f64, "rises: {report}");
        last = done;
    }
}

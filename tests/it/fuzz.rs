//! Hostile input through the real servers: every MCP tool's arguments generated from its
//! own input schema (proptest strategies built from the JSON Schema, with wrong types,
//! extremes and unknown fields mixed in) plus arbitrary JSON, over stdio; and malformed
//! requests against the HTTP surface. The server must answer every tool call with a result
//! or a tool error (a mistake in the arguments is the model's to fix, so never a JSON-RPC
//! error), and every request without a crash, hang or panic. Deterministic seeds, a
//! fixed number of cases, counted in the output.

use std::time::Duration;

use proptest::prelude::*;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use rmcp::model::{CallToolRequestParams, ErrorCode};
use rmcp::service::ServiceError;
use serde_json::{Map, Value, json};

use crate::common::within;
use crate::harness::Setup;
use crate::mcp::start;

/// Cases per tool from its schema, and of arbitrary JSON arguments.
const SCHEMA_CASES: usize = 120;
const RANDOM_CASES: usize = 40;

/// Arbitrary JSON, nested a few levels.
fn any_json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<String>().prop_map(Value::from),
        interesting_string(),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{0,12}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// Strings that have broken parsers before: ids at the edges, @names, links, dates,
/// control characters, huge text, right-to-left marks, lone surrogate escapes.
fn interesting_string() -> BoxedStrategy<Value> {
    prop_oneof![
        prop::sample::select(vec![
            "",
            " ",
            "me",
            "self",
            "@",
            "@a",
            "@bob_builder",
            "@nobody_here_at_all",
            "+",
            "+15550100002",
            "+0000000000000000000000",
            "0",
            "-1",
            "-100",
            "-1001234567890",
            "9223372036854775807",
            "-9223372036854775808",
            "99999999999999999999999",
            "t.me/",
            "https://t.me/rust_berlin/1",
            "https://t.me/c/1/2",
            "tg://resolve?domain=",
            "1970-01-01",
            "2026-02-30",
            "9999-12-31T23:59:59Z",
            "yesterday",
            "-5d",
            "1e309",
            "NaN",
            "\u{0}",
            "\u{202e}evil",
            "\\ud800",
            "*_`[](){}<>&",
            "<b>unclosed",
            "```",
            ",,,,",
            "a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t",
        ])
        .prop_map(Value::from),
        "\\PC{0,64}".prop_map(Value::from),
        (0usize..3).prop_map(|k| Value::from("x".repeat([4097, 10_000, 70_000][k]))),
    ]
    .boxed()
}

fn integer(schema: &Value) -> BoxedStrategy<Value> {
    let min = schema["minimum"].as_i64();
    let max = schema["maximum"].as_i64();
    let mut edges = vec![
        0i64,
        1,
        -1,
        i64::from(i32::MAX),
        i64::from(i32::MAX) + 1,
        i64::from(i32::MIN) - 1,
        i64::MAX,
        i64::MIN,
        1 << 53,
    ];
    edges.extend(min.iter().flat_map(|m| [*m, m.saturating_sub(1)]));
    edges.extend(max.iter().flat_map(|m| [*m, m.saturating_add(1)]));
    prop_oneof![
        prop::sample::select(edges).prop_map(Value::from),
        (-1000i64..1000).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        // Integers written as floats.
        prop::sample::select(vec![1.5f64, -0.0, 1e20]).prop_map(Value::from),
    ]
    .boxed()
}

/// A strategy for values of `schema` (resolving `$ref` in `defs`), sometimes of the wrong
/// type: the server must refuse those as cleanly as it accepts the right ones.
fn from_schema(schema: &Value, defs: &Value, depth: u32) -> BoxedStrategy<Value> {
    let right = right_type(schema, defs, depth);
    prop_oneof![19 => right, 1 => any_json()].boxed()
}

fn right_type(schema: &Value, defs: &Value, depth: u32) -> BoxedStrategy<Value> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return from_schema(&defs[name], defs, depth);
    }
    if let Some(options) = schema["anyOf"].as_array().or(schema["oneOf"].as_array()) {
        let options: Vec<_> = options
            .iter()
            .map(|option| from_schema(option, defs, depth))
            .collect();
        return prop::strategy::Union::new(options).boxed();
    }
    if let Some(values) = schema["enum"].as_array() {
        let mut values = values.clone();
        values.push(json!("not-a-choice"));
        return prop::sample::select(values).boxed();
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if types.is_empty() {
        return any_json();
    }
    let strategies: Vec<BoxedStrategy<Value>> = types
        .into_iter()
        .map(|t| match t {
            "string" => {
                prop_oneof![interesting_string(), "\\PC{0,40}".prop_map(Value::from)].boxed()
            }
            "integer" => integer(schema),
            "number" => any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number))
                .boxed(),
            "boolean" => any::<bool>().prop_map(Value::from).boxed(),
            "null" => Just(Value::Null).boxed(),
            "array" if depth < 3 => {
                let items = from_schema(&schema["items"], defs, depth + 1);
                prop_oneof![
                    prop::collection::vec(items.clone(), 0..4),
                    prop::collection::vec(items, 0..300),
                ]
                .prop_map(Value::from)
                .boxed()
            }
            "object" if depth < 3 => object(schema, defs, depth + 1),
            _ => any_json(),
        })
        .collect();
    prop::strategy::Union::new(strategies).boxed()
}

/// Each property present or not (required ones usually present), and now and then a
/// field the schema does not know.
fn object(schema: &Value, defs: &Value, depth: u32) -> BoxedStrategy<Value> {
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut fields: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
    if let Some(properties) = schema["properties"].as_object() {
        for (name, property) in properties {
            let presence = if required.contains(&name.as_str()) {
                0.95
            } else {
                0.5
            };
            let name = name.clone();
            fields.push(
                prop::option::weighted(presence, from_schema(property, defs, depth))
                    .prop_map(move |value| value.map(|v| (name.clone(), v)))
                    .boxed(),
            );
        }
    }
    fields.push(
        prop::option::weighted(0.1, ("[a-z_]{1,10}", any_json()))
            .prop_map(|extra| extra.map(|(k, v)| (format!("x_{k}"), v)))
            .boxed(),
    );
    fields
        .prop_map(|fields| Value::Object(fields.into_iter().flatten().collect::<Map<_, _>>()))
        .boxed()
}

fn generate(strategy: &BoxedStrategy<Value>, runner: &mut TestRunner) -> Value {
    strategy
        .new_tree(runner)
        .expect("a value can be generated")
        .current()
}

/// Requests to the DC, less the update stream's own catching up (getDifference), which a
/// `wait_for_messages` earlier in the run keeps doing in the background.
fn calls_of_this_request(sandbox: &tgmcp::sandbox::Sandbox) -> u64 {
    let stats = sandbox.stats();
    stats.total()
        - stats.count("updates.getDifference")
        - stats.count("updates.getChannelDifference")
}

/// `wait_for_messages` waits as long as it is told to when nothing arrives: keep the
/// valid waits short, so the fuzz checks answers rather than clocks.
fn short_waits(tool: &str, mut arguments: Value) -> Value {
    if tool != "wait_for_messages" {
        return arguments;
    }
    // Anything but an object goes out as no arguments: the default wait.
    if !arguments.is_object() {
        return json!({"timeout_s": 0});
    }
    if let Some(fields) = arguments.as_object_mut() {
        let valid = fields
            .get("timeout_s")
            .is_none_or(|t| t.as_f64().is_some_and(|t| (0.0..=120.0).contains(&t)));
        if valid {
            fields.insert("timeout_s".into(), json!(0));
        }
    }
    arguments
}

/// URLs in `files` name `.invalid` hosts (or loopback): the fetcher would refuse a public
/// name anyway in a test run (`offline.rs`), but a fuzz case should not depend on that.
fn offline_files(mut arguments: Value) -> Value {
    fn offline(url: &mut Value) {
        let Some(text) = url.as_str() else { return };
        let Ok(mut parsed) = reqwest::Url::parse(text) else {
            return;
        };
        let Some(host) = parsed.host_str().map(str::to_owned) else {
            return;
        };
        let local = ["127.0.0.1", "[::1]", "localhost"].contains(&host.as_str());
        if !local
            && !host.ends_with(".invalid")
            && parsed.set_host(Some(&format!("{host}.invalid"))).is_ok()
        {
            *url = Value::from(parsed.to_string());
        }
    }
    if let Some(files) = arguments.get_mut("files") {
        match files {
            Value::Array(items) => items.iter_mut().for_each(offline),
            other => offline(other),
        }
    }
    arguments
}

/// Whether the call asks to fetch a URL: the fetch policy may then refuse it (`forbidden`),
/// as it refuses every URL outside loopback in a test run.
fn fetches_a_url(arguments: &Value) -> bool {
    let is_url = |v: &Value| v.as_str().is_some_and(|s| s.contains("://"));
    match arguments.get("files") {
        Some(Value::Array(items)) => items.iter().any(is_url),
        Some(file) => is_url(file),
        None => false,
    }
}

#[tokio::test]
async fn every_tool_survives_generated_and_random_arguments() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = start(env, &["serve"]).await;
    // The server's own warm-up call, so that it is not counted against a tool below.
    within(30, sandbox.stats().wait_for("updates.getState", 1)).await;
    let tools = within(30, server.client.list_all_tools())
        .await
        .expect("tools/list");
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let (mut ok, mut tool_errors, mut rpc_errors) = (0usize, 0usize, 0usize);
    for tool in &tools {
        let schema = Value::Object((*tool.input_schema).clone());
        let generated = object(&schema, &schema["$defs"], 0);
        let random = any_json();
        for case in 0..SCHEMA_CASES + RANDOM_CASES {
            let arguments = if case < SCHEMA_CASES {
                generate(&generated, &mut runner)
            } else {
                generate(&random, &mut runner)
            };
            let arguments = offline_files(short_waits(&tool.name, arguments));
            sandbox.stats().reset();
            let mut params = CallToolRequestParams::new(tool.name.clone());
            if let Value::Object(map) = &arguments {
                params = params.with_arguments(map.clone());
            }
            let answer =
                tokio::time::timeout(Duration::from_secs(30), server.client.call_tool(params))
                    .await
                    .unwrap_or_else(|_| {
                        panic!(
                            "{}({arguments}) hung\nstderr: {}",
                            tool.name,
                            server.stderr()
                        )
                    });
            match answer {
                Ok(result) if result.is_error == Some(true) => {
                    let error = &crate::mcp::error_of(&result);
                    assert!(error["kind"].is_string(), "{}: {error}", tool.name);
                    assert!(error["message"].is_string(), "{}: {error}", tool.name);
                    // Against a healthy DC, bad arguments are the caller's fault or name
                    // something that is not there: never network, session or an
                    // unknown outcome.
                    let allowed: &[&str] = if case < SCHEMA_CASES {
                        &[
                            "invalid_input",
                            "peer_not_found",
                            "not_found",
                            "unknown_method",
                        ]
                    } else {
                        &["invalid_input", "peer_not_found", "not_found"]
                    };
                    let kind = error["kind"].as_str().unwrap_or_default();
                    if kind == "forbidden" && fetches_a_url(&arguments) {
                        tool_errors += 1;
                        continue;
                    }
                    // Telegram's own refusal of a well-formed but too short search (a
                    // one-letter query), or of a message id that is not there or not
                    // the caller's to act on, is the caller's fault too; it did reach
                    // the DC.
                    let refusals = [
                        "QUERY_TOO_SHORT",
                        "MESSAGE_ID_INVALID",
                        "MESSAGE_DELETE_FORBIDDEN",
                        "CHAT_ADMIN_REQUIRED",
                        "REACTION_INVALID",
                        "REACTIONS_TOO_MANY",
                    ];
                    if kind == "rpc_error"
                        && refusals.iter().any(|name| error["rpc_error"] == *name)
                    {
                        tool_errors += 1;
                        continue;
                    }
                    assert!(
                        allowed.contains(&kind),
                        "{}({arguments}): {error}",
                        tool.name
                    );
                    // Input refused as invalid is refused before reaching Telegram.
                    if kind == "invalid_input" {
                        assert_eq!(
                            calls_of_this_request(sandbox),
                            0,
                            "{}({arguments}) reached the DC: {:?}",
                            tool.name,
                            sandbox.stats().snapshot()
                        );
                    }
                    tool_errors += 1;
                }
                Ok(result) => {
                    assert!(
                        result.structured_content.is_some(),
                        "{}({arguments}): {result:?}",
                        tool.name
                    );
                    ok += 1;
                }
                Err(ServiceError::McpError(error)) => {
                    assert_eq!(
                        error.code,
                        ErrorCode::INVALID_PARAMS,
                        "{}({arguments}): {error:?}",
                        tool.name
                    );
                    assert!(!error.message.is_empty());
                    rpc_errors += 1;
                }
                Err(other) => panic!(
                    "{}({arguments}): the connection failed: {other}\nstderr: {}",
                    tool.name,
                    server.stderr()
                ),
            }
        }
    }
    let total = ok + tool_errors + rpc_errors;
    eprintln!(
        "fuzzed {total} tool calls over {} tools: {ok} answered, {tool_errors} tool errors, {rpc_errors} JSON-RPC errors",
        tools.len()
    );
    assert_eq!(total, tools.len() * (SCHEMA_CASES + RANDOM_CASES));
    assert!(ok > 0 && tool_errors > 0, "both kinds of answer seen");
    // A mistake in the arguments is a tool error the model can read, never JSON-RPC.
    assert_eq!(
        rpc_errors, 0,
        "argument mistakes answered as JSON-RPC errors"
    );
    // Still healthy after all that.
    server.ok("get_chat_info", json!({"chat_id": "me"})).await;
    let stderr = server.stderr();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(server.stop().await, 0);
}

/// Sends raw bytes to the HTTP server; returns the status code it answered with and the
/// rest of its answer, or `None` if it closed the connection without an answer.
async fn raw_exchange(
    addr: std::net::SocketAddr,
    bytes: &[u8],
    wait: Duration,
) -> Option<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connects");
    // The server may close before reading everything: that is an answer too.
    let _ = stream.write_all(bytes).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(wait, stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()?;
    Some((status, answer))
}

/// An answer's status, after checking that an error says what it is in JSON.
fn json_error_status(answer: Option<(u16, String)>, what: &str) -> u16 {
    let (status, text) = answer.unwrap_or_else(|| panic!("{what}: no answer"));
    if status >= 400 {
        assert!(
            text.contains("application/json") && text.contains("\"error\""),
            "{what}: {status} without a JSON error: {text}"
        );
    }
    status
}

#[tokio::test]
async fn the_http_surface_survives_malformed_requests() {
    use crate::http::{INITIALIZE, checked_demo, start};

    let (f, token) = checked_demo().await;
    let env = &f.env;
    let server = start(env, &["--request-timeout", "2"]).await;
    let auth = format!("Bearer {token}");
    let host = format!("127.0.0.1:{}", server.addr.port());
    let mut cases = 0usize;

    // Wrong methods and paths: 404 or 405 with a body, never a 5xx.
    for (method, path) in [
        ("PUT", "/mcp"),
        ("DELETE", "/health"),
        ("PATCH", "/mcp"),
        ("POST", "/health"),
        ("POST", "/ready"),
        ("GET", "/mcp/../health"),
        ("GET", "/MCP"),
        ("GET", "/%00"),
        ("OPTIONS", "/mcp"),
        ("GET", "/metrics/x"),
        ("TRACE", "/"),
    ] {
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {auth}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        let answer = raw_exchange(server.addr, request.as_bytes(), Duration::from_secs(10)).await;
        let status = json_error_status(answer, &format!("{method} {path}"));
        assert!((400..500).contains(&status), "{method} {path}: {status}");
        cases += 1;
    }

    // Malformed JSON-RPC to /mcp: a 4xx, or a JSON-RPC error, never a 5xx or a crash.
    let bodies: Vec<Vec<u8>> = vec![
        b"{".to_vec(),
        b"[]".to_vec(),
        b"null".to_vec(),
        b"{\"jsonrpc\":\"2.0\"}".to_vec(),
        b"{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"initialize\"}".to_vec(),
        b"{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"tools/list\"}".to_vec(),
        b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":7}".to_vec(),
        vec![0xff; 512],
        format!("[{}]", [INITIALIZE; 50].join(",")).into_bytes(),
        format!("{{\"a\":{}}}", "[".repeat(10_000)).into_bytes(),
    ];
    for body in &bodies {
        let mut request = format!(
            "POST /mcp HTTP/1.1\r\nHost: {host}\r\nAuthorization: {auth}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(body);
        let answer = raw_exchange(server.addr, &request, Duration::from_secs(10)).await;
        let what = String::from_utf8_lossy(&body[..body.len().min(80)]).into_owned();
        let status = json_error_status(answer, &what);
        assert!(
            (400..500).contains(&status),
            "{status} for {}",
            String::from_utf8_lossy(&body[..body.len().min(80)])
        );
        cases += 1;
    }

    // Huge headers: refused (431) or the connection closed; not a crash.
    let huge = format!(
        "GET /health HTTP/1.1\r\nHost: {host}\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(1 << 20)
    );
    let status = raw_exchange(server.addr, huge.as_bytes(), Duration::from_secs(10))
        .await
        .map(|(status, _)| status);
    assert!(status.is_none_or(|s| s == 431 || s == 400), "{status:?}");
    let many = format!(
        "GET /health HTTP/1.1\r\nHost: {host}\r\n{}Connection: close\r\n\r\n",
        "X-A: b\r\n".repeat(5000)
    );
    let status = raw_exchange(server.addr, many.as_bytes(), Duration::from_secs(10))
        .await
        .map(|(status, _)| status);
    assert!(status.is_none_or(|s| s == 431 || s == 400), "{status:?}");
    cases += 2;

    // Not HTTP at all. Blank lines alone leave hyper waiting for a request line (a
    // connection the client keeps open, nothing more), so those get a short wait.
    for garbage in [
        &b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"[..],
        b"\r\n\r\n\r\n",
        b"GET\r\n\r\n",
    ] {
        let status = raw_exchange(server.addr, garbage, Duration::from_secs(1))
            .await
            .map(|(status, _)| status);
        assert!(status.is_none_or(|s| (400..500).contains(&s)), "{status:?}");
        cases += 1;
    }

    // A body that never finishes: cut off by the request timeout (2 s), not held forever.
    let slow = format!(
        "POST /mcp HTTP/1.1\r\nHost: {host}\r\nAuthorization: {auth}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 1000\r\n\r\n{{\"jsonrpc\""
    );
    let started = std::time::Instant::now();
    let status = raw_exchange(server.addr, slow.as_bytes(), Duration::from_secs(15))
        .await
        .map(|(status, _)| status);
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "held {:?}",
        started.elapsed()
    );
    assert!(
        status.is_none_or(|s| (400..600).contains(&s) && s != 500),
        "{status:?}"
    );
    cases += 1;

    // Still serving, and nothing panicked.
    assert_eq!(server.get("/health", &[]).await.status, 200);
    let client = server.client("/mcp", Some(&token)).await;
    crate::http::call(&client, "find_chats", json!({})).await;
    drop(within(10, client.cancel()).await);
    let stderr = server.stderr();
    assert!(!stderr.contains("panicked"), "{stderr}");
    eprintln!("{cases} malformed HTTP requests answered");
    assert_eq!(server.terminate().await, 0);
}

/// Real requests: what tgmcp sends for every tool, recorded by the sandbox.
fn recorded_requests() -> Vec<Vec<u8>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let f = Setup::demo().await;
        let (sandbox, env) = (&f.sandbox, &f.env);
        sandbox.stats().record_requests(true);
        let server = start(env, &["serve"]).await;
        let sent = server
            .ok(
                "send_message",
                json!({"chat_id": "me", "message": "*seed*", "parse_mode": "markdown"}),
            )
            .await;
        let id = sent["message_ids"][0].clone();
        for (tool, args) in [
            (
                "search_messages_globally",
                json!({"query": "invoice, hike", "chat_type": "group"}),
            ),
            (
                "search_messages_in_chat",
                json!({"chat_id": "@rust_berlin", "query": "rust", "from_user": "@bob_builder"}),
            ),
            ("search_messages_in_chat", json!({"chat_id": "me"})),
            (
                "read_messages",
                json!({"chat_id": "me", "message_ids": [id]}),
            ),
            (
                "edit_message",
                json!({"chat_id": "me", "message_id": id, "message": "edited"}),
            ),
            ("find_chats", json!({})),
            ("find_chats", json!({"query": "bob"})),
            ("get_chat_info", json!({"chat_id": "@sandbox_news"})),
            ("get_chat_info", json!({"chat_id": "@bob_builder"})),
            (
                "send_message_to_phone",
                json!({"phone_number": "+15550100002", "message": "hi"}),
            ),
        ] {
            server.call(tool, args).await;
        }
        assert_eq!(server.stop().await, 0);
        sandbox.stats().recorded_requests()
    })
}

/// A seed request, changed the ways that break decoders: bytes flipped, 32-bit fields
/// set to extremes, cut short, stretched, spliced.
fn mutated(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let mutation = prop_oneof![
        (any::<prop::sample::Index>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Set(at, byte)),
        (
            any::<prop::sample::Index>(),
            prop::sample::select(vec![
                0u32,
                1,
                0x7fff_ffff,
                0x8000_0000,
                0xffff_ffff,
                0x1cb5_c415,
                0x3072_cfa1,
                0xfe
            ])
        )
            .prop_map(|(at, word)| Mutation::Word(at, word)),
        any::<prop::sample::Index>().prop_map(Mutation::Cut),
        (
            any::<prop::sample::Index>(),
            prop::collection::vec(any::<u8>(), 1..64)
        )
            .prop_map(|(at, bytes)| Mutation::Insert(at, bytes)),
    ];
    (
        prop::sample::select(seeds),
        prop::collection::vec(mutation, 1..5),
    )
        .prop_map(|(mut bytes, mutations)| {
            for mutation in mutations {
                mutation.apply(&mut bytes);
            }
            bytes
        })
}

#[derive(Debug, Clone)]
enum Mutation {
    Set(prop::sample::Index, u8),
    Word(prop::sample::Index, u32),
    Cut(prop::sample::Index),
    Insert(prop::sample::Index, Vec<u8>),
}

impl Mutation {
    fn apply(self, bytes: &mut Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        match self {
            Self::Set(at, byte) => {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            Self::Word(at, word) => {
                if bytes.len() < 4 {
                    return;
                }
                let i = at.index(bytes.len() / 4) * 4;
                if i + 4 <= bytes.len() {
                    bytes[i..i + 4].copy_from_slice(&word.to_le_bytes());
                }
            }
            Self::Cut(at) => bytes.truncate(at.index(bytes.len())),
            Self::Insert(at, extra) => {
                let i = at.index(bytes.len());
                bytes.splice(i..i, extra);
            }
        }
    }
}

#[test]
fn the_sandbox_survives_mutated_real_requests() {
    let seeds = recorded_requests();
    assert!(seeds.len() >= 12, "recorded {} requests", seeds.len());
    // The cargo fuzz target starts from the same real requests.
    if crate::golden::updating("UPDATE_FUZZ_CORPUS") {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/sandbox_call");
        std::fs::create_dir_all(&dir).unwrap();
        for (i, seed) in seeds.iter().enumerate() {
            std::fs::write(dir.join(format!("recorded-{i:03}")), seed).unwrap();
        }
    }
    // The seeds themselves are well-formed: most are answered.
    let answered = seeds
        .iter()
        .filter(|seed| tgmcp::sandbox::fuzzing::api_call(seed).is_ok())
        .count();
    assert!(
        answered * 2 > seeds.len(),
        "{answered} of {} seeds answered",
        seeds.len()
    );

    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 4000,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[9; 32]),
    );
    let outcomes = std::cell::RefCell::new(std::collections::BTreeMap::<String, u32>::new());
    runner
        .run(&mutated(seeds), |bytes| {
            let outcome = match tgmcp::sandbox::fuzzing::api_call(&bytes) {
                Ok(_) => "answered".to_owned(),
                Err(name) => name,
            };
            *outcomes.borrow_mut().entry(outcome).or_default() += 1;
            Ok(())
        })
        .expect("no request panics the sandbox");
    let outcomes = outcomes.into_inner();
    eprintln!("4,000 mutated requests: {outcomes:?}");
    assert!(
        outcomes.get("answered").copied().unwrap_or(0) > 100,
        "{outcomes:?}"
    );
    assert!(
        outcomes.len() > 3,
        "mutations reach past the decoder: {outcomes:?}"
    );
}

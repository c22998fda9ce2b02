//! What HTTP clients are told where the official SDKs expect something particular: a
//! client without the token learns it needs a bearer token, not OAuth; a client ending
//! its session gets the 204 the Python SDK expects; a quick answer arrives in one piece.

use std::time::{Duration, Instant};

use crate::http::{HttpServer, INITIALIZE, call, demo, request, start};

#[tokio::test]
async fn a_missing_token_says_bearer_token_not_oauth() {
    let (_sandbox, env, _token) = demo().await;
    let server = start(&env, &[]).await;

    let refused = server.post("/mcp", &[], INITIALIZE).await;
    assert_eq!(refused.status, 401);
    let challenge = refused.header("www-authenticate");
    assert!(
        challenge.contains("error_description=") && challenge.contains("not OAuth"),
        "{challenge}"
    );
    assert!(
        refused.json()["message"]
            .as_str()
            .unwrap()
            .contains("tgmcp setup")
    );

    // RFC 9728 metadata, without a token: header bearer tokens, no authorization server.
    for path in [
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/mcp",
    ] {
        let metadata = server.get(path, &[]).await;
        assert_eq!(metadata.status, 200, "{path}: {}", metadata.body);
        let metadata = metadata.json();
        assert_eq!(
            metadata["resource"],
            format!("http://{}/mcp", server.addr),
            "{metadata}"
        );
        assert_eq!(
            metadata["bearer_methods_supported"],
            serde_json::json!(["header"])
        );
        assert_eq!(metadata["authorization_servers"], serde_json::json!([]));
        assert!(
            metadata["description"]
                .as_str()
                .unwrap()
                .contains("Authorization: Bearer")
        );
    }
    // And an OAuth client that looks for an authorization server anyway is told why not.
    for path in ["/.well-known/oauth-authorization-server", "/register"] {
        let answer = server.get(path, &[]).await;
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(answer.json()["error"], "no_oauth", "{path}");
        assert!(
            answer.json()["message"]
                .as_str()
                .unwrap()
                .contains("bearer token")
        );
    }
    assert_eq!(server.terminate().await, 0);
}

/// `initialize` in plain HTTP with `bearer`; the new session's id.
async fn open_session(server: &HttpServer, bearer: &str) -> String {
    let opened = server
        .post("/mcp", &[("authorization", bearer)], INITIALIZE)
        .await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    opened.header("mcp-session-id").to_owned()
}

#[tokio::test]
async fn ending_a_session_answers_204() {
    let (_sandbox, env, token) = demo().await;
    let server = start(&env, &[]).await;
    let bearer = format!("Bearer {token}");
    let session = open_session(&server, &bearer).await;
    let url = format!("http://{}/mcp", server.addr);
    let headers = [
        ("authorization", bearer.as_str()),
        ("mcp-session-id", session.as_str()),
        ("mcp-protocol-version", "2025-06-18"),
    ];
    let ended = request(reqwest::Method::DELETE, &url, &headers, None).await;
    assert_eq!(ended.status, 204, "{}", ended.body);
    assert!(ended.body.is_empty());
    assert_eq!(server.terminate().await, 0);
}

/// A call refused for its arguments is a tool error over HTTP too, and counted as one.
#[tokio::test]
async fn argument_mistakes_over_http_are_counted_tool_errors() {
    let (_sandbox, env, token) = demo().await;
    let server = start(&env, &[]).await;
    let client = server.client("/mcp", Some(&token)).await;
    let result = call(&client, "find_chats", serde_json::json!({"limit": "ten"})).await;
    let error = crate::mcp::error_of(&result);
    assert_eq!(error["kind"], "invalid_input", "{error}");
    let metrics = server
        .get("/metrics", &[("authorization", &format!("Bearer {token}"))])
        .await;
    assert!(
        metrics
            .body
            .lines()
            .any(|line| line
                == r#"tgmcp_tool_calls_total{tool="find_chats",outcome="invalid_input"} 1"#),
        "{}",
        metrics.body
    );
    drop(client);
    assert_eq!(server.terminate().await, 0);
}

/// A quick call's event stream arrives whole, with a Content-Length: the priming event
/// and the result in one piece. A call slower than a second gets its headers and priming
/// event after that second, then the result, streamed as before.
#[tokio::test]
async fn a_quick_answer_arrives_whole_and_a_slow_one_streams() {
    let (sandbox, env, token) = demo().await;
    let server = start(&env, &[]).await;
    let bearer = format!("Bearer {token}");
    let session = open_session(&server, &bearer).await;
    let headers = [
        ("authorization", bearer.as_str()),
        ("mcp-session-id", session.as_str()),
        ("mcp-protocol-version", "2025-06-18"),
    ];
    let initialized = server
        .post(
            "/mcp",
            &headers,
            r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
        )
        .await;
    assert_eq!(initialized.status, 202, "{}", initialized.body);
    let call = |id: u32| {
        format!(
            r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{{"name":"get_chat_info","arguments":{{"chat_id":"me"}}}}}}"#
        )
    };

    let quick = server.post("/mcp", &headers, &call(2)).await;
    assert_eq!(quick.status, 200, "{}", quick.body);
    assert_eq!(quick.header("content-type"), "text/event-stream");
    assert_eq!(quick.header("content-length"), quick.body.len().to_string());
    assert_eq!(quick.header("transfer-encoding"), "");
    let (priming, result) = quick.body.split_once("\n\n").expect("two events");
    assert!(
        priming.contains("retry:") && !priming.contains("\"id\""),
        "{priming}"
    );
    assert!(result.contains(r#""id":2,"result""#), "{result}");

    // Slower than a second: the headers come after about a second, before the answer.
    sandbox.faults().set_delay(Duration::from_millis(2500));
    let started = Instant::now();
    let mut slow = reqwest::Client::new()
        .post(server.url("/mcp"))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("authorization", &bearer)
        .header("mcp-session-id", &session)
        .header("mcp-protocol-version", "2025-06-18")
        .body(call(3))
        .send()
        .await
        .expect("an answer");
    let headers_after = started.elapsed();
    assert_eq!(slow.status(), 200);
    assert!(slow.headers().get("content-length").is_none());
    let first = slow
        .chunk()
        .await
        .expect("a chunk")
        .expect("the priming event");
    assert!(String::from_utf8_lossy(&first).contains("retry:"));
    let mut rest = String::new();
    while let Some(chunk) = slow.chunk().await.expect("the stream") {
        rest.push_str(&String::from_utf8_lossy(&chunk));
    }
    let answered_after = started.elapsed();
    assert!(rest.contains(r#""id":3,"result""#), "{rest}");
    assert!(
        headers_after >= Duration::from_millis(900)
            && headers_after + Duration::from_millis(1000) < answered_after,
        "headers after {headers_after:?}, answer after {answered_after:?}"
    );
    sandbox.faults().set_delay(Duration::ZERO);
    assert_eq!(server.terminate().await, 0);
}

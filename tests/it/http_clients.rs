//! What HTTP clients are told where the official SDKs expect something particular: a
//! client without the token learns it needs a bearer token, not OAuth; a client ending
//! its session gets the 204 the Python SDK expects.

use crate::http::{INITIALIZE, call, demo, request, start};

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

#[tokio::test]
async fn ending_a_session_answers_204() {
    let (_sandbox, env, token) = demo().await;
    let server = start(&env, &[]).await;
    let bearer = format!("Bearer {token}");
    let opened = server
        .post("/mcp", &[("authorization", &bearer)], INITIALIZE)
        .await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    let session = opened.header("mcp-session-id").to_owned();
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

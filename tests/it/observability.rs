//! What an operator sees of a running `serve --http` (issue 23): Telegram request
//! durations as a histogram (in single-profile and hosted mode), HTTP body sizes as
//! histograms, and JSON logs of one shape on every line of stderr.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::http::{
    HttpServer, INITIALIZE, call, demo, parse_metrics, start, start_with, structured,
};

async fn metrics(server: &HttpServer, token: Option<&str>) -> HashMap<String, f64> {
    let bearer = token.map(|t| format!("Bearer {t}"));
    let headers: Vec<(&str, &str)> = bearer
        .as_deref()
        .map(|b| vec![("authorization", b)])
        .unwrap_or_default();
    let answer = server.get("/metrics", &headers).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    parse_metrics(&answer.body)
}

/// Scrapes until `check` holds (body sizes are counted when a body is dropped, just
/// after the client has it).
async fn metrics_until(
    server: &HttpServer,
    token: Option<&str>,
    what: &str,
    check: impl Fn(&HashMap<String, f64>) -> bool,
) -> HashMap<String, f64> {
    let started = Instant::now();
    loop {
        let samples = metrics(server, token).await;
        if check(&samples) {
            return samples;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}: {samples:#?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn value(samples: &HashMap<String, f64>, key: &str) -> f64 {
    samples.get(key).copied().unwrap_or(0.0)
}

/// Every series of the Telegram duration histogram: its labels come from the fixed
/// sets, its buckets are cumulative and end at its count. The total count.
fn telegram_histogram(samples: &HashMap<String, f64>) -> f64 {
    const NAME: &str = "tgmcp_telegram_request_duration_seconds";
    let mut total = 0.0;
    for (key, count) in samples {
        let Some(labels) = key
            .strip_prefix(&format!("{NAME}_count{{"))
            .and_then(|rest| rest.strip_suffix('}'))
        else {
            continue;
        };
        let (namespace, outcome) = labels
            .strip_prefix("namespace=\"")
            .and_then(|rest| rest.split_once("\",outcome=\""))
            .unwrap_or_else(|| panic!("labels: {key}"));
        assert!(
            namespace.chars().all(|c| c.is_ascii_lowercase()),
            "a TL namespace: {key}"
        );
        assert!(["ok\"", "error\""].contains(&outcome), "{key}");
        let mut buckets: Vec<(f64, f64)> = samples
            .iter()
            .filter_map(|(k, v)| {
                let le = k
                    .strip_prefix(&format!("{NAME}_bucket{{{labels},le=\""))?
                    .strip_suffix("\"}")?;
                Some((le.parse::<f64>().unwrap_or(f64::INFINITY), *v))
            })
            .collect();
        buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(buckets.len() >= 10, "{key}: {buckets:?}");
        assert!(
            buckets.windows(2).all(|w| w[0].1 <= w[1].1),
            "cumulative: {buckets:?}"
        );
        assert_eq!(buckets.last().unwrap(), &(f64::INFINITY, *count), "{key}");
        assert!(samples.contains_key(&format!("{NAME}_sum{{{labels}}}")));
        total += count;
    }
    total
}

#[tokio::test]
async fn telegram_request_durations_are_a_histogram_in_single_and_hosted_mode() {
    let (sandbox, env, token) = demo().await;
    let server = start(&env, &[]).await;
    let client = server.client("/mcp", Some(&token)).await;
    structured(&call(&client, "find_chats", json!({"query": "bob"})).await);
    let samples = metrics(&server, Some(&token)).await;
    assert!(telegram_histogram(&samples) >= 1.0, "{samples:#?}");
    assert!(
        value(
            &samples,
            r#"tgmcp_telegram_request_duration_seconds_count{namespace="contacts",outcome="ok"}"#
        ) >= 1.0,
        "find_chats asks contacts.search: {samples:#?}"
    );
    drop(client);
    assert_eq!(server.terminate().await, 0);

    // Hosted: the accounts' own clients are counted, though none is the profile's.
    let me = sandbox.world().demo_user().expect("demo user");
    let tokens = crate::hosted::accounts_dir(&env, &sandbox, &[("demo", me)]).await;
    let hosted = crate::hosted::serve_accounts(&env, &["--metrics-public"]).await;
    let before = telegram_histogram(&metrics(&hosted, None).await);
    let client = hosted.client("/mcp", Some(&tokens[0])).await;
    structured(&call(&client, "get_chat_info", json!({"chat_id": "me"})).await);
    let samples = metrics(&hosted, None).await;
    assert!(telegram_histogram(&samples) > before, "{samples:#?}");
    drop(client);
    assert_eq!(hosted.terminate().await, 0);
}

#[tokio::test]
async fn http_body_sizes_are_histograms_that_move_with_a_request_of_known_size() {
    let (_sandbox, env, token) = demo().await;
    let server = start(&env, &[]).await;
    let bearer = format!("Bearer {token}");
    const REQUEST: &str = r#"tgmcp_http_request_size_bytes"#;
    const RESPONSE: &str = r#"tgmcp_http_response_size_bytes"#;
    let key = |name: &str, route: &str, le: Option<&str>| match le {
        Some(le) => format!("{name}_bucket{{route=\"{route}\",le=\"{le}\"}}"),
        None => format!("{name}_sum{{route=\"{route}\"}}"),
    };

    // An initialize padded with whitespace to 10,000 bytes: between 4 and 16 KiB.
    let mut body = INITIALIZE.to_owned();
    body.push_str(&" ".repeat(10_000 - body.len()));
    let answer = server
        .post("/mcp", &[("authorization", bearer.as_str())], &body)
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let samples = metrics_until(&server, Some(&token), "the request's size", |s| {
        value(s, &key(REQUEST, "/mcp", Some("+Inf"))) >= 1.0
    })
    .await;
    assert_eq!(value(&samples, &key(REQUEST, "/mcp", Some("4096"))), 0.0);
    assert_eq!(value(&samples, &key(REQUEST, "/mcp", Some("16384"))), 1.0);
    assert_eq!(value(&samples, &key(REQUEST, "/mcp", None)), 10_000.0);

    // A response of known size: /health's body, counted once it is sent.
    let health = server.get("/health", &[]).await;
    let size = health.body.len() as f64;
    assert!(size > 64.0 && size <= 1024.0, "{}", health.body);
    let samples = metrics_until(&server, Some(&token), "the response's size", |s| {
        value(s, &key(RESPONSE, "/health", Some("+Inf"))) >= 1.0
    })
    .await;
    assert_eq!(value(&samples, &key(RESPONSE, "/health", None)), size);
    assert_eq!(value(&samples, &key(RESPONSE, "/health", Some("64"))), 0.0);
    assert_eq!(
        value(&samples, &key(RESPONSE, "/health", Some("1024"))),
        1.0
    );
    // A bodiless GET read nothing.
    assert_eq!(value(&samples, &key(REQUEST, "/health", None)), 0.0);
    assert_eq!(value(&samples, &key(REQUEST, "/health", Some("64"))), 1.0);
    // A response still carries its length.
    assert_eq!(
        health.header("content-length"),
        health.body.len().to_string()
    );
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn every_json_log_line_has_one_shape_from_the_first_on() {
    let (_sandbox, env, token) = demo().await;
    let server = start_with(
        &env,
        &["--log-format", "json", "--allow-url-token"],
        |cmd| {
            cmd.env("TGMCP_LOG", "info");
        },
    )
    .await;
    let client = server.client("/mcp", Some(&token)).await;
    structured(&call(&client, "find_chats", json!({"query": "bob"})).await);
    assert_eq!(server.get("/nowhere", &[]).await.status, 404);
    assert_eq!(server.post("/mcp", &[], INITIALIZE).await.status, 401);
    let made_up = "made-up-url-token-0123456789abcdef";
    let refused = server
        .post(&format!("/v1/url_auth/{made_up}/mcp"), &[], INITIALIZE)
        .await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    drop(crate::common::within(10, client.cancel()).await);
    let stderr = server.stderr();
    assert_eq!(server.terminate().await, 0, "{stderr}");

    let events: Vec<Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    assert!(events.len() >= 5, "{stderr}");
    for event in &events {
        let keys: Vec<&str> = event
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys.len(),
            4,
            "timestamp, level, fields, target, no more: {event}"
        );
        let timestamp = event["timestamp"].as_str().expect("a timestamp");
        assert!(
            timestamp.len() >= 20 && timestamp.ends_with('Z') && timestamp.as_bytes()[10] == b'T',
            "RFC 3339: {event}"
        );
        assert!(event["level"].is_string(), "{event}");
        assert!(event["target"].is_string(), "{event}");
        assert!(event["fields"]["message"].is_string(), "{event}");
    }
    assert!(
        events[0]["fields"]["message"]
            .as_str()
            .unwrap()
            .starts_with("serving MCP at http://"),
        "the first line: {stderr}"
    );

    let requests: Vec<&Value> = events
        .iter()
        .filter(|e| e["fields"]["message"] == "request")
        .map(|e| &e["fields"])
        .collect();
    let find = |route: &str, status: u16| {
        requests
            .iter()
            .find(|f| f["route"] == route && f["status"] == status)
            .unwrap_or_else(|| panic!("no {route} {status} event in\n{stderr}"))
    };
    for fields in [
        find("/mcp", 200),
        find("other", 404),
        find("/mcp", 401),
        find("/v1/url_auth", 401),
    ] {
        let ms = fields["duration_ms"].as_f64().expect("duration_ms");
        assert!((0.0..30_000.0).contains(&ms), "{fields}");
        assert!(fields["method"].is_string(), "{fields}");
        assert!(
            fields.get("ms").is_none(),
            "one name for the duration: {fields}"
        );
    }
    assert!(
        !stderr.contains(made_up),
        "the URL token leaked into the logs"
    );
    assert!(!stderr.contains(&token), "the token leaked into the logs");
}

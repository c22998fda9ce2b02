//! `/metrics`' Telegram counters (requests, flood waits, losses, reconnects) are one
//! process-wide set (issue 23): in hosted mode they count every account's requests, and
//! no counter goes down when an account is evicted and reloaded or when a single
//! profile's client is reopened after a new login.

use std::collections::HashMap;

use serde_json::json;
use tgmcp::sandbox::{Sandbox, UserSpec, World};

use crate::common::TestEnv;
use crate::http::{HttpServer, call, parse_metrics, structured};

/// The Telegram counter samples (`tgmcp_telegram_…_total`) of one scrape.
async fn telegram_counters(server: &HttpServer, headers: &[(&str, &str)]) -> HashMap<String, f64> {
    let answer = server.get("/metrics", headers).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    parse_metrics(&answer.body)
        .into_iter()
        .filter(|(key, _)| {
            key.starts_with("tgmcp_telegram_")
                && key.split('{').next().is_some_and(|n| n.ends_with("_total"))
        })
        .collect()
}

/// Every counter of `before` is still there in `after`, with at least its value.
fn never_down(before: &HashMap<String, f64>, after: &HashMap<String, f64>, when: &str) {
    for (key, was) in before {
        let now = after.get(key).copied().unwrap_or(0.0);
        assert!(now >= *was, "{when}: {key} went from {was} to {now}");
    }
}

fn requests(samples: &HashMap<String, f64>) -> f64 {
    samples
        .iter()
        .filter(|(key, _)| key.starts_with("tgmcp_telegram_requests_total{"))
        .map(|(_, v)| v)
        .sum()
}

#[tokio::test]
async fn hosted_counters_count_every_account_and_survive_evictions() {
    let mut world = World::new();
    let ann = world.add_user(UserSpec::new("Ann").username("ann_a"));
    let ben = world.add_user(UserSpec::new("Ben").username("ben_b"));
    let sandbox = Sandbox::start(world).await.unwrap();
    let env = TestEnv::checked();
    let tokens = crate::hosted::accounts_dir(&env, &sandbox, &[("ann", ann), ("ben", ben)]).await;
    // One account connected at a time: each call by the other evicts it.
    let server =
        crate::hosted::serve_accounts(&env, &["--metrics-public", "--max-active-sessions", "1"])
            .await;

    let mut last = telegram_counters(&server, &[]).await;
    for round in 0..3 {
        for (token, name) in tokens.iter().zip(["ann_a", "ben_b"]) {
            let client = server.client("/mcp", Some(token)).await;
            let me = structured(&call(&client, "get_chat_info", json!({"chat_id": "me"})).await);
            assert_eq!(me["chat"]["username"], name, "{me}");
            drop(client);
            let now = telegram_counters(&server, &[]).await;
            // This account's requests are in the process's counters.
            assert!(
                requests(&now) > requests(&last),
                "round {round}, {name}: {last:#?} then {now:#?}"
            );
            never_down(&last, &now, &format!("round {round}, after {name}"));
            last = now;
        }
    }
    let samples = parse_metrics(&server.get("/metrics", &[]).await.body);
    assert!(
        samples["tgmcp_account_evictions_total"] >= 1.0,
        "the accounts took turns: {samples:?}"
    );
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn a_single_profile_reopened_after_a_new_login_keeps_its_counters() {
    let mut world = World::new();
    let ann = world.add_user(UserSpec::new("Ann").username("ann_a"));
    let sandbox = Sandbox::start(world).await.unwrap();
    let env = TestEnv::checked();
    env.profile_at(&sandbox, "default", None).await;
    let token = crate::http::save_token(&env, "default");
    let bearer = format!("Bearer {token}");
    let headers = [("authorization", bearer.as_str())];
    let server = crate::http::start(&env, &[]).await;
    let client = server.client("/mcp", Some(&token)).await;
    // Not logged in yet: Telegram refuses, and that is counted.
    call(&client, "get_chat_info", json!({"chat_id": "me"})).await;
    let before = telegram_counters(&server, &headers).await;
    assert!(requests(&before) >= 1.0, "{before:#?}");

    // A new login: the server opens a new client for the profile.
    sandbox
        .write_session(&env.session_path("default"), Some(ann))
        .await
        .unwrap();
    let me = structured(&call(&client, "get_chat_info", json!({"chat_id": "me"})).await);
    assert_eq!(me["chat"]["username"], "ann_a", "{me}");
    let after = telegram_counters(&server, &headers).await;
    never_down(&before, &after, "after the new login");
    assert!(requests(&after) > requests(&before), "{after:#?}");
    drop(client);
    assert_eq!(server.terminate().await, 0);
}

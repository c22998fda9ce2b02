//! `/health` as a load balancer and a person read it: a `healthy` boolean beside
//! `status`, and Telegram's `connected` only while Telegram can be reached.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tgmcp::sandbox::{Sandbox, World};

use crate::common::TestEnv;
use crate::harness::Setup;
use crate::http::{call, start};

async fn health(server: &crate::http::HttpServer) -> (u16, Value) {
    let answer = server.get("/health", &[]).await;
    let body = serde_json::from_str(&answer.body).expect("/health is JSON");
    (answer.status, body)
}

#[tokio::test]
async fn health_says_healthy_beside_status() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = start(env, &["--no-auth"]).await;
    let (status, body) = health(&server).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["healthy"], true, "{body}");
    assert_eq!(body["status"], "ok", "{body}");
    assert_eq!(body["telegram"]["connected"], true, "{body}");
    assert_eq!(server.terminate().await, 0);

    // Logged out: unhealthy, with the same fields.
    let env = TestEnv::checked();
    env.profile_at(sandbox, "default", None).await;
    let server = start(&env, &["--no-auth"]).await;
    let (status, body) = health(&server).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["healthy"], false, "{body}");
    assert_eq!(body["status"], "unavailable", "{body}");
    assert_eq!(body["telegram"]["authorized"], false, "{body}");
    assert_eq!(server.terminate().await, 0);
}

/// Issue 17: after a tool call on a logged-out profile, `/health` kept saying
/// `connected: true` with Telegram gone.
#[tokio::test]
async fn a_logged_out_profile_does_not_stay_connected_without_telegram() {
    let sandbox = Sandbox::start(World::demo()).await.unwrap();
    let env = TestEnv::checked();
    env.profile_at(&sandbox, "default", None).await;
    let server = start(&env, &["--no-auth"]).await;
    let client = server.client("/mcp", None).await;
    let result = call(&client, "get_chat_info", json!({"chat_id": "me"})).await;
    assert_eq!(result.is_error, Some(true), "{result:?}");
    let (_, body) = health(&server).await;
    assert_eq!(body["telegram"]["connected"], true, "{body}");
    assert_eq!(body["telegram"]["authorized"], false, "{body}");

    // Telegram goes away: the next probes say so.
    drop(sandbox.stop().await);
    let started = Instant::now();
    loop {
        let (_, body) = health(&server).await;
        if body["telegram"]["connected"] == false {
            assert_eq!(body["healthy"], false, "{body}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "/health still says connected with Telegram gone: {body}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    client.cancel().await.unwrap();
    assert_eq!(server.terminate().await, 0);
}

/// Issue 17: a demo profile that is not logged in points at the demo's own setup, not
/// at a real login.
#[tokio::test]
async fn the_demo_says_how_to_log_the_demo_in() {
    let env = TestEnv::checked();
    // A setup that stops after the phone leaves the demo profile logged out.
    let run = env
        .run(&[
            "--sandbox",
            "--profile",
            "half",
            "setup",
            "--phone",
            "+15550100",
        ])
        .await;
    assert_eq!(run.code, 10, "{run:?}");
    let run = env
        .run(&["--sandbox", "--profile", "half", "search", "invoice"])
        .await;
    assert_eq!(run.code, 3, "{run:?}");
    assert!(
        run.stderr
            .contains("run `tgmcp --sandbox --profile half setup`"),
        "{run:?}"
    );
    // The real face keeps its own hint.
    let run = env.run(&["search", "invoice"]).await;
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("run `tgmcp setup`"), "{run:?}");
    let _ = env.run(&["--sandbox", "reset"]).await;
}

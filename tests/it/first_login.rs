//! The first real login, from an empty home: no credentials anywhere, only a session file
//! that names the sandbox's DC with a key nobody is logged in with (what the key exchange
//! leaves, which needs Telegram's private key and cannot be played offline).

use std::os::unix::fs::PermissionsExt;

use serde_json::json;
use tgmcp::sandbox::{Sandbox, UserSpec, World};

use crate::common::TestEnv;
use crate::harness::Setup;

#[tokio::test]
async fn setup_with_flags_saves_the_credentials_a_later_serve_reads() {
    let mut world = World::new();
    world.add_user(UserSpec::new("Ann").username("ann_k").phone("+15550001111"));
    let sandbox = Sandbox::start(world).await.unwrap();
    let env = TestEnv::checked();
    let dir = env.profile_dir("default");
    // Private, as tgmcp makes it (a folder others can read is refused).
    std::os::unix::fs::DirBuilderExt::mode(std::fs::DirBuilder::new().recursive(true), 0o700)
        .create(&dir)
        .unwrap();
    sandbox
        .write_session(&dir.join("session.json"), None)
        .await
        .unwrap();
    let credentials = dir.join("credentials.json");
    assert!(!credentials.exists());

    // Without credentials, serve starts and every tool says what is missing.
    let server = crate::mcp::start(&env, &["serve"]).await;
    let result = server.call("get_chat_info", json!({"chat_id": "me"})).await;
    assert_eq!(result.is_error, Some(true));
    assert_eq!(
        crate::mcp::error_of(&result)["kind"],
        "config",
        "{}",
        server.stderr()
    );
    assert_eq!(server.stop().await, 0);

    let (id, hash) = (
        Sandbox::credentials().api_id.to_string(),
        Sandbox::credentials().api_hash,
    );
    let run = env
        .run(&[
            "setup",
            "--api-id",
            &id,
            "--api-hash",
            &hash,
            "--phone",
            "+15550001111",
        ])
        .await;
    assert_eq!(
        (run.code, run.stdout.trim()),
        (10, r#"{"next":"code"}"#),
        "{run:?}"
    );
    assert!(
        !run.stderr.contains(&hash),
        "the api_hash stays out of logs"
    );
    let run = env.run(&["setup", "--code", "12345"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("Logged in as Ann @ann_k"), "{run:?}");

    // Saved, private, and read by a later serve with nothing in the environment.
    let saved: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&credentials).expect("credentials saved")).unwrap();
    assert_eq!(saved["api_id"], Sandbox::credentials().api_id);
    assert_eq!(saved["api_hash"], hash.as_str());
    let mode = std::fs::metadata(&credentials)
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let server = crate::mcp::start(&env, &["serve"]).await;
    let info = server.ok("get_chat_info", json!({"chat_id": "me"})).await;
    assert_eq!(info["chat"]["username"], "ann_k", "{info}");
    assert_eq!(server.stop().await, 0);
}

/// What Telegram answers to a login besides "code sent by app": a flood wait on
/// `auth.sendCode`, and an expired code at `auth.signIn`; setup says what to do for each.
#[tokio::test]
async fn setup_handles_a_flood_wait_and_an_expired_code() {
    let mut world = World::new();
    world.add_user(UserSpec::new("Ann").username("ann_k").phone("+15550001111"));
    let f = Setup::logged_out(world).await;
    let (sandbox, env) = (&f.sandbox, &f.env);

    sandbox.faults().flood_wait("auth.sendCode", 300, Some(1));
    let run = env.run(&["setup", "--phone", "+15550001111"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert_eq!(
        run.stderr.trim_end(),
        "tgmcp: Telegram asks to wait 300 s before calling auth.sendCode again (flood wait) — retry after that",
        "{run:?}"
    );
    assert!(!env.profile_dir("default").join("login.json").exists());

    let run = env.run(&["setup", "--phone", "+15550001111"]).await;
    assert_eq!(run.code, 10, "{run:?}");
    sandbox
        .faults()
        .inject_error("auth.signIn", 400, "PHONE_CODE_EXPIRED", Some(1));
    let run = env.run(&["setup", "--code", "12345"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(
        run.stderr.trim_end(),
        "tgmcp: invalid input: the login code expired — run `tgmcp setup` again to get a new one",
        "{run:?}"
    );
    assert_eq!(sandbox.stats().count("auth.sendCode"), 2);

    // Asking again gets a new code, which works.
    let run = env.run(&["setup", "--phone", "+15550001111"]).await;
    assert_eq!(run.code, 10, "{run:?}");
    let run = env.run(&["setup", "--code", "12345"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("Logged in as Ann @ann_k"), "{run:?}");
}

//! QR login end to end: `tgmcp setup --qr` shows `tg://login?token=…`, a second device
//! logged in to the same account (a real grammers client) scans it with
//! `auth.acceptLoginToken`, and the sandbox pushes `updateLoginToken` — at a terminal,
//! in steps without one, with a 2FA password, and across a DC migration.

use std::time::Duration;

use base64::Engine as _;
use grammers_tl_types as tl;
use tgmcp::sandbox::{Sandbox, UserSpec, World};

use crate::common::{Run, TestEnv, connect, connect_session, session_for_dcs, within};
use crate::harness::Setup;

fn token_of(url: &str) -> Vec<u8> {
    let token = url
        .split("tg://login?token=")
        .nth(1)
        .unwrap_or_else(|| panic!("no login URL in {url:?}"))
        .split(|c: char| c.is_whitespace() || c == '"')
        .next()
        .unwrap();
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .unwrap()
}

async fn qr_setup(env: &TestEnv, extra: &[(&str, &str)]) -> Run {
    env.run_with(&["--json", "setup", "--qr"], |c| {
        for (key, value) in extra {
            c.env(key, value);
        }
    })
    .await
}

/// The phone: another session of `user`, accepting `token` as Telegram's apps do.
async fn scan(sandbox: &Sandbox, dc: i32, user: i64, token: Vec<u8>) -> Result<(), String> {
    let key = sandbox.authorized_key_on(dc, user);
    let phone = if dc == sandbox.dc_id() {
        connect(sandbox, key)
    } else {
        connect_session(std::sync::Arc::new(
            grammers_client::session::storages::MemorySession::from(session_for_dcs(
                sandbox,
                dc,
                &[(dc, key)],
            )),
        ))
    };
    within(
        10,
        phone
            .client
            .invoke(&tl::functions::auth::AcceptLoginToken { token }),
    )
    .await
    .map(|_| ())
    .map_err(|e| e.to_string())
}

#[tokio::test]
async fn in_steps_the_code_is_printed_then_the_scan_logs_in() {
    let mut world = World::new();
    let me = world.add_user(UserSpec::new("Quinn").username("quinn_qr"));
    let f = Setup::logged_out(world).await;
    let (sandbox, env) = (&f.sandbox, &f.env);

    let run = qr_setup(env, &[]).await;
    assert_eq!(run.code, 10, "{run:?}");
    let step = run.json();
    assert_eq!(step["next"], "qr");
    let url = step["url"].as_str().unwrap().to_owned();
    assert!(step["expires"].as_i64().unwrap() > 0);
    let token = token_of(&url);

    // A wrong token is refused by Telegram's name; the right one is accepted once.
    assert!(
        scan(sandbox, 2, me, b"not a token".to_vec())
            .await
            .unwrap_err()
            .contains("AUTH_TOKEN_INVALID")
    );
    scan(sandbox, 2, me, token.clone()).await.unwrap();
    assert!(
        scan(sandbox, 2, me, token)
            .await
            .unwrap_err()
            .contains("AUTH_TOKEN_ALREADY_ACCEPTED")
    );

    let run = qr_setup(env, &[]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["account"]["id"], me);
    assert_eq!(sandbox.stats().count("auth.importLoginToken"), 0);
    let run = env.run(&["health"]).await;
    assert_eq!(run.code, 0, "{run:?}");
}

#[tokio::test]
async fn an_expired_code_is_refused_and_a_new_one_is_shown() {
    let mut world = World::new();
    let me = world.add_user(UserSpec::new("Quinn").username("quinn_qr"));
    world.login_token_ttl = 1;
    let f = Setup::logged_out(world).await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let first = token_of(qr_setup(env, &[]).await.json()["url"].as_str().unwrap());
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert!(
        scan(sandbox, 2, me, first)
            .await
            .unwrap_err()
            .contains("AUTH_TOKEN_EXPIRED")
    );
    let run = qr_setup(env, &[]).await;
    assert_eq!(run.code, 10, "a new code, not a login: {run:?}");
}

#[tokio::test]
async fn a_scan_on_another_dc_with_a_password_migrates_then_asks_for_it() {
    let mut world = World::new();
    let me = world.add_user(
        UserSpec::new("Quinn")
            .username("quinn_qr")
            .password("hunter2", Some("the usual"))
            .dc(4),
    );
    let sandbox = Sandbox::start_multi(world, &[2, 4]).await.unwrap();
    let env = TestEnv::checked();
    env.profile_at(&sandbox, "default", None).await;

    let run = qr_setup(&env, &[]).await;
    assert_eq!(run.code, 10, "{run:?}");
    scan(
        &sandbox,
        4,
        me,
        token_of(run.json()["url"].as_str().unwrap()),
    )
    .await
    .unwrap();

    let run = qr_setup(&env, &[]).await;
    assert_eq!(run.code, 10, "{run:?}");
    assert_eq!(
        run.json(),
        serde_json::json!({"next": "password", "hint": "the usual"})
    );
    assert_eq!(sandbox.stats().count("auth.importLoginToken"), 1);

    let run = qr_setup(&env, &[("TGMCP_PASSWORD", "wrong")]).await;
    assert_eq!(run.code, 1, "{run:?}");
    let run = qr_setup(&env, &[("TGMCP_PASSWORD", "hunter2")]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["account"]["id"], me);
    let session: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(env.session_path("default")).unwrap())
            .unwrap();
    assert_eq!(session["home_dc"], 4, "the account's DC is home now");
    assert!(!env.profile_dir("default").join("login.json").exists());
}

#[tokio::test]
async fn at_a_terminal_the_code_is_drawn_and_the_scan_is_noticed_at_once() {
    let mut world = World::new();
    let me = world.add_user(UserSpec::new("Quinn").username("quinn_qr"));
    let f = Setup::logged_out(world).await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let log = env.home.path().join("pty.log");
    let mut driver = env.command_for("python3");
    driver
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/it/pty_drive.py"
        ))
        .arg("[]")
        .args([env!("CARGO_BIN_EXE_tgmcp"), "setup", "--qr"])
        .env("PTY_DRIVE_LOG", &log)
        .stdout(std::process::Stdio::piped());
    let child = driver.spawn().expect("python3 runs the pty driver");

    let url = within(30, async {
        loop {
            let shown = std::fs::read_to_string(&log).unwrap_or_default();
            if let Some(at) = shown.find("tg://login?token=")
                && shown[at..].contains('\n')
            {
                return shown[at..].lines().next().unwrap().trim().to_owned();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let shown = std::fs::read_to_string(&log).unwrap();
    assert!(shown.contains("Link Desktop Device"), "{shown}");
    assert!(
        shown.contains('█') || shown.contains('▀') || shown.contains('▄'),
        "a QR code: {shown}"
    );
    let scanned = std::time::Instant::now();
    scan(sandbox, 2, me, token_of(&url)).await.unwrap();
    let out = within(30, child.wait_with_output()).await.unwrap();
    let transcript = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{transcript}");
    assert!(transcript.contains("Logged in as Quinn"), "{transcript}");
    // The push, not the code's 30 s expiry, ended the wait.
    assert!(
        scanned.elapsed() < Duration::from_secs(20),
        "{:?}",
        scanned.elapsed()
    );
    assert_eq!(sandbox.stats().count("auth.exportLoginToken"), 2);
}

//! The real `tgmcp` binary against an in-process sandbox: setup (stepwise, with 2FA,
//! interactive at a pseudo-terminal), health green and red, the standalone sandbox, and
//! several processes sharing one profile.

use tgmcp::sandbox::{DEMO_PASSWORD, DEMO_PHONE, Sandbox, UserSpec, World};
use tokio::io::AsyncBufReadExt;

use crate::common::{TestEnv, within};
use crate::harness::Setup;

#[tokio::test]
async fn version_and_help() {
    let env = TestEnv::checked();
    let run = env.run(&["--version"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout.trim(),
        format!("tgmcp {}", env!("CARGO_PKG_VERSION"))
    );
    let run = env.run(&["--help"]).await;
    for sub in ["setup", "serve", "health", "search", "send", "invoke"] {
        assert!(run.stdout.contains(sub), "--help lists {sub}: {run:?}");
    }
    assert!(
        !run.stdout.contains("sandbox --listen"),
        "the sandbox subcommand is hidden"
    );
}

#[tokio::test]
async fn usage_errors_exit_2_with_a_message() {
    let env = TestEnv::checked();
    let run = env.run(&["health", "--no-such-flag"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    let run = env.run(&["--profile", "../etc", "health"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("profile"), "{run:?}");
    assert!(run.stdout.is_empty());
}

#[tokio::test]
async fn sandbox_health_is_green_with_no_network() {
    let env = TestEnv::checked();
    let run = env.run(&["--sandbox", "health", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let report = run.json();
    assert_eq!(report["authorized"], true);
    assert_eq!(report["ok"], true);
    assert_eq!(report["account"]["username"], "alex_demo");
    assert!(
        !report["account"]["phone"]
            .as_str()
            .unwrap()
            .contains("0100001"),
        "phone is masked"
    );
    // The demo profile lives in the demo's folder, apart from the real profiles, and
    // nothing is left in the temp folder.
    assert!(!env.home.path().join("data").exists());
    assert_eq!(env.tmp_leftovers(), Vec::<std::path::PathBuf>::new());
}

#[tokio::test]
async fn sandbox_setup_logs_in_with_the_code_and_password_it_prints() {
    let env = TestEnv::checked();
    let run = env
        .run(&[
            "--sandbox",
            "setup",
            "--json",
            "--code",
            "12345",
            "--password",
            DEMO_PASSWORD,
        ])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("login code is 12345"), "{run:?}");
    let out = run.json();
    assert_eq!(out["account"]["username"], "alex_demo");
    assert!(out["mcp"]["claude_desktop"]["mcpServers"]["telegram"]["args"][0] == "--sandbox");
}

#[tokio::test]
async fn stepwise_setup_without_2fa() {
    let mut world = World::new();
    world.add_user(UserSpec::new("Ann").username("ann_k").phone("+15550001111"));
    let f = TestEnv::builder()
        .world(world)
        .logged_out("work")
        .build()
        .await;
    let env = &f.env;

    let run = env
        .run(&["--profile", "work", "setup", "--phone", "+15550001111"])
        .await;
    assert_eq!(
        (run.code, run.stdout.trim()),
        (10, r#"{"next":"code"}"#),
        "{run:?}"
    );
    assert!(
        !run.stderr.contains("15550001111"),
        "phone numbers stay out of logs: {run:?}"
    );

    let run = env
        .run(&["--profile", "work", "setup", "--code", "99999"])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("code is wrong"), "{run:?}");

    let run = env
        .run(&["--profile", "work", "setup", "--code", "12345"])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("Logged in as Ann @ann_k"), "{run:?}");
    assert!(
        run.stdout.contains("--profile work serve"),
        "configs name the profile: {run:?}"
    );
    assert!(
        !env.profile_dir("work").join("login.json").exists(),
        "pending login cleaned up"
    );

    // Logged in now: health is green, and setup refuses to replace the login.
    let run = env.run(&["--profile", "work", "health"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let run = env
        .run(&["--profile", "work", "setup", "--phone", "+15550001111"])
        .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--overwrite"), "{run:?}");
}

#[tokio::test]
async fn stepwise_setup_with_2fa_wrong_password_then_right() {
    let mut world = World::new();
    world.add_user(
        UserSpec::new("Ben")
            .phone("+15550002222")
            .password("s3cret", Some("the usual")),
    );
    let f = Setup::logged_out(world).await;
    let env = &f.env;

    let run = env.run(&["setup", "--phone", "+15550002222"]).await;
    assert_eq!(run.code, 10, "{run:?}");
    let run = env.run(&["setup", "--code", "12345"]).await;
    assert_eq!(run.code, 10, "{run:?}");
    assert_eq!(
        run.json(),
        serde_json::json!({"next": "password", "hint": "the usual"})
    );

    let run = env
        .run_with(&["setup"], |c| {
            c.env("TGMCP_PASSWORD", "wrong");
        })
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("password is wrong"), "{run:?}");

    let run = env
        .run_with(&["setup", "--json"], |c| {
            c.env("TGMCP_PASSWORD", "s3cret");
        })
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["account"]["name"], "Ben");
    assert!(!run.stderr.contains("s3cret"), "{run:?}");
}

#[tokio::test]
async fn interactive_sandbox_setup_at_a_terminal() {
    let env = TestEnv::checked();
    let script = serde_json::json!([
        ["Phone number", ""],
        ["Login code", "00000"],
        ["code is wrong", ""],
        ["Login code", "12345"],
        ["hint: the word sandbox", "nope"],
        ["password is wrong", ""],
        ["Two-step verification password", DEMO_PASSWORD],
    ]);
    let out = env.run_at_terminal(&script, &["--sandbox", "setup"]).await;
    let transcript = &out.stdout;
    assert_eq!(out.code, 0, "{transcript}\n{}", out.stderr);
    assert!(
        transcript.contains(DEMO_PHONE),
        "the demo phone is the default: {transcript}"
    );
    assert!(transcript.contains("login code is 12345"), "{transcript}");
    assert!(
        transcript.contains("Logged in as Alex Demo"),
        "{transcript}"
    );
    assert!(
        !transcript.contains("nope"),
        "passwords are not echoed: {transcript}"
    );
}

#[tokio::test]
async fn health_red_no_session_bad_permissions_unauthorized_unreachable() {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let env = TestEnv::checked();

    let run = env
        .run_with(&["health", "--json"], |c| {
            c.env("TGMCP_API_ID", "1").env("TGMCP_API_HASH", "x");
        })
        .await;
    assert_eq!(run.code, 3, "no session: {run:?}");
    assert_eq!(run.json()["ok"], false);

    env.profile_at(&sandbox, "loose", Some(me)).await;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            env.session_path("loose"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        let run = env.run(&["--profile", "loose", "health"]).await;
        assert_eq!(run.code, 2, "world-readable session: {run:?}");
        assert!(run.stdout.contains("chmod 600"), "{run:?}");
    }

    env.profile_at(&sandbox, "out", None).await;
    let run = env.run(&["--profile", "out", "health", "--json"]).await;
    assert_eq!(run.code, 3, "unauthorized key: {run:?}");
    assert_eq!(run.json()["authorized"], false);

    // A session pointing at a sandbox that is gone.
    let gone = Sandbox::start(World::demo()).await.unwrap();
    env.profile_at(&gone, "gone", None).await;
    drop(gone);
    let run = env
        .run(&["--profile", "gone", "health", "--timeout", "5"])
        .await;
    assert_eq!(run.code, 4, "unreachable: {run:?}");
    assert!(
        run.stderr.is_empty() || !run.stderr.contains("panicked"),
        "{run:?}"
    );
}

#[tokio::test]
async fn health_survives_a_dropped_connection() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    sandbox.faults().drop_after(1);
    let run = env.run(&["health", "--json"]).await;
    assert_eq!(
        run.code, 0,
        "reads are retried on a new connection: {run:?}"
    );
    assert_eq!(sandbox.stats().connections(), 2);
}

#[tokio::test]
async fn processes_share_one_profile() {
    let f = TestEnv::builder().profile("shared").build().await;
    let (sandbox, env, me) = (&f.sandbox, &f.env, f.me);
    // Drop the cached self so every process writes to the session as it logs in.
    std::fs::write(
        env.session_path("shared"),
        std::fs::read_to_string(env.session_path("shared"))
            .unwrap()
            .replace("\"is_self\":true", "\"is_self\":null"),
    )
    .unwrap();

    let runs = futures_util::future::join_all(
        (0..6).map(|_| env.run(&["--profile", "shared", "health", "--json"])),
    )
    .await;
    for run in &runs {
        assert_eq!(run.code, 0, "{run:?}");
    }
    assert_eq!(sandbox.stats().count("users.getUsers"), 6);
    let session = tgmcp::telegram::FileSession::open(env.session_path("shared"))
        .expect("session still valid");
    assert_eq!(session.self_user_id(), Some(me));
}

#[tokio::test]
async fn standalone_sandbox_prints_its_address_and_serves() {
    let env = TestEnv::checked();
    let mut child = env
        .command()
        .args(["sandbox", "--listen", "127.0.0.1:0", "--profile", "cron"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = tokio::io::BufReader::new(stdout).lines();
    let line = within(20, lines.next_line())
        .await
        .unwrap()
        .expect("one JSON line");
    let info: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(info["dc_id"], 2);
    let addr: std::net::SocketAddr = info["addr"].as_str().unwrap().parse().unwrap();
    assert!(addr.ip().is_loopback() && addr.port() != 0);
    let key_hex = info["auth_key_hex"].as_str().unwrap();
    assert_eq!(key_hex.len(), 512);

    // The profile it wrote works from another process…
    let run = env.run(&["--profile", "cron", "health", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    // …and so does a plain grammers client given the printed key.
    let key: Vec<u8> = (0..256)
        .map(|i| u8::from_str_radix(&key_hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    let mut session = grammers_client::session::SessionData::default();
    let std::net::SocketAddr::V4(v4) = addr else {
        panic!("IPv4")
    };
    session.dc_options.insert(
        2,
        grammers_client::session::types::DcOption {
            id: 2,
            ipv4: v4,
            ipv6: std::net::SocketAddrV6::new(v4.ip().to_ipv6_mapped(), v4.port(), 0, 0),
            auth_key: Some(key.try_into().unwrap()),
        },
    );
    let me = standalone_get_me(session).await;
    assert_eq!(me, info["user_id"].as_i64().unwrap());

    child.start_kill().unwrap();
    let _ = within(10, child.wait()).await;
}

async fn standalone_get_me(session: grammers_client::session::SessionData) -> i64 {
    use grammers_client::Client;
    use grammers_client::sender::SenderPool;
    let session = std::sync::Arc::new(grammers_client::session::storages::MemorySession::from(
        session,
    ));
    let pool = SenderPool::new(session, crate::common::API_ID);
    let client = Client::new(pool.handle);
    let runner = tokio::spawn(pool.runner.run());
    let me = within(10, client.get_me()).await.unwrap();
    client.disconnect();
    runner.abort();
    me.id().bare_id().unwrap()
}

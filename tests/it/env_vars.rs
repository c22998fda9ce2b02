//! fast-mcp-telegram's environment variables and `--env-file`, through the real binary
//! against the sandbox: a `.env` written for the reference server works as it is.

use serde_json::json;
use tgmcp::sandbox::{Sandbox, UserSpec, World};

use crate::common::TestEnv;
use crate::harness::Setup;
use crate::http::{call, spawn, structured};

fn write_env_file(env: &TestEnv, text: &str) -> String {
    let path = env.home.path().join("fast-mcp.env");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// SERVER_MODE, HOST, PORT, SESSION_NAME and LOG_LEVEL from a reference `.env` turn
/// plain `serve` into an HTTP server without a token on loopback, on the named
/// session's profile; the settings tgmcp has no use for are named, not fatal.
#[tokio::test]
async fn a_reference_env_file_serves_http_on_its_session() {
    let f = TestEnv::builder().profile("work").build().await;
    let (env, me) = (&f.env, Some(f.me));
    let file = write_env_file(
        env,
        "# fast-mcp-telegram\nSERVER_MODE=http-no-auth\nHOST=127.0.0.1\nPORT=0\nSESSION_NAME=work\nLOG_LEVEL=INFO\nDOMAIN=your-domain.com\n",
    );
    let mut cmd = env.command();
    cmd.args(["--env-file", &file, "serve"]);
    let server = spawn(cmd).await;
    assert!(server.addr.ip().is_loopback());
    let client = server.client("/mcp", None).await;
    let me_id = me.unwrap();
    let me = structured(&call(&client, "get_chat_info", json!({"chat_id": "me"})).await);
    assert_eq!(me["chat"]["id"], json!(me_id));
    client.cancel().await.unwrap();
    let stderr = server.stderr();
    assert!(stderr.contains("DOMAIN"), "{stderr}");
    assert!(stderr.contains("ignored"), "{stderr}");
    assert_eq!(server.terminate().await, 0);
}

/// The process environment wins over the file, and a server without a token on an
/// address others can reach is refused, naming the variable that asked for it.
#[tokio::test]
async fn no_token_off_loopback_is_refused_and_the_environment_wins() {
    let f = Setup::demo().await;
    let env = &f.env;
    let file = write_env_file(env, "SERVER_MODE=http-no-auth\nHOST=0.0.0.0\nPORT=0\n");
    let run = env.run(&["--env-file", &file, "serve"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("SERVER_MODE=\"http-no-auth\" (in "),
        "{run:?}"
    );
    assert!(run.stderr.contains("0.0.0.0:0"), "{run:?}");
    assert!(run.stderr.contains("loopback address only"), "{run:?}");

    // DISABLE_AUTH in the environment asks the same of a tokened mode.
    let run = env
        .run_with(&["serve"], |cmd| {
            cmd.env("SERVER_MODE", "http-auth")
                .env("HOST", "0.0.0.0")
                .env("DISABLE_AUTH", "true");
        })
        .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr
            .contains("DISABLE_AUTH=\"true\" (in the environment)"),
        "{run:?}"
    );

    // HOST from the process beats the file's.
    let mut cmd = env.command();
    cmd.args(["--env-file", &file, "serve"])
        .env("HOST", "127.0.0.1");
    let server = spawn(cmd).await;
    assert!(server.addr.ip().is_loopback(), "{}", server.addr);
    let health = server.get("/health", &[]).await;
    assert_eq!(health.status, 200, "{}", health.body);
    assert_eq!(server.terminate().await, 0);
}

/// API_ID, API_HASH, PHONE_NUMBER and SESSION_NAME from a `.env`: the stepwise setup
/// logs the named profile in with no flag but the code.
#[tokio::test]
async fn setup_reads_credentials_phone_and_session_from_the_env_file() {
    let mut world = World::new();
    world.add_user(UserSpec::new("Ann").username("ann_k").phone("+15550001111"));
    let sandbox = Sandbox::start(world).await.unwrap();
    let env = TestEnv::checked();
    let dir = env.profile_dir("telegram");
    std::os::unix::fs::DirBuilderExt::mode(std::fs::DirBuilder::new().recursive(true), 0o700)
        .create(&dir)
        .unwrap();
    sandbox
        .write_session(&dir.join("session.json"), None)
        .await
        .unwrap();
    let credentials = Sandbox::credentials();
    let file = write_env_file(
        &env,
        &format!(
            "API_ID={}\nAPI_HASH=\"{}\"\nPHONE_NUMBER=+15550001111\nSESSION_NAME=telegram\n",
            credentials.api_id, credentials.api_hash
        ),
    );
    let run = env.run(&["--env-file", &file, "setup"]).await;
    assert_eq!(
        (run.code, run.stdout.trim()),
        (10, r#"{"next":"code"}"#),
        "{run:?}"
    );
    assert!(!run.stderr.contains("15550001111"), "{run:?}");
    let run = env
        .run(&["--env-file", &file, "setup", "--code", "12345"])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("Logged in as Ann @ann_k"), "{run:?}");
    assert!(dir.join("credentials.json").exists());
}

/// Bad files and values are refused with what to write instead, and no value is echoed
/// from a file (it may be a secret).
#[tokio::test]
async fn bad_settings_say_what_to_write() {
    let env = TestEnv::checked();
    let file = write_env_file(&env, "API_HASH=s3cret\nTGMCP_NO_AUTH=1\n");
    let run = env.run(&["--env-file", &file, "serve"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("line 2"), "{run:?}");
    assert!(run.stderr.contains("export it"), "{run:?}");
    assert!(!run.stderr.contains("s3cret"), "{run:?}");

    let run = env.run(&["--env-file", "/nonexistent/.env", "serve"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("--env-file"), "{run:?}");

    for (name, value, wanted) in [
        ("SERVER_MODE", "sse", "use stdio, http-auth or http-no-auth"),
        ("LOG_LEVEL", "loud", "DEBUG, INFO, WARNING or ERROR"),
        ("SESSION_NAME", "my.session", "cannot name a tgmcp profile"),
    ] {
        let run = env
            .run_with(&["serve"], |cmd| {
                cmd.env(name, value);
            })
            .await;
        assert_eq!(run.code, 2, "{name}: {run:?}");
        assert!(run.stderr.contains(wanted), "{name}: {run:?}");
    }
}

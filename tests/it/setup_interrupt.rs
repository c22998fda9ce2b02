//! Ctrl-C at `setup`'s prompts (issue 17): at the phone, code and 2FA password prompts
//! it stops at once, without waiting for Enter, prints "tgmcp: interrupted" on a line of
//! its own, leaves the terminal as it found it (echo back on after the hidden password
//! prompt) and exits 130 with nothing logged in. Driven through a real pseudo-terminal.

use tgmcp::sandbox::{DEMO_PHONE, Sandbox, World};

use crate::common::{TestEnv, within};

/// `tgmcp setup` in a pty, answering `script` ([expected, reply], "\x03" for Ctrl-C);
/// the transcript, ending with the exit code and `stty -a`.
async fn interrupted_setup(script: serde_json::Value) -> (Sandbox, TestEnv, String) {
    let sandbox = Sandbox::start(World::demo()).await.unwrap();
    let env = TestEnv::new();
    env.profile_at(&sandbox, "default", None).await;
    let mut python = env.command_for("python3");
    python
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/it/pty_interrupt.py"
        ))
        .arg(script.to_string())
        .args([env!("CARGO_BIN_EXE_tgmcp"), "setup"]);
    let out = within(120, python.output())
        .await
        .expect("python3 runs the pty driver");
    let transcript = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{transcript}");
    (sandbox, env, transcript)
}

fn assert_interrupted(env: &TestEnv, transcript: &str) {
    let lines: Vec<&str> = transcript
        .lines()
        .map(|l| l.trim_end_matches('\r'))
        .collect();
    assert!(lines.contains(&"[exit 130]"), "{transcript}");
    assert!(
        lines.contains(&"tgmcp: interrupted"),
        "the message on a line of its own: {transcript}"
    );
    // `stty -a` after the exit: the terminal echoes and reads lines again.
    let settings: Vec<&str> = transcript
        .split("[exit 130]")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect();
    for setting in ["echo", "icanon", "isig"] {
        assert!(
            settings.contains(&setting),
            "{setting} is on again: {transcript}"
        );
    }
    assert!(!transcript.contains("Logged in"), "{transcript}");
    assert!(
        !env.profile_dir("default").join("token").exists(),
        "no bearer token saved"
    );
}

#[tokio::test]
async fn ctrl_c_at_the_phone_prompt_stops_at_once() {
    let (_sandbox, env, transcript) =
        interrupted_setup(serde_json::json!([["Phone number", "\u{3}"]])).await;
    assert_interrupted(&env, &transcript);
}

#[tokio::test]
async fn ctrl_c_at_the_code_prompt_stops_at_once() {
    let (_sandbox, env, transcript) = interrupted_setup(serde_json::json!([
        ["Phone number", DEMO_PHONE],
        ["Login code", "\u{3}"]
    ]))
    .await;
    assert_interrupted(&env, &transcript);
}

#[tokio::test]
async fn ctrl_c_at_the_password_prompt_stops_at_once_and_turns_echo_back_on() {
    let (_sandbox, env, transcript) = interrupted_setup(serde_json::json!([
        ["Phone number", DEMO_PHONE],
        ["Login code", "12345"],
        ["Two-step verification password", "\u{3}"]
    ]))
    .await;
    assert_interrupted(&env, &transcript);
    // Nothing half-done: the profile is still not logged in.
    let run = env.run(&["health"]).await;
    assert_eq!(run.code, 3, "{run:?}");
}

//! Where the login code went: the sandbox's auth.sendCode answers as Telegram does —
//! `sentCodeTypeApp` when the account is logged in somewhere, else `sentCodeTypeSms`
//! (a call offered next) — and setup's prompt says where to look.

use serde_json::Value;
use tgmcp::sandbox::{Sandbox, UserSpec, World};

use crate::common::TestEnv;

const ANN_PHONE: &str = "+15550001111";

async fn ann_world() -> (Sandbox, i64) {
    let mut world = World::new();
    let ann = world.add_user(UserSpec::new("Ann").username("ann_k").phone(ANN_PHONE));
    (Sandbox::start(world).await.unwrap(), ann)
}

/// `setup --phone` in steps; what login.json says about where the code went.
async fn stepwise_sent_by(sandbox: &Sandbox) -> Value {
    let env = TestEnv::checked();
    env.profile_at(sandbox, "default", None).await;
    let run = env.run(&["setup", "--phone", ANN_PHONE]).await;
    assert_eq!(
        (run.code, run.stdout.trim()),
        (10, r#"{"next":"code"}"#),
        "{run:?}"
    );
    let pending: Value = serde_json::from_slice(
        &std::fs::read(env.profile_dir("default").join("login.json")).unwrap(),
    )
    .unwrap();
    pending["sent_by"].clone()
}

#[tokio::test]
async fn the_code_goes_by_sms_until_the_account_has_a_session_then_to_the_app() {
    let (sandbox, ann) = ann_world().await;
    assert_eq!(stepwise_sent_by(&sandbox).await, "sms");
    // Ann logs in on another device: the next code goes to that app.
    let _ = sandbox.authorized_key(ann);
    assert_eq!(stepwise_sent_by(&sandbox).await, "app");
}

#[tokio::test]
async fn the_code_prompt_says_it_came_by_sms() {
    let (sandbox, _) = ann_world().await;
    let env = TestEnv::checked();
    env.profile_at(&sandbox, "default", None).await;
    let script = serde_json::json!([
        ["Phone number", ANN_PHONE],
        ["Login code (sent by SMS)", "12345"],
    ]);
    let out = env.run_at_terminal(&script, &["setup"]).await;
    let transcript = &out.stdout;
    assert_eq!(out.code, 0, "{transcript}");
    assert!(
        transcript.contains("Login code (sent by SMS)"),
        "{transcript}"
    );
    assert!(transcript.contains("Logged in as Ann"), "{transcript}");
}

//! Hosted mode (issue 21): several accounts sharing one sandbox world, and many accounts
//! behind one `tgmcp serve --http --accounts DIR`, each bearer token its own isolated
//! session. The real binary, over real HTTP, against an in-process sandbox DC.

use grammers_client::tl;
use tgmcp::sandbox::{Peer, Sandbox, UserSpec, World};

use crate::common::{API_HASH, API_ID, TestEnv, connect, within};
use crate::sandbox_support::rpc_name;

fn send_code(phone: &str) -> tl::functions::auth::SendCode {
    tl::functions::auth::SendCode {
        phone_number: phone.into(),
        api_id: API_ID,
        api_hash: API_HASH.into(),
        settings: tl::types::CodeSettings {
            allow_flashcall: false,
            current_number: false,
            allow_app_hash: false,
            allow_missed_call: false,
            allow_firebase: false,
            unknown_number: false,
            logout_tokens: None,
            token: None,
            app_sandbox: None,
        }
        .into(),
    }
}

/// Signs a new account up for `phone` over a fresh key, as an official app does
/// (sendCode, signIn → SignUpRequired, signUp), and returns its user id.
async fn sign_up(sandbox: &Sandbox, phone: &str, first_name: &str) -> i64 {
    let tc = connect(sandbox, sandbox.new_auth_key());
    let tl::enums::auth::SentCode::Code(sent) = within(10, tc.client.invoke(&send_code(phone)))
        .await
        .unwrap()
    else {
        panic!("a code is sent")
    };
    let code = sandbox.world().login_code.clone();
    let answer = within(
        10,
        tc.client.invoke(&tl::functions::auth::SignIn {
            phone_number: phone.into(),
            phone_code_hash: sent.phone_code_hash.clone(),
            phone_code: Some(code),
            email_verification: None,
        }),
    )
    .await
    .unwrap();
    assert!(
        matches!(answer, tl::enums::auth::Authorization::SignUpRequired(_)),
        "{answer:?}"
    );
    let signed_up = |first_name: &str| tl::functions::auth::SignUp {
        no_joined_notifications: false,
        phone_number: phone.into(),
        phone_code_hash: sent.phone_code_hash.clone(),
        first_name: first_name.into(),
        last_name: String::new(),
    };
    let refused = within(10, tc.client.invoke(&signed_up("  ")))
        .await
        .unwrap_err();
    assert_eq!(rpc_name(&refused), "FIRSTNAME_INVALID");
    let tl::enums::auth::Authorization::Authorization(auth) =
        within(10, tc.client.invoke(&signed_up(first_name)))
            .await
            .unwrap()
    else {
        panic!("signed up")
    };
    let tl::enums::User::User(user) = auth.user else {
        panic!("a user")
    };
    assert!(user.is_self);
    assert_eq!(user.first_name.as_deref(), Some(first_name));
    // The code was used up; the number is taken now.
    let again = within(10, tc.client.invoke(&signed_up(first_name)))
        .await
        .unwrap_err();
    assert_eq!(rpc_name(&again), "PHONE_CODE_EXPIRED");
    user.id
}

/// Unread messages `reader` has from `from`, as Telegram's dialog says.
async fn unread_from(sandbox: &Sandbox, reader: i64, from: i64) -> i32 {
    let tc = connect(sandbox, sandbox.authorized_key(reader));
    let peer = sandbox.world().input_peer(Peer::User(from)).unwrap();
    let tl::enums::messages::PeerDialogs::Dialogs(d) = within(
        10,
        tc.client.invoke(&tl::functions::messages::GetPeerDialogs {
            peers: vec![tl::types::InputDialogPeer { peer }.into()],
        }),
    )
    .await
    .unwrap();
    match d.dialogs.first() {
        Some(tl::enums::Dialog::Dialog(dialog)) => dialog.unread_count,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn any_phone_signs_up_and_two_accounts_share_one_world() {
    let mut world = World::new();
    let bea = world.add_user(UserSpec::new("Bea").username("bea_b").phone("+15550002222"));
    let sandbox = Sandbox::start(world).await.unwrap();
    let ann = sign_up(&sandbox, "+15550001111", "Ann").await;
    assert_ne!(ann, bea);

    // Ann, through the real binary, writes to Bea; Bea's dialog shows it unread.
    let env = TestEnv::new();
    env.profile_at(&sandbox, "ann", Some(ann)).await;
    let run = env
        .run(&["--profile", "ann", "send", "@bea_b", "hello from Ann"])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(unread_from(&sandbox, bea, ann).await, 1);
    assert_eq!(unread_from(&sandbox, ann, bea).await, 0);
}

//! The sandbox DC against the real, unmodified grammers client: login (with and without
//! 2FA), peers, errors by their real names, gzip, pushed updates, fault knobs, and a
//! decoder that survives hostile bytes.

use std::time::{Duration, Instant};

use grammers_client::session::updates::UpdatesLike;
use grammers_client::{InvocationError, SignInError, tl};
use proptest::prelude::*;
use tgmcp::sandbox::{Event, Sandbox, UserSpec, World};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::{API_HASH, connect, within};

fn rpc_name(err: &InvocationError) -> String {
    match err {
        InvocationError::Rpc(rpc) => match rpc.value {
            Some(v) if rpc.name.ends_with('_') || rpc.name.contains("WAIT") => {
                format!("{}_{v}", rpc.name)
            }
            _ => rpc.name.clone(),
        },
        other => format!("not an RPC error: {other}"),
    }
}

fn world_with(users: &[UserSpec]) -> (World, Vec<i64>) {
    let mut world = World::new();
    let ids = users.iter().cloned().map(|u| world.add_user(u)).collect();
    (world, ids)
}

#[tokio::test]
async fn login_without_2fa_wrong_code_then_right() {
    let (world, ids) = world_with(&[UserSpec::new("Ann").phone("+15550001111").username("ann_k")]);
    let sandbox = Sandbox::start(world).await.unwrap();
    let mut events = sandbox.events();
    let key = sandbox.new_auth_key();
    let tc = connect(&sandbox, key);

    within(10, async {
        assert!(!tc.client.is_authorized().await.unwrap());
        let token = tc
            .client
            .request_login_code("+1 555 000 1111", API_HASH)
            .await
            .unwrap();
        let Some(Event::CodeSent { code, .. }) = events.recv().await else {
            panic!("the sandbox announces the code it sent");
        };
        match tc.client.sign_in(&token, "00000").await {
            Err(SignInError::InvalidCode) => {}
            other => panic!("expected PHONE_CODE_INVALID, got {other:?}"),
        }
        let user = tc.client.sign_in(&token, &code).await.unwrap();
        assert_eq!(user.id().bare_id(), Some(ids[0]));
        assert!(tc.client.is_authorized().await.unwrap());
        let me = tc.client.get_me().await.unwrap();
        assert!(me.is_self());
        assert_eq!(me.username(), Some("ann_k"));
        assert_eq!(me.phone(), Some("15550001111"), "you see your own phone");
    })
    .await;
    assert_eq!(sandbox.authorized_user(&key), Some(ids[0]));
}

#[tokio::test]
async fn login_with_2fa_checks_the_password_by_srp() {
    let (world, ids) = world_with(&[UserSpec::new("Ben")
        .phone("+15550002222")
        .password("correct horse", Some("a horse"))]);
    let sandbox = Sandbox::start(world).await.unwrap();
    let code = sandbox.world().login_code.clone();
    let tc = connect(&sandbox, sandbox.new_auth_key());

    within(60, async {
        let token = tc
            .client
            .request_login_code("+15550002222", API_HASH)
            .await
            .unwrap();
        let password_token = match tc.client.sign_in(&token, &code).await {
            Err(SignInError::PasswordRequired(t)) => t,
            other => panic!("expected SESSION_PASSWORD_NEEDED, got {other:?}"),
        };
        assert_eq!(password_token.hint(), Some("a horse"));
        // Not logged in yet: the password is still owed.
        assert!(!tc.client.is_authorized().await.unwrap());
        let password_token = match tc
            .client
            .check_password(password_token, "wrong horse")
            .await
        {
            Err(SignInError::InvalidPassword(t)) => t,
            other => panic!("expected PASSWORD_HASH_INVALID, got {other:?}"),
        };
        assert!(!tc.client.is_authorized().await.unwrap());
        let user = tc
            .client
            .check_password(password_token, "correct horse")
            .await
            .unwrap();
        assert_eq!(user.id().bare_id(), Some(ids[0]));
        assert!(tc.client.is_authorized().await.unwrap());
    })
    .await;
}

#[tokio::test]
async fn unknown_phone_needs_sign_up_and_log_out_forgets_the_key() {
    let (world, ids) = world_with(&[UserSpec::new("Cy").phone("+15550003333")]);
    let sandbox = Sandbox::start(world).await.unwrap();
    let code = sandbox.world().login_code.clone();
    let tc = connect(&sandbox, sandbox.new_auth_key());
    within(10, async {
        let token = tc
            .client
            .request_login_code("+15559999999", API_HASH)
            .await
            .unwrap();
        assert!(matches!(
            tc.client.sign_in(&token, &code).await,
            Err(SignInError::SignUpRequired)
        ));
        let Err(err) = tc.client.request_login_code("12", API_HASH).await else {
            panic!("a two-digit phone number is refused");
        };
        assert_eq!(rpc_name(&err), "PHONE_NUMBER_INVALID");
    })
    .await;

    let key = sandbox.authorized_key(ids[0]);
    let tc = connect(&sandbox, key);
    within(10, async {
        assert!(tc.client.is_authorized().await.unwrap());
        tc.client.sign_out().await.unwrap();
        assert!(!tc.client.is_authorized().await.unwrap());
        let err = tc.client.get_me().await.unwrap_err();
        assert_eq!(rpc_name(&err), "AUTH_KEY_UNREGISTERED");
    })
    .await;
}

#[tokio::test]
async fn resolves_usernames_and_rejects_wrong_access_hashes() {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let tc = connect(&sandbox, sandbox.authorized_key(me));
    within(10, async {
        let bob = tc
            .client
            .resolve_username("bob_builder")
            .await
            .unwrap()
            .expect("bob exists");
        let bob_id = bob.id().bare_id().unwrap();
        let channel = tc
            .client
            .resolve_username("Sandbox_News")
            .await
            .unwrap()
            .expect("case-insensitive");
        assert_eq!(channel.name(), Some("Sandbox News"));
        assert!(
            tc.client
                .resolve_username("nobody_here")
                .await
                .unwrap()
                .is_none()
        );

        let err = tc
            .client
            .invoke(&tl::functions::contacts::ResolveUsername {
                username: "nobody_here".into(),
                referer: None,
            })
            .await
            .unwrap_err();
        assert_eq!(rpc_name(&err), "USERNAME_NOT_OCCUPIED");
        let err = tc
            .client
            .invoke(&tl::functions::contacts::ResolveUsername {
                username: "x!".into(),
                referer: None,
            })
            .await
            .unwrap_err();
        assert_eq!(rpc_name(&err), "USERNAME_INVALID");

        let real_hash = sandbox.world().users[&bob_id].access_hash;
        let full = |access_hash| tl::functions::users::GetFullUser {
            id: tl::types::InputUser {
                user_id: bob_id,
                access_hash,
            }
            .into(),
        };
        let tl::enums::users::UserFull::Full(full_user) =
            tc.client.invoke(&full(real_hash)).await.unwrap();
        assert_eq!(full_user.users.len(), 1, "users vector carries the user");
        let err = tc.client.invoke(&full(real_hash ^ 1)).await.unwrap_err();
        assert_eq!(rpc_name(&err), "USER_ID_INVALID");
    })
    .await;
}

#[tokio::test]
async fn answers_messages_with_matching_users_vector() {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let tc = connect(&sandbox, sandbox.authorized_key(me));
    let ids = (1..=3)
        .map(|id| tl::types::InputMessageId { id }.into())
        .chain([tl::types::InputMessageId { id: 99_999 }.into()])
        .collect();
    let answer = within(
        10,
        tc.client
            .invoke(&tl::functions::messages::GetMessages { id: ids }),
    )
    .await
    .unwrap();
    let tl::enums::messages::Messages::Messages(m) = answer else {
        panic!("plain messages.messages expected");
    };
    assert_eq!(m.messages.len(), 4);
    assert!(matches!(m.messages[3], tl::enums::Message::Empty(_)));
    let tl::enums::Message::Message(first) = &m.messages[0] else {
        panic!("message 1 exists")
    };
    let Some(tl::enums::Peer::User(from)) = &first.from_id else {
        panic!("private message has a sender")
    };
    let user_ids: Vec<i64> = m.users.iter().map(|u| u.id()).collect();
    assert!(user_ids.contains(&from.user_id) && user_ids.contains(&me));
}

#[tokio::test]
async fn unknown_methods_get_a_prompt_error() {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let tc = connect(&sandbox, sandbox.authorized_key(me));
    let start = Instant::now();
    let err = within(
        5,
        tc.client
            .invoke(&tl::functions::messages::GetSuggestedDialogFilters {}),
    )
    .await
    .unwrap_err();
    assert_eq!(rpc_name(&err), "METHOD_NOT_SUPPORTED_BY_SANDBOX");
    assert!(start.elapsed() < Duration::from_secs(2));
    // The connection is still good afterwards.
    within(5, tc.client.get_me()).await.unwrap();
}

#[tokio::test]
async fn large_requests_arrive_gzip_packed() {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let tc = connect(&sandbox, sandbox.authorized_key(me));
    // 200 × inputUserSelf is 800+ bytes of highly compressible TL: grammers gzips it.
    let request = tl::functions::users::GetUsers {
        id: vec![tl::enums::InputUser::UserSelf; 200],
    };
    assert!(tl::Serializable::to_bytes(&request).len() >= 512);
    let users = within(10, tc.client.invoke(&request)).await.unwrap();
    assert_eq!(users.len(), 200);
    assert!(users.iter().all(|u| u.id() == me));
}

#[tokio::test]
async fn pushed_updates_reach_the_client() {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let mut tc = connect(&sandbox, sandbox.authorized_key(me));
    within(10, tc.client.get_me()).await.unwrap();

    let update = tl::enums::Updates::Updates(tl::types::Updates {
        updates: vec![
            tl::types::UpdateUserName {
                user_id: me,
                first_name: "Alexandra".into(),
                last_name: String::new(),
                usernames: Vec::new(),
            }
            .into(),
        ],
        users: Vec::new(),
        chats: Vec::new(),
        date: 0,
        seq: 0,
    });
    assert_eq!(sandbox.push_updates(me, &update), 1);
    let got = within(5, tc.updates.recv()).await.expect("an update");
    match got {
        UpdatesLike::Updates(tl::enums::Updates::Updates(u)) => {
            assert!(
                matches!(&u.updates[0], tl::enums::Update::UserName(n) if n.first_name == "Alexandra")
            );
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn delay_knob_adds_to_wall_time() {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let tc = connect(&sandbox, sandbox.authorized_key(me));
    within(10, tc.client.get_me()).await.unwrap();
    sandbox.faults().set_delay(Duration::from_millis(300));
    let start = Instant::now();
    within(10, tc.client.get_me()).await.unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(300),
        "{:?}",
        start.elapsed()
    );
    sandbox.faults().set_delay(Duration::ZERO);
    let start = Instant::now();
    within(10, tc.client.get_me()).await.unwrap();
    assert!(start.elapsed() < Duration::from_millis(300));
}

#[tokio::test]
async fn drop_knob_closes_the_connection_and_the_next_call_reconnects() {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let tc = connect(&sandbox, sandbox.authorized_key(me));
    within(10, tc.client.get_me()).await.unwrap();
    assert_eq!(sandbox.stats().connections(), 1);

    sandbox.faults().drop_after(0);
    let err = within(10, tc.client.get_me()).await.unwrap_err();
    assert!(
        matches!(err, InvocationError::Io(_) | InvocationError::Dropped(_)),
        "{err:?}"
    );
    // grammers opens a new connection for the next request.
    within(10, tc.client.get_me()).await.unwrap();
    assert_eq!(sandbox.stats().connections(), 2);
}

#[tokio::test]
async fn flood_wait_reaches_the_caller_and_counters_count() {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let tc = connect(&sandbox, sandbox.authorized_key(me));
    within(10, tc.client.get_me()).await.unwrap();
    sandbox.stats().reset();

    sandbox.faults().flood_wait("users.getUsers", 42, Some(1));
    let err = within(10, tc.client.get_me()).await.unwrap_err();
    match &err {
        InvocationError::Rpc(rpc) => assert_eq!(
            (rpc.code, rpc.name.as_str(), rpc.value),
            (420, "FLOOD_WAIT", Some(42))
        ),
        other => panic!("expected FLOOD_WAIT_42, got {other:?}"),
    }
    within(10, tc.client.get_me()).await.unwrap();
    within(10, tc.client.resolve_username("carol"))
        .await
        .unwrap();
    assert_eq!(sandbox.stats().count("users.getUsers"), 2);
    assert_eq!(sandbox.stats().count("contacts.resolveUsername"), 1);
    assert_eq!(sandbox.stats().total(), 3);
}

#[tokio::test]
async fn two_clients_at_once() {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let bob = world.user_by_username("bob_builder").unwrap().id;
    let sandbox = Sandbox::start(world).await.unwrap();
    let a = connect(&sandbox, sandbox.authorized_key(me));
    let b = connect(&sandbox, sandbox.authorized_key(bob));
    let (ra, rb) = within(10, async {
        tokio::join!(a.client.get_me(), b.client.get_me())
    })
    .await;
    assert_eq!(ra.unwrap().id().bare_id(), Some(me));
    assert_eq!(rb.unwrap().id().bare_id(), Some(bob));
    assert_eq!(sandbox.connection_count(), 2);
}

// ---- hostile bytes ---------------------------------------------------------------------

/// Sends raw bytes and reports whether the sandbox closed the connection (as it must for
/// anything it cannot decode) within a second.
async fn closes_on(sandbox: &Sandbox, bytes: &[u8]) -> bool {
    let mut stream = TcpStream::connect(sandbox.addr()).await.unwrap();
    let _ = stream.write_all(bytes).await;
    let mut buf = [0u8; 64];
    loop {
        match tokio::time::timeout(Duration::from_secs(1), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
            Err(_) => return false,
        }
    }
}

/// A syntactically valid `Full` frame around `payload`.
fn frame(payload: &[u8]) -> Vec<u8> {
    let len = (payload.len() + 12) as i32;
    let mut out = Vec::new();
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&0i32.to_le_bytes());
    out.extend_from_slice(payload);
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&out);
    out.extend_from_slice(&hasher.finalize().to_le_bytes());
    out
}

#[tokio::test]
async fn malformed_packets_close_that_connection_only() {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let key = sandbox.authorized_key(me);
    let key_id = {
        use sha1::Digest;
        let sha = sha1::Sha1::digest(key);
        sha[12..20].to_vec()
    };

    let mut bad_crc = frame(&[0u8; 40]);
    let n = bad_crc.len();
    bad_crc[n - 1] ^= 0xff;
    let mut wrong_key = vec![1u8; 8];
    wrong_key.extend_from_slice(&[0u8; 56]);
    let mut bad_msg_key = key_id.clone();
    bad_msg_key.extend_from_slice(&[0u8; 16 + 48]);
    let mut plain_key_exchange = vec![0u8; 8];
    plain_key_exchange.extend_from_slice(&[0u8; 32]);

    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("bad crc", bad_crc),
        ("wrong auth key id", frame(&wrong_key)),
        ("bad msg_key", frame(&bad_msg_key)),
        ("key exchange attempt", frame(&plain_key_exchange)),
        ("negative length", (-404i32).to_le_bytes().to_vec()),
        (
            "oversized frame",
            (64 * 1024 * 1024i32).to_le_bytes().to_vec(),
        ),
        ("too short frame", 8i32.to_le_bytes().to_vec()),
        ("truncated packet", frame(&key_id[..4])),
    ];
    for (what, bytes) in cases {
        assert!(
            within(5, closes_on(&sandbox, &bytes)).await,
            "{what}: connection left open"
        );
    }
    // The listener is unharmed: a real client still works.
    let tc = connect(&sandbox, key);
    within(10, tc.client.get_me()).await.unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_take_the_listener_down(bytes in proptest::collection::vec(any::<u8>(), 0..2048), framed in any::<bool>()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let world = World::demo();
            let me = world.demo_user().unwrap();
            let sandbox = Sandbox::start(world).await.unwrap();
            let payload = if framed { frame(&bytes) } else { bytes.clone() };
            let mut stream = TcpStream::connect(sandbox.addr()).await.unwrap();
            let _ = stream.write_all(&payload).await;
            drop(stream);
            let tc = connect(&sandbox, sandbox.authorized_key(me));
            within(10, tc.client.get_me()).await.unwrap();
        });
    }
}

#[tokio::test]
async fn stopping_the_sandbox_closes_client_connections() {
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let tc = connect(&sandbox, sandbox.authorized_key(me));
    within(10, tc.client.get_me()).await.unwrap();
    drop(sandbox);
    // The client learns at once that the DC is gone, instead of waiting on a dead socket.
    let started = Instant::now();
    let err = within(10, tc.client.get_me()).await.unwrap_err();
    assert!(
        matches!(err, InvocationError::Io(_) | InvocationError::Dropped(_)),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

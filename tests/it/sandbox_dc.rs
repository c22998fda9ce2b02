//! A sandbox that plays two DCs, against the real grammers client: the config that lists
//! both, a login sent to the account's own DC (PHONE_MIGRATE_X, USER_MIGRATE_X), and a
//! login carried to another DC by auth.exportAuthorization/importAuthorization; then the
//! real binary's stepwise setup following PHONE_MIGRATE to the account's DC.

use std::sync::Arc;

use grammers_client::session::Session;
use grammers_client::session::storages::MemorySession;
use grammers_client::{InvocationError, tl};
use tgmcp::sandbox::{Sandbox, UserSpec, World};

use crate::common::{API_HASH, API_ID, TestEnv, connect_session, session_for_dcs, within};

const PHONE: &str = "+15550004444";

/// A world whose one user lives on DC 4, played by a sandbox with DCs 2 (primary) and 4.
async fn two_dcs(user: UserSpec) -> (Sandbox, i64) {
    let mut world = World::new();
    let id = world.add_user(user.phone(PHONE).dc(4));
    (Sandbox::start_multi(world, &[2, 4]).await.unwrap(), id)
}

fn send_code() -> tl::functions::auth::SendCode {
    tl::functions::auth::SendCode {
        phone_number: PHONE.into(),
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

fn rpc(err: InvocationError) -> (i32, String, Option<u32>) {
    match err {
        InvocationError::Rpc(e) => (e.code, e.name, e.value),
        other => panic!("expected an RPC error, got {other}"),
    }
}

fn get_self() -> tl::functions::users::GetUsers {
    tl::functions::users::GetUsers {
        id: vec![tl::enums::InputUser::UserSelf],
    }
}

#[tokio::test]
async fn every_dc_answers_with_a_config_that_lists_both() {
    let (sandbox, _) = two_dcs(UserSpec::new("Dee")).await;
    assert_eq!(sandbox.dc_ids(), vec![2, 4]);
    assert_ne!(sandbox.addr_of(2), sandbox.addr_of(4));
    assert_eq!(sandbox.addr_of(2), Some(sandbox.addr()));
    assert_eq!(sandbox.addr_of(3), None);
    let keys = [
        (2, sandbox.new_auth_key_on(2)),
        (4, sandbox.new_auth_key_on(4)),
    ];
    let tc = connect_session(Arc::new(MemorySession::from(session_for_dcs(
        &sandbox, 2, &keys,
    ))));

    within(20, async {
        for dc in [2, 4] {
            let tl::enums::Config::Config(config) = tc
                .client
                .invoke_in_dc(dc, &tl::functions::help::GetConfig {})
                .await
                .unwrap();
            assert_eq!(config.this_dc, dc);
            let mut listed: Vec<_> = config
                .dc_options
                .iter()
                .map(|tl::enums::DcOption::Option(o)| {
                    assert!(
                        o.r#static && !o.media_only && !o.tcpo_only,
                        "grammers keeps it"
                    );
                    (o.id, format!("{}:{}", o.ip_address, o.port))
                })
                .collect();
            listed.sort();
            let expected: Vec<_> = [2, 4]
                .map(|id| (id, sandbox.addr_of(id).unwrap().to_string()))
                .into();
            assert_eq!(listed, expected);
        }
    })
    .await;
    // Each DC counted the requests that reached it (initConnection's getConfig included).
    assert_eq!(sandbox.stats_on(2).unwrap().count("help.getConfig"), 2);
    assert_eq!(sandbox.stats_on(4).unwrap().count("help.getConfig"), 2);
    assert_eq!(sandbox.stats().count("help.getConfig"), 4);
    assert!(sandbox.stats_on(3).is_none());

    for bad in [&[][..], &[2, 2], &[0], &[-4]] {
        let started = Sandbox::start_multi(World::new(), bad).await;
        assert!(started.is_err(), "DC ids {bad:?} are refused");
    }
}

#[tokio::test]
async fn a_key_is_only_good_on_its_own_dc() {
    let (sandbox, id) = two_dcs(UserSpec::new("Dee")).await;
    let key2 = sandbox.authorized_key_on(2, id);
    // DC 4 listed with DC 2's key: DC 4 does not know it and closes the connection.
    let tc = connect_session(Arc::new(MemorySession::from(session_for_dcs(
        &sandbox,
        4,
        &[(4, key2)],
    ))));
    within(20, async {
        let err = tc.client.invoke(&get_self()).await.unwrap_err();
        assert!(
            !matches!(err, InvocationError::Rpc(_)),
            "no answer with a foreign key: {err}"
        );
    })
    .await;
    assert_eq!(sandbox.stats().total(), 0, "nothing was executed");
}

#[tokio::test]
async fn login_on_the_wrong_dc_is_sent_to_the_accounts_dc() {
    let (sandbox, id) = two_dcs(UserSpec::new("Dee")).await;
    let code = sandbox.world().login_code.clone();
    let keys = [
        (2, sandbox.new_auth_key_on(2)),
        (4, sandbox.new_auth_key_on(4)),
    ];
    let session = Arc::new(MemorySession::from(session_for_dcs(&sandbox, 2, &keys)));
    let tc = connect_session(Arc::clone(&session));

    within(30, async {
        // Raw, on DC 2: Telegram's answer, 303 PHONE_MIGRATE_4.
        let err = tc.client.invoke_in_dc(2, &send_code()).await.unwrap_err();
        assert_eq!(rpc(err), (303, "PHONE_MIGRATE".into(), Some(4)));

        // A code got on DC 4 and tried on DC 2: the account is on DC 4.
        let tl::enums::auth::SentCode::Code(sent) =
            tc.client.invoke_in_dc(4, &send_code()).await.unwrap()
        else {
            panic!("DC 4 sends a code");
        };
        let sign_in = tl::functions::auth::SignIn {
            phone_number: PHONE.into(),
            phone_code_hash: sent.phone_code_hash,
            phone_code: Some(code.clone()),
            email_verification: None,
        };
        let err = tc.client.invoke_in_dc(2, &sign_in).await.unwrap_err();
        assert_eq!(rpc(err), (303, "USER_MIGRATE".into(), Some(4)));

        // grammers' own login follows the migration and makes DC 4 home.
        let token = tc.client.request_login_code(PHONE, API_HASH).await.unwrap();
        assert_eq!(session.home_dc_id().unwrap(), 4);
        let user = tc.client.sign_in(&token, &code).await.unwrap();
        assert_eq!(user.id().bare_id(), Some(id));
        assert!(tc.client.get_me().await.unwrap().is_self());
    })
    .await;
    assert_eq!(sandbox.authorized_user(&keys[1].1), Some(id));
    assert_eq!(sandbox.authorized_user(&keys[0].1), None);
    assert_eq!(sandbox.stats_on(2).unwrap().count("auth.sendCode"), 2);
    assert_eq!(sandbox.stats_on(4).unwrap().count("auth.sendCode"), 2);
    assert_eq!(sandbox.stats_on(4).unwrap().count("auth.signIn"), 1);
    assert_eq!(sandbox.stats_on(4).unwrap().count("users.getUsers"), 1);
}

#[tokio::test]
async fn a_single_dc_sandbox_ignores_home_dcs_it_does_not_play() {
    let mut world = World::new();
    world.add_user(UserSpec::new("Dee").phone(PHONE).dc(4));
    let sandbox = Sandbox::start(world).await.unwrap();
    let tc = crate::common::connect(&sandbox, sandbox.new_auth_key());
    within(20, async {
        let sent = tc.client.invoke(&send_code()).await.unwrap();
        assert!(matches!(sent, tl::enums::auth::SentCode::Code(_)));
    })
    .await;
}

#[tokio::test]
async fn export_on_home_and_import_elsewhere_authorizes_that_dcs_key() {
    let (sandbox, id) = two_dcs(UserSpec::new("Dee")).await;
    let key4 = sandbox.authorized_key_on(4, id);
    let key2 = sandbox.new_auth_key_on(2);
    let session = session_for_dcs(&sandbox, 4, &[(4, key4), (2, key2)]);
    let tc = connect_session(Arc::new(MemorySession::from(session)));

    within(30, async {
        let err = tc.client.invoke_in_dc(2, &get_self()).await.unwrap_err();
        assert_eq!(rpc(err), (401, "AUTH_KEY_UNREGISTERED".into(), None));

        for dc_id in [4, 3, 0, -2] {
            let err = tc
                .client
                .invoke(&tl::functions::auth::ExportAuthorization { dc_id })
                .await
                .unwrap_err();
            assert_eq!(rpc(err).1, "DC_ID_INVALID", "exporting to DC {dc_id}");
        }
        // Only a logged-in key can export.
        let err = tc
            .client
            .invoke_in_dc(2, &tl::functions::auth::ExportAuthorization { dc_id: 4 })
            .await
            .unwrap_err();
        assert_eq!(rpc(err), (401, "AUTH_KEY_UNREGISTERED".into(), None));

        let tl::enums::auth::ExportedAuthorization::Authorization(exported) = tc
            .client
            .invoke(&tl::functions::auth::ExportAuthorization { dc_id: 2 })
            .await
            .unwrap();
        assert_eq!(exported.id, id);
        assert!(!exported.bytes.is_empty());

        let mut wrong = exported.bytes.clone();
        wrong[0] ^= 1;
        for (id, bytes) in [(id, wrong), (id + 1, exported.bytes.clone())] {
            let err = tc
                .client
                .invoke_in_dc(2, &tl::functions::auth::ImportAuthorization { id, bytes })
                .await
                .unwrap_err();
            assert_eq!(rpc(err), (400, "AUTH_BYTES_INVALID".into(), None));
        }
        // Bytes exported for DC 2 are no good on DC 4 either.
        let import = tl::functions::auth::ImportAuthorization {
            id,
            bytes: exported.bytes,
        };
        let err = tc.client.invoke(&import).await.unwrap_err();
        assert_eq!(rpc(err).1, "AUTH_BYTES_INVALID");

        let tl::enums::auth::Authorization::Authorization(auth) =
            tc.client.invoke_in_dc(2, &import).await.unwrap()
        else {
            panic!("an authorization");
        };
        assert_eq!(auth.user.id(), id);
        let users = tc.client.invoke_in_dc(2, &get_self()).await.unwrap();
        assert_eq!(users[0].id(), id);

        // Used once.
        let err = tc.client.invoke_in_dc(2, &import).await.unwrap_err();
        assert_eq!(rpc(err).1, "AUTH_BYTES_INVALID");
    })
    .await;
    assert_eq!(sandbox.authorized_user(&key2), Some(id));
    assert_eq!(
        sandbox
            .stats_on(4)
            .unwrap()
            .count("auth.exportAuthorization"),
        5
    );
    assert_eq!(
        sandbox
            .stats_on(2)
            .unwrap()
            .count("auth.importAuthorization"),
        4
    );
}

#[tokio::test]
async fn stepwise_setup_follows_phone_migrate_to_the_accounts_dc() {
    let (sandbox, id) = two_dcs(UserSpec::new("Dee").password("s3cret", Some("usual"))).await;
    let env = TestEnv::new();
    // A profile with no login, home on DC 2 (as a fresh session starts on Telegram).
    env.profile_at(&sandbox, "default", None).await;
    let fresh = tgmcp::telegram::FileSession::open(env.session_path("default")).unwrap();
    let fresh = fresh.snapshot();
    assert_eq!(fresh.home_dc, 2);
    let mut dcs: Vec<_> = fresh.dc_options.keys().copied().collect();
    dcs.sort();
    assert_eq!(dcs, [2, 4], "the session knows both DCs, each with a key");

    let run = env.run(&["setup", "--phone", PHONE]).await;
    assert_eq!(
        (run.code, run.stdout.trim()),
        (10, r#"{"next":"code"}"#),
        "{run:?}"
    );
    assert_eq!(sandbox.stats_on(2).unwrap().count("auth.sendCode"), 1);
    assert_eq!(sandbox.stats_on(4).unwrap().count("auth.sendCode"), 1);

    let run = env.run(&["setup", "--code", "12345"]).await;
    assert_eq!(run.code, 10, "{run:?}");
    assert_eq!(
        run.json(),
        serde_json::json!({"next": "password", "hint": "usual"})
    );
    let run = env
        .run_with(&["setup", "--json"], |c| {
            c.env("TGMCP_PASSWORD", "s3cret");
        })
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["account"]["name"], "Dee");
    for method in ["auth.signIn", "account.getPassword", "auth.checkPassword"] {
        assert_eq!(sandbox.stats_on(2).unwrap().count(method), 0, "{method}");
        assert!(sandbox.stats_on(4).unwrap().count(method) > 0, "{method}");
    }

    let saved = tgmcp::telegram::FileSession::open(env.session_path("default")).unwrap();
    let saved = saved.snapshot();
    assert_eq!(saved.home_dc, 4, "the account's DC is home now");
    let key4 = saved.dc_options[&4].auth_key.unwrap();
    assert_eq!(sandbox.authorized_user(&key4), Some(id));
    let key2 = saved.dc_options[&2].auth_key.unwrap();
    assert_eq!(sandbox.authorized_user(&key2), None);

    // What follows runs on DC 4.
    sandbox.stats().reset();
    let run = env.run(&["send", "me", "hi"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let run = env.run(&["health", "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let report = run.json();
    assert_eq!(
        (&report["ok"], &report["authorized"]),
        (&true.into(), &true.into())
    );
    assert_eq!(report["account"]["name"], "Dee");
    let (dc2, dc4) = (sandbox.stats_on(2).unwrap(), sandbox.stats_on(4).unwrap());
    assert_eq!(dc4.count("messages.sendMessage"), 1);
    assert_eq!(dc2.count("messages.sendMessage"), 0);
    let world = sandbox.world();
    let last = world.messages.last().expect("a message was sent");
    assert_eq!((last.from, last.text.as_str()), (Some(id), "hi"));
}

#[tokio::test]
async fn a_restart_keeps_every_dc_its_address_and_keys() {
    let (sandbox, id) = two_dcs(UserSpec::new("Dee")).await;
    let before = [sandbox.addr_of(2), sandbox.addr_of(4)];
    let key4 = sandbox.authorized_key_on(4, id);
    let sandbox = sandbox.restart().await.unwrap();
    assert_eq!([sandbox.addr_of(2), sandbox.addr_of(4)], before);
    let session = session_for_dcs(&sandbox, 4, &[(4, key4)]);
    let tc = connect_session(Arc::new(MemorySession::from(session)));
    let users = within(20, tc.client.invoke(&get_self())).await.unwrap();
    assert_eq!(users[0].id(), id);
    assert_eq!(sandbox.stats_on(4).unwrap().count("users.getUsers"), 1);
}

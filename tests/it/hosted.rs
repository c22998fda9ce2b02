//! Hosted mode (issue 21): several accounts sharing one sandbox world, and many accounts
//! behind one `tgmcp serve --http --accounts DIR`, each bearer token its own isolated
//! session. The real binary, over real HTTP, against an in-process sandbox DC.

use grammers_client::tl;
use serde_json::json;
use tgmcp::sandbox::{MessageSpec, Peer, Sandbox, UserSpec, World};

use crate::common::{API_HASH, API_ID, TestEnv, connect, within};
use crate::http::{HttpServer, call, parse_metrics, structured};
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
    let env = TestEnv::checked();
    env.profile_at(&sandbox, "ann", Some(ann)).await;
    let run = env
        .run(&["--profile", "ann", "send", "@bea_b", "hello from Ann"])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(unread_from(&sandbox, bea, ann).await, 1);
    assert_eq!(unread_from(&sandbox, ann, bea).await, 0);
}

/// An accounts folder (0700) in `env`'s home with one account per `(name, user)`, each
/// logged in to `sandbox` with a token of its own; the tokens, in order.
pub(crate) async fn accounts_dir(
    env: &TestEnv,
    sandbox: &Sandbox,
    users: &[(&str, i64)],
) -> Vec<String> {
    let dir = accounts_path(env);
    std::os::unix::fs::DirBuilderExt::mode(std::fs::DirBuilder::new().recursive(true), 0o700)
        .create(&dir)
        .unwrap();
    let mut tokens = Vec::new();
    for (name, user) in users {
        let account = dir.join(name);
        sandbox.write_profile(&account, Some(*user)).await.unwrap();
        let token = tgmcp::http::token::generate().unwrap();
        tgmcp::http::token::save(&account.join("token"), &token).unwrap();
        tokens.push(token);
    }
    tokens
}

fn accounts_path(env: &TestEnv) -> std::path::PathBuf {
    env.home.path().join("accounts")
}

/// Starts `serve --http --accounts DIR <args>`.
pub(crate) async fn serve_accounts(env: &TestEnv, args: &[&str]) -> HttpServer {
    let dir = accounts_path(env).display().to_string();
    let mut all = vec!["--accounts", dir.as_str()];
    all.extend_from_slice(args);
    crate::http::start(env, &all).await
}

fn text_of(result: &rmcp::model::CallToolResult) -> String {
    serde_json::to_string(result).unwrap()
}

/// A world of Ann, Bea and Carl; Bea and Carl have a private chat with a secret in it.
fn three_people() -> (World, i64, i64, i64) {
    let mut world = World::new();
    let ann = world.add_user(UserSpec::new("Ann").username("ann_a").phone("+15550001111"));
    let bea = world.add_user(UserSpec::new("Bea").username("bea_b").phone("+15550002222"));
    let carl = world.add_user(
        UserSpec::new("Carl")
            .username("carl_c")
            .phone("+15550003333"),
    );
    world.add_message(MessageSpec::new(bea, Peer::User(carl), "bea's secret plan"));
    (world, ann, bea, carl)
}

#[tokio::test]
async fn two_accounts_are_isolated_and_share_one_world() {
    let (world, ann, bea, carl) = three_people();
    let sandbox = Sandbox::start(world).await.unwrap();
    let env = TestEnv::checked();
    let tokens = accounts_dir(&env, &sandbox, &[("ann", ann), ("bea", bea)]).await;
    let server = serve_accounts(&env, &["--metrics-public"]).await;

    // The bare root serves MCP too, as the reference server's configurations name it.
    let ann_client = server.client("/", Some(&tokens[0])).await;
    let bea_client = server.client("/mcp", Some(&tokens[1])).await;
    let me = structured(&call(&ann_client, "get_chat_info", json!({"chat_id": "me"})).await);
    assert_eq!(me["chat"]["username"], "ann_a", "{me}");
    let me = structured(&call(&bea_client, "get_chat_info", json!({"chat_id": "me"})).await);
    assert_eq!(me["chat"]["username"], "bea_b", "{me}");

    // Bea's chat with Carl is hers: found with her token, with Ann's not at all, not by
    // search, not by guessing Carl's id, not through the API.
    let found = call(
        &bea_client,
        "search_messages_globally",
        json!({"query": "secret"}),
    )
    .await;
    assert!(text_of(&found).contains("bea's secret plan"), "{found:?}");
    let found = call(
        &ann_client,
        "search_messages_globally",
        json!({"query": "secret"}),
    )
    .await;
    assert!(!text_of(&found).contains("secret plan"), "{found:?}");
    for chat in [carl.to_string(), "@carl_c".to_owned(), bea.to_string()] {
        let read = call(
            &ann_client,
            "search_messages_in_chat",
            json!({"chat_id": chat}),
        )
        .await;
        assert!(!text_of(&read).contains("secret plan"), "{read:?}");
    }
    let invoked = call(
        &ann_client,
        "invoke_mtproto",
        json!({"method": "messages.getHistory", "params": {"peer": "@carl_c", "limit": 10}}),
    )
    .await;
    assert!(!text_of(&invoked).contains("secret plan"), "{invoked:?}");
    let auth = format!("Bearer {}", tokens[0]);
    let api = server
        .post(
            "/mtproto-api/messages.getHistory",
            &[("authorization", &auth)],
            r#"{"params": {"peer": "@carl_c", "limit": 10}}"#,
        )
        .await;
    assert_eq!(api.status, 200, "{}", api.body);
    assert!(!api.body.contains("secret plan"), "{}", api.body);
    let auth = format!("Bearer {}", tokens[1]);
    let api = server
        .post(
            "/mtproto-api/messages.getHistory",
            &[("authorization", &auth)],
            r#"{"params": {"peer": "@carl_c", "limit": 10}}"#,
        )
        .await;
    assert!(api.body.contains("bea's secret plan"), "{}", api.body);

    // One world: Ann writes to Bea, Bea sees it unread.
    structured(
        &call(
            &ann_client,
            "send_message",
            json!({"chat_id": "@bea_b", "message": "hello Bea"}),
        )
        .await,
    );
    let dialogs = structured(&call(&bea_client, "find_chats", json!({})).await);
    let from_ann = dialogs["chats"]
        .as_array()
        .unwrap()
        .iter()
        .find(|chat| chat["username"] == "ann_a")
        .unwrap_or_else(|| panic!("Bea has a dialog with Ann: {dialogs}"));
    assert_eq!(from_ann["unread_count"], 1, "{dialogs}");

    // A wrong token, or none, reaches nobody.
    let wrong = server
        .post(
            "/mcp",
            &[(
                "authorization",
                "Bearer tgmcp_not-a-real-token-at-all-000000000000000",
            )],
            crate::http::INITIALIZE,
        )
        .await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    assert_eq!(
        server.post("/", &[], crate::http::INITIALIZE).await.status,
        401
    );

    let health = server.get("/health", &[]).await;
    assert_eq!(health.status, 200, "{}", health.body);
    let health = health.json();
    assert_eq!(health["mode"], "hosted", "{health}");
    assert_eq!(health["accounts"]["on_disk"], 2, "{health}");
    assert_eq!(health["accounts"]["loaded"], 2, "{health}");
    assert_eq!(health["accounts"]["connected"], 2, "{health}");
    assert_eq!(health["accounts"]["logged_out"], 0, "{health}");
    assert_eq!(health["active_sessions"], 2, "{health}");
    assert_eq!(health["max_sessions"], 1000, "{health}");
    let metrics = server.get("/metrics", &[]).await.body;
    let samples = parse_metrics(&metrics);
    assert_eq!(
        samples[r#"tgmcp_accounts{state="connected"}"#], 2.0,
        "{metrics}"
    );
    assert_eq!(samples["tgmcp_account_loads_total"], 2.0, "{metrics}");
    assert_eq!(samples["tgmcp_accounts_max_active"], 1000.0, "{metrics}");
    for token in &tokens {
        // Not even a part of it.
        let secret = &token["tgmcp_".len().."tgmcp_".len() + 8];
        for (what, text) in [
            ("/health", health.to_string()),
            ("/metrics", metrics.clone()),
            ("the log", server.stderr()),
        ] {
            assert!(!text.contains(secret), "{what} shows a token");
        }
    }
    drop(ann_client);
    drop(bea_client);
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn the_url_token_route_is_opt_in_and_never_logged() {
    let (world, ann, _, _) = three_people();
    let sandbox = Sandbox::start(world).await.unwrap();
    let env = TestEnv::checked();
    let tokens = accounts_dir(&env, &sandbox, &[("ann", ann)]).await;
    let path = format!("/v1/url_auth/{}/mcp", tokens[0]);

    let server = serve_accounts(&env, &[]).await;
    let closed = server.post(&path, &[], crate::http::INITIALIZE).await;
    assert_eq!(closed.status, 404, "{}", closed.body);
    assert_eq!(server.terminate().await, 0);

    let server = crate::http::start_with(
        &env,
        &[
            "--accounts",
            &accounts_path(&env).display().to_string(),
            "--allow-url-token",
        ],
        |cmd| {
            cmd.env("RUST_LOG", "debug");
        },
    )
    .await;
    let client = server.client(&path, None).await;
    let me = structured(&call(&client, "get_chat_info", json!({"chat_id": "me"})).await);
    assert_eq!(me["chat"]["username"], "ann_a", "{me}");
    let wrong = server
        .post("/v1/url_auth/tgmcp_wrong/mcp", &[], crate::http::INITIALIZE)
        .await;
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    drop(client);
    let log = server.stderr();
    assert!(log.contains("/v1/url_auth"), "the route is logged: {log}");
    assert!(!log.contains(&tokens[0]), "the token is logged: {log}");
    assert!(
        !log.contains("tgmcp_wrong"),
        "a wrong token is logged: {log}"
    );
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn revocation_logs_one_account_out_and_a_new_login_is_picked_up_live() {
    let (world, ann, bea, _) = three_people();
    let sandbox = Sandbox::start(world).await.unwrap();
    let env = TestEnv::checked();
    let tokens = accounts_dir(&env, &sandbox, &[("ann", ann), ("bea", bea)]).await;
    let server = serve_accounts(&env, &["--metrics-public"]).await;
    let ann_client = server.client("/mcp", Some(&tokens[0])).await;
    let bea_client = server.client("/mcp", Some(&tokens[1])).await;
    structured(&call(&ann_client, "get_chat_info", json!({"chat_id": "me"})).await);

    // Ann ends every session from another device: her account answers not_logged_in,
    // saying how to log in again; Bea goes on.
    assert!(sandbox.world().revoke_sessions(ann) > 0);
    let refused = call(&ann_client, "get_chat_info", json!({"chat_id": "me"})).await;
    assert_eq!(refused.is_error, Some(true), "{refused:?}");
    let error = crate::mcp::error_of(&refused);
    assert_eq!(error["kind"], "not_logged_in", "{refused:?}");
    assert!(
        text_of(&refused).contains("tgmcp setup --accounts DIR --profile ann"),
        "{refused:?}"
    );
    structured(&call(&bea_client, "get_chat_info", json!({"chat_id": "me"})).await);
    let health = server.get("/health", &[]).await.json();
    assert_eq!(health["accounts"]["logged_out"], 1, "{health}");

    // A new login for the account (same folder, same token): picked up by the running
    // server, in the same MCP session.
    let account = accounts_path(&env).join("ann");
    sandbox
        .write_session(&account.join("session.json"), Some(ann))
        .await
        .unwrap();
    let me = structured(&call(&ann_client, "get_chat_info", json!({"chat_id": "me"})).await);
    assert_eq!(me["chat"]["username"], "ann_a", "{me}");
    let health = server.get("/health", &[]).await.json();
    assert_eq!(health["accounts"]["logged_out"], 0, "{health}");
    let samples = parse_metrics(&server.get("/metrics", &[]).await.body);
    assert_eq!(samples["tgmcp_account_reauthorizations_total"], 1.0);
    drop((ann_client, bea_client));
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn fifty_accounts_evicted_and_reloaded_under_concurrent_calls_lose_nothing() {
    const ACCOUNTS: usize = 50;
    const MAX_ACTIVE: usize = 8;
    let mut world = World::new();
    let users: Vec<i64> = (0..ACCOUNTS)
        .map(|i| world.add_user(UserSpec::new(&format!("User{i}")).username(&format!("user_{i}"))))
        .collect();
    let sandbox = Sandbox::start(world).await.unwrap();
    let env = TestEnv::checked();
    let names: Vec<String> = (0..ACCOUNTS).map(|i| format!("u{i}")).collect();
    let pairs: Vec<(&str, i64)> = names.iter().map(String::as_str).zip(users).collect();
    let tokens = accounts_dir(&env, &sandbox, &pairs).await;
    let max = MAX_ACTIVE.to_string();
    let server = serve_accounts(
        &env,
        &[
            "--metrics-public",
            "--max-active-sessions",
            &max,
            "--max-concurrent",
            "200",
        ],
    )
    .await;

    for round in 0..2 {
        let calls = tokens.iter().enumerate().map(|(i, token)| {
            let server = &server;
            async move {
                let client = server.client("/mcp", Some(token)).await;
                let note = format!("note {round} of user {i}");
                structured(
                    &call(
                        &client,
                        "send_message",
                        json!({"chat_id": "me", "message": note}),
                    )
                    .await,
                );
                let page = call(
                    &client,
                    "search_messages_in_chat",
                    json!({"chat_id": "me", "query": "note"}),
                )
                .await;
                let text = text_of(&page);
                // Its own notes, every round's, and nobody else's.
                for r in 0..=round {
                    assert!(
                        text.contains(&format!("note {r} of user {i}\""))
                            || text.contains(&format!("note {r} of user {i}\\")),
                        "user {i} lost a note: {text}"
                    );
                }
                for other in [(i + 1) % ACCOUNTS, (i + 17) % ACCOUNTS] {
                    assert!(
                        !text.contains(&format!("of user {other}\"")),
                        "user {i} sees user {other}'s note"
                    );
                }
                let me =
                    structured(&call(&client, "get_chat_info", json!({"chat_id": "me"})).await);
                assert_eq!(me["chat"]["username"], format!("user_{i}"), "{me}");
            }
        });
        futures_util::future::join_all(calls).await;
    }

    let samples = parse_metrics(&server.get("/metrics", &[]).await.body);
    assert_eq!(
        samples[r#"tgmcp_accounts{state="loaded"}"#],
        ACCOUNTS as f64
    );
    assert!(
        samples["tgmcp_account_evictions_total"] >= (ACCOUNTS - MAX_ACTIVE) as f64,
        "{samples:?}"
    );
    // The sweeper brings any account that got in while another was being let go back
    // under the bound.
    let started = std::time::Instant::now();
    loop {
        let health = server.get("/health", &[]).await.json();
        let connected = health["accounts"]["connected"].as_u64().unwrap() as usize;
        if connected <= MAX_ACTIVE {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{health}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(server.terminate().await, 0);
}

/// HAProxy on PATH, or `None` (skipped, loudly) outside CI.
fn haproxy() -> Option<&'static str> {
    for program in ["haproxy", "/usr/sbin/haproxy"] {
        let found = std::process::Command::new(program)
            .arg("-v")
            .output()
            .is_ok_and(|out| out.status.success());
        if found {
            return Some(program);
        }
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "haproxy is missing under CI=true (.ci/run installs it)"
    );
    eprintln!("SKIPPED: haproxy is not installed (apt-get install haproxy)");
    None
}

fn free_port() -> std::net::SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// contrib/haproxy's recipe, run: two hosted processes behind a real HAProxy that routes
/// by the bearer token's hash; every account is served by exactly one of them.
#[tokio::test]
async fn haproxy_routes_each_account_to_one_process() {
    let Some(haproxy) = haproxy() else { return };
    let mut world = World::new();
    let users: Vec<i64> = (0..6)
        .map(|i| world.add_user(UserSpec::new(&format!("User{i}")).username(&format!("user_{i}"))))
        .collect();
    let sandbox = Sandbox::start(world).await.unwrap();
    let env = TestEnv::checked();
    let names: Vec<String> = (0..users.len()).map(|i| format!("u{i}")).collect();
    let pairs: Vec<(&str, i64)> = names.iter().map(String::as_str).zip(users).collect();
    let tokens = accounts_dir(&env, &sandbox, &pairs).await;
    let backends = [
        serve_accounts(&env, &["--metrics-public"]).await,
        serve_accounts(&env, &["--metrics-public"]).await,
    ];
    let front = free_port();
    let config =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/haproxy/tgmcp-hosted.cfg");
    let mut proxy = tokio::process::Command::new(haproxy)
        .args(["-db", "-f"])
        .arg(&config)
        .env("TGMCP_FRONT", front.to_string())
        .env("TGMCP_BACKEND_A", backends[0].addr.to_string())
        .env("TGMCP_BACKEND_B", backends[1].addr.to_string())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("haproxy starts");
    let url = format!("http://{front}/mcp");
    let up = within(30, async {
        while tokio::net::TcpStream::connect(front).await.is_err() {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        loop {
            let answer = crate::http::request(
                reqwest::Method::GET,
                &format!("http://{front}/health"),
                &[],
                None,
            )
            .await;
            if answer.status == 200 {
                return answer;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    });
    up.await;

    for round in 0..2 {
        for (i, token) in tokens.iter().enumerate() {
            let mut config = rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig::with_uri(url.clone());
            config = config.auth_header(token.clone());
            let transport = rmcp::transport::StreamableHttpClientTransport::from_config(config);
            let client = within(30, rmcp::ServiceExt::serve((), transport))
                .await
                .unwrap();
            let me = structured(&call(&client, "get_chat_info", json!({"chat_id": "me"})).await);
            assert_eq!(
                me["chat"]["username"],
                format!("user_{i}"),
                "round {round}: {me}"
            );
        }
    }
    // Six accounts, each loaded by one process only, however often it called.
    let mut loaded = Vec::new();
    for backend in &backends {
        let health = backend.get("/health", &[]).await.json();
        loaded.push(health["accounts"]["loaded"].as_u64().unwrap());
    }
    assert_eq!(
        loaded.iter().sum::<u64>(),
        tokens.len() as u64,
        "{loaded:?}"
    );
    proxy.kill().await.unwrap();
    for backend in backends {
        assert_eq!(backend.terminate().await, 0);
    }
}

/// `setup --accounts DIR --profile NAME` logs an account in as it would a profile and
/// prints its token; `tgmcp accounts` lists, rotates and removes, and a running server
/// follows each change without a restart.
#[tokio::test]
async fn setup_and_accounts_manage_the_folder_a_running_server_follows() {
    let (world, ann, bea, _) = three_people();
    let sandbox = Sandbox::start(world).await.unwrap();
    let env = TestEnv::checked();
    let tokens = accounts_dir(&env, &sandbox, &[("bea", bea)]).await;
    let dir = accounts_path(&env).display().to_string();
    let server = serve_accounts(&env, &[]).await;

    // A new account, logged in by code through the real binary: its session must point
    // at the sandbox first (the key exchange cannot be played offline).
    let account = accounts_path(&env).join("ann");
    std::os::unix::fs::DirBuilderExt::mode(&mut std::fs::DirBuilder::new(), 0o700)
        .create(&account)
        .unwrap();
    sandbox
        .write_session(&account.join("session.json"), None)
        .await
        .unwrap();
    let (id, hash) = (
        Sandbox::credentials().api_id.to_string(),
        Sandbox::credentials().api_hash,
    );
    let setup = ["setup", "--accounts", &dir, "--profile", "ann"];
    let run = env
        .run(
            &[
                &setup[..],
                &[
                    "--api-id",
                    &id,
                    "--api-hash",
                    &hash,
                    "--phone",
                    "+15550001111",
                ],
            ]
            .concat(),
        )
        .await;
    assert_eq!(run.code, 10, "{run:?}");
    let run = env
        .run(&[&["--json"], &setup[..], &["--code", "12345"]].concat())
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let printed = run.json();
    let bearer =
        printed["mcp"]["http"]["cursor"]["mcpServers"]["telegram"]["headers"]["Authorization"]
            .as_str()
            .expect("the printed config has the token")
            .to_owned();
    assert!(
        printed["mcp"]["http"]["serve"]
            .as_str()
            .unwrap()
            .contains("--accounts"),
        "{printed}"
    );
    let token = bearer.strip_prefix("Bearer ").unwrap().to_owned();
    assert!(!env.profile_dir("ann").exists(), "no profile was made");
    let mode = |path: &std::path::Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(mode(&account.join("token")), 0o600);
    assert_eq!(mode(&accounts_path(&env)), 0o700);
    // Without a name, setup --accounts refuses.
    let unnamed = env
        .run(&["setup", "--accounts", &dir, "--code", "12345"])
        .await;
    assert_eq!(unnamed.code, 2, "{unnamed:?}");

    // The running server serves the new account by its token.
    let client = server.client("/mcp", Some(&token)).await;
    let me = structured(&call(&client, "get_chat_info", json!({"chat_id": "me"})).await);
    assert_eq!(me["chat"]["username"], "ann_a", "{me}");
    assert_eq!(ann, me["chat"]["id"].as_i64().unwrap());

    let listed = env
        .run(&["--json", "accounts", "--accounts", &dir, "list"])
        .await;
    assert_eq!(listed.code, 0, "{listed:?}");
    assert_eq!(
        listed.json(),
        json!({"accounts": [
            {"name": "ann", "logged_in": true, "token": true},
            {"name": "bea", "logged_in": true, "token": true},
        ]})
    );
    assert!(!listed.stdout.contains(&token) && !listed.stdout.contains(&tokens[0]));

    // A rotated token replaces the old one on the running server.
    let rotated = env
        .run(&[
            "--json",
            "accounts",
            "--accounts",
            &dir,
            "rotate-token",
            "bea",
        ])
        .await;
    assert_eq!(rotated.code, 0, "{rotated:?}");
    let new_token = rotated.json()["token"].as_str().unwrap().to_owned();
    assert_ne!(new_token, tokens[0]);
    let status = |token: String| {
        let server = &server;
        async move {
            let auth = format!("Bearer {token}");
            server
                .post("/mcp", &[("authorization", &auth)], crate::http::INITIALIZE)
                .await
                .status
        }
    };
    let started = std::time::Instant::now();
    while status(tokens[0].clone()).await != 401 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the old token still works"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(status(new_token.clone()).await, 200);

    // A removed account is gone, and so is its token.
    let removed = env
        .run(&["accounts", "--accounts", &dir, "remove", "bea"])
        .await;
    assert_eq!(removed.code, 0, "{removed:?}");
    assert!(!accounts_path(&env).join("bea").exists());
    let started = std::time::Instant::now();
    while status(new_token.clone()).await != 401 {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "a removed account still works"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let missing = env
        .run(&["accounts", "--accounts", &dir, "remove", "bea"])
        .await;
    assert_eq!(missing.code, 2, "{missing:?}");
    assert!(missing.stderr.contains("list"), "{missing:?}");
    drop(client);
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn an_idle_account_is_disconnected_and_comes_back_on_its_next_call() {
    let (world, ann, _, _) = three_people();
    let sandbox = Sandbox::start(world).await.unwrap();
    let env = TestEnv::checked();
    let tokens = accounts_dir(&env, &sandbox, &[("ann", ann)]).await;
    let server = serve_accounts(&env, &["--metrics-public", "--session-idle-timeout", "1"]).await;
    let client = server.client("/mcp", Some(&tokens[0])).await;
    structured(
        &call(
            &client,
            "send_message",
            json!({"chat_id": "me", "message": "before idle"}),
        )
        .await,
    );
    let started = std::time::Instant::now();
    loop {
        let health = server.get("/health", &[]).await.json();
        if health["accounts"]["connected"] == 0 {
            assert_eq!(health["accounts"]["loaded"], 1, "{health}");
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{health}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let samples = parse_metrics(&server.get("/metrics", &[]).await.body);
    assert_eq!(samples["tgmcp_account_evictions_total"], 1.0);
    // The same MCP session goes on; the account connects again.
    let page = call(
        &client,
        "search_messages_in_chat",
        json!({"chat_id": "me", "query": "idle"}),
    )
    .await;
    assert!(text_of(&page).contains("before idle"), "{page:?}");
    let health = server.get("/health", &[]).await.json();
    assert_eq!(health["accounts"]["connected"], 1, "{health}");
    drop(client);
    assert_eq!(server.terminate().await, 0);
}

/// Single-profile mode too: a server started before the login picks it up (before, it
/// needed a restart after `tgmcp setup`).
#[tokio::test]
async fn a_single_profile_server_picks_up_a_new_login_live() {
    let (world, ann, _, _) = three_people();
    let sandbox = Sandbox::start(world).await.unwrap();
    let env = TestEnv::checked();
    env.profile_at(&sandbox, "default", None).await;
    let token = crate::http::save_token(&env, "default");
    let server = crate::http::start(&env, &[]).await;
    let client = server.client("/mcp", Some(&token)).await;
    let refused = call(&client, "get_chat_info", json!({"chat_id": "me"})).await;
    assert_eq!(
        crate::mcp::error_of(&refused)["kind"],
        "not_logged_in",
        "{refused:?}"
    );

    sandbox
        .write_session(&env.session_path("default"), Some(ann))
        .await
        .unwrap();
    let me = structured(&call(&client, "get_chat_info", json!({"chat_id": "me"})).await);
    assert_eq!(me["chat"]["username"], "ann_a", "{me}");
    drop(client);
    assert_eq!(server.terminate().await, 0);
}

//! `invoke` end to end: the real binary (`tgmcp invoke`), the real MCP server
//! (`invoke_mtproto` over stdio) and the HTTP endpoint (`/mtproto-api/…`), against an
//! in-process sandbox DC — reads, writes, chat references resolved inside nested
//! parameters and vectors, the guardrails, and errors that name what is wrong.

use serde_json::{Value, json};
use tgmcp::sandbox::Peer;

use crate::common::{Run, TestEnv};
use crate::harness::Setup;

async fn invoke(env: &TestEnv, args: &[&str]) -> Run {
    let args: Vec<&str> = std::iter::once("invoke")
        .chain(args.iter().copied())
        .collect();
    env.run(&args).await
}

async fn invoke_stdin(env: &TestEnv, args: &[&str], stdin: &str) -> Run {
    let args: Vec<&str> = std::iter::once("invoke")
        .chain(args.iter().copied())
        .collect();
    env.run_stdin(&args, stdin).await
}

fn usernames(users: &Value) -> Vec<&str> {
    users
        .as_array()
        .unwrap_or_else(|| panic!("a vector of users: {users}"))
        .iter()
        .map(|u| u["username"].as_str().unwrap_or(""))
        .collect()
}

// ---------------------------------------------------------------------------------------
// The CLI face
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn cli_resolves_a_vector_of_users_with_one_round_trip_per_new_username() {
    let f = Setup::demo().await;
    let carol = f.user_id("carol");
    f.sandbox.stats().reset();
    let run = invoke(
        &f.env,
        &[
            "users.getUsers",
            r#"{"id": ["me", "@carol", "@bob_builder"]}"#,
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    let users = run.json();
    assert_eq!(usernames(&users), ["alex_demo", "carol", "bob_builder"]);
    assert_eq!(users[0]["_"], "user");
    assert_eq!(users[0]["self"], true);
    assert_eq!(users[1]["id"], carol);
    // Access hashes do not fit a double: strings.
    assert!(users[1]["access_hash"].is_string(), "{users}");
    let stats = f.sandbox.stats();
    eprintln!(
        "users.getUsers with 2 unseen usernames: {:?}",
        stats.snapshot()
    );
    assert_eq!(stats.count("contacts.resolveUsername"), 2);
    assert_eq!(stats.count("users.getUsers"), 1);

    // A second process: the usernames and the ids are cached in the session.
    f.sandbox.stats().reset();
    let id = carol.to_string();
    let run = invoke(
        &f.env,
        &[
            "users.getUsers",
            &format!(r#"{{"id": ["@carol", {carol}, "{id}"]}}"#),
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(usernames(&run.json()), ["carol", "carol", "carol"]);
    assert_eq!(f.sandbox.stats().count("contacts.resolveUsername"), 0);
    assert_eq!(f.sandbox.stats().count("users.getUsers"), 1);
    let requests = f.sandbox.stats().snapshot();
    eprintln!("users.getUsers with cached peers: {requests:?}");
    // Besides the call, only what any new connection asks (help.getConfig).
    assert!(
        requests
            .keys()
            .all(|m| m == "users.getUsers" || m == "help.getConfig"),
        "{requests:?}"
    );
}

#[tokio::test]
async fn cli_reads_history_and_resolves_peers_nested_in_objects() {
    let f = Setup::demo().await;
    let run = invoke(
        &f.env,
        &[
            "messages.GetHistoryRequest",
            r#"{"peer": "@rust_berlin", "offset_id": 0, "offset_date": 0, "add_offset": 0,
                "limit": 3, "max_id": 0, "min_id": 0, "hash": 0}"#,
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    let history = run.json();
    assert_eq!(history["_"], "messages.channelMessages", "{history}");
    let messages = history["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3);
    assert!(messages.iter().all(|m| m["_"] == "message"));
    let first_id = messages[2]["id"].as_i64().unwrap();
    let author = messages[2]["from_id"]["user_id"].as_i64().unwrap();

    // An InputPeer inside an InputUser object, from stdin.
    let params = json!({"id": [{
        "_": "inputUserFromMessage",
        "peer": "@rust_berlin",
        "msg_id": first_id,
        "user_id": author,
    }]});
    let run = invoke_stdin(&f.env, &["users.getUsers", "-"], &params.to_string()).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()[0]["id"], author);

    // An InputChannel from a username; the wrong kind of chat is named.
    let run = invoke(
        &f.env,
        &["channels.getFullChannel", r#"{"channel": "@rust_berlin"}"#],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["_"], "messages.chatFull");
    let run = invoke(
        &f.env,
        &["channels.getFullChannel", r#"{"channel": "@carol"}"#],
    )
    .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(
        run.stderr.contains("params.channel: @carol is a user"),
        "{run:?}"
    );
}

#[tokio::test]
async fn cli_writes_and_dangerous_methods_need_the_flag() {
    let f = Setup::demo().await;
    f.sandbox.stats().record_requests(true);
    let run = invoke(
        &f.env,
        &[
            "messages.sendMessage",
            r#"{"peer": "me", "message": "from invoke", "random_id": "12345678901234567", "silent": true}"#,
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    let updates = run.json();
    assert!(
        updates["_"].as_str().unwrap().starts_with("update"),
        "{updates}"
    );
    let sent = f.sandbox.world().messages.last().cloned().unwrap();
    assert_eq!(sent.text, "from invoke");
    assert_eq!(sent.to, Peer::User(f.me));
    // "silent" reached Telegram, and the random id as given.
    let requests = crate::requests::send_message_requests(&f.sandbox);
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert!(requests[0].silent, "{:?}", requests[0]);
    assert_eq!(requests[0].random_id, 12345678901234567);
    let id = sent.id.to_string();

    let params = format!(r#"{{"id": [{id}], "revoke": true}}"#);
    let run = invoke(&f.env, &["messages.deleteMessages", &params]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("--allow-dangerous"), "{run:?}");
    assert!(f.sandbox.world().messages.iter().any(|m| m.id == sent.id));

    let run = invoke(
        &f.env,
        &["messages.deleteMessages", &params, "--allow-dangerous"],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.json()["_"], "messages.affectedMessages");
    assert_eq!(run.json()["pts_count"], 1);
    assert!(
        !f.sandbox
            .world()
            .messages
            .iter()
            .any(|m| m.id == sent.id && m.to == Peer::User(f.me))
    );
}

#[tokio::test]
async fn cli_bad_input_is_named_before_connecting() {
    // No profile at all: these fail on the schema alone.
    let env = TestEnv::checked();
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["messages.getHistoy", "{}"],
            2,
            "did you mean messages.getHistory",
        ),
        (
            &[
                "messages.getHistory",
                r#"{"peer": {"_": "inputPeerChannel", "channel_id": "abc", "access_hash": 1}}"#,
            ],
            2,
            r#"params.peer.channel_id: expected long"#,
        ),
        (
            &["users.getUsers", r#"{"ids": ["me"]}"#],
            2,
            r#"params.ids: users.getUsers has no parameter "ids" — did you mean "id"?"#,
        ),
        (
            &["users.getUsers", r#"{"id": [{"_": "inputPeerSelf"}]}"#],
            2,
            "params.id[0]._: inputPeerSelf is a InputPeer, but a InputUser goes here",
        ),
        (
            &["users.getUsers", r#"{"id": ["@a b"]}"#],
            2,
            "params.id[0]: chat_id \"@a b\" is not a chat",
        ),
        (&["users.getUsers", "{not json"], 2, "not JSON"),
        (
            &["users.getUsers", r#"{"id": ["me"]}"#, "--no-resolve"],
            2,
            "resolution is off",
        ),
        (&["account.getPassword"], 1, "--allow-secrets"),
        (&["invokeWithLayer", "{}"], 2, "wraps another call"),
    ];
    for (args, code, needle) in cases {
        let run = invoke(&env, args).await;
        assert_eq!(run.code, *code, "{args:?}: {run:?}");
        assert!(run.stdout.is_empty(), "{args:?}: {run:?}");
        assert!(run.stderr.contains(needle), "{args:?}: {needle}\n{run:?}");
    }
}

#[tokio::test]
async fn cli_lists_and_describes_without_a_session() {
    let env = TestEnv::checked();
    let run = invoke(&env, &["--list", "channels.delete"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let listed: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        listed,
        [
            "channels.deleteChannel",
            "channels.deleteHistory",
            "channels.deleteMessages",
            "channels.deleteParticipantHistory"
        ]
    );
    let run = invoke(&env, &["--list"]).await;
    assert!(run.stdout.lines().count() > 500, "every method");
    assert!(!run.stdout.contains("invokeWithLayer"));

    let run = invoke(&env, &["--describe", "messages.sendMessage"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.starts_with("messages.sendMessage → Updates"));
    assert!(run.stdout.contains("silent"), "{run:?}");
    assert!(run.stdout.contains("optional (flags.5)"), "{run:?}");
    assert!(run.stdout.contains("me, @username"), "{run:?}");

    let run = invoke(&env, &["--json", "--describe", "messages.deleteMessages"]).await;
    let description = run.json();
    assert_eq!(description["dangerous"], true);
    assert_eq!(description["returns"], "messages.AffectedMessages");
    assert_eq!(
        description["params"][0],
        json!({"name": "revoke", "type": "true", "required": false, "flag": "flags.0"})
    );
    let run = invoke(&env, &["--describe", "nope.nothing"]).await;
    assert_eq!(run.code, 2, "{run:?}");
}

// ---------------------------------------------------------------------------------------
// The MCP face
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn mcp_invoke_reads_writes_and_refuses() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = crate::mcp::start(env, &["serve", "--allow-dangerous-methods"]).await;
    // params_json, as the reference server takes it.
    let answer = server
        .ok(
            "invoke_mtproto",
            json!({"method_full_name": "users.getUsers", "params_json": r#"{"id": ["me", "@carol"]}"#}),
        )
        .await;
    assert_eq!(answer["method"], "users.getUsers");
    assert_eq!(usernames(&answer["result"]), ["alex_demo", "carol"]);

    // params as an object; a write.
    let answer = server
        .ok(
            "invoke_mtproto",
            json!({"method_full_name": "messages.sendMessage",
                   "params": {"peer": "@carol", "message": "via MCP", "random_id": 99}}),
        )
        .await;
    assert!(
        answer["result"]["_"]
            .as_str()
            .unwrap()
            .starts_with("update")
    );
    let sent = sandbox.world().messages.last().cloned().unwrap();
    assert_eq!(sent.text, "via MCP");

    let delete = json!({"method_full_name": "messages.deleteMessages",
                        "params": {"id": [sent.id], "revoke": true}});
    let error = server.fail("invoke_mtproto", delete.clone()).await;
    assert_eq!(error["kind"], "forbidden");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("allow_dangerous")
    );
    let mut allowed = delete;
    allowed["allow_dangerous"] = json!(true);
    let answer = server.ok("invoke_mtproto", allowed).await;
    assert_eq!(answer["result"]["pts_count"], 1);

    let error = server
        .fail(
            "invoke_mtproto",
            json!({"method_full_name": "messages.sendMesage", "params": {}}),
        )
        .await;
    assert_eq!(error["kind"], "unknown_method");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("messages.sendMessage")
    );
    let error = server
        .fail(
            "invoke_mtproto",
            json!({"method_full_name": "messages.sendMessage", "params": {"peer": "me", "message": 5, "random_id": 1}}),
        )
        .await;
    assert_eq!(error["kind"], "invalid_input");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("params.message: expected string, got 5")
    );
    // Secrets never over MCP, even with allow_dangerous.
    let error = server
        .fail(
            "invoke_mtproto",
            json!({"method_full_name": "auth.exportAuthorization", "params": {"dc_id": 2}, "allow_dangerous": true}),
        )
        .await;
    assert_eq!(error["kind"], "forbidden");

    // Telegram's own errors keep their name and wait.
    sandbox
        .faults()
        .flood_wait("contacts.getContacts", 300, Some(1));
    let error = server
        .fail(
            "invoke_mtproto",
            json!({"method_full_name": "contacts.getContacts", "params": {"hash": 0}}),
        )
        .await;
    assert_eq!(error["kind"], "flood_wait");
    assert_eq!(error["retry_after"], 300);
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn mcp_read_only_allows_only_reading_methods() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = crate::mcp::start(env, &["serve", "--read-only"]).await;
    let answer = server
        .ok(
            "invoke_mtproto",
            json!({"method_full_name": "contacts.getContacts", "params": {"hash": 0}}),
        )
        .await;
    assert_eq!(answer["result"]["_"], "contacts.contacts");
    let before = sandbox.world().messages.len();
    sandbox.stats().reset();
    for method in ["messages.sendMessage", "messages.deleteMessages"] {
        let error = server
            .fail(
                "invoke_mtproto",
                json!({"method_full_name": method, "params": {"peer": "me", "message": "x", "random_id": 1, "id": [1]}, "allow_dangerous": true}),
            )
            .await;
        assert_eq!(error["kind"], "forbidden", "{method}");
        assert!(error["message"].as_str().unwrap().contains("read-only"));
    }
    assert_eq!(sandbox.world().messages.len(), before);
    assert_eq!(
        sandbox.stats().total(),
        0,
        "refused before reaching Telegram"
    );
    assert_eq!(server.stop().await, 0);
}

// ---------------------------------------------------------------------------------------
// The HTTP face
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn http_mtproto_api_answers_with_the_right_status() {
    let (f, token) = crate::http::checked_demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = crate::http::start(env, &["--allow-dangerous-methods"]).await;
    let bearer = format!("Bearer {token}");
    let auth = [("authorization", bearer.as_str())];
    let post = |path: &'static str, body: Value| {
        let server = &server;
        async move { server.post(path, &auth, &body.to_string()).await }
    };

    let answer = post(
        "/mtproto-api/users.getUsers",
        json!({"params": {"id": ["me", "@carol"]}}),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.json()["method"], "users.getUsers");
    assert_eq!(usernames(&answer.json()["result"]), ["alex_demo", "carol"]);

    let answer = post(
        "/mtproto-api/v1/messages.sendMessage",
        json!({"params_json": r#"{"peer": "me", "message": "over HTTP", "random_id": 7}"#}),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let sent = sandbox.world().messages.last().cloned().unwrap();
    assert_eq!(sent.text, "over HTTP");

    // No token: the same 401 as /mcp.
    let answer = server.post("/mtproto-api/users.getUsers", &[], "{}").await;
    assert_eq!(answer.status, 401, "{}", answer.body);

    let cases = [
        (
            "/mtproto-api/messages.getHistoy",
            json!({"params": {}}),
            404,
            "unknown_method",
            "messages.getHistory",
        ),
        (
            "/mtproto-api/messages.sendMessage",
            json!({"params": {"peer": "me", "message": "x", "random_id": "x1"}}),
            400,
            "invalid_input",
            "params.random_id: expected long",
        ),
        (
            "/mtproto-api/messages.sendMessage",
            json!({"parameters": {}}),
            400,
            "invalid_input",
            "unknown field",
        ),
        (
            "/mtproto-api/messages.deleteMessages",
            json!({"params": {"id": [sent.id]}}),
            403,
            "forbidden",
            "allow_dangerous",
        ),
        (
            "/mtproto-api/users.getUsers",
            json!({"params": {"id": ["@nobody_here_at_all"]}}),
            400,
            "peer_not_found",
            "@nobody_here_at_all",
        ),
    ];
    for (path, body, status, kind, needle) in cases {
        let answer = post(path, body).await;
        assert_eq!(answer.status, status, "{path}: {}", answer.body);
        let error = answer.json();
        assert_eq!(error["error"], kind, "{path}: {error}");
        assert!(
            error["message"].as_str().unwrap().contains(needle),
            "{path}: {needle}: {error}"
        );
    }
    assert!(sandbox.world().messages.iter().any(|m| m.id == sent.id));
    let answer = post(
        "/mtproto-api/messages.deleteMessages",
        json!({"params": {"id": [sent.id], "revoke": true}, "allow_dangerous": true}),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.json()["result"]["pts_count"], 1);

    // Telegram's answers: a long flood wait is 429 with Retry-After, other errors 502.
    sandbox
        .faults()
        .flood_wait("contacts.getContacts", 120, Some(1));
    let contacts = json!({"params": {"hash": 0}});
    let answer = post("/mtproto-api/contacts.getContacts", contacts.clone()).await;
    assert_eq!(answer.status, 429, "{}", answer.body);
    assert_eq!(answer.header("retry-after"), "120");
    assert_eq!(answer.json()["retry_after"], 120);
    sandbox
        .faults()
        .inject_error("contacts.getContacts", 400, "CONTACTS_BROKEN", Some(1));
    let answer = post("/mtproto-api/contacts.getContacts", contacts.clone()).await;
    assert_eq!(answer.status, 502, "{}", answer.body);
    assert_eq!(answer.json()["rpc_error"], "CONTACTS_BROKEN");
    let answer = post("/mtproto-api/contacts.getContacts", contacts).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn http_mtproto_api_read_only() {
    let (f, token) = crate::http::checked_demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = crate::http::start(env, &["--read-only"]).await;
    let bearer = format!("Bearer {token}");
    let auth = [("authorization", bearer.as_str())];
    let answer = server
        .post(
            "/mtproto-api/contacts.getContacts",
            &auth,
            r#"{"params": {"hash": 0}}"#,
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let before = sandbox.world().messages.len();
    let answer = server
        .post(
            "/mtproto-api/messages.sendMessage",
            &auth,
            r#"{"params": {"peer": "me", "message": "no", "random_id": 1}}"#,
        )
        .await;
    assert_eq!(answer.status, 403, "{}", answer.body);
    assert!(
        answer.json()["message"]
            .as_str()
            .unwrap()
            .contains("read-only")
    );
    assert_eq!(sandbox.world().messages.len(), before);
    assert_eq!(server.terminate().await, 0);
}

// ---------------------------------------------------------------------------------------
// What Telegram reads as "none" may be left out
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn documented_calls_work_without_zeros_and_random_ids() {
    let f = Setup::demo().await;
    let channel = f
        .sandbox
        .world()
        .channel_by_username("rust_berlin")
        .unwrap()
        .id;
    let newest: Vec<i32> = f
        .sandbox
        .world()
        .history(f.me, Peer::Channel(channel))
        .iter()
        .take(3)
        .map(|m| m.id)
        .collect();

    // The reference server's own example: offsets, bounds and hash left out.
    let run = invoke(
        &f.env,
        &[
            "messages.getHistory",
            r#"{"peer": "@rust_berlin", "limit": 3}"#,
        ],
    )
    .await;
    assert_eq!(run.code, 0, "{run:?}");
    let ids: Vec<i64> = run.json()["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        ids,
        newest.iter().map(|&id| i64::from(id)).collect::<Vec<_>>()
    );

    // No random_id: each call gets its own, so Telegram's duplicate check keeps both.
    for _ in 0..2 {
        let run = invoke(
            &f.env,
            &[
                "messages.sendMessage",
                r#"{"peer": "me", "message": "twice on purpose"}"#,
            ],
        )
        .await;
        assert_eq!(run.code, 0, "{run:?}");
    }
    let sent = f
        .sandbox
        .world()
        .messages
        .iter()
        .filter(|m| m.text == "twice on purpose")
        .count();
    assert_eq!(sent, 2);

    // A writer's numbers say what it acts on: no zeros are made up for them.
    let run = invoke(&f.env, &["messages.readHistory", r#"{"peer": "me"}"#]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("params.max_id: missing"), "{run:?}");

    // --describe shows the rule.
    let run = invoke(&f.env, &["--describe", "messages.getHistory"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let offset_id = run
        .stdout
        .lines()
        .find(|l| l.trim_start().starts_with("offset_id"))
        .unwrap();
    assert!(offset_id.contains("left out: 0 (none)"), "{offset_id}");
    let run = invoke(
        &f.env,
        &["--json", "--describe", "messages.forwardMessages"],
    )
    .await;
    let params = run.json()["params"].as_array().unwrap().clone();
    let random = params.iter().find(|p| p["name"] == "random_id").unwrap();
    assert_eq!(random["default"], "random, one per id");
    let to_peer = params.iter().find(|p| p["name"] == "to_peer").unwrap();
    assert!(to_peer.get("default").is_none(), "{to_peer}");
}

#[tokio::test]
async fn http_endpoint_fills_the_same_defaults() {
    let (f, token) = crate::http::checked_demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = crate::http::start(env, &[]).await;
    let bearer = format!("Bearer {token}");
    let auth = [("authorization", bearer.as_str())];
    let answer = server
        .post(
            "/mtproto-api/messages.getHistory",
            &auth,
            r#"{"params": {"peer": "@rust_berlin", "limit": 3}}"#,
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(
        answer.json()["result"]["messages"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let before = sandbox.world().messages.len();
    let answer = server
        .post(
            "/mtproto-api/messages.sendMessage",
            &auth,
            r#"{"params": {"peer": "me", "message": "no random_id needed"}}"#,
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(sandbox.world().messages.len(), before + 1);
    assert_eq!(server.terminate().await, 0);
}

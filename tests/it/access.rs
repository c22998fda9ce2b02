//! Per-chat access lists (issue 20), attacked the way a prompt-injected model would:
//! the same chat by id, @username, link and phone; a denied chat through global search
//! and find_chats; invoke with the peer nested in an object or a vector; forwarding to
//! a denied chat; and the send rate limit. Over stdio, HTTP and /mtproto-api.

use serde_json::{Value, json};
use tgmcp::sandbox::Sandbox;

use crate::common::TestEnv;
use crate::harness::Setup;
use crate::mcp::start;

/// Read Saved Messages, the Rust Berlin group and the news channel; write only to me.
const LIST: &str = r#"
[access]
read = ["me", "@rust_berlin", "https://t.me/sandbox_news"]
write = ["me"]
"#;

fn write_config(env: &TestEnv, text: &str) {
    std::fs::write(env.home.path().join("config.toml"), text).unwrap();
}

struct Ids {
    bob: i64,
    bob_hash: i64,
    digest: i64,
}

fn ids(sandbox: &Sandbox) -> Ids {
    let world = sandbox.world();
    let bob = world.user_by_username("bob_builder").unwrap();
    Ids {
        bob: bob.id,
        bob_hash: bob.access_hash,
        digest: world.channel_by_username("tech_digest").unwrap().id,
    }
}

fn assert_denied(error: &Value, what: &str) {
    assert_eq!(error["kind"], "forbidden", "{what}: {error}");
    assert!(
        error["message"].as_str().unwrap().contains("access list"),
        "{what}: {error}"
    );
}

fn chat_ids(messages: &Value) -> Vec<i64> {
    messages
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["chat"]["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn a_denied_chat_is_refused_by_every_name_and_hidden_from_every_listing() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    write_config(env, LIST);
    let Ids {
        bob,
        bob_hash,
        digest,
    } = ids(sandbox);
    let server = start(env, &["serve"]).await;

    // Bob by @username, bare name, id, link and phone: the same refusal.
    for chat in [
        json!("@bob_builder"),
        json!("bob_builder"),
        json!(bob),
        json!("https://t.me/bob_builder"),
        json!("+15550100002"),
    ] {
        let error = server
            .fail("search_messages_in_chat", json!({"chat_id": chat}))
            .await;
        assert_denied(&error, &chat.to_string());
        let error = server
            .fail(
                "read_messages",
                json!({"chat_id": chat, "message_ids": [1]}),
            )
            .await;
        assert_denied(&error, &chat.to_string());
    }
    // An id this account never saw answers exactly like a denied one.
    let unseen = server
        .fail("get_chat_info", json!({"chat_id": 7_999_999_999_i64}))
        .await;
    let denied = server.fail("get_chat_info", json!({"chat_id": bob})).await;
    assert_eq!(
        unseen["message"]
            .as_str()
            .unwrap()
            .replace("7999999999", "X"),
        denied["message"]
            .as_str()
            .unwrap()
            .replace(&bob.to_string(), "X")
    );

    // Global search: Bob's invoices are gone, the news channel's stays.
    let page = server
        .ok("search_messages_globally", json!({"query": "invoice"}))
        .await;
    let chats = chat_ids(&page["messages"]);
    assert!(!chats.is_empty(), "{page}");
    assert!(!chats.contains(&bob), "{page}");
    assert!(page.get("total").is_none(), "{page}");
    // Paging one at a time finds the same, with an honest has_more.
    let mut paged = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let mut arguments = json!({"query": "invoice", "limit": 1});
        if let Some(cursor) = &cursor {
            arguments["cursor"] = json!(cursor);
        }
        let page = server.ok("search_messages_globally", arguments).await;
        paged.extend(chat_ids(&page["messages"]));
        match page["cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(paged, chats);

    // find_chats: neither by name nor in the recent list.
    let found = server.ok("find_chats", json!({"query": "bob"})).await;
    assert!(!found.to_string().contains("bob_builder"), "{found}");
    let recent = server.ok("find_chats", json!({})).await;
    let listed: Vec<i64> = recent["chats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert!(!listed.is_empty() && !listed.contains(&bob), "{recent}");
    assert!(
        recent["chats"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["username"] == "rust_berlin"
                || c["username"] == "sandbox_news"
                || c["type"] == "private"),
        "{recent}"
    );

    // Readable is not writable: nothing reaches Telegram.
    let sends = sandbox.stats().count("messages.sendMessage");
    let error = server
        .fail(
            "send_message",
            json!({"chat_id": "@rust_berlin", "message": "hi"}),
        )
        .await;
    assert_denied(&error, "send to a read-only chat");
    let error = server
        .fail(
            "send_message_to_phone",
            json!({"phone_number": "+15550100002", "message": "hi"}),
        )
        .await;
    assert_denied(&error, "send to a phone");
    assert!(!error.to_string().contains("0100002"), "no phone in errors");
    assert_eq!(sandbox.stats().count("messages.sendMessage"), sends);
    let note = server
        .ok("send_message", json!({"chat_id": "me", "message": "note"}))
        .await;
    let note = note["message_ids"][0].as_i64().unwrap();

    // invoke_mtproto: a peer by name, nested in an object, in a vector; a forward to a
    // denied chat; a channel's messages; a method that lists every dialog.
    let dialogs = sandbox.stats().count("messages.getDialogs");
    let invoke =
        |method: &str, params: Value| json!({"method_full_name": method, "params": params});
    for (method, params) in [
        (
            "messages.getHistory",
            json!({"peer": "@bob_builder", "limit": 5}),
        ),
        (
            "messages.getHistory",
            json!({"peer": {"_": "inputPeerUser", "user_id": bob, "access_hash": bob_hash.to_string()}, "limit": 5}),
        ),
        ("users.getUsers", json!({"id": ["me", "@bob_builder"]})),
        (
            "messages.forwardMessages",
            json!({"from_peer": "me", "to_peer": "@rust_berlin", "id": [1]}),
        ),
        (
            "channels.getMessages",
            json!({"channel": {"_": "inputChannel", "channel_id": digest, "access_hash": "0"}, "id": [{"_": "inputMessageID", "id": 1}]}),
        ),
        (
            "channels.getMessages",
            json!({"channel": "@tech_digest", "id": [{"_": "inputMessageID", "id": 1}]}),
        ),
        ("messages.getDialogs", json!({"limit": 10})),
        (
            "updates.getDifference",
            json!({"pts": 1, "date": 0, "qts": 0}),
        ),
        ("account.updateStatus", json!({"offline": false})),
    ] {
        let error = server
            .fail("invoke_mtproto", invoke(method, params.clone()))
            .await;
        assert_eq!(error["kind"], "forbidden", "{method}({params}): {error}");
    }
    assert_eq!(sandbox.stats().count("messages.forwardMessages"), 0);
    assert_eq!(sandbox.stats().count("messages.getDialogs"), dialogs);
    // A method without a peer: the answer keeps only readable chats' messages.
    let got = server
        .ok(
            "invoke_mtproto",
            invoke(
                "messages.getMessages",
                json!({"id": (note - 99..=note).map(|id| json!({"_": "inputMessageID", "id": id})).collect::<Vec<_>>()}),
            ),
        )
        .await;
    let messages = got["result"]["messages"].as_array().unwrap();
    assert!(messages.iter().any(|m| m["message"] == "note"), "{got}");
    assert!(
        messages
            .iter()
            .all(|m| m["peer_id"]["user_id"] != json!(bob)
                && m["peer_id"]["user_id"] != json!(bob.to_string())),
        "{got}"
    );
    // A readable channel by name works.
    server
        .ok(
            "invoke_mtproto",
            invoke(
                "channels.getMessages",
                json!({"channel": "@sandbox_news", "id": [{"_": "inputMessageID", "id": 1}]}),
            ),
        )
        .await;
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn the_list_holds_over_http_and_mtproto_api() {
    let (f, token) = crate::http::checked_demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    write_config(env, LIST);
    let server = crate::http::start(env, &[]).await;
    let client = server.client("/mcp", Some(&token)).await;
    let result = crate::http::call(
        &client,
        "search_messages_in_chat",
        json!({"chat_id": "@bob_builder"}),
    )
    .await;
    assert_eq!(result.is_error, Some(true), "{result:?}");
    let page = crate::http::structured(
        &crate::http::call(
            &client,
            "search_messages_globally",
            json!({"query": "invoice"}),
        )
        .await,
    );
    let bob = ids(sandbox).bob;
    assert!(!chat_ids(&page["messages"]).contains(&bob), "{page}");

    let bearer = format!("Bearer {token}");
    let post = |method: &str, body: Value| {
        let url = server.url(&format!("/mtproto-api/{method}"));
        let bearer = bearer.clone();
        async move {
            crate::http::request(
                reqwest::Method::POST,
                &url,
                &[
                    ("authorization", &bearer),
                    ("content-type", "application/json"),
                ],
                Some(body.to_string()),
            )
            .await
        }
    };
    let answer = post(
        "messages.getHistory",
        json!({"params": {"peer": "@bob_builder", "limit": 3}}),
    )
    .await;
    assert_eq!(answer.status, 403, "{}", answer.body);
    assert_eq!(answer.json()["error"], "forbidden");
    let answer = post(
        "messages.sendMessage",
        json!({"params": {"peer": {"_": "inputPeerUser", "user_id": bob, "access_hash": "1"}, "message": "x"}}),
    )
    .await;
    assert_eq!(answer.status, 403, "{}", answer.body);
    let answer = post("messages.getDialogs", json!({"params": {"limit": 5}})).await;
    assert_eq!(answer.status, 403, "{}", answer.body);
    let answer = post(
        "messages.getHistory",
        json!({"params": {"peer": "@rust_berlin", "limit": 3}}),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(sandbox.stats().count("messages.sendMessage"), 0);
}

#[tokio::test]
async fn a_broken_list_stops_the_server_instead_of_allowing_everything() {
    let f = Setup::demo().await;
    let env = &f.env;
    write_config(env, "[access]\nread = [\"@not a chat\"]\n");
    let run = env.run(&["serve"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("access.read"), "{run:?}");
}

#[tokio::test]
async fn over_the_write_rate_limit_nothing_is_sent() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let server = start(env, &["serve", "--max-writes-per-minute", "2"]).await;
    for n in 0..2 {
        server
            .ok(
                "send_message",
                json!({"chat_id": "me", "message": format!("n{n}")}),
            )
            .await;
    }
    let sent = sandbox.stats().count("messages.sendMessage");
    let error = server
        .fail(
            "send_message",
            json!({"chat_id": "me", "message": "one too many"}),
        )
        .await;
    assert_eq!(error["kind"], "rate_limited", "{error}");
    assert!(error["retry_after"].as_u64().unwrap() >= 1, "{error}");
    let error = server
        .fail(
            "invoke_mtproto",
            json!({"method_full_name": "messages.sendMessage", "params": {"peer": "me", "message": "x"}}),
        )
        .await;
    assert_eq!(error["kind"], "rate_limited", "{error}");
    assert_eq!(sandbox.stats().count("messages.sendMessage"), sent);
    // Reading is not limited.
    server
        .ok("search_messages_in_chat", json!({"chat_id": "me"}))
        .await;
    assert_eq!(server.stop().await, 0);
}

fn draft_text(sandbox: &Sandbox, chat: tgmcp::sandbox::Peer) -> Option<String> {
    let world = sandbox.world();
    let me = world.demo_user().unwrap();
    match world.drafts.get(&(me, chat))? {
        grammers_tl_types::enums::DraftMessage::Message(d) => Some(d.message.clone()),
        grammers_tl_types::enums::DraftMessage::Empty(_) => None,
    }
}

#[tokio::test]
async fn draft_mode_saves_a_draft_the_dialog_shows_and_sends_nothing() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let bob = ids(sandbox).bob;
    let server = start(env, &["serve", "--drafts"]).await;
    let result = server
        .call(
            "send_message",
            json!({"chat_id": "@bob_builder", "message": "see you **Thursday**", "parse_mode": "markdown"}),
        )
        .await;
    assert_ne!(result.is_error, Some(true), "{result:?}");
    let sent = result.structured_content.clone().unwrap();
    assert_eq!(sent["draft"], true, "{sent}");
    assert_eq!(sent["message_ids"], json!([]));
    assert!(crate::mcp::text(&result).contains("draft"), "{result:?}");
    assert_eq!(sandbox.stats().count("messages.sendMessage"), 0);
    assert_eq!(sandbox.stats().count("messages.saveDraft"), 1);
    assert_eq!(
        draft_text(sandbox, tgmcp::sandbox::Peer::User(bob)).as_deref(),
        Some("see you Thursday")
    );
    // The user's dialog with Bob shows it, as their Telegram app would.
    let dialogs = server
        .ok(
            "invoke_mtproto",
            json!({"method_full_name": "messages.getPeerDialogs", "params": {"peers": ["@bob_builder"]}}),
        )
        .await;
    let draft = &dialogs["result"]["dialogs"][0]["draft"];
    assert_eq!(draft["_"], "draftMessage", "{dialogs}");
    assert_eq!(draft["message"], "see you Thursday");
    // Files cannot go into a draft: refused, nothing saved or sent.
    let error = server
        .fail(
            "send_message",
            json!({"chat_id": "me", "message": "x", "files": ["data:text/plain;base64,aGk="]}),
        )
        .await;
    assert_eq!(error["kind"], "invalid_input", "{error}");
    assert_eq!(sandbox.stats().count("messages.saveDraft"), 1);
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn a_draft_entry_lets_the_assistant_draft_where_it_may_not_send() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    write_config(
        env,
        "[access]\nread = [\"*\"]\nwrite = [\"me\"]\ndraft = [\"@rust_berlin\"]\n",
    );
    let rust = sandbox
        .world()
        .channel_by_username("rust_berlin")
        .unwrap()
        .id;
    let server = start(env, &["serve"]).await;
    let drafted = server
        .ok(
            "send_message",
            json!({"chat_id": "https://t.me/rust_berlin", "message": "meetup idea"}),
        )
        .await;
    assert_eq!(drafted["draft"], true, "{drafted}");
    assert_eq!(
        draft_text(sandbox, tgmcp::sandbox::Peer::Channel(rust)).as_deref(),
        Some("meetup idea")
    );
    let error = server
        .fail(
            "send_message",
            json!({"chat_id": "@bob_builder", "message": "hi"}),
        )
        .await;
    assert_denied(&error, "send to bob");
    let sent = server
        .ok(
            "send_message",
            json!({"chat_id": "me", "message": "to myself"}),
        )
        .await;
    assert!(sent.get("draft").is_none(), "{sent}");
    assert_eq!(sandbox.stats().count("messages.sendMessage"), 1);
    assert_eq!(server.stop().await, 0);
}

/// A client that can ask its user, and answers every question with `yes`; it records
/// what it was asked.
struct Asker {
    yes: bool,
    asked: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl rmcp::ClientHandler for Asker {
    async fn create_elicitation(
        &self,
        request: rmcp::model::ElicitRequestParams,
        _: rmcp::service::RequestContext<rmcp::RoleClient>,
    ) -> Result<rmcp::model::ElicitResult, rmcp::ErrorData> {
        if let rmcp::model::ElicitRequestParams::FormElicitationParams {
            message,
            requested_schema,
            ..
        } = request
        {
            let schema = serde_json::to_value(&requested_schema).unwrap();
            // Only a yes/no: never a code, password or token.
            assert_eq!(schema["properties"].as_object().unwrap().len(), 1);
            assert_eq!(schema["properties"]["confirm"]["type"], "boolean");
            self.asked.lock().unwrap().push(message);
        }
        Ok(
            rmcp::model::ElicitResult::new(rmcp::model::ElicitationAction::Accept)
                .with_content(json!({"confirm": self.yes})),
        )
    }

    fn get_info(&self) -> rmcp::model::ClientConfig {
        rmcp::model::ClientConfig::new(
            rmcp::model::ClientCapabilities::builder()
                .enable_elicitation()
                .build(),
            rmcp::model::Implementation::new("asker", "1"),
        )
    }
}

async fn call_with(
    env: &TestEnv,
    yes: bool,
    calls: &[(&str, Value)],
) -> (Vec<rmcp::model::CallToolResult>, Vec<String>) {
    use rmcp::ServiceExt;
    let mut child = env
        .command()
        .args(["serve", "--confirm-writes"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let transport = (child.stdout.take().unwrap(), child.stdin.take().unwrap());
    let asked = std::sync::Arc::default();
    let client = crate::common::within(
        30,
        Asker {
            yes,
            asked: std::sync::Arc::clone(&asked),
        }
        .serve(transport),
    )
    .await
    .unwrap();
    let mut results = Vec::new();
    for (tool, arguments) in calls {
        let Value::Object(arguments) = arguments.clone() else {
            unreachable!()
        };
        let params =
            rmcp::model::CallToolRequestParams::new(tool.to_string()).with_arguments(arguments);
        results.push(
            crate::common::within(30, client.call_tool(params))
                .await
                .unwrap(),
        );
    }
    drop(client.cancel().await);
    let _ = crate::common::within(15, child.wait()).await;
    let asked = asked.lock().unwrap().clone();
    (results, asked)
}

#[tokio::test]
async fn confirm_writes_asks_a_client_that_can_and_refuses_one_that_cannot() {
    let f = Setup::demo().await;
    let (sandbox, env) = (&f.sandbox, &f.env);
    let send = json!({"chat_id": "@bob_builder", "message": "lunch at noon?"});

    // Declined: nothing sent, and the model is told.
    let (results, asked) = call_with(env, false, &[("send_message", send.clone())]).await;
    assert_eq!(results[0].is_error, Some(true), "{results:?}");
    assert!(
        crate::mcp::text(&results[0]).contains("declined"),
        "{results:?}"
    );
    assert_eq!(asked.len(), 1);
    assert!(asked[0].contains("@bob_builder") && asked[0].contains("lunch at noon?"));
    assert_eq!(sandbox.stats().count("messages.sendMessage"), 0);

    // Accepted: sent once; a read is not asked about.
    let (results, asked) = call_with(
        env,
        true,
        &[
            ("send_message", send.clone()),
            ("search_messages_in_chat", json!({"chat_id": "me"})),
        ],
    )
    .await;
    assert_ne!(results[0].is_error, Some(true), "{results:?}");
    assert_ne!(results[1].is_error, Some(true), "{results:?}");
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(sandbox.stats().count("messages.sendMessage"), 1);

    // A client without elicitation: refused, pointing at draft mode.
    let server = start(env, &["serve", "--confirm-writes"]).await;
    let error = server.fail("send_message", send).await;
    assert_eq!(error["kind"], "forbidden", "{error}");
    assert!(
        error["message"].as_str().unwrap().contains("--drafts"),
        "{error}"
    );
    let error = server
        .fail(
            "invoke_mtproto",
            json!({"method_full_name": "messages.sendMessage", "params": {"peer": "me", "message": "x"}}),
        )
        .await;
    assert_eq!(error["kind"], "forbidden", "{error}");
    server
        .ok("search_messages_in_chat", json!({"chat_id": "me"}))
        .await;
    assert_eq!(sandbox.stats().count("messages.sendMessage"), 1);
    assert_eq!(server.stop().await, 0);
}

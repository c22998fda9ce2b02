//! A second, independent client: Telethon (pinned by `.ci/run` in `.ci/venv`) drives the
//! sandbox with a preset auth key, and what it decoded is checked against the world.
//! Skipped with a message when the virtualenv is missing locally; a failure under CI.

use std::path::PathBuf;

use tgmcp::sandbox::{Peer, Sandbox, World};

use crate::common::within;

/// The virtualenv's Python, or `None` (after saying why) when this machine has none.
fn telethon_python() -> Option<PathBuf> {
    let python = std::env::var_os("TGMCP_TELETHON_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".ci/venv/bin/python"));
    if python.exists() {
        return Some(python);
    }
    let why = format!(
        "Telethon tests need {} (created by .ci/run: python3 -m venv .ci/venv && .ci/venv/bin/pip install telethon==1.45.0)",
        python.display()
    );
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{why}");
    eprintln!("SKIPPED: {why}");
    None
}

#[tokio::test]
async fn telethon_reads_writes_and_decodes_everything() {
    let Some(python) = telethon_python() else {
        return;
    };
    let world = World::demo();
    let me = world.demo_user().unwrap();
    let sandbox = Sandbox::start(world).await.unwrap();
    let key = sandbox.authorized_key(me);
    let (bob, hike, rust_id) = {
        let w = sandbox.world();
        let bob = w.user_by_username("bob_builder").unwrap().id;
        let hike = w
            .chats
            .values()
            .find(|c| c.title == "Weekend hike")
            .unwrap()
            .id;
        (bob, hike, w.channel_by_username("rust_berlin").unwrap().id)
    };
    let bob_key: String = sandbox
        .authorized_key(bob)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let outsider = sandbox.world().user_by_username("lucia_fz").unwrap().id;
    let ids = serde_json::json!({"user": bob, "chat": hike, "channel": rust_id,
                                 "bob_username": "bob_builder", "outsider": outsider});
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let addr = sandbox.addr();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/telethon/smoke.py");
    let output = within(
        120,
        tokio::process::Command::new(&python)
            .arg(&script)
            .arg(sandbox.dc_id().to_string())
            .arg(addr.ip().to_string())
            .arg(addr.port().to_string())
            .arg(&hex)
            .arg(&bob_key)
            .arg(ids.to_string())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "Telethon failed:\n{stderr}");
    let out: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{stderr}", String::from_utf8_lossy(&output.stdout)));

    assert_eq!(out["warnings"], serde_json::json!([]), "{stderr}");
    assert_eq!(out["me"]["id"], me);
    assert_eq!(out["me"]["username"], "alex_demo");
    assert_eq!(
        out["by_id"],
        serde_json::json!([bob, hike, rust_id]),
        "get_entity by id"
    );
    assert!(
        !out["global_search"].as_array().unwrap().is_empty(),
        "{out}"
    );
    assert_eq!(
        out["pushed"], "pushed to Bob",
        "a push to the second session"
    );
    assert_eq!(
        out["caught_up"], "missed by Bob",
        "recovered by getDifference"
    );
    assert_eq!(
        out["file_roundtrip"], true,
        "upload then download: {}",
        out["file_debug"]
    );
    let w = sandbox.world();
    assert!(out["dialogs"].as_array().unwrap().len() >= 5, "{out}");
    assert!(out["dialogs"].as_array().unwrap().contains(&bob.into()));
    assert!(!out["search"].as_array().unwrap().is_empty(), "{out}");

    // The short answer to a private send, read by Telethon, agrees with the world.
    let sent = out["sent_private"]["id"].as_i64().unwrap() as i32;
    let stored = w
        .messages
        .iter()
        .find(|m| m.id == sent && m.to == Peer::User(bob))
        .expect("the private send is in the world");
    assert_eq!(stored.text, "edited by Telethon", "then edited");
    assert_eq!(out["sent_private"]["out"], true);
    assert_eq!(out["edited"]["text"], "edited by Telethon");
    assert_eq!(
        out["reply"]["reply_to"], out["history"][0],
        "Telethon reports the reply"
    );
    let deleted = out["deleted"].as_i64().unwrap() as i32;
    assert!(
        !w.messages
            .iter()
            .any(|m| m.id == deleted && m.to == Peer::User(bob)),
        "the reply was deleted"
    );

    let rust = w.channel_by_username("rust_berlin").unwrap();
    assert_eq!(out["channel"]["id"], rust.id);
    assert_eq!(out["channel"]["title"], rust.title.as_str());
    let group_sent = out["sent_group"]["id"].as_i64().unwrap() as i32;
    assert!(
        w.messages
            .iter()
            .any(|m| m.id == group_sent && m.to == Peer::Channel(rust.id))
    );
    // Participants: Telethon pages channels.getParticipants itself.
    let mut members: Vec<i64> = rust.members.iter().copied().collect();
    members.sort_unstable();
    assert_eq!(out["participants"]["total"], members.len());
    assert_eq!(out["participants"]["ids"], serde_json::json!(members));
    assert_eq!(out["admins"], serde_json::json!([rust.creator]));
    assert_eq!(out["broadcast_participants"], "CHAT_ADMIN_REQUIRED");
    assert_eq!(out["outsider"], "USER_NOT_PARTICIPANT");
    // Answers come in containers with acks, and Telethon reads them.
    assert!(out["service"]["containers"].as_u64().unwrap() >= 1, "{out}");
    assert!(out["service"]["acks"].as_u64().unwrap() >= 1, "{out}");
    // Telethon starts without the server salt: it was told it and resent.
    assert!(sandbox.bad_salts() >= 1);

    // Comments: GetDiscussionMessageRequest and send_message(comment_to=…) decode and
    // agree with the world.
    let channel = w.channel_by_username("release_notes").unwrap().id;
    let group = w.channel_by_username("release_notes_chat").unwrap().id;
    let (_, copy) = w.comments_of(channel, 1).unwrap();
    let d = &out["discussion"];
    assert_eq!(d["top_id"], copy, "{out}");
    assert_eq!(d["top_peer"], group);
    assert_eq!(d["from_channel"], channel);
    assert_eq!(
        (&d["saved_from_msg_id"], &d["channel_post"]),
        (&1.into(), &1.into())
    );
    assert_eq!(d["max_id"], copy + 3);
    let mut chats = vec![channel, group];
    chats.sort_unstable();
    assert_eq!(d["chats"], serde_json::json!(chats));
    let comment = out["comment"]["id"].as_i64().unwrap() as i32;
    assert_eq!(out["comment"]["chat"], group);
    assert_eq!(out["comment"]["reply_to"], copy);
    let stored = w
        .messages
        .iter()
        .find(|m| m.to == Peer::Channel(group) && m.id == comment)
        .expect("the comment is in the group");
    assert_eq!(stored.text, "a comment from Telethon");
    assert_eq!(
        out["post_replies"],
        serde_json::json!({"comments": true, "replies": 4, "channel_id": group, "max_id": comment})
    );
    assert_eq!(out["no_comments"], "MSG_ID_INVALID");
}

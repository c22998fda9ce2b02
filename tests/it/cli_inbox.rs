//! `tgmcp chats` and `tgmcp read`, the real binary against the demo world: the table,
//! JSON and JSON Lines, `--unread`, `--topic` and `--mark-read`.

use crate::mcp::demo;

#[tokio::test]
async fn chats_lists_the_unread_ones_newest_first() {
    let (_sandbox, env) = demo().await;
    let run = env.run(&["chats", "--unread"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("UNREAD") && lines[0].ends_with("LAST"),
        "{run:?}"
    );
    assert!(
        lines[1].contains("Deploy Bot") && lines[1].contains("@deploy_bot"),
        "{run:?}"
    );
    // The terminal view includes muted and archived chats.
    assert!(run.stdout.contains("Daily Deals") && run.stdout.contains("Old Project"));
    let forum = lines.iter().find(|l| l.contains("tgmcp dev")).unwrap();
    assert!(forum.contains("group") && forum.contains(" 4  "), "{forum}");

    let json = env
        .run(&["--json", "chats", "--unread", "--type", "channel"])
        .await;
    assert_eq!(json.code, 0, "{json:?}");
    let titles: Vec<String> = json.json()["chats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["chat"]["title"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(titles, ["Daily Deals", "Sandbox News", "Tech Digest"]);

    let jsonl = env.run(&["chats", "rust", "--jsonl"]).await;
    assert_eq!(jsonl.code, 0, "{jsonl:?}");
    let first: serde_json::Value =
        serde_json::from_str(jsonl.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["username"], "rust_berlin");

    let none = env.run(&["chats", "nosuchchatanywhere"]).await;
    assert_eq!(none.code, 1, "{none:?}");
}

#[tokio::test]
async fn read_shows_a_chat_oldest_first_and_marks_it_read() {
    let (sandbox, env) = demo().await;
    let run = env.run(&["read", "@tgmcp_dev", "--unread"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{run:?}");
    assert!(
        lines[0].starts_with('#') && lines[0].ends_with("Erin: Standup moved to 10:30 tomorrow")
    );
    assert!(lines[3].ends_with("Changelog draft is ready"), "{run:?}");

    // A topic, latest messages, with the account's own as "you".
    let topic = env
        .run(&["read", "@tgmcp_dev", "--topic", "2", "-n", "5"])
        .await;
    assert_eq!(topic.code, 0, "{topic:?}");
    assert!(
        topic
            .stdout
            .contains("you (reply to #2): Great, I'll test the sandbox demo"),
        "{topic:?}"
    );
    assert!(
        !topic.stdout.contains("Hyphen"),
        "only the Releases topic: {topic:?}"
    );

    let me = sandbox.world().demo_user().unwrap();
    let forum =
        tgmcp::sandbox::Peer::Channel(sandbox.world().channel_by_username("tgmcp_dev").unwrap().id);
    let marked = env
        .run(&["--json", "read", "@tgmcp_dev", "--unread", "--mark-read"])
        .await;
    assert_eq!(marked.code, 0, "{marked:?}");
    assert_eq!(marked.json()["messages"].as_array().unwrap().len(), 4);
    assert_eq!(sandbox.world().unread_count(me, forum), 0);
    assert_eq!(
        sandbox.world().unread_mentions_count(me, forum, None),
        0,
        "everything unread was shown: mentions cleared too"
    );
    let again = env
        .run(&["read", "@tgmcp_dev", "--unread", "--jsonl"])
        .await;
    assert_eq!((again.code, again.stdout.as_str()), (0, ""), "{again:?}");

    let bad = env
        .run(&["read", "@tgmcp_dev", "--unread", "--topic", "2"])
        .await;
    assert_eq!(bad.code, 2, "{bad:?}");
}

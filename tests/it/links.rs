//! Resource links in tool results: `download_media`'s saved file and a sent message's
//! chat, through rmcp's client; none for a client of a protocol before resource links.

use rmcp::model::{CallToolRequestParams, Resource};
use serde_json::{Value, json};

use crate::common::{RawStdio, within};

fn links(result: &rmcp::model::CallToolResult) -> Vec<Resource> {
    result
        .content
        .iter()
        .filter_map(|c| c.as_resource_link().cloned())
        .collect()
}

#[tokio::test]
async fn downloads_link_the_saved_file_and_sends_link_their_chat() {
    let f = crate::files::fixture().await;
    let downloads = f.dir.path().join("down loads");
    let path = f.dir.path().join("my notes.txt");
    std::fs::write(&path, crate::files_server::body("links", 1234)).unwrap();
    let server = crate::mcp::start(
        &f.env,
        &["serve", "--download-dir", &downloads.display().to_string()],
    )
    .await;
    let call = |tool: &str, arguments: Value| {
        let Value::Object(arguments) = arguments else {
            unreachable!()
        };
        let params = CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments);
        async { within(60, server.client.call_tool(params)).await.unwrap() }
    };

    let sent = call(
        "send_message",
        json!({"chat_id": "me", "message": "linked", "files": path.display().to_string()}),
    )
    .await;
    assert_ne!(sent.is_error, Some(true), "{sent:?}");
    let chat = sent.structured_content.as_ref().unwrap()["messages"][0]["chat"].clone();
    let linked = links(&sent);
    assert_eq!(linked.len(), 1, "{sent:?}");
    assert_eq!(linked[0].uri, format!("tg://chat/{}", chat["id"]));
    assert_eq!(linked[0].name, chat["title"].as_str().unwrap());
    assert_eq!(linked[0].mime_type.as_deref(), Some("application/json"));
    // The link reads as the chat's resource.
    let read = within(
        30,
        server
            .client
            .read_resource(rmcp::model::ReadResourceRequestParams::new(
                linked[0].uri.clone(),
            )),
    )
    .await
    .expect("the linked chat reads");
    assert!(!read.contents.is_empty());

    let id = sent.structured_content.as_ref().unwrap()["message_ids"][0].clone();
    let saved = call("download_media", json!({"chat_id": "me", "message_id": id})).await;
    assert_ne!(saved.is_error, Some(true), "{saved:?}");
    let structured = saved.structured_content.clone().unwrap();
    let linked = links(&saved);
    assert_eq!(linked.len(), 1, "{saved:?}");
    let file = &linked[0];
    let saved_path = downloads.canonicalize().unwrap().join("my notes.txt");
    assert_eq!(structured["path"], saved_path.display().to_string());
    assert_eq!(
        file.uri,
        format!(
            "file://{}",
            saved_path.display().to_string().replace(' ', "%20")
        )
    );
    assert_eq!(file.name, "my notes.txt");
    assert_eq!(file.mime_type.as_deref(), Some("text/plain"));
    assert_eq!(file.size, Some(1234));
    assert_eq!(std::fs::read(&saved_path).unwrap().len(), 1234);
    // The text rendering is still there for clients that read only text.
    assert!(crate::mcp::text(&saved).starts_with("Saved "));

    // A failure links nothing.
    let missing = call(
        "download_media",
        json!({"chat_id": "me", "message_id": 999_999}),
    )
    .await;
    assert_eq!(missing.is_error, Some(true));
    assert!(links(&missing).is_empty());
    assert_eq!(server.stop().await, 0);
}

/// resource_link content came with protocol 2025-06-18: a 2025-03-26 client gets text
/// and structured content only.
#[tokio::test]
async fn an_older_client_gets_no_links() {
    let (_sandbox, env) = crate::mcp::demo().await;
    let mut server = RawStdio::serve(&env);
    let requests = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-03-26", "capabilities": {},
            "clientInfo": {"name": "old", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
            "name": "send_message", "arguments": {"chat_id": "me", "message": "old client"}}}),
    ];
    for request in &requests {
        server.send(request).await;
    }
    let answer = loop {
        let message = server.next().await;
        if message["id"] == 2 {
            break message;
        }
    };
    let content = answer["result"]["content"].as_array().unwrap();
    assert!(content.iter().all(|c| c["type"] == "text"), "{answer}");
    assert!(answer["result"]["structuredContent"]["message_ids"].is_array());
    assert_eq!(server.finish().await, Some(0));
}

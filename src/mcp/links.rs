//! Resource links in tool results: `download_media`'s saved file as a `file://` link, a
//! sent message's chat as its `tg://chat/{id}` resource. Links go in the result's
//! content, never in a schema, so tools/list stays the size it was.

use std::future::Future;

use rmcp::RoleServer;
use rmcp::model::{CallToolResult, ContentBlock, ProtocolVersion, Resource};
use rmcp::service::RequestContext;
use serde::Serialize;

use super::progress::Progress;
use super::server::TelegramServer;
use crate::error::Result;
use crate::telegram::{Downloaded, Entity, Message};

impl TelegramServer {
    /// [`TelegramServer::answer_with`], with `links` to what a successful result names
    /// appended to its content.
    pub(super) async fn answer_linked<T: Serialize>(
        &self,
        tool: &'static str,
        request: &RequestContext<RoleServer>,
        progress: Option<&Progress>,
        call: impl Future<Output = Result<T>>,
        render: impl FnOnce(&T) -> String,
        links: impl FnOnce(&T) -> Vec<ContentBlock>,
    ) -> CallToolResult {
        let mut found = Vec::new();
        let render = |value: &T| {
            found = links(value);
            render(value)
        };
        let mut result = self
            .answer_with(tool, request, progress, call, render)
            .await;
        // resource_link content came with protocol 2025-06-18; an older client may reject it.
        let understood = request
            .protocol_version()
            .is_some_and(|v| v >= ProtocolVersion::V_2025_06_18);
        if result.is_error != Some(true) && understood {
            result.content.extend(found);
        }
        result
    }
}

/// The saved file, as a `file://` link with its type and size.
pub(super) fn saved_file(saved: &Downloaded) -> Vec<ContentBlock> {
    let path = std::path::Path::new(&saved.path);
    let name = path
        .file_name()
        .map_or_else(|| saved.path.clone(), |n| n.to_string_lossy().into_owned());
    let mut resource = Resource::new(file_uri(&saved.path), name);
    resource.mime_type = Some(saved.mime_type.clone());
    resource.size = Some(saved.size);
    vec![ContentBlock::resource_link(resource)]
}

/// The chats of `messages`, once each, as their `tg://chat/{id}` resources.
pub(super) fn chats_of(messages: &[Message]) -> Vec<ContentBlock> {
    let mut seen = Vec::new();
    messages
        .iter()
        .filter(|m| {
            let new = !seen.contains(&m.chat.id);
            seen.push(m.chat.id);
            new
        })
        .map(|m| chat(&m.chat))
        .collect()
}

fn chat(chat: &Entity) -> ContentBlock {
    let mut resource = Resource::new(format!("tg://chat/{}", chat.id), chat.title.clone());
    resource.mime_type = Some("application/json".into());
    ContentBlock::resource_link(resource)
}

/// `file://` and the absolute path, with every byte that is not unreserved (or `/`)
/// percent-encoded (RFC 8089, RFC 3986).
fn file_uri(path: &str) -> String {
    let mut uri = String::from("file://");
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_encode_what_a_uri_cannot_hold() {
        assert_eq!(
            file_uri("/tmp/a b/ä#1.txt"),
            "file:///tmp/a%20b/%C3%A4%231.txt"
        );
        assert_eq!(
            file_uri("/x/notes (1).txt"),
            "file:///x/notes%20%281%29.txt"
        );
    }
}

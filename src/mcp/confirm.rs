//! `serve --confirm-writes`: before each write the user is asked, through the client's
//! elicitation (a yes/no form naming the chat and a preview of the text). A decline
//! sends nothing; a client that cannot ask gets a refusal that suggests draft mode.
//! The form never asks for a code, a password or a token: only yes or no.

use rmcp::RoleServer;
use rmcp::model::{
    ClientResult, ElicitRequest, ElicitRequestParams, ElicitationAction, ElicitationSchema,
    ServerRequest,
};
use rmcp::service::RequestContext;
use serde_json::{Map, Value};

use crate::error::Error;

/// How much of a message the form shows.
const PREVIEW_CHARS: usize = 300;

/// Whether `tool` with `arguments` writes to Telegram (and so needs the user's yes).
pub(super) fn is_write(tool: &str, arguments: &Map<String, Value>) -> bool {
    if super::WRITE_TOOLS.contains(&tool) {
        return true;
    }
    if tool == "invoke_mtproto" {
        let name = arguments
            .get("method_full_name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        return crate::tl::method(name)
            .map(|def| !crate::tl::policy::is_read_only(&def.name))
            .unwrap_or(false);
    }
    false
}

/// What the form says: the action, the chat and a preview of the text.
fn question(tool: &str, arguments: &Map<String, Value>) -> String {
    let text = |key: &str| {
        arguments.get(key).map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    };
    let chat = text("chat_id")
        .or_else(|| text("phone_number").map(|p| crate::telegram::model::mask_phone(&p)))
        .unwrap_or_default();
    let mut preview: String = text("message").unwrap_or_default();
    if preview.chars().count() > PREVIEW_CHARS {
        preview = preview.chars().take(PREVIEW_CHARS).collect::<String>() + "…";
    }
    match tool {
        "invoke_mtproto" => format!(
            "Allow the assistant to call {} on your Telegram account?\n{}",
            text("method_full_name").unwrap_or_default(),
            text("params")
                .or_else(|| text("params_json"))
                .unwrap_or_default()
        ),
        "edit_message" => format!("Replace the text of a message in {chat} with:\n{preview}"),
        _ => format!("Send to {chat}:\n{preview}"),
    }
}

/// Asks the user; `Ok` when they said yes.
pub(super) async fn ask(
    tool: &str,
    arguments: &Map<String, Value>,
    context: &RequestContext<RoleServer>,
) -> Result<(), Error> {
    let can_ask = context
        .peer
        .peer_info()
        .is_some_and(|info| info.capabilities.elicitation.is_some());
    if !can_ask {
        return Err(Error::Forbidden(format!(
            "{tool} needs the user's confirmation on this server (--confirm-writes), and this client cannot ask for it (no elicitation support) — nothing was sent; the server's operator can use --drafts instead, so the user sends from their Telegram app"
        )));
    }
    let schema = ElicitationSchema::builder()
        .required_bool("confirm")
        .build()
        .map_err(|e| Error::Config(format!("the confirmation form is invalid: {e}")))?;
    let request = ServerRequest::ElicitRequest(ElicitRequest::new(
        ElicitRequestParams::FormElicitationParams {
            meta: None,
            message: question(tool, arguments),
            requested_schema: schema,
        },
    ));
    let answer = context.peer.send_request(request).await.map_err(|e| {
        Error::Forbidden(format!(
            "{tool} needs the user's confirmation and the client did not answer ({e}) — nothing was sent"
        ))
    })?;
    let yes = match answer {
        ClientResult::ElicitResult(result) => {
            result.action == ElicitationAction::Accept
                && result
                    .content
                    .as_ref()
                    .and_then(|c| c.get("confirm"))
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
        }
        _ => false,
    };
    if yes {
        Ok(())
    } else {
        Err(Error::Forbidden(format!(
            "the user declined {tool} — nothing was sent"
        )))
    }
}

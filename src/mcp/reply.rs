//! Tool results: the core's output as structured content plus a text rendering, or the
//! core's error as a tool error.
//!
//! A tool error carries no `structuredContent`: clients check structured content against
//! the tool's `outputSchema` even when `isError` is set (the TypeScript SDK does), and
//! repeating the error's shape in every output schema cost every client context. The
//! model reads the message as text; programs find the same detail, structured, in the
//! result's `_meta` under [`ERROR_META`].

use rmcp::model::{CallToolResult, ContentBlock, MetaObject};
use serde::Serialize;

use crate::error::Error;

/// The `_meta` key of a tool error's [`Failure`].
pub const ERROR_META: &str = "tgmcp/error";

/// What went wrong, in terms a model (or its user) can act on.
#[derive(Debug, Serialize)]
pub struct Failure {
    /// not_logged_in, peer_not_found, not_found, flood_wait, rpc_error, network, invalid_input,
    /// unknown_method, rejected, partial_send, unknown_outcome, forbidden, config, session
    /// or interrupted.
    pub kind: String,
    /// Telegram's error name (e.g. MESSAGE_NOT_MODIFIED), when Telegram refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rpc_error: Option<String>,
    /// Seconds Telegram asks to wait before trying again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u32>,
    /// Ids of the parts of a long message that were sent before the failure
    /// (partial_send): do not send those again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_message_ids: Option<Vec<i32>>,
    /// What happened and what to do next.
    pub message: String,
}

impl From<&Error> for Failure {
    fn from(error: &Error) -> Self {
        Self {
            kind: error.kind().to_owned(),
            rpc_error: error.rpc_name().map(str::to_owned),
            retry_after: error.retry_after(),
            sent_message_ids: match error {
                Error::PartialSend { sent, .. } => Some(sent.clone()),
                _ => None,
            },
            message: error.to_string(),
        }
    }
}

pub use super::schema::{input_schema, output_schema};

/// A tool's answer: `value` as structured content, `render`ed as text, or the failure.
pub fn outcome<T: Serialize>(
    result: Result<T, Error>,
    render: impl FnOnce(&T) -> String,
) -> CallToolResult {
    let value = match result {
        Ok(value) => value,
        Err(error) => return failure(&error),
    };
    match serde_json::to_value(&value) {
        Ok(structured) => {
            let mut result = CallToolResult::success(vec![ContentBlock::text(render(&value))]);
            result.structured_content = Some(structured);
            result
        }
        Err(e) => failure(&Error::InvalidInput(format!(
            "the result cannot be encoded as JSON: {e}"
        ))),
    }
}

/// A tool error: the message as text, and the [`Failure`] in `_meta`.
pub fn failure(error: &Error) -> CallToolResult {
    let mut result = CallToolResult::error(vec![ContentBlock::text(error.to_string())]);
    if let Ok(detail) = serde_json::to_value(Failure::from(error)) {
        let mut meta = MetaObject::default();
        meta.0.insert(ERROR_META.into(), detail);
        result.meta = Some(meta);
    }
    result
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::telegram::ChatList;

    fn meta_of(result: &CallToolResult) -> serde_json::Value {
        result.meta.as_ref().unwrap().0[ERROR_META].clone()
    }

    #[test]
    fn failures_carry_kind_rpc_name_and_wait() {
        let error = Error::FloodWait {
            seconds: 120,
            method: Some("messages.searchGlobal".into()),
        };
        let result = failure(&error);
        assert_eq!(result.is_error, Some(true));
        assert_eq!(
            result.structured_content, None,
            "no shape to check it against"
        );
        let detail = meta_of(&result);
        assert_eq!(detail["kind"], "flood_wait");
        assert_eq!(detail["retry_after"], 120);
        assert!(detail.get("rpc_error").is_none());
        assert_eq!(detail["message"], error.to_string());

        let error = Error::Rpc {
            code: 400,
            name: "MESSAGE_NOT_MODIFIED".into(),
            method: None,
        };
        let detail = meta_of(&failure(&error));
        assert_eq!(detail["rpc_error"], "MESSAGE_NOT_MODIFIED");

        let error = Error::PartialSend {
            sent: vec![41, 42],
            parts: 3,
            reason: Box::new(Error::FloodWait {
                seconds: 9,
                method: None,
            }),
        };
        let detail = meta_of(&failure(&error));
        assert_eq!(detail["kind"], "partial_send");
        assert_eq!(detail["sent_message_ids"], json!([41, 42]));
        assert_eq!(detail["retry_after"], 9);
    }

    #[test]
    fn a_partial_send_whose_last_part_is_unknown_is_an_unknown_outcome() {
        let error = Error::PartialSend {
            sent: vec![41],
            parts: 3,
            reason: Box::new(Error::UnknownOutcome(
                "part 2 of 3 may or may not have been delivered".into(),
            )),
        };
        let detail = meta_of(&failure(&error));
        assert_eq!(detail["kind"], "unknown_outcome");
        assert_eq!(detail["sent_message_ids"], json!([41]));
        assert_eq!(
            detail["message"],
            "sent 1 of 3 parts (message ids [41]), then: part 2 of 3 may or may not have been delivered; the parts after it were not sent — do not resend any part before reading the chat to see which parts arrived"
        );
        assert_eq!(error.exit_code(), 1);
    }

    #[test]
    fn success_has_text_and_structured_content() {
        let result = outcome(Ok(ChatList { chats: vec![] }), |_| "no chats".into());
        assert_eq!(result.is_error, Some(false));
        assert_eq!(result.structured_content, Some(json!({"chats": []})));
        assert_eq!(result.content[0].as_text().unwrap().text, "no chats");
    }
}

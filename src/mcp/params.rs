//! Tool arguments, as JSON Schema'd types, and their conversion into core requests.
//!
//! Arguments are first checked against the tool's schema ([`super::check`]): a missing
//! field, a wrong type or an unknown name is a tool error of kind `invalid_input` that
//! names the argument. Values that match the schema but make no sense (a date that is
//! not one, too many files) are the same kind of error, from the conversions below.

use std::borrow::Cow;

use rmcp::ErrorData;
use rmcp::handler::server::common::FromContextPart;
use rmcp::handler::server::tool::ToolCallContext;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::telegram::dates::{self, Bound};
use crate::telegram::{
    ChatSearch, ChatType, EditMessage, FindChats, GlobalSearch, Invoke, ParseMode, SendMessage,
    SendToPhone,
};
use crate::tl::Guard;

/// Most messages one search page or one read returns.
pub const MAX_LIMIT: u32 = 100;

/// Marks the `invalid_params` error of [`Args`], so the server answers it as a tool error.
const ARGUMENT_ERROR: &str = "tgmcp/arguments";

/// A tool's arguments, deserialized strictly once [`super::check`] has mended them. What
/// still does not fit (a number too large for its field) is an `invalid_params` error
/// that the server turns into a tool error ([`is_argument_error`]).
pub struct Args<T>(pub T);

impl<S, T: DeserializeOwned> FromContextPart<ToolCallContext<'_, S>> for Args<T> {
    fn from_context_part(context: &mut ToolCallContext<'_, S>) -> Result<Self, ErrorData> {
        let arguments = context.arguments.take().unwrap_or_default();
        serde_json::from_value(serde_json::Value::Object(arguments))
            .map(Args)
            .map_err(|e| {
                ErrorData::invalid_params(
                    format!("arguments of {} do not fit: {e}", context.name),
                    Some(serde_json::json!({ "reason": ARGUMENT_ERROR })),
                )
            })
    }
}

/// Whether `error` came from [`Args`]: the arguments, not the request, are at fault.
pub fn is_argument_error(error: &ErrorData) -> bool {
    error
        .data
        .as_ref()
        .is_some_and(|data| data["reason"] == ARGUMENT_ERROR)
}

/// A chat as a model writes it: text (`me`, `@username`, a link, `+phone`) or a number.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ChatId {
    Number(i64),
    Text(String),
}

impl ChatId {
    /// The form the core resolves: numbers as their decimal text.
    pub fn into_peer(self) -> String {
        match self {
            Self::Number(id) => id.to_string(),
            Self::Text(text) => text,
        }
    }
}

impl JsonSchema for ChatId {
    fn schema_name() -> Cow<'static, str> {
        "ChatId".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        // Numbers are accepted too, but one type is what every client understands.
        json_schema!({ "type": "string" })
    }
}

fn default_search_limit() -> u32 {
    50
}

fn default_chats_limit() -> u32 {
    20
}

/// Arguments of `search_messages_globally`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchGlobally {
    pub query: String,
    #[serde(default = "default_search_limit")]
    #[schemars(range(min = 1, max = 100))]
    pub limit: u32,
    pub chat_type: Option<ChatType>,
    /// On or after this date (ISO 8601, e.g. 2024-05-01 or 2024-05-01T10:00:00Z).
    pub min_date: Option<String>,
    /// On or before (a bare date includes that day).
    pub max_date: Option<String>,
    pub cursor: Option<String>,
}

impl SearchGlobally {
    pub fn into_request(self) -> Result<GlobalSearch> {
        let (min_date, max_date) = date_range(self.min_date, self.max_date)?;
        Ok(GlobalSearch {
            query: self.query,
            limit: limit(self.limit)?,
            chat_type: self.chat_type,
            min_date,
            max_date,
            cursor: self.cursor,
        })
    }
}

/// Arguments of `search_messages_in_chat`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchInChat {
    pub chat_id: ChatId,
    pub query: Option<String>,
    #[serde(default = "default_search_limit")]
    #[schemars(range(min = 1, max = 100))]
    pub limit: u32,
    /// On or after (ISO 8601).
    pub min_date: Option<String>,
    /// On or before (a bare date includes that day).
    pub max_date: Option<String>,
    /// Only messages from this sender.
    pub from_user: Option<ChatId>,
    /// Only the replies to this message (its thread).
    #[schemars(range(min = 1, max = i32::MAX))]
    pub reply_to_msg_id: Option<i32>,
    pub cursor: Option<String>,
    /// Only this forum topic (from list_topics).
    #[schemars(range(min = 1, max = i32::MAX))]
    pub topic_id: Option<i32>,
}

impl SearchInChat {
    pub fn into_request(self) -> Result<ChatSearch> {
        let (min_date, max_date) = date_range(self.min_date, self.max_date)?;
        Ok(ChatSearch {
            chat: self.chat_id.into_peer(),
            query: self.query,
            limit: limit(self.limit)?,
            min_date,
            max_date,
            from_user: self.from_user.map(ChatId::into_peer),
            reply_to_msg_id: self.reply_to_msg_id,
            cursor: self.cursor,
            topic_id: self.topic_id,
        })
    }
}

/// Arguments of `read_messages`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadMessages {
    pub chat_id: ChatId,
    /// At most 100.
    #[schemars(inner(range(min = 1, max = i32::MAX)))]
    pub message_ids: Vec<i32>,
}

impl ReadMessages {
    pub fn into_request(self) -> Result<(String, Vec<i32>)> {
        let count = self.message_ids.len();
        if count == 0 || count > MAX_LIMIT as usize {
            return Err(Error::InvalidInput(format!(
                "message_ids must hold 1 to {MAX_LIMIT} ids, not {count}"
            )));
        }
        Ok((self.chat_id.into_peer(), self.message_ids))
    }
}

/// Arguments of `send_message`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessageArgs {
    pub chat_id: ChatId,
    /// The text, or the caption of the files.
    pub message: String,
    /// Reply to this message (a channel post: comment on it).
    #[schemars(range(min = 1, max = i32::MAX))]
    pub reply_to_msg_id: Option<i32>,
    /// Plain text when absent.
    pub parse_mode: Option<ParseMode>,
    /// https URLs, data: URIs, or local paths (stdio only); several go as albums.
    pub files: Option<Files>,
    /// Send images as files, not photos.
    #[serde(default)]
    pub force_document: bool,
    /// Post in this forum topic (from list_topics).
    #[schemars(range(min = 1, max = i32::MAX))]
    pub topic_id: Option<i32>,
}

impl SendMessageArgs {
    /// The message, and the files to attach.
    pub fn into_request(self) -> Result<(SendMessage, FileList)> {
        let files = FileList::new(self.files, self.force_document)?;
        Ok((
            SendMessage {
                chat: self.chat_id.into_peer(),
                text: self.message,
                reply_to: self.reply_to_msg_id,
                parse_mode: self.parse_mode,
                silent: false,
                no_preview: false,
                max_parts: None,
                topic_id: self.topic_id,
            },
            files,
        ))
    }
}

/// Most files one call may attach.
pub const MAX_FILES: usize = 50;

/// `files`: one string or a list of them.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Files {
    One(String),
    Many(Vec<String>),
}

impl JsonSchema for Files {
    fn schema_name() -> Cow<'static, str> {
        "Files".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        // One string is accepted too, but one type is what every client understands.
        json_schema!({ "type": "array", "items": { "type": "string" }, "maxItems": MAX_FILES })
    }
}

/// The files of a send, checked for count and emptiness.
#[derive(Debug, Clone, Default)]
pub struct FileList {
    pub sources: Vec<String>,
    pub force_document: bool,
}

impl FileList {
    fn new(files: Option<Files>, force_document: bool) -> Result<Self> {
        let sources = match files {
            None => Vec::new(),
            Some(Files::One(one)) => vec![one],
            Some(Files::Many(many)) => many,
        };
        if sources.len() > MAX_FILES {
            return Err(Error::InvalidInput(format!(
                "files holds {} entries; at most {MAX_FILES} per call",
                sources.len()
            )));
        }
        if sources.iter().any(|s| s.trim().is_empty()) {
            return Err(Error::InvalidInput(
                "files holds an empty entry — give a path, an https URL or a data: URI".into(),
            ));
        }
        Ok(Self {
            sources,
            force_document,
        })
    }
}

/// Arguments of `download_media`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DownloadMediaArgs {
    pub chat_id: ChatId,
    #[schemars(range(min = 1, max = i32::MAX))]
    pub message_id: i32,
    /// A file name or relative path in the download folder; by default the file's own name.
    pub path: Option<String>,
}

/// Arguments of `edit_message`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditMessageArgs {
    pub chat_id: ChatId,
    #[schemars(range(min = 1, max = i32::MAX))]
    pub message_id: i32,
    /// The new text.
    pub message: String,
    /// Plain text when absent.
    pub parse_mode: Option<ParseMode>,
}

impl EditMessageArgs {
    pub fn into_request(self) -> EditMessage {
        EditMessage {
            chat: self.chat_id.into_peer(),
            message_id: self.message_id,
            text: self.message,
            parse_mode: self.parse_mode,
        }
    }
}

/// Arguments of `find_chats`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FindChatsArgs {
    pub query: Option<String>,
    #[serde(default = "default_chats_limit")]
    #[schemars(range(min = 1, max = 100))]
    pub limit: u32,
    pub chat_type: Option<ChatType>,
}

impl FindChatsArgs {
    pub fn into_request(self) -> Result<FindChats> {
        Ok(FindChats {
            query: self.query,
            limit: limit(self.limit)?,
            chat_type: self.chat_type,
        })
    }
}

/// Arguments of `get_chat_info`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatInfoArgs {
    /// `me`, @username, exact chat name, numeric id, t.me link or +phone.
    pub chat_id: ChatId,
}

/// Arguments of `send_message_to_phone`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendToPhoneArgs {
    /// International format, e.g. +15551234567.
    pub phone_number: String,
    /// The text, or the caption of the files.
    pub message: String,
    /// For the contact, if one is added.
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// Remove that contact again after sending.
    #[serde(default)]
    pub remove_if_new: bool,
    /// Plain text when absent.
    pub parse_mode: Option<ParseMode>,
    /// Reply to this message.
    #[schemars(range(min = 1, max = i32::MAX))]
    pub reply_to_msg_id: Option<i32>,
    /// https URLs, data: URIs, or local paths (stdio only); several go as albums.
    pub files: Option<Files>,
    /// Send images as files, not photos.
    #[serde(default)]
    pub force_document: bool,
}

impl SendToPhoneArgs {
    pub fn into_request(self) -> Result<(SendToPhone, FileList)> {
        let files = FileList::new(self.files, self.force_document)?;
        let send = SendToPhone {
            phone: self.phone_number,
            text: self.message,
            first_name: self.first_name,
            last_name: self.last_name,
            remove_if_new: self.remove_if_new,
            parse_mode: self.parse_mode,
            reply_to: self.reply_to_msg_id,
        };
        Ok((send, files))
    }
}

fn limit(limit: u32) -> Result<usize> {
    if (1..=MAX_LIMIT).contains(&limit) {
        Ok(limit as usize)
    } else {
        Err(Error::InvalidInput(format!(
            "limit must be from 1 to {MAX_LIMIT}, not {limit}"
        )))
    }
}

/// `min_date` and `max_date` as Unix seconds, each bare date widened to its whole day.
fn date_range(min: Option<String>, max: Option<String>) -> Result<(Option<i64>, Option<i64>)> {
    let parse = |name: &str, text: Option<String>, bound| {
        text.map(|text| {
            dates::parse(&text, bound).map_err(|e| match e {
                Error::InvalidInput(reason) => Error::InvalidInput(format!("{name}: {reason}")),
                other => other,
            })
        })
        .transpose()
    };
    let min = parse("min_date", min, Bound::Start)?;
    let max = parse("max_date", max, Bound::End)?;
    if let (Some(min), Some(max)) = (min, max)
        && min > max
    {
        return Err(Error::InvalidInput(
            "min_date is after max_date — swap them".into(),
        ));
    }
    Ok((min, max))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn args<T: DeserializeOwned>(value: serde_json::Value) -> serde_json::Result<T> {
        serde_json::from_value(value)
    }

    #[test]
    fn chat_ids_are_text_or_numbers() {
        let read: ReadMessages =
            args(json!({"chat_id": -1001900000003_i64, "message_ids": [1]})).unwrap();
        assert_eq!(read.into_request().unwrap().0, "-1001900000003");
        let read: ReadMessages = args(json!({"chat_id": "@bob", "message_ids": [1]})).unwrap();
        assert_eq!(read.into_request().unwrap().0, "@bob");
        assert!(args::<ReadMessages>(json!({"chat_id": 1.5, "message_ids": [1]})).is_err());
        assert!(args::<ReadMessages>(json!({"chat_id": true, "message_ids": [1]})).is_err());
    }

    #[test]
    fn defaults_and_unknown_fields() {
        let search: SearchGlobally = args(json!({"query": "invoice"})).unwrap();
        assert_eq!(search.limit, 50);
        let find: FindChatsArgs = args(json!({})).unwrap();
        assert_eq!(find.limit, 20);
        let phone: SendToPhoneArgs = args(json!({"phone_number": "+1", "message": "hi"})).unwrap();
        assert!(!phone.remove_if_new);
        assert!(args::<SearchGlobally>(json!({"query": "x", "chat": "me"})).is_err());
        assert!(args::<SearchGlobally>(json!({"query": "x", "limit": "ten"})).is_err());
        assert!(args::<SearchGlobally>(json!({"query": "x", "chat_type": "supergroup"})).is_err());
    }

    #[test]
    fn limits_are_checked() {
        for bad in [0, 101, 5000] {
            let search: SearchGlobally = args(json!({"query": "x", "limit": bad})).unwrap();
            let error = search.into_request().unwrap_err();
            assert_eq!(error.kind(), "invalid_input");
            assert!(
                error.to_string().contains("limit must be from 1 to 100"),
                "{error}"
            );
        }
        let find: FindChatsArgs = args(json!({"limit": 100})).unwrap();
        assert_eq!(find.into_request().unwrap().limit, 100);
        let read: ReadMessages = args(json!({"chat_id": "me", "message_ids": []})).unwrap();
        assert_eq!(read.into_request().unwrap_err().kind(), "invalid_input");
    }

    #[test]
    fn dates_are_parsed_and_ordered() {
        let search: SearchGlobally = args(json!({
            "query": "x", "min_date": "2024-05-01", "max_date": "2024-05-01"
        }))
        .unwrap();
        let request = search.into_request().unwrap();
        assert_eq!(request.min_date, Some(1_714_521_600));
        assert_eq!(request.max_date, Some(1_714_521_600 + 86_399));

        let search: SearchInChat =
            args(json!({"chat_id": "me", "max_date": "last tuesday"})).unwrap();
        let error = search.into_request().unwrap_err();
        assert_eq!(error.kind(), "invalid_input");
        assert!(error.to_string().contains("max_date"), "{error}");

        let search: SearchGlobally = args(json!({
            "query": "x", "min_date": "2024-05-02", "max_date": "2024-05-01"
        }))
        .unwrap();
        assert!(
            search
                .into_request()
                .unwrap_err()
                .to_string()
                .contains("after")
        );
    }

    #[test]
    fn files_are_one_or_many() {
        let send: SendMessageArgs =
            args(json!({"chat_id": "me", "message": "hi", "files": "/tmp/a.pdf"})).unwrap();
        let (_, files) = send.into_request().unwrap();
        assert_eq!(files.sources, ["/tmp/a.pdf"]);
        let send: SendMessageArgs = args(json!({
            "chat_id": "me", "message": "hi", "files": ["a.png", "b.png"], "force_document": true
        }))
        .unwrap();
        let (_, files) = send.into_request().unwrap();
        assert_eq!(files.sources.len(), 2);
        assert!(files.force_document);
        let send: SendMessageArgs =
            args(json!({"chat_id": "me", "message": "hi", "files": [""]})).unwrap();
        assert_eq!(send.into_request().unwrap_err().kind(), "invalid_input");
        let many: Vec<String> = (0..51).map(|i| format!("{i}.txt")).collect();
        let send: SendMessageArgs =
            args(json!({"chat_id": "me", "message": "hi", "files": many})).unwrap();
        assert!(
            send.into_request()
                .unwrap_err()
                .to_string()
                .contains("at most 50")
        );
        assert!(
            args::<SendMessageArgs>(json!({"chat_id": "me", "message": "", "files": 3})).is_err()
        );
    }
}

fn yes() -> bool {
    true
}

/// Arguments of `invoke_mtproto`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvokeMtproto {
    /// E.g. messages.getHistory (any case; a `Request` suffix is fine).
    pub method_full_name: String,
    /// The parameters as a JSON object (in a string or not), e.g.
    /// {"peer": "@durov", "limit": 10}; optional ones left out, bytes in base64.
    pub params_json: Option<String>,
    /// Instead of params_json, as an object.
    pub params: Option<serde_json::Map<String, serde_json::Value>>,
    /// Accept chats as input peers, users and channels.
    #[serde(default = "yes")]
    pub resolve: bool,
    /// Allow a method that cannot be undone, only when the user asked for exactly that.
    #[serde(default)]
    pub allow_dangerous: bool,
}

impl InvokeMtproto {
    pub fn into_request(self, read_only: bool) -> Result<Invoke> {
        let params = match (self.params_json, self.params) {
            (Some(_), Some(_)) => {
                return Err(Error::InvalidInput(
                    "give params_json or params, not both".into(),
                ));
            }
            (Some(text), None) if text.trim().is_empty() => serde_json::Value::Object(Default::default()),
            (Some(text), None) => serde_json::from_str(&text).map_err(|e| {
                Error::InvalidInput(format!(
                    "params_json is not JSON ({e}) — give the parameters as a JSON object in a string"
                ))
            })?,
            (None, Some(object)) => serde_json::Value::Object(object),
            (None, None) => serde_json::Value::Object(Default::default()),
        };
        Ok(Invoke {
            method: self.method_full_name,
            params,
            resolve: self.resolve,
            guard: Guard {
                read_only,
                allow_dangerous: self.allow_dangerous,
                allow_secrets: false,
            },
        })
    }
}

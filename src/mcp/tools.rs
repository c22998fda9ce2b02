//! The nine tools: names, titles, hints and schemas as MCP clients see them, each a thin
//! adapter from its arguments to one core operation.

use rmcp::model::CallToolResult;
use rmcp::service::RequestContext;
use rmcp::{RoleServer, tool, tool_router};

use super::links;
use super::params::{
    Args, ChatInfoArgs, DownloadMediaArgs, EditMessageArgs, FileList, FindChatsArgs, InvokeMtproto,
    ReadMessages, SearchGlobally, SearchInChat, SendMessageArgs, SendToPhoneArgs,
};
use super::progress::Progress;
use super::reply::{input_schema, output_schema};
use super::schema::shape_schema;
use super::server::TelegramServer;
use super::text;
use crate::error::Result;
use crate::telegram::{
    Attachments, ChatInfo, ChatList, Downloaded, Message, PhoneSendResult, ReadResult, SearchPage,
    SendResult,
};

impl TelegramServer {
    /// Every file of a call checked, opened or fetched, before anything is sent.
    /// Their upload is reported to `progress`, if any.
    async fn attachments(
        &self,
        files: FileList,
        progress: Option<&Progress>,
    ) -> Result<Attachments> {
        if files.sources.is_empty() {
            return Ok(Attachments::default());
        }
        let policy = self.files().policy();
        let mut attachments = Attachments {
            files: crate::telegram::files::prepare(&files.sources, &policy).await?,
            force_document: files.force_document,
            progress: None,
        };
        if let Some(progress) = progress {
            progress.upload(&mut attachments);
        }
        Ok(attachments)
    }
}

#[tool_router(vis = "pub(super)")]
impl TelegramServer {
    #[tool(
        name = "search_messages_globally",
        description = "Search all of the user's chats, newest first. Words match as prefixes; \
                       commas separate alternatives. While has_more is true, pass cursor back \
                       for the next page.",
        input_schema = input_schema::<SearchGlobally>(),
        output_schema = output_schema::<SearchPage>(),
        annotations(
            title = "Search all chats",
            read_only_hint = true,
            destructive_hint = false
        )
    )]
    async fn search_messages_globally(
        &self,
        Args(args): Args<SearchGlobally>,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let progress = Progress::of(&request);
        let call = async {
            let search = args.into_request()?;
            let meter = progress.as_ref().map(Progress::meter);
            self.telegram()
                .await?
                .search_global_with(search, meter)
                .await
        };
        self.answer_with(
            "search_messages_globally",
            &request,
            progress.as_ref(),
            call,
            text::search_page,
        )
        .await
    }

    #[tool(
        name = "search_messages_in_chat",
        description = "Search one chat, newest first, or list its latest messages without a \
                       query. Words match as prefixes; commas separate alternatives. While \
                       has_more is true, pass cursor back for the next page.",
        input_schema = input_schema::<SearchInChat>(),
        output_schema = output_schema::<SearchPage>(),
        annotations(
            title = "Search one chat",
            read_only_hint = true,
            destructive_hint = false
        )
    )]
    async fn search_messages_in_chat(
        &self,
        Args(args): Args<SearchInChat>,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let progress = Progress::of(&request);
        let call = async {
            let search = args.into_request()?;
            let meter = progress.as_ref().map(Progress::meter);
            self.telegram().await?.search_chat_with(search, meter).await
        };
        self.answer_with(
            "search_messages_in_chat",
            &request,
            progress.as_ref(),
            call,
            text::search_page,
        )
        .await
    }

    #[tool(
        name = "read_messages",
        description = "Messages of one chat by id (e.g. the one a reply answers); ids not found \
                       are listed in missing. For the latest, use search_messages_in_chat \
                       without a query.",
        input_schema = input_schema::<ReadMessages>(),
        output_schema = output_schema::<ReadResult>(),
        annotations(
            title = "Read messages",
            read_only_hint = true,
            destructive_hint = false
        )
    )]
    async fn read_messages(
        &self,
        Args(args): Args<ReadMessages>,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let call = async {
            let (chat, ids) = args.into_request()?;
            self.telegram().await?.read_messages(&chat, &ids).await
        };
        self.answer("read_messages", &request, call, text::read_result)
            .await
    }

    #[tool(
        name = "send_message",
        description = "Send a message as the user, optionally as a reply or with files. A text \
                       over 4096 characters goes as several messages; all their ids are \
                       returned.",
        input_schema = input_schema::<SendMessageArgs>(),
        output_schema = output_schema::<SendResult>(),
        annotations(
            title = "Send a message",
            destructive_hint = false
        )
    )]
    async fn send_message(
        &self,
        Args(args): Args<SendMessageArgs>,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let progress = Progress::of(&request);
        let call = async {
            let (message, files) = args.into_request()?;
            let attachments = self.attachments(files, progress.as_ref()).await?;
            self.telegram()
                .await?
                .send_message_with(message, &attachments)
                .await
        };
        self.answer_linked(
            "send_message",
            &request,
            progress.as_ref(),
            call,
            text::send_result,
            |sent| links::chats_of(&sent.messages),
        )
        .await
    }

    #[tool(
        name = "edit_message",
        description = "Replace the text of a message the user sent.",
        input_schema = input_schema::<EditMessageArgs>(),
        output_schema = shape_schema::<Message>(),
        annotations(
            title = "Edit a message",
            destructive_hint = true,
            idempotent_hint = true
        )
    )]
    async fn edit_message(
        &self,
        Args(args): Args<EditMessageArgs>,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let call = async {
            let edit = args.into_request();
            self.telegram().await?.edit_message(edit).await
        };
        self.answer("edit_message", &request, call, text::edited)
            .await
    }

    #[tool(
        name = "find_chats",
        description = "Find people, groups and channels by name, @username or +phone among \
                       contacts, the user's chats and public Telegram; without a query, the most \
                       recent chats. Their ids work as chat_id.",
        input_schema = input_schema::<FindChatsArgs>(),
        output_schema = output_schema::<ChatList>(),
        annotations(
            title = "Find chats",
            read_only_hint = true,
            destructive_hint = false
        )
    )]
    async fn find_chats(
        &self,
        Args(args): Args<FindChatsArgs>,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let call = async {
            let find = args.into_request()?;
            self.telegram().await?.find_chats(find).await
        };
        self.answer("find_chats", &request, call, text::chat_list)
            .await
    }

    #[tool(
        name = "get_chat_info",
        description = "A person's, group's or channel's profile: name, username, type, bio, \
                       members, last seen, unread count, and whether the user can write there.",
        input_schema = input_schema::<ChatInfoArgs>(),
        output_schema = output_schema::<ChatInfo>(),
        annotations(
            title = "Get chat info",
            read_only_hint = true,
            destructive_hint = false
        )
    )]
    async fn get_chat_info(
        &self,
        Args(args): Args<ChatInfoArgs>,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let call = async {
            let chat = args.chat_id.into_peer();
            self.telegram().await?.chat_info(&chat).await
        };
        self.answer("get_chat_info", &request, call, text::chat_info)
            .await
    }

    #[tool(
        name = "send_message_to_phone",
        description = "Send a message to a phone number, adding it as a contact if it is not \
                       one. Fails if the number has no Telegram account.",
        input_schema = input_schema::<SendToPhoneArgs>(),
        output_schema = output_schema::<PhoneSendResult>(),
        annotations(
            title = "Send a message to a phone number",
            destructive_hint = false
        )
    )]
    async fn send_message_to_phone(
        &self,
        Args(args): Args<SendToPhoneArgs>,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let progress = Progress::of(&request);
        let call = async {
            let (send, files) = args.into_request()?;
            let attachments = self.attachments(files, progress.as_ref()).await?;
            self.telegram()
                .await?
                .send_to_phone_with(send, &attachments)
                .await
        };
        self.answer_linked(
            "send_message_to_phone",
            &request,
            progress.as_ref(),
            call,
            text::phone_send,
            |sent| links::chats_of(&sent.messages),
        )
        .await
    }

    #[tool(
        name = "download_media",
        description = "Save a message's photo or document in the server's download folder (over \
                       HTTP only when it has one); returns path, size and mime type. Never \
                       overwrites a file.",
        input_schema = input_schema::<DownloadMediaArgs>(),
        output_schema = output_schema::<Downloaded>(),
        annotations(
            title = "Download a message's file",
            // It writes a file on the server's machine (never over an existing one).
            destructive_hint = false
        )
    )]
    async fn download_media(
        &self,
        Args(args): Args<DownloadMediaArgs>,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let progress = Progress::of(&request);
        let call = async {
            let target = self.files().download_target(args.path)?;
            let chat = args.chat_id.into_peer();
            let meter = progress.as_ref().map(Progress::meter);
            self.telegram()
                .await?
                .download_media_with(&chat, args.message_id, target, meter)
                .await
        };
        self.answer_linked(
            "download_media",
            &request,
            progress.as_ref(),
            call,
            |d: &Downloaded| format!("Saved {} ({} bytes, {})", d.path, d.size, d.mime_type),
            links::saved_file,
        )
        .await
    }

    #[tool(
        name = "invoke_mtproto",
        description = "Call any Telegram API method (MTProto, as the user) by full name, for \
                       what no other tool covers. Parameters as in \
                       https://core.telegram.org/methods; objects name their constructor in \
                       \"_\"; chats (me, @username, id) work as any peer, user or channel. \
                       Methods that cannot be undone need allow_dangerous.",
        input_schema = input_schema::<InvokeMtproto>(),
        output_schema = output_schema::<InvokeOutput>(),
        annotations(
            title = "Call any Telegram API method",
            destructive_hint = true
        )
    )]
    async fn invoke_mtproto(
        &self,
        Args(args): Args<InvokeMtproto>,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let call = async {
            let invoke = args.into_request(self.is_read_only())?;
            // Checked before reaching Telegram: a refusal needs no connection.
            let prepared = invoke.prepare()?;
            self.selection().operator_consent(&prepared.def.name)?;
            let result = self.telegram().await?.invoke_prepared(&prepared).await?;
            Ok(InvokeOutput {
                method: prepared.def.name.clone(),
                result,
            })
        };
        self.answer("invoke_mtproto", &request, call, |output| {
            output.result.to_string()
        })
        .await
    }
}

/// `invoke_mtproto`'s answer: the method called and Telegram's answer as JSON.
#[derive(Debug, serde::Serialize, schemars::JsonSchema)]
pub struct InvokeOutput {
    /// The method's name as in the schema.
    pub method: String,
    /// Telegram's answer: objects name their constructor in "_", bytes are base64, and
    /// integers too large for a double are strings.
    #[schemars(schema_with = "tl_answer")]
    pub result: serde_json::Value,
}

/// What a method may answer: an object, a vector, a Bool, an int or a string — said, not
/// left as a schema that accepts anything (strict clients warn on that).
fn tl_answer(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "anyOf": [
            { "type": "object" },
            { "type": "array" },
            { "type": "boolean" },
            { "type": "integer" },
            { "type": "string" }
        ]
    })
}

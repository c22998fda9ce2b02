//! The inbox tools: what the user has not read, marking it read, and forum topics.

use rmcp::model::CallToolResult;
use rmcp::service::RequestContext;
use rmcp::{RoleServer, tool, tool_router};

use super::params::Args;
use super::params_inbox::{GetUnreadArgs, ListTopicsArgs, MarkReadArgs};
use super::reply::{input_schema, output_schema};
use super::server::TelegramServer;
use super::text;
use crate::telegram::{MarkedRead, TopicList, Unread};

#[tool_router(router = inbox_router, vis = "pub(super)")]
impl TelegramServer {
    #[tool(
        name = "get_unread",
        description = "Chats with unread messages, newest first: counts, mentions, flags and \
                       the oldest unread messages (bounded; cut says more exist). Muted and \
                       archived chats only if asked.",
        input_schema = input_schema::<GetUnreadArgs>(),
        output_schema = output_schema::<Unread>(),
        annotations(
            title = "Unread chats",
            read_only_hint = true,
            destructive_hint = false
        )
    )]
    async fn get_unread(
        &self,
        Args(args): Args<GetUnreadArgs>,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let call = async {
            let req = args.into_request();
            self.telegram().await?.get_unread(req).await
        };
        self.answer("get_unread", &request, call, text::unread)
            .await
    }

    #[tool(
        name = "mark_read",
        description = "Mark a chat or forum topic read, up to max_id or all (all also clears \
                       unread mentions and reactions).",
        input_schema = input_schema::<MarkReadArgs>(),
        output_schema = output_schema::<MarkedRead>(),
        annotations(
            title = "Mark read",
            destructive_hint = false,
            idempotent_hint = true
        )
    )]
    async fn mark_read(
        &self,
        Args(args): Args<MarkReadArgs>,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let call = async {
            let req = args.into_request();
            self.telegram().await?.mark_read(req).await
        };
        self.answer("mark_read", &request, call, text::marked_read)
            .await
    }

    #[tool(
        name = "list_topics",
        description = "The topics of a forum supergroup, newest activity first, with unread \
                       counts; their ids work as topic_id.",
        input_schema = input_schema::<ListTopicsArgs>(),
        output_schema = output_schema::<TopicList>(),
        annotations(
            title = "List forum topics",
            read_only_hint = true,
            destructive_hint = false
        )
    )]
    async fn list_topics(
        &self,
        Args(args): Args<ListTopicsArgs>,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let call = async {
            let req = args.into_request()?;
            self.telegram().await?.list_topics(req).await
        };
        self.answer("list_topics", &request, call, text::topic_list)
            .await
    }
}

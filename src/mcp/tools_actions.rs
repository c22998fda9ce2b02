//! The tools that act on existing messages: forward, delete, pin, react. Each is a write
//! (off under `--read-only`, listed in [`super::WRITE_TOOLS`]).

use rmcp::model::CallToolResult;
use rmcp::service::RequestContext;
use rmcp::{RoleServer, tool, tool_router};

use super::params::Args;
use super::params_actions::{
    DeleteMessagesArgs, ForwardMessagesArgs, PinMessageArgs, SendReactionArgs,
};
use super::reply::{input_schema, output_schema};
use super::server::TelegramServer;
use super::text;
use crate::telegram::{DeleteResult, PinResult, ReactionResult, SendResult};

#[tool_router(router = actions_router, vis = "pub(super)")]
impl TelegramServer {
    #[tool(
        name = "forward_messages",
        description = "Forward messages from one chat to another; returns the new messages.",
        input_schema = input_schema::<ForwardMessagesArgs>(),
        output_schema = output_schema::<SendResult>(),
        annotations(
            title = "Forward messages",
            destructive_hint = false
        )
    )]
    async fn forward_messages(
        &self,
        Args(args): Args<ForwardMessagesArgs>,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let call = async {
            let forward = args.into_request();
            self.telegram().await?.forward_messages(forward).await
        };
        self.answer("forward_messages", &request, call, text::forwarded)
            .await
    }

    #[tool(
        name = "delete_messages",
        description = "Delete messages by id, for the user only or for_everyone (always so in \
                       channels and supergroups). Cannot be undone.",
        input_schema = input_schema::<DeleteMessagesArgs>(),
        output_schema = output_schema::<DeleteResult>(),
        annotations(
            title = "Delete messages",
            destructive_hint = true,
            idempotent_hint = true
        )
    )]
    async fn delete_messages(
        &self,
        Args(args): Args<DeleteMessagesArgs>,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let call = async {
            let delete = args.into_request();
            self.telegram().await?.delete_messages(delete).await
        };
        self.answer("delete_messages", &request, call, text::deleted)
            .await
    }

    #[tool(
        name = "pin_message",
        description = "Pin a message in its chat, or unpin it.",
        input_schema = input_schema::<PinMessageArgs>(),
        output_schema = output_schema::<PinResult>(),
        annotations(
            title = "Pin a message",
            destructive_hint = false
        )
    )]
    async fn pin_message(
        &self,
        Args(args): Args<PinMessageArgs>,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let call = async {
            let pin = args.into_request();
            self.telegram().await?.pin_message(pin).await
        };
        self.answer("pin_message", &request, call, text::pinned)
            .await
    }

    #[tool(
        name = "send_reaction",
        description = "Set the user's reaction to a message (one emoji), or remove it when \
                       emoji is absent.",
        input_schema = input_schema::<SendReactionArgs>(),
        output_schema = output_schema::<ReactionResult>(),
        annotations(
            title = "React to a message",
            destructive_hint = false,
            idempotent_hint = true
        )
    )]
    async fn send_reaction(
        &self,
        Args(args): Args<SendReactionArgs>,
        request: RequestContext<RoleServer>,
    ) -> CallToolResult {
        let call = async {
            let react = args.into_request();
            self.telegram().await?.send_reaction(react).await
        };
        self.answer("send_reaction", &request, call, text::reacted)
            .await
    }
}

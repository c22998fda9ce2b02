//! Comments on channel posts: a reply to a post of a broadcast channel goes to the
//! channel's discussion group, answering the group's copy of the post, as Telegram's
//! apps (and Telethon's `comment_to`) send it. Costs one `messages.getDiscussionMessage`
//! before the send.

use grammers_session::types::{PeerId, PeerRef};
use grammers_tl_types as tl;

use super::access::Intent;
use super::client::Telegram;
use super::model::{ChatType, CommentOn};
use super::render::Peers;
use crate::error::{Error, Result};

/// Where a comment on a post goes: the group, the copy of the post there, and the post.
pub(super) struct CommentTarget {
    pub group: PeerRef,
    pub copy: i32,
    pub on: CommentOn,
}

impl Telegram {
    /// For a reply to `post` of `peer`: `None` unless `peer` is a broadcast channel (as
    /// the session knows it, no round trip); else the discussion group to comment in.
    /// A post without comments is an error: nobody but the channel's admins may post in
    /// the channel itself, so sending there would fail or post as the channel.
    pub(super) async fn comment_target(
        &self,
        peer: &PeerRef,
        post: i32,
        shown: &str,
    ) -> Result<Option<CommentTarget>> {
        let broadcast = self
            .facts(peer.id)
            .await?
            .is_some_and(|facts| facts.kind == ChatType::Channel);
        if !broadcast {
            return Ok(None);
        }
        let request = tl::functions::messages::GetDiscussionMessage {
            peer: peer.into(),
            msg_id: post,
        };
        let tl::enums::messages::DiscussionMessage::Message(found) =
            match self.query(&request).await {
                Err(e) if e.rpc_name() == Some("MSG_ID_INVALID") => {
                    return Err(no_comments(post, shown));
                }
                other => other?,
            };
        self.remember(&found.users, &found.chats).await?;
        let Some(tl::enums::Message::Message(copy)) = found.messages.first() else {
            return Err(no_comments(post, shown));
        };
        let tl::enums::Peer::Channel(group) = &copy.peer_id else {
            return Err(no_comments(post, shown));
        };
        let group_id = PeerId::channel(group.channel_id)
            .ok_or_else(|| Error::InvalidInput(format!("{shown}: bad discussion group id")))?;
        // The comment is a message in the group: an access list must let us write there
        // too, or naming the channel would write into a chat the list keeps us out of.
        self.check_access(
            group_id,
            Intent::Write,
            &format!("the discussion group of {shown}"),
        )
        .await?;
        let group = self
            .known_peer(group_id)
            .await?
            .ok_or_else(|| no_comments(post, shown))?;
        let peers = Peers::new(&found.users, &found.chats);
        let channel = peers.entity(&tl::enums::Peer::from(peer.id));
        Ok(Some(CommentTarget {
            group,
            copy: copy.id,
            on: CommentOn {
                chat: channel,
                post_id: post,
            },
        }))
    }
}

fn no_comments(post: i32, shown: &str) -> Error {
    Error::InvalidInput(format!(
        "post {post} of {shown} takes no comments (no such post, or the channel has no discussion group), and only the channel's admins can post in the channel itself; nothing was sent — check the post id (`tgmcp read {shown}`)"
    ))
}

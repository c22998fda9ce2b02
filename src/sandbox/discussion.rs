//! Linked discussion groups, as Telegram plays them: a broadcast channel linked to a
//! supergroup (both name each other in `linked_chat_id`), each new post copied into the
//! group as an automatic forward, and replies in the group under that copy counted as the
//! post's comments (`messageReplies` with `comments`).

use super::world::{Forwarded, MessageSpec, Peer, World};

/// A message's part in a channel's comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Discussion {
    /// A channel post whose comments live in `group`, under the group's copy `copy`.
    Post {
        group: i64,
        copy: i32,
        /// Comments so far, the newest one's id, and the group's pts when it came.
        replies: i32,
        max_id: Option<i32>,
        replies_pts: i32,
    },
    /// The group's automatic copy of post `post` of `channel`.
    Copy { channel: i64, post: i32 },
}

/// Replies point at older messages; this bounds the walk up a thread in a hostile world.
const MAX_THREAD_DEPTH: usize = 10_000;

impl World {
    /// Links broadcast channel `channel` to supergroup `group` as its discussion group.
    /// Posts published from now on get a copy in the group and count its comments.
    pub fn link_discussion(&mut self, channel: i64, group: i64) {
        if let Some(c) = self.channels.get_mut(&channel) {
            c.linked_chat = Some(group);
        }
        if let Some(g) = self.channels.get_mut(&group) {
            g.linked_chat = Some(channel);
        }
    }

    /// Called for every message just stored (the last of [`World::messages`]): copies a
    /// new post of a linked channel into its group, or counts a comment on a post.
    pub(crate) fn discuss(&mut self, to: Peer, id: i32) {
        let Peer::Channel(channel_id) = to else {
            return;
        };
        let Some(channel) = self.channels.get(&channel_id) else {
            return;
        };
        let (Some(group), broadcast) = (channel.linked_chat, channel.broadcast) else {
            return;
        };
        let Some(index) = self.messages.iter().rposition(|m| m.to == to && m.id == id) else {
            return;
        };
        if broadcast {
            self.copy_post(channel_id, group, index);
        } else if let Some((_, post)) = self.comment_target(channel_id, id) {
            let replies_pts = self.pts_for(0, to);
            if let Some(Some(Discussion::Post {
                replies,
                max_id,
                replies_pts: pts,
                ..
            })) = self
                .messages
                .iter_mut()
                .find(|m| m.to == Peer::Channel(post.0) && m.id == post.1)
                .map(|m| m.discussion.as_mut())
            {
                *replies += 1;
                *max_id = Some(id);
                *pts = replies_pts;
            }
        }
    }

    fn copy_post(&mut self, channel: i64, group: i64, index: usize) {
        let post = &self.messages[index];
        if post.action.is_some() || post.from.is_some() {
            return;
        }
        let (post_id, date) = (post.id, post.date);
        let mut spec = MessageSpec::post(group, &post.text).at(date);
        spec.entities = post.entities.clone();
        spec.media = post.media.clone();
        spec.grouped_id = post.grouped_id;
        spec.fwd_from = Some(Forwarded {
            from: Some(Peer::Channel(channel)),
            date,
            channel_post: Some(post_id),
        });
        let copy = self.add_message(spec);
        if copy == 0 {
            return;
        }
        let replies_pts = self.pts_for(0, Peer::Channel(group));
        for m in self.messages.iter_mut().rev() {
            if m.to == Peer::Channel(group) && m.id == copy {
                m.discussion = Some(Discussion::Copy {
                    channel,
                    post: post_id,
                });
            } else if m.to == Peer::Channel(channel) && m.id == post_id {
                m.discussion = Some(Discussion::Post {
                    group,
                    copy,
                    replies: 0,
                    max_id: None,
                    replies_pts,
                });
                break;
            }
        }
    }

    /// The top of the thread message `id` of supergroup `group` is in (itself when it
    /// replies to nothing), walking up its replies.
    pub(crate) fn thread_top(&self, group: i64, id: i32) -> Option<i32> {
        let peer = Peer::Channel(group);
        let mut current = self.messages.iter().find(|m| m.to == peer && m.id == id)?;
        for _ in 0..MAX_THREAD_DEPTH {
            let Some(parent) = current.reply_to else {
                break;
            };
            match self
                .messages
                .iter()
                .find(|m| m.to == peer && m.id == parent)
            {
                Some(m) => current = m,
                None => break,
            }
        }
        Some(current.id)
    }

    /// For a message of discussion group `group` that answers (however deep) a post's
    /// copy: the copy's id and the post as (channel, id).
    fn comment_target(&self, group: i64, id: i32) -> Option<(i32, (i64, i32))> {
        let reply_to = self
            .messages
            .iter()
            .rfind(|m| m.to == Peer::Channel(group) && m.id == id)?
            .reply_to?;
        let top = self.thread_top(group, reply_to)?;
        let copy = self
            .messages
            .iter()
            .find(|m| m.to == Peer::Channel(group) && m.id == top)?;
        match copy.discussion {
            Some(Discussion::Copy { channel, post }) => Some((top, (channel, post))),
            _ => None,
        }
    }

    /// Where the comments of post `post` of broadcast channel `channel` live: the group
    /// and the id of the post's copy there. `None` for a post without comments.
    pub fn comments_of(&self, channel: i64, post: i32) -> Option<(i64, i32)> {
        let m = self
            .messages
            .iter()
            .find(|m| m.to == Peer::Channel(channel) && m.id == post)?;
        match m.discussion {
            Some(Discussion::Post { group, copy, .. }) => Some((group, copy)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::world::{ChannelSpec, UserSpec};

    #[test]
    fn posts_are_copied_and_comments_counted() {
        let mut w = World::new();
        let admin = w.add_user(UserSpec::new("A"));
        let reader = w.add_user(UserSpec::new("R"));
        let channel = w.add_channel(ChannelSpec {
            title: "c".into(),
            broadcast: true,
            creator: admin,
            members: vec![reader],
            ..ChannelSpec::default()
        });
        let group = w.add_channel(ChannelSpec {
            title: "g".into(),
            creator: admin,
            members: vec![reader],
            ..ChannelSpec::default()
        });
        w.link_discussion(channel, group);
        let post = w.add_message(MessageSpec::post(channel, "news").posted_by(admin));
        let (g, copy) = w.comments_of(channel, post).expect("a post with comments");
        assert_eq!(g, group);
        let c1 =
            w.add_message(MessageSpec::new(reader, Peer::Channel(group), "nice").reply_to(copy));
        let c2 =
            w.add_message(MessageSpec::new(admin, Peer::Channel(group), "thanks").reply_to(c1));
        w.add_message(MessageSpec::new(reader, Peer::Channel(group), "off topic"));
        let m = w
            .messages
            .iter()
            .find(|m| m.to == Peer::Channel(channel))
            .unwrap();
        assert!(matches!(
            m.discussion,
            Some(Discussion::Post { replies: 2, max_id: Some(id), .. }) if id == c2
        ));
        assert_eq!(w.thread_top(group, c2), Some(copy));
    }
}

//! The update state, and the difference a client asks for after a gap or a quiet spell.
//!
//! A client that is behind gets what it missed replayed from the update log (see
//! [`crate::sandbox::updlog`]), in slices when there is much; only one behind the log's
//! horizon is told the difference is too long, after which it refetches what it shows.

use grammers_tl_types as tl;

use super::{Ctx, RpcErr};
use crate::sandbox::tlbuild::{self, Mentions};
use crate::sandbox::updlog::{BoxId, Entry, Event};
use crate::sandbox::world::{Peer, now};

pub(super) fn get_state(
    ctx: &mut Ctx,
    _: tl::functions::updates::GetState,
) -> Result<tl::enums::updates::State, RpcErr> {
    let me = ctx.me()?;
    Ok(state(ctx, me).into())
}

pub(super) fn state(ctx: &Ctx, me: i64) -> tl::types::updates::State {
    let unread: i32 = ctx
        .world
        .dialogs(me)
        .into_iter()
        .map(|dialog| ctx.world.unread_count(me, dialog))
        .sum();
    tl::types::updates::State {
        pts: ctx.world.pts(me),
        qts: 0,
        date: now(),
        seq: 0,
        unread_count: unread,
    }
}

/// Events one getDifference answer replays at most; past that it answers a slice, and the
/// client asks again from the slice's intermediate state.
pub(crate) const DIFFERENCE_LIMIT: usize = 100;
/// The most messages one getChannelDifference answers with (Telegram's limit for users).
const CHANNEL_DIFFERENCE_LIMIT: i32 = 100;

/// What a replay renders for its reader: new messages and the other updates.
#[derive(Default)]
struct Replay {
    new_messages: Vec<tl::enums::Message>,
    other_updates: Vec<tl::enums::Update>,
    mentions: Mentions,
}

impl Replay {
    fn add(&mut self, ctx: &Ctx, me: i64, entry: &Entry) {
        let find = |to: Peer, id: i32| ctx.world.messages.iter().find(|m| m.to == to && m.id == id);
        let (pts, pts_count) = (entry.pts, entry.pts_count);
        match &entry.event {
            Event::New { to, id } => {
                // A message deleted since is gone from the replay too.
                if let Some(m) = find(*to, *id) {
                    self.mentions.add_message(m, me);
                    self.new_messages.push(tlbuild::message(m, me));
                }
            }
            Event::Edit { to, id } => {
                if let Some(m) = find(*to, *id) {
                    self.mentions.add_message(m, me);
                    let message = tlbuild::message(m, me);
                    self.other_updates.push(match to {
                        Peer::Channel(_) => tl::types::UpdateEditChannelMessage {
                            message,
                            pts,
                            pts_count,
                        }
                        .into(),
                        _ => tl::types::UpdateEditMessage {
                            message,
                            pts,
                            pts_count,
                        }
                        .into(),
                    });
                }
            }
            Event::Delete { ids } => self.other_updates.push(
                tl::types::UpdateDeleteMessages {
                    messages: ids.clone(),
                    pts,
                    pts_count,
                }
                .into(),
            ),
            Event::DeleteChannel { channel, ids } => self.other_updates.push(
                tl::types::UpdateDeleteChannelMessages {
                    channel_id: *channel,
                    messages: ids.clone(),
                    pts,
                    pts_count,
                }
                .into(),
            ),
            Event::Pin {
                to,
                from,
                ids,
                pinned,
            } => {
                let dialog = peer_seen_by(*to, *from, me);
                self.mentions.add(dialog);
                let messages = ids.clone();
                self.other_updates.push(match to {
                    Peer::Channel(channel_id) => tl::types::UpdatePinnedChannelMessages {
                        pinned: *pinned,
                        channel_id: *channel_id,
                        messages,
                        pts,
                        pts_count,
                    }
                    .into(),
                    _ => tl::types::UpdatePinnedMessages {
                        pinned: *pinned,
                        peer: tlbuild::peer(dialog),
                        messages,
                        pts,
                        pts_count,
                    }
                    .into(),
                });
            }
            Event::ReadInbox { peer, max_id } => {
                self.mentions.add(*peer);
                self.other_updates.push(
                    tl::types::UpdateReadHistoryInbox {
                        folder_id: None,
                        peer: tlbuild::peer(*peer),
                        top_msg_id: None,
                        max_id: *max_id,
                        still_unread_count: ctx.world.unread_count(me, *peer),
                        pts,
                        pts_count,
                    }
                    .into(),
                );
            }
            Event::ReadContents { ids } => self.other_updates.push(
                tl::types::UpdateReadMessagesContents {
                    messages: ids.clone(),
                    pts,
                    pts_count,
                    date: None,
                }
                .into(),
            ),
            Event::ReadOutbox { peer, max_id } => {
                self.mentions.add(*peer);
                self.other_updates.push(
                    tl::types::UpdateReadHistoryOutbox {
                        peer: tlbuild::peer(*peer),
                        max_id: *max_id,
                        pts,
                        pts_count,
                    }
                    .into(),
                );
            }
        }
    }
}

/// What the account missed since `req.pts`, replayed from the update log: everything at
/// once as `updates.difference`, a part as `updates.differenceSlice` (ask again from its
/// `intermediate_state`), `updates.differenceTooLong` only when the client is behind
/// the log's horizon or further than its own `pts_total_limit`.
pub(super) fn get_difference(
    ctx: &mut Ctx,
    req: tl::functions::updates::GetDifference,
) -> Result<tl::enums::updates::Difference, RpcErr> {
    let me = ctx.me()?;
    let pts = ctx.world.pts(me);
    if req.pts >= pts {
        return Ok(tl::types::updates::DifferenceEmpty {
            date: now(),
            seq: 0,
        }
        .into());
    }
    let too_far = req
        .pts_total_limit
        .is_some_and(|limit| i64::from(req.pts) + i64::from(limit) < i64::from(pts));
    let entries = match ctx.world.update_log.since(BoxId::User(me), req.pts, pts) {
        Some(entries) if !too_far => entries,
        _ => return Ok(tl::types::updates::DifferenceTooLong { pts }.into()),
    };
    let sliced = entries.len() > DIFFERENCE_LIMIT;
    let mut replay = Replay::default();
    let mut last_pts = pts;
    for entry in entries.into_iter().take(DIFFERENCE_LIMIT) {
        replay.add(ctx, me, entry);
        last_pts = entry.pts;
    }
    let users = replay.mentions.users(ctx.world, me);
    let chats = replay.mentions.chats(ctx.world, me);
    if sliced {
        let mut intermediate = state(ctx, me);
        intermediate.pts = last_pts;
        return Ok(tl::types::updates::DifferenceSlice {
            new_messages: replay.new_messages,
            new_encrypted_messages: Vec::new(),
            other_updates: replay.other_updates,
            chats,
            users,
            intermediate_state: intermediate.into(),
        }
        .into());
    }
    Ok(tl::types::updates::Difference {
        new_messages: replay.new_messages,
        new_encrypted_messages: Vec::new(),
        other_updates: replay.other_updates,
        chats,
        users,
        state: state(ctx, me).into(),
    }
    .into())
}

pub(super) fn get_channel_difference(
    ctx: &mut Ctx,
    req: tl::functions::updates::GetChannelDifference,
) -> Result<tl::enums::updates::ChannelDifference, RpcErr> {
    let me = ctx.me()?;
    let id = ctx.channel(me, &req.channel)?;
    let pts = ctx.world.pts_for(me, Peer::Channel(id));
    if req.pts >= pts {
        return Ok(tl::types::updates::ChannelDifferenceEmpty {
            r#final: true,
            pts,
            timeout: None,
        }
        .into());
    }
    let dialog = Peer::Channel(id);
    if let Some(entries) = ctx.world.update_log.since(BoxId::Channel(id), req.pts, pts) {
        let limit = req.limit.clamp(1, CHANNEL_DIFFERENCE_LIMIT) as usize;
        let complete = entries.len() <= limit;
        let mut replay = Replay::default();
        replay.mentions.add(dialog);
        let mut last_pts = pts;
        for entry in entries.into_iter().take(limit) {
            replay.add(ctx, me, entry);
            last_pts = entry.pts;
        }
        return Ok(tl::types::updates::ChannelDifference {
            r#final: complete,
            pts: if complete { pts } else { last_pts },
            timeout: None,
            new_messages: replay.new_messages,
            other_updates: replay.other_updates,
            chats: replay.mentions.chats(ctx.world, me),
            users: replay.mentions.users(ctx.world, me),
        }
        .into());
    }
    let mut mentions = Mentions::default();
    mentions.add(dialog);
    let top = ctx.world.top_message(me, dialog);
    if let Some(m) = top {
        mentions.add_message(m, me);
    }
    Ok(tl::types::updates::ChannelDifferenceTooLong {
        r#final: true,
        timeout: None,
        dialog: tlbuild::dialog(ctx.world, me, dialog),
        messages: top.map(|m| tlbuild::message(m, me)).into_iter().collect(),
        chats: mentions.chats(ctx.world, me),
        users: mentions.users(ctx.world, me),
    }
    .into())
}

/// The chat of messages sent to `to` by `from`, as `viewer` sees it: a private chat is
/// named by the other party.
fn peer_seen_by(to: Peer, from: Option<i64>, viewer: i64) -> Peer {
    match (to, from) {
        (Peer::User(to), Some(from)) if to == viewer => Peer::User(from),
        (other, _) => other,
    }
}

//! The chat list (messages.getDialogs) and read marks (messages.readHistory).

use grammers_tl_types as tl;

use super::{Ctx, RpcErr};
use crate::sandbox::tlbuild::{self, Mentions};
use crate::sandbox::updlog::Event;
use crate::sandbox::world::Peer;

/// The most dialogs Telegram returns in one answer.
const MAX_LIMIT: i32 = 100;

/// A dialog's place in the chat list: newest top message first, then by peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Position {
    date: i32,
    top_message: i32,
    peer: Peer,
}

fn position(ctx: &Ctx, me: i64, peer: Peer) -> Position {
    let created = match peer {
        Peer::Chat(id) => ctx.world.chats.get(&id).map_or(0, |c| c.date),
        Peer::Channel(id) => ctx.world.channels.get(&id).map_or(0, |c| c.date),
        Peer::User(_) => 0,
    };
    let top = ctx.world.top_message(me, peer);
    Position {
        date: top.map_or(created, |m| m.date),
        top_message: top.map_or(0, |m| m.id),
        peer,
    }
}

pub(super) fn get_dialogs(
    ctx: &mut Ctx,
    req: tl::functions::messages::GetDialogs,
) -> Result<tl::enums::messages::Dialogs, RpcErr> {
    let me = ctx.me()?;
    let offset_peer = match req.offset_peer {
        tl::enums::InputPeer::Empty => None,
        ref input => Some(ctx.peer(me, input)?),
    };
    // Folder 1 is the archive; any other folder_id (or none) is the main list. Pinned
    // dialogs come first, and only on the first page.
    let archive = req.folder_id == Some(crate::sandbox::inbox::ARCHIVE_FOLDER);
    let (mut pinned, mut all): (Vec<Position>, Vec<Position>) = ctx
        .world
        .dialogs(me)
        .into_iter()
        .filter(|&peer| ctx.world.dialog_settings(me, peer).archived == archive)
        .map(|peer| position(ctx, me, peer))
        .partition(|p| ctx.world.dialog_settings(me, p.peer).pinned);
    pinned.sort_by(|a, b| b.cmp(a));
    all.sort_by(|a, b| b.cmp(a));

    let has_offset = req.offset_date != 0 || req.offset_id != 0 || offset_peer.is_some();
    let offset = (
        if req.offset_date == 0 {
            i32::MAX
        } else {
            req.offset_date
        },
        req.offset_id,
    );
    let after_offset = |p: &&Position| {
        let key = (p.date, p.top_message);
        !has_offset || key < offset || (key == offset && offset_peer.is_some_and(|o| p.peer < o))
    };
    let limit = req.limit.clamp(0, MAX_LIMIT) as usize;
    if req.exclude_pinned {
        pinned.clear();
    }
    let first = if has_offset { &[][..] } else { &pinned[..] };
    let page: Vec<Position> = first
        .iter()
        .chain(all.iter().filter(after_offset))
        .take(limit)
        .copied()
        .collect();
    let total = pinned.len() + all.len();
    Ok(dialogs_answer(ctx, me, &page, total, has_offset))
}

fn dialogs_answer(
    ctx: &Ctx,
    me: i64,
    page: &[Position],
    total: usize,
    has_offset: bool,
) -> tl::enums::messages::Dialogs {
    let mut mentions = Mentions::default();
    let mut messages = Vec::new();
    let mut dialogs = Vec::with_capacity(page.len());
    for p in page {
        mentions.add(p.peer);
        if let Some(top) = ctx.world.top_message(me, p.peer) {
            mentions.add_message(top, me);
            messages.push(tlbuild::message(top, me));
        }
        dialogs.push(tlbuild::dialog(ctx.world, me, p.peer));
    }
    let (chats, users) = (mentions.chats(ctx.world, me), mentions.users(ctx.world, me));
    if !has_offset && page.len() == total {
        return tl::types::messages::Dialogs {
            dialogs,
            messages,
            chats,
            users,
        }
        .into();
    }
    tl::types::messages::DialogsSlice {
        count: total as i32,
        dialogs,
        messages,
        chats,
        users,
    }
    .into()
}

/// Marks a private chat or basic group read. The reader's other sessions learn it by
/// `updateReadHistoryInbox`; in a private chat the other side learns its messages were
/// read by `updateReadHistoryOutbox`. Each bumps its receiver's pts, like in Telegram.
pub(super) fn read_history(
    ctx: &mut Ctx,
    req: tl::functions::messages::ReadHistory,
) -> Result<tl::enums::messages::AffectedMessages, RpcErr> {
    let me = ctx.me()?;
    let dialog = ctx.readable_peer(me, &req.peer)?;
    if let Peer::Channel(_) = dialog {
        // Channels keep their read marks through channels.readHistory.
        return Err(RpcErr::peer_id_invalid());
    }
    let Some(max_id) = ctx.world.read_history(me, dialog, req.max_id) else {
        return Ok(affected(ctx.world.pts(me), 0));
    };
    let read = Event::ReadInbox {
        peer: dialog,
        max_id,
    };
    let pts = ctx.world.bump_user_pts_for(me, 1, read);
    let inbox = tl::types::UpdateReadHistoryInbox {
        folder_id: None,
        peer: tlbuild::peer(dialog),
        top_msg_id: None,
        max_id,
        still_unread_count: ctx.world.unread_count(me, dialog),
        pts,
        pts_count: 1,
    };
    push_one(ctx, me, dialog, inbox.into());
    if let Peer::User(other) = dialog
        && other != me
    {
        let outbox = tl::types::UpdateReadHistoryOutbox {
            peer: tlbuild::peer(Peer::User(me)),
            max_id,
            pts: ctx.world.bump_user_pts_for(
                other,
                1,
                Event::ReadOutbox {
                    peer: Peer::User(me),
                    max_id,
                },
            ),
            pts_count: 1,
        };
        push_one(ctx, other, Peer::User(me), outbox.into());
    }
    Ok(affected(pts, 1))
}

pub(super) fn affected(pts: i32, pts_count: i32) -> tl::enums::messages::AffectedMessages {
    tl::types::messages::AffectedMessages { pts, pts_count }.into()
}

/// Pushes one update about `dialog` to `user`'s connections.
pub(super) fn push_one(ctx: &mut Ctx, user: i64, dialog: Peer, update: tl::enums::Update) {
    let mut mentions = Mentions::default();
    mentions.add(dialog);
    let updates = tlbuild::updates(vec![update], &mentions, ctx.world, user);
    ctx.push(user, updates);
}

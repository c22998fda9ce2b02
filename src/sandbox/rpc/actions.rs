//! Acting on messages: messages.forwardMessages, messages.deleteMessages,
//! channels.deleteMessages, messages.updatePinnedMessage and messages.sendReaction.
//!
//! Each answers as Telegram does and tells the other side: forwards are new messages
//! (with `fwd_from` unless the author is dropped), deletions are pushed as
//! `updateDeleteMessages` / `updateDeleteChannelMessages`, a pin adds its
//! `messageActionPinMessage` service message next to `updatePinnedMessages`, and a
//! reaction is `updateMessageReactions` (which carries no pts, so it is not in the log).

use grammers_tl_types as tl;

use super::dialogs::affected;
use super::send::{announce_many, check_can_write, is_broadcast, new_message, spec_for};
use super::{Ctx, RpcErr};
use crate::sandbox::tlbuild::{self, Mentions};
use crate::sandbox::updlog::{BoxId, Event};
use crate::sandbox::world::{Action, Forwarded, Peer};

/// Most messages one forward or delete takes (Telegram's limit).
const MAX_IDS: usize = 100;

/// The reactions the sandbox's chats allow: Telegram's standard free set (the heart
/// without its variation selector, as Telegram spells it).
pub(crate) const AVAILABLE_REACTIONS: &[&str] = &[
    "👍",
    "👎",
    "❤",
    "🔥",
    "🥰",
    "👏",
    "😁",
    "🤔",
    "🤯",
    "😱",
    "🤬",
    "😢",
    "🎉",
    "🤩",
    "🤮",
    "💩",
    "🙏",
    "👌",
    "🕊",
    "🤡",
    "🥱",
    "🥴",
    "😍",
    "🐳",
    "❤\u{200d}🔥",
    "🌚",
    "🌭",
    "💯",
    "🤣",
    "⚡",
    "🍌",
    "🏆",
    "💔",
    "🤨",
    "😐",
    "🍓",
    "🍾",
    "💋",
    "🖕",
    "😈",
    "😴",
    "😭",
    "🤓",
    "👻",
    "👨\u{200d}💻",
    "👀",
    "🎃",
    "🙈",
    "😇",
    "😨",
    "🤝",
    "✍",
    "🤗",
    "🫡",
    "🎅",
    "🎄",
    "☃",
    "💅",
    "🤪",
    "🗿",
    "🆒",
    "💘",
    "🙉",
    "🦄",
    "😘",
    "💊",
    "🙊",
    "😎",
    "👾",
    "🤷\u{200d}♂",
    "🤷",
    "🤷\u{200d}♀",
    "😡",
];

fn message_id_invalid() -> RpcErr {
    RpcErr::bad("MESSAGE_ID_INVALID")
}

pub(super) fn forward_messages(
    ctx: &mut Ctx,
    req: tl::functions::messages::ForwardMessages,
) -> Result<tl::enums::Updates, RpcErr> {
    let me = ctx.me()?;
    let from = ctx.readable_peer(me, &req.from_peer)?;
    let to = ctx.peer(me, &req.to_peer)?;
    check_can_write(ctx, me, to)?;
    if req.schedule_date.is_some() {
        return Err(RpcErr::bad("SCHEDULE_NOT_SUPPORTED_BY_SANDBOX"));
    }
    if req.id.is_empty() {
        return Err(RpcErr::bad("MESSAGE_IDS_EMPTY"));
    }
    if req.id.len() != req.random_id.len() || req.id.len() > MAX_IDS {
        return Err(RpcErr::bad("RANDOM_ID_INVALID"));
    }
    for (i, random_id) in req.random_id.iter().enumerate() {
        if ctx.world.sent_random_id(me, *random_id) || req.random_id[..i].contains(random_id) {
            return Err(RpcErr::new(500, "RANDOM_ID_DUPLICATE"));
        }
    }
    // Ids that are not there (or are service messages) are skipped, as Telegram does;
    // none at all is an error.
    let originals: Vec<(usize, i64)> = req
        .id
        .iter()
        .zip(&req.random_id)
        .filter_map(|(&id, &random_id)| {
            let index = ctx.world.message_index(me, from, id)?;
            ctx.world.messages[index]
                .action
                .is_none()
                .then_some((index, random_id))
        })
        .collect();
    if originals.is_empty() {
        return Err(message_id_invalid());
    }
    let mut sent = Vec::with_capacity(originals.len());
    for (index, random_id) in originals {
        let original = ctx.world.messages[index].clone();
        let origin = original.fwd_from.clone().unwrap_or_else(|| Forwarded {
            from: Some(match original.from {
                Some(user) => Peer::User(user),
                None => original.to,
            }),
            date: original.date,
            channel_post: original.from.is_none().then_some(original.id),
        });
        let mut spec = spec_for(ctx, me, to, &original.text);
        spec.entities = original.entities;
        spec.media = original.media;
        if !req.drop_author {
            spec = spec.forwarded(origin);
        }
        ctx.world.remember_random_id(me, random_id);
        let id = ctx.world.add_message(spec);
        let index = ctx
            .world
            .message_index(me, to, id)
            .ok_or_else(RpcErr::peer_id_invalid)?;
        sent.push((index, random_id));
    }
    Ok(announce_many(ctx, me, &sent))
}

/// messages.deleteMessages: messages of private chats and basic groups. With `revoke`
/// they go for everyone (pushed to the others as `updateDeleteMessages`); without, only
/// for the caller. Ids the caller cannot see are skipped, as Telegram does.
pub(super) fn delete_messages(
    ctx: &mut Ctx,
    req: tl::functions::messages::DeleteMessages,
) -> Result<tl::enums::messages::AffectedMessages, RpcErr> {
    let me = ctx.me()?;
    let found: Vec<usize> = ctx
        .world
        .messages
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            !matches!(m.to, Peer::Channel(_))
                && req.id.contains(&m.id)
                && m.in_dialog(me, m.peer_for(me))
        })
        .map(|(i, _)| i)
        .collect();
    if found.is_empty() {
        return Ok(affected(ctx.world.pts(me), 0));
    }
    if req.revoke {
        for &i in &found {
            let m = &ctx.world.messages[i];
            if let Peer::Chat(chat) = m.to {
                let creator = ctx.world.chats.get(&chat).is_some_and(|c| c.creator == me);
                if m.from != Some(me) && !creator {
                    return Err(RpcErr::forbidden("MESSAGE_DELETE_FORBIDDEN"));
                }
            }
        }
    }
    let ids: Vec<i32> = found.iter().map(|&i| ctx.world.messages[i].id).collect();
    // Everyone else who loses a message, with the ids they lose.
    let mut others: Vec<(i64, Vec<i32>)> = Vec::new();
    if req.revoke {
        for &i in &found {
            let m = &ctx.world.messages[i];
            for reader in ctx.world.participants(m.to, m.from) {
                if reader == me || m.hidden_for.contains(&reader) {
                    continue;
                }
                match others.iter_mut().find(|(user, _)| *user == reader) {
                    Some((_, lost)) => lost.push(m.id),
                    None => others.push((reader, vec![m.id])),
                }
            }
        }
        let mut i = 0;
        ctx.world.messages.retain(|_| {
            i += 1;
            !found.contains(&(i - 1))
        });
    } else {
        for &i in &found {
            ctx.world.messages[i].hidden_for.insert(me);
        }
    }
    let count = ids.len() as i32;
    let pts = ctx
        .world
        .bump_user_pts_for(me, count, Event::Delete { ids: ids.clone() });
    // The caller's other connections learn it too.
    others.push((me, ids));
    for (user, lost) in others {
        let pts_count = lost.len() as i32;
        let pts = if user == me {
            pts
        } else {
            ctx.world
                .bump_user_pts_for(user, pts_count, Event::Delete { ids: lost.clone() })
        };
        let update = tl::types::UpdateDeleteMessages {
            messages: lost,
            pts,
            pts_count,
        };
        let updates = tlbuild::updates(vec![update.into()], &Mentions::default(), ctx.world, user);
        ctx.push(user, updates);
    }
    Ok(affected(pts, count))
}

/// channels.deleteMessages: for everyone, always. Members delete their own messages of a
/// supergroup; the creator and admins delete anyone's.
pub(super) fn delete_channel_messages(
    ctx: &mut Ctx,
    req: tl::functions::channels::DeleteMessages,
) -> Result<tl::enums::messages::AffectedMessages, RpcErr> {
    let me = ctx.me()?;
    let channel = ctx.channel(me, &req.channel)?;
    let (admin, members) = match ctx.world.channels.get(&channel) {
        Some(c) if c.members.contains(&me) => (
            c.creator == me || c.admins.contains(&me),
            c.members.iter().copied().collect::<Vec<_>>(),
        ),
        _ => return Err(RpcErr::bad("CHANNEL_PRIVATE")),
    };
    let to = Peer::Channel(channel);
    let found: Vec<usize> = ctx
        .world
        .messages
        .iter()
        .enumerate()
        .filter(|(_, m)| m.to == to && req.id.contains(&m.id))
        .map(|(i, _)| i)
        .collect();
    if !admin
        && found
            .iter()
            .any(|&i| ctx.world.messages[i].author() != Some(me))
    {
        return Err(RpcErr::forbidden("MESSAGE_DELETE_FORBIDDEN"));
    }
    let pts_now = ctx.world.pts_for(me, to);
    if found.is_empty() {
        return Ok(affected(pts_now, 0));
    }
    let ids: Vec<i32> = found.iter().map(|&i| ctx.world.messages[i].id).collect();
    let mut i = 0;
    ctx.world.messages.retain(|_| {
        i += 1;
        !found.contains(&(i - 1))
    });
    let count = ids.len() as i32;
    let pts = pts_now + count;
    if let Some(c) = ctx.world.channels.get_mut(&channel) {
        c.pts = pts;
    }
    ctx.world.update_log.record(
        BoxId::Channel(channel),
        pts,
        count,
        Event::DeleteChannel {
            channel,
            ids: ids.clone(),
        },
    );
    for member in members {
        let update = tl::types::UpdateDeleteChannelMessages {
            channel_id: channel,
            messages: ids.clone(),
            pts,
            pts_count: count,
        };
        let mut mentions = Mentions::default();
        mentions.add(to);
        let updates = tlbuild::updates(vec![update.into()], &mentions, ctx.world, member);
        ctx.push(member, updates);
    }
    Ok(affected(pts, count))
}

/// Who may pin: anyone in a private chat, members of a basic group, the creator and
/// admins of a supergroup or channel.
fn check_can_pin(ctx: &Ctx, me: i64, dialog: Peer) -> Result<(), RpcErr> {
    match dialog {
        Peer::User(_) => Ok(()),
        Peer::Chat(_) if ctx.world.is_member(me, dialog) => Ok(()),
        Peer::Chat(_) => Err(RpcErr::forbidden("CHAT_WRITE_FORBIDDEN")),
        Peer::Channel(id) => match ctx.world.channels.get(&id) {
            Some(c) if c.creator == me || c.admins.contains(&me) => Ok(()),
            _ => Err(RpcErr::bad("CHAT_ADMIN_REQUIRED")),
        },
    }
}

/// messages.updatePinnedMessage: pins (with the service message that says so) or unpins.
pub(super) fn update_pinned_message(
    ctx: &mut Ctx,
    req: tl::functions::messages::UpdatePinnedMessage,
) -> Result<tl::enums::Updates, RpcErr> {
    let me = ctx.me()?;
    let dialog = ctx.readable_peer(me, &req.peer)?;
    check_can_pin(ctx, me, dialog)?;
    let index = ctx
        .world
        .message_index(me, dialog, req.id)
        .filter(|&i| ctx.world.messages[i].action.is_none())
        .ok_or_else(message_id_invalid)?;
    let pinned = !req.unpin;
    let m = &mut ctx.world.messages[index];
    m.pinned = pinned;
    let (to, from, id) = (m.to, m.from, m.id);
    ctx.world.bump_pts(to, from);
    ctx.world.log_event(
        to,
        from,
        Event::Pin {
            to,
            from,
            ids: vec![id],
            pinned,
        },
    );
    // Pinning says so in the chat; unpinning does not.
    let service = pinned.then(|| {
        let spec = spec_for(ctx, me, dialog, "")
            .service(Action::PinMessage)
            .reply_to(id);
        ctx.world.add_message(spec)
    });
    let service_index = service.and_then(|sid| ctx.world.message_index(me, dialog, sid));
    let build = |ctx: &Ctx, reader: i64| {
        let seen = ctx.world.messages[index].peer_for(reader);
        let channel = matches!(seen, Peer::Channel(_));
        let pts = ctx.world.pts_for(reader, seen);
        let pin_pts = pts - i32::from(service_index.is_some());
        let mut mentions = Mentions::default();
        mentions.add(seen);
        let mut updates: Vec<tl::enums::Update> = vec![match seen {
            Peer::Channel(channel_id) => tl::types::UpdatePinnedChannelMessages {
                pinned,
                channel_id,
                messages: vec![id],
                pts: pin_pts,
                pts_count: 1,
            }
            .into(),
            _ => tl::types::UpdatePinnedMessages {
                pinned,
                peer: tlbuild::peer(seen),
                messages: vec![id],
                pts: pin_pts,
                pts_count: 1,
            }
            .into(),
        }];
        if let Some(i) = service_index {
            let m = &ctx.world.messages[i];
            mentions.add_message(m, reader);
            updates.push(new_message(tlbuild::message(m, reader), pts, channel));
        }
        tlbuild::updates(updates, &mentions, ctx.world, reader)
    };
    let answer = build(ctx, me);
    let readers = ctx.world.participants(to, from.or(Some(me)));
    let pushes: Vec<_> = readers
        .into_iter()
        .map(|reader| (reader, build(ctx, reader)))
        .collect();
    for (reader, updates) in pushes {
        ctx.push(reader, updates);
    }
    Ok(answer)
}

/// messages.sendReaction: sets the caller's reaction (one, as for accounts without
/// Premium), or takes it back when `reaction` is absent or empty.
pub(super) fn send_reaction(
    ctx: &mut Ctx,
    req: tl::functions::messages::SendReaction,
) -> Result<tl::enums::Updates, RpcErr> {
    let me = ctx.me()?;
    let dialog = ctx.readable_peer(me, &req.peer)?;
    let index = ctx
        .world
        .message_index(me, dialog, req.msg_id)
        .filter(|&i| ctx.world.messages[i].action.is_none())
        .ok_or_else(message_id_invalid)?;
    let chosen: Vec<&tl::enums::Reaction> = req
        .reaction
        .iter()
        .flatten()
        .filter(|r| !matches!(r, tl::enums::Reaction::Empty))
        .collect();
    if chosen.len() > 1 {
        return Err(RpcErr::bad("REACTIONS_TOO_MANY"));
    }
    let emoji = match chosen.first() {
        None => None,
        Some(tl::enums::Reaction::Emoji(e)) if AVAILABLE_REACTIONS.contains(&&*e.emoticon) => {
            Some(e.emoticon.clone())
        }
        Some(_) => return Err(RpcErr::bad("REACTION_INVALID")),
    };
    let m = &mut ctx.world.messages[index];
    m.reactions.retain(|(user, _)| *user != me);
    if let Some(emoji) = emoji {
        m.reactions.push((me, emoji));
    }
    let (to, from) = (m.to, m.from);
    ctx.world.reactions_changed(index, me);
    let build = |ctx: &Ctx, reader: i64| {
        let m = &ctx.world.messages[index];
        let seen = m.peer_for(reader);
        let mut mentions = Mentions::default();
        mentions.add_message(m, reader);
        let update = tl::types::UpdateMessageReactions {
            peer: tlbuild::peer(seen),
            msg_id: m.id,
            top_msg_id: None,
            saved_peer_id: None,
            reactions: tlbuild::message_reactions(m, reader),
        };
        tlbuild::updates(vec![update.into()], &mentions, ctx.world, reader)
    };
    let answer = build(ctx, me);
    let readers = match to {
        Peer::Channel(id) if is_broadcast(ctx, id) => vec![me],
        _ => ctx.world.participants(to, from),
    };
    let pushes: Vec<_> = readers
        .into_iter()
        .map(|reader| (reader, build(ctx, reader)))
        .collect();
    for (reader, updates) in pushes {
        ctx.push(reader, updates);
    }
    Ok(answer)
}

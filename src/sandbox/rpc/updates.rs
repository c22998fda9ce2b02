//! The update state, and the difference a client asks for after a gap or a quiet spell.
//!
//! The sandbox keeps no log of past updates, so it cannot replay them: a client that is up
//! to date gets an empty difference, and one that is behind is told it is too far behind
//! (Telegram's answer when replaying would cost more than refetching), after which it
//! refetches what it shows.

use grammers_tl_types as tl;

use super::{Ctx, RpcErr};
use crate::sandbox::tlbuild::{self, Mentions};
use crate::sandbox::world::{Peer, now};

pub(super) fn get_state(
    ctx: &mut Ctx,
    _: tl::functions::updates::GetState,
) -> Result<tl::enums::updates::State, RpcErr> {
    let me = ctx.me()?;
    Ok(state(ctx, me).into())
}

fn state(ctx: &Ctx, me: i64) -> tl::types::updates::State {
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
    Ok(tl::types::updates::DifferenceTooLong { pts }.into())
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

//! users.getUsers and users.getFullUser.

use grammers_tl_types as tl;

use super::{Ctx, RpcErr};
use crate::sandbox::tlbuild;

pub(super) fn get_users(
    ctx: &mut Ctx,
    req: tl::functions::users::GetUsers,
) -> Result<Vec<tl::enums::User>, RpcErr> {
    let me = ctx.me()?;
    // Like Telegram, ids that do not resolve are left out rather than failing the batch.
    Ok(req
        .id
        .iter()
        .filter_map(|input| ctx.user(me, input).ok())
        .filter_map(|id| ctx.world.users.get(&id))
        .map(|u| tlbuild::user(u, Some(me), ctx.world))
        .collect())
}

pub(super) fn get_full_user(
    ctx: &mut Ctx,
    req: tl::functions::users::GetFullUser,
) -> Result<tl::enums::users::UserFull, RpcErr> {
    let me = ctx.me()?;
    let id = ctx.user(me, &req.id)?;
    let user = ctx
        .world
        .users
        .get(&id)
        .ok_or_else(|| RpcErr::bad("USER_ID_INVALID"))?;
    Ok(tl::types::users::UserFull {
        full_user: tlbuild::user_full(user, me, ctx.world),
        chats: Vec::new(),
        users: vec![tlbuild::user(user, Some(me), ctx.world)],
    }
    .into())
}

//! Logging in by QR code (<https://core.telegram.org/api/qr-login>): the new device asks
//! for a token (`auth.exportLoginToken`) and shows it as `tg://login?token=…`; a device
//! already logged in scans it (`auth.acceptLoginToken`); the new device asks again and
//! gets the authorization — or `auth.loginTokenMigrateTo` when the account lives on
//! another DC, where `auth.importLoginToken` finishes it, or SESSION_PASSWORD_NEEDED when
//! the account has a 2FA password.

use grammers_tl_types as tl;

use super::{Ctx, RpcErr};
use crate::sandbox::crypto;
use crate::sandbox::world::{LoginToken, now};

/// Tokens kept at most (expired ones go first), so a client that exports in a loop
/// cannot grow the world without bound.
const MAX_LOGIN_TOKENS: usize = 1024;

pub(super) fn export_login_token(
    ctx: &mut Ctx,
    req: tl::functions::auth::ExportLoginToken,
) -> Result<tl::enums::auth::LoginToken, RpcErr> {
    if req.api_id <= 0 || req.api_hash.is_empty() {
        return Err(RpcErr::bad("API_ID_INVALID"));
    }
    let key = ctx.key_id;
    let accepted = ctx
        .world
        .login_tokens
        .iter()
        .find(|(_, t)| t.key_id == key && t.accepted_by.is_some())
        .map(|(token, t)| (token.clone(), t.accepted_by.unwrap_or_default()));
    if let Some((token, user)) = accepted {
        let home = ctx.home_dc_of(user);
        if home != ctx.dc_id() {
            return Ok(tl::types::auth::LoginTokenMigrateTo { dc_id: home, token }.into());
        }
        ctx.world.login_tokens.remove(&token);
        return log_in(ctx, user);
    }
    if let Some(user) = ctx.world.authorized_user(&key) {
        return Ok(tl::types::auth::LoginTokenSuccess {
            authorization: super::auth::authorization(ctx, user),
        }
        .into());
    }
    let now = now();
    let tokens = &mut ctx.world.login_tokens;
    tokens.retain(|_, t| t.key_id != key && t.expires > now);
    if tokens.len() >= MAX_LOGIN_TOKENS {
        return Err(RpcErr::new(420, "FLOOD_WAIT_30"));
    }
    let mut token = vec![0u8; 32];
    crypto::fill_random(&mut token);
    let expires = now + ctx.world.login_token_ttl;
    ctx.world.login_tokens.insert(
        token.clone(),
        LoginToken {
            key_id: key,
            dc_id: ctx.dc_id(),
            expires,
            accepted_by: None,
        },
    );
    Ok(tl::types::auth::LoginToken { expires, token }.into())
}

/// Scanning: a logged-in device lets the token's device in as its own account.
pub(super) fn accept_login_token(
    ctx: &mut Ctx,
    req: tl::functions::auth::AcceptLoginToken,
) -> Result<tl::enums::Authorization, RpcErr> {
    let me = ctx.me()?;
    let (dc_id, created) = accept(ctx.world, &req.token, me)?;
    notify(ctx.shared, ctx.world, &req.token);
    Ok(tl::types::Authorization {
        current: false,
        official_app: false,
        password_pending: ctx
            .world
            .users
            .get(&me)
            .is_some_and(|u| u.password.is_some()),
        encrypted_requests_disabled: false,
        call_requests_disabled: false,
        unconfirmed: false,
        hash: i64::from_le_bytes(req.token[..8].try_into().unwrap_or_default()),
        device_model: "tgmcp sandbox".into(),
        platform: "sandbox".into(),
        system_version: String::new(),
        api_id: 1,
        app_name: "tgmcp".into(),
        app_version: env!("CARGO_PKG_VERSION").into(),
        date_created: created,
        date_active: created,
        ip: "127.0.0.1".into(),
        country: String::new(),
        region: format!("DC {dc_id}"),
    }
    .into())
}

/// The world's half of accepting `token` as `user`: the token's DC and the time.
pub(crate) fn accept(
    world: &mut crate::sandbox::World,
    token: &[u8],
    user: i64,
) -> Result<(i32, i32), RpcErr> {
    let now = now();
    let entry = world
        .login_tokens
        .get_mut(token)
        .ok_or_else(|| RpcErr::bad("AUTH_TOKEN_INVALID"))?;
    if entry.expires <= now {
        return Err(RpcErr::bad("AUTH_TOKEN_EXPIRED"));
    }
    if entry.accepted_by.is_some() {
        return Err(RpcErr::bad("AUTH_TOKEN_ALREADY_ACCEPTED"));
    }
    entry.accepted_by = Some(user);
    Ok((entry.dc_id, now))
}

/// Tells the device that showed `token` that it was scanned (`updateLoginToken`), so it
/// asks for its login at once instead of at the token's expiry.
pub(crate) fn notify(shared: &crate::sandbox::Shared, world: &crate::sandbox::World, token: &[u8]) {
    let Some(entry) = world.login_tokens.get(token) else {
        return;
    };
    let update = tl::enums::Updates::UpdateShort(tl::types::UpdateShort {
        update: tl::types::UpdateLoginToken {}.into(),
        date: now(),
    });
    crate::sandbox::dc::push_updates_to_key(shared, entry.key_id, &update);
}

/// On the account's DC, after `auth.loginTokenMigrateTo`.
pub(super) fn import_login_token(
    ctx: &mut Ctx,
    req: tl::functions::auth::ImportLoginToken,
) -> Result<tl::enums::auth::LoginToken, RpcErr> {
    let user = match ctx.world.login_tokens.get(&req.token) {
        Some(LoginToken {
            accepted_by: Some(user),
            ..
        }) => *user,
        Some(t) if t.expires <= now() => return Err(RpcErr::bad("AUTH_TOKEN_EXPIRED")),
        _ => return Err(RpcErr::bad("AUTH_TOKEN_INVALID")),
    };
    ctx.migrate_to("USER", ctx.home_dc_of(user))?;
    ctx.world.login_tokens.remove(&req.token);
    log_in(ctx, user)
}

/// Logs this key in as `user`, or asks for the 2FA password first.
fn log_in(ctx: &mut Ctx, user: i64) -> Result<tl::enums::auth::LoginToken, RpcErr> {
    let has_password = ctx
        .world
        .users
        .get(&user)
        .is_some_and(|u| u.password.is_some());
    if has_password {
        ctx.world.awaiting_password.insert(ctx.key_id, user);
        return Err(RpcErr::new(401, "SESSION_PASSWORD_NEEDED"));
    }
    ctx.world.authorize(ctx.key_id, user);
    Ok(tl::types::auth::LoginTokenSuccess {
        authorization: super::auth::authorization(ctx, user),
    }
    .into())
}

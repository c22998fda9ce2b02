//! Logging in: the login code, 2FA by real SRP verification, logging out, and carrying
//! a login to another DC (PHONE_MIGRATE/USER_MIGRATE, export and import).

use grammers_tl_types as tl;

use super::{Ctx, RpcErr};
use crate::sandbox::Event;
use crate::sandbox::crypto;
use crate::sandbox::srp::{self, SrpSession};
use crate::sandbox::tlbuild;
use crate::sandbox::world::{ExportedAuth, PendingCode, UserSpec};

/// Exported authorizations kept at most (the oldest go first), so a client that exports
/// in a loop cannot grow the world without bound.
const MAX_EXPORTED_AUTHS: usize = 256;
/// Telegram's limit on a first or last name, in characters.
const MAX_NAME_CHARS: usize = 64;

fn digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

pub(super) fn send_code(
    ctx: &mut Ctx,
    req: tl::functions::auth::SendCode,
) -> Result<tl::enums::auth::SentCode, RpcErr> {
    if req.api_id <= 0 || req.api_hash.is_empty() {
        return Err(RpcErr::bad("API_ID_INVALID"));
    }
    let phone = digits(&req.phone_number);
    if phone.len() < 5 || phone.len() > 15 {
        return Err(RpcErr::bad("PHONE_NUMBER_INVALID"));
    }
    if let Some(user) = ctx.world.user_by_phone(&phone) {
        ctx.migrate_to("PHONE", ctx.home_dc_of(user.id))?;
    }
    let mut hash = [0u8; 8];
    crypto::fill_random(&mut hash);
    let phone_code_hash: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    let code = ctx.world.login_code.clone();
    ctx.world.pending_codes.insert(
        phone_code_hash.clone(),
        PendingCode {
            phone: phone.clone(),
            code: code.clone(),
        },
    );
    ctx.shared.emit(Event::CodeSent {
        phone: req.phone_number,
        code: code.clone(),
    });
    // As Telegram: to the app when the account is logged in somewhere, else by SMS
    // (with a call offered after a minute).
    let length = code.len() as i32;
    let in_app = ctx
        .world
        .user_by_phone(&phone)
        .is_some_and(|u| ctx.world.has_session(u.id));
    let (r#type, next_type, timeout) = if in_app {
        (
            tl::types::auth::SentCodeTypeApp { length }.into(),
            None,
            None,
        )
    } else {
        (
            tl::types::auth::SentCodeTypeSms { length }.into(),
            Some(tl::enums::auth::CodeType::Call),
            Some(60),
        )
    };
    Ok(tl::types::auth::SentCode {
        r#type,
        phone_code_hash,
        next_type,
        timeout,
    }
    .into())
}

pub(super) fn sign_in(
    ctx: &mut Ctx,
    req: tl::functions::auth::SignIn,
) -> Result<tl::enums::auth::Authorization, RpcErr> {
    let phone = digits(&req.phone_number);
    let pending = ctx
        .world
        .pending_codes
        .get(&req.phone_code_hash)
        .ok_or_else(|| RpcErr::bad("PHONE_CODE_EXPIRED"))?;
    if pending.phone != phone {
        return Err(RpcErr::bad("PHONE_NUMBER_INVALID"));
    }
    if let Some(user) = ctx.world.user_by_phone(&phone) {
        ctx.migrate_to("USER", ctx.home_dc_of(user.id))?;
    }
    let code = req.phone_code.unwrap_or_default();
    if code.is_empty() {
        return Err(RpcErr::bad("PHONE_CODE_EMPTY"));
    }
    if code != pending.code {
        return Err(RpcErr::bad("PHONE_CODE_INVALID"));
    }
    let Some(user) = ctx.world.user_by_phone(&phone) else {
        // As Telegram does: the code stays good for auth.signUp with the same hash.
        return Ok(tl::types::auth::AuthorizationSignUpRequired {
            terms_of_service: None,
        }
        .into());
    };
    let (user_id, has_password) = (user.id, user.password.is_some());
    ctx.world.pending_codes.remove(&req.phone_code_hash);
    if has_password {
        ctx.world.awaiting_password.insert(ctx.key_id, user_id);
        return Err(RpcErr::new(401, "SESSION_PASSWORD_NEEDED"));
    }
    ctx.world.authorize(ctx.key_id, user_id);
    Ok(authorization(ctx, user_id))
}

/// A new account for a phone number nobody uses, after its code was sent (and, as
/// official apps do first, signed in with: SignUpRequired). Any number may sign up, so
/// tests and demos get as many accounts sharing one world as they like.
pub(super) fn sign_up(
    ctx: &mut Ctx,
    req: tl::functions::auth::SignUp,
) -> Result<tl::enums::auth::Authorization, RpcErr> {
    let phone = digits(&req.phone_number);
    let pending = ctx
        .world
        .pending_codes
        .get(&req.phone_code_hash)
        .ok_or_else(|| RpcErr::bad("PHONE_CODE_EXPIRED"))?;
    if pending.phone != phone {
        return Err(RpcErr::bad("PHONE_NUMBER_INVALID"));
    }
    if ctx.world.user_by_phone(&phone).is_some() {
        return Err(RpcErr::bad("PHONE_NUMBER_OCCUPIED"));
    }
    let first_name = req.first_name.trim();
    if first_name.is_empty() || first_name.chars().count() > MAX_NAME_CHARS {
        return Err(RpcErr::bad("FIRSTNAME_INVALID"));
    }
    let last_name = req.last_name.trim();
    if last_name.chars().count() > MAX_NAME_CHARS {
        return Err(RpcErr::bad("LASTNAME_INVALID"));
    }
    ctx.world.pending_codes.remove(&req.phone_code_hash);
    let mut spec = UserSpec::new(first_name).phone(&phone);
    if !last_name.is_empty() {
        spec = spec.last_name(last_name);
    }
    let user = ctx.world.add_user(spec);
    ctx.world.authorize(ctx.key_id, user);
    Ok(authorization(ctx, user))
}

pub(super) fn get_password(
    ctx: &mut Ctx,
    _: tl::functions::account::GetPassword,
) -> Result<tl::enums::account::Password, RpcErr> {
    let user_id = ctx
        .world
        .awaiting_password
        .get(&ctx.key_id)
        .copied()
        .or_else(|| ctx.world.authorized_user(&ctx.key_id));
    let mut secure_random = vec![0u8; 256];
    crypto::fill_random(&mut secure_random);
    let mut new_salt1 = vec![0u8; 32];
    crypto::fill_random(&mut new_salt1);
    let new_algo = |salt1: Vec<u8>, salt2: Vec<u8>| {
        tl::enums::PasswordKdfAlgo::Sha256Sha256Pbkdf2Hmacsha512iter100000Sha256ModPow(
            tl::types::PasswordKdfAlgoSha256Sha256Pbkdf2Hmacsha512iter100000Sha256ModPow {
                salt1,
                salt2,
                g: srp::G,
                p: srp::p_bytes(),
            },
        )
    };
    let mut password = tl::types::account::Password {
        has_recovery: false,
        has_secure_values: false,
        has_password: false,
        current_algo: None,
        srp_b: None,
        srp_id: None,
        hint: None,
        email_unconfirmed_pattern: None,
        new_algo: new_algo(new_salt1, Vec::new()),
        new_secure_algo: tl::enums::SecurePasswordKdfAlgo::Unknown,
        secure_random,
        pending_reset_date: None,
        login_email_pattern: None,
    };
    let record = user_id.and_then(|id| ctx.world.users.get_mut(&id).map(|u| (id, u)));
    if let Some((id, user)) = record
        && let Some(record) = user.password.as_mut()
    {
        let (srp_id, session) = SrpSession::start(id, record);
        password.has_password = true;
        password.current_algo = Some(new_algo(record.salt1.clone(), record.salt2.clone()));
        password.srp_b = Some(session.g_b.to_vec());
        password.srp_id = Some(srp_id);
        password.hint = record.hint.clone();
        ctx.world.srp_sessions.insert(srp_id, session);
    }
    Ok(password.into())
}

pub(super) fn check_password(
    ctx: &mut Ctx,
    req: tl::functions::auth::CheckPassword,
) -> Result<tl::enums::auth::Authorization, RpcErr> {
    let tl::enums::InputCheckPasswordSrp::Srp(srp) = req.password else {
        return Err(RpcErr::bad("PASSWORD_HASH_INVALID"));
    };
    let session = ctx
        .world
        .srp_sessions
        .get(&srp.srp_id)
        .ok_or_else(|| RpcErr::bad("SRP_ID_INVALID"))?;
    let user = session.user;
    ctx.migrate_to("USER", ctx.home_dc_of(user))?;
    if !session.verify(&srp.a, &srp.m1) {
        return Err(RpcErr::bad("PASSWORD_HASH_INVALID"));
    }
    ctx.world.srp_sessions.retain(|_, s| s.user != user);
    ctx.world.authorize(ctx.key_id, user);
    Ok(authorization(ctx, user))
}

pub(super) fn log_out(
    ctx: &mut Ctx,
    _: tl::functions::auth::LogOut,
) -> Result<tl::enums::auth::LoggedOut, RpcErr> {
    ctx.me()?;
    ctx.world.log_out(&ctx.key_id);
    Ok(tl::types::auth::LoggedOut {
        future_auth_token: None,
    }
    .into())
}

/// A login to carry to DC `dc_id`: bytes that DC takes in auth.importAuthorization.
pub(super) fn export_authorization(
    ctx: &mut Ctx,
    req: tl::functions::auth::ExportAuthorization,
) -> Result<tl::enums::auth::ExportedAuthorization, RpcErr> {
    let me = ctx.me()?;
    if req.dc_id == ctx.dc_id() || !ctx.shared.serves(req.dc_id) {
        return Err(RpcErr::bad("DC_ID_INVALID"));
    }
    let mut bytes = vec![0u8; 128];
    crypto::fill_random(&mut bytes);
    let exported = &mut ctx.world.exported_auths;
    if exported.len() >= MAX_EXPORTED_AUTHS {
        exported.remove(0);
    }
    exported.push(ExportedAuth {
        user: me,
        dc_id: req.dc_id,
        bytes: bytes.clone(),
    });
    Ok(tl::types::auth::ExportedAuthorization { id: me, bytes }.into())
}

/// Logs this connection's key in with bytes exported for this DC (once).
pub(super) fn import_authorization(
    ctx: &mut Ctx,
    req: tl::functions::auth::ImportAuthorization,
) -> Result<tl::enums::auth::Authorization, RpcErr> {
    let dc_id = ctx.dc_id();
    let index = ctx
        .world
        .exported_auths
        .iter()
        .position(|e| e.user == req.id && e.dc_id == dc_id && e.bytes == req.bytes)
        .ok_or_else(|| RpcErr::bad("AUTH_BYTES_INVALID"))?;
    let exported = ctx.world.exported_auths.remove(index);
    ctx.world.authorize(ctx.key_id, exported.user);
    Ok(authorization(ctx, exported.user))
}

pub(super) fn authorization(ctx: &Ctx, user: i64) -> tl::enums::auth::Authorization {
    let me = ctx.world.users.get(&user).expect("authorized users exist");
    tl::types::auth::Authorization {
        setup_password_required: false,
        otherwise_relogin_days: None,
        tmp_sessions: None,
        future_auth_token: None,
        user: tlbuild::user(me, Some(user), ctx.world),
    }
    .into()
}

//! API methods: requests decoded with grammers' own TL types, answered from the world.
//!
//! Adding a method is one line in [`dispatch`]'s table plus a handler
//! `fn(&mut Ctx, Request) -> Result<Request::Return, RpcErr>`; the table's types make the
//! answer's TL type match the method's.

use grammers_tl_types::{
    self as tl, Cursor, Deserializable, Identifiable, RemoteCall, Serializable,
};

use super::Event;
use super::Shared;
use super::srp::{self, SrpSession};
use super::tlbuild::{self, Mentions};
use super::world::{Peer, World, now};

/// A Telegram RPC error, by its real name (`PEER_ID_INVALID`, `FLOOD_WAIT_30` …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RpcErr {
    pub code: i32,
    pub name: String,
}

impl RpcErr {
    pub fn new(code: i32, name: impl Into<String>) -> Self {
        Self {
            code,
            name: name.into(),
        }
    }
    fn bad(name: &str) -> Self {
        Self::new(400, name)
    }
    fn unauthorized() -> Self {
        Self::new(401, "AUTH_KEY_UNREGISTERED")
    }
}

/// An API request with its wrappers (`invokeWithLayer`, `initConnection`, …) peeled off.
pub struct Call {
    id: u32,
    args: Vec<u8>,
}

/// Reads whatever is left of a buffer: the query inside a generic wrapper.
struct Rest(Vec<u8>);

impl Deserializable for Rest {
    fn deserialize(buf: &mut Cursor) -> tl::deserialize::Result<Self> {
        let mut rest = Vec::new();
        buf.read_to_end(&mut rest)?;
        Ok(Rest(rest))
    }
}

const MAX_WRAPPERS: usize = 8;

impl Call {
    pub fn parse(body: &[u8]) -> Result<Self, RpcErr> {
        let fetch = |_| RpcErr::bad("INPUT_FETCH_ERROR");
        let mut bytes = body.to_vec();
        for _ in 0..MAX_WRAPPERS {
            let mut cur = Cursor::from_slice(&bytes);
            let id = u32::deserialize(&mut cur).map_err(fetch)?;
            let rest = match id {
                tl::functions::InvokeWithLayer::<Rest>::CONSTRUCTOR_ID => {
                    tl::functions::InvokeWithLayer::<Rest>::deserialize(&mut cur)
                        .map_err(fetch)?
                        .query
                }
                tl::functions::InitConnection::<Rest>::CONSTRUCTOR_ID => {
                    tl::functions::InitConnection::<Rest>::deserialize(&mut cur)
                        .map_err(fetch)?
                        .query
                }
                tl::functions::InvokeWithoutUpdates::<Rest>::CONSTRUCTOR_ID => {
                    tl::functions::InvokeWithoutUpdates::<Rest>::deserialize(&mut cur)
                        .map_err(fetch)?
                        .query
                }
                tl::functions::InvokeAfterMsg::<Rest>::CONSTRUCTOR_ID => {
                    tl::functions::InvokeAfterMsg::<Rest>::deserialize(&mut cur)
                        .map_err(fetch)?
                        .query
                }
                _ => {
                    let Rest(args) = Rest::deserialize(&mut cur).map_err(fetch)?;
                    return Ok(Self { id, args });
                }
            };
            bytes = rest.0;
        }
        Err(RpcErr::bad("INPUT_FETCH_ERROR"))
    }

    /// The TL name (`help.getConfig`), or `unknown` for ids not in the schema.
    pub fn method_name(&self) -> &'static str {
        match tl::name_for_id(self.id) {
            "(unknown)" => "unknown",
            name => name,
        }
    }
}

/// What a handler sees: the world (locked for the call), and who is asking.
pub struct Ctx<'a> {
    pub shared: &'a Shared,
    pub world: &'a mut World,
    pub key_id: [u8; 8],
}

impl Ctx<'_> {
    /// The logged-in user, or 401 AUTH_KEY_UNREGISTERED.
    fn me(&self) -> Result<i64, RpcErr> {
        self.world
            .authorized_user(&self.key_id)
            .ok_or_else(RpcErr::unauthorized)
    }
}

pub fn execute(shared: &Shared, key_id: [u8; 8], call: &Call) -> Result<Vec<u8>, RpcErr> {
    let mut world = shared.world();
    let mut ctx = Ctx {
        shared,
        world: &mut world,
        key_id,
    };
    dispatch(&mut ctx, call)
}

fn run<R, F>(ctx: &mut Ctx, args: &[u8], handler: F) -> Result<Vec<u8>, RpcErr>
where
    R: RemoteCall + Deserializable,
    F: FnOnce(&mut Ctx, R) -> Result<R::Return, RpcErr>,
    R::Return: Serializable,
{
    let request = R::from_bytes(args).map_err(|_| RpcErr::bad("INPUT_FETCH_ERROR"))?;
    handler(ctx, request).map(|answer| answer.to_bytes())
}

fn dispatch(ctx: &mut Ctx, call: &Call) -> Result<Vec<u8>, RpcErr> {
    use tl::functions as f;
    macro_rules! methods {
        ($($ty:ty => $handler:expr,)*) => {
            match call.id {
                $(<$ty>::CONSTRUCTOR_ID => run::<$ty, _>(ctx, &call.args, $handler),)*
                id if tl::name_for_id(id) == "(unknown)" => Err(RpcErr::bad("INPUT_METHOD_INVALID")),
                // In the schema but not played by the sandbox: say so by name.
                _ => Err(RpcErr::bad("METHOD_NOT_SUPPORTED_BY_SANDBOX")),
            }
        };
    }
    methods! {
        f::help::GetConfig => |ctx, _| Ok(tlbuild::config(ctx.shared.addr)),
        f::updates::GetState => updates_get_state,
        f::users::GetUsers => users_get_users,
        f::users::GetFullUser => users_get_full_user,
        f::auth::SendCode => auth_send_code,
        f::auth::SignIn => auth_sign_in,
        f::auth::CheckPassword => auth_check_password,
        f::auth::LogOut => auth_log_out,
        f::account::GetPassword => account_get_password,
        f::contacts::ResolveUsername => contacts_resolve_username,
        f::messages::GetMessages => messages_get_messages,
    }
}

// ---- helpers shared by handlers -------------------------------------------------------

fn input_user(ctx: &Ctx, me: i64, input: &tl::enums::InputUser) -> Result<i64, RpcErr> {
    let invalid = || RpcErr::bad("USER_ID_INVALID");
    match input {
        tl::enums::InputUser::UserSelf => Ok(me),
        tl::enums::InputUser::User(u) => {
            let user = ctx.world.users.get(&u.user_id).ok_or_else(invalid)?;
            if user.access_hash != u.access_hash {
                return Err(invalid());
            }
            Ok(u.user_id)
        }
        tl::enums::InputUser::Empty => Err(invalid()),
        tl::enums::InputUser::FromMessage(_) => Err(invalid()),
    }
}

fn authorization(ctx: &Ctx, user: i64) -> tl::enums::auth::Authorization {
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

// ---- updates / users ------------------------------------------------------------------

fn updates_get_state(
    ctx: &mut Ctx,
    _: tl::functions::updates::GetState,
) -> Result<tl::enums::updates::State, RpcErr> {
    ctx.me()?;
    Ok(tl::types::updates::State {
        pts: ctx.world.pts,
        qts: 0,
        date: now(),
        seq: 0,
        unread_count: 0,
    }
    .into())
}

fn users_get_users(
    ctx: &mut Ctx,
    req: tl::functions::users::GetUsers,
) -> Result<Vec<tl::enums::User>, RpcErr> {
    let me = ctx.me()?;
    // Like Telegram, ids that do not resolve are left out rather than failing the batch.
    Ok(req
        .id
        .iter()
        .filter_map(|input| input_user(ctx, me, input).ok())
        .filter_map(|id| ctx.world.users.get(&id))
        .map(|u| tlbuild::user(u, Some(me), ctx.world))
        .collect())
}

fn users_get_full_user(
    ctx: &mut Ctx,
    req: tl::functions::users::GetFullUser,
) -> Result<tl::enums::users::UserFull, RpcErr> {
    let me = ctx.me()?;
    let id = input_user(ctx, me, &req.id)?;
    let user = &ctx.world.users[&id];
    let common_chats = ctx
        .world
        .chats
        .values()
        .filter(|c| c.members.contains(&id) && c.members.contains(&me))
        .count()
        + ctx
            .world
            .channels
            .values()
            .filter(|c| !c.broadcast && c.members.contains(&id) && c.members.contains(&me))
            .count();
    let full = tl::types::UserFull {
        blocked: false,
        phone_calls_available: false,
        phone_calls_private: false,
        can_pin_message: true,
        has_scheduled: false,
        video_calls_available: false,
        voice_messages_forbidden: false,
        translations_disabled: false,
        stories_pinned_available: false,
        blocked_my_stories_from: false,
        wallpaper_overridden: false,
        contact_require_premium: false,
        read_dates_private: false,
        sponsored_enabled: false,
        can_view_revenue: false,
        bot_can_manage_emoji_status: false,
        display_gifts_button: false,
        noforwards_my_enabled: false,
        noforwards_peer_enabled: false,
        unofficial_security_risk: false,
        id,
        about: user.about.clone(),
        settings: empty_peer_settings(),
        personal_photo: None,
        profile_photo: None,
        fallback_photo: None,
        notify_settings: empty_notify_settings(),
        bot_info: None,
        pinned_msg_id: None,
        common_chats_count: common_chats as i32,
        folder_id: None,
        ttl_period: None,
        theme: None,
        private_forward_name: None,
        bot_group_admin_rights: None,
        bot_broadcast_admin_rights: None,
        wallpaper: None,
        stories: None,
        business_work_hours: None,
        business_location: None,
        business_greeting_message: None,
        business_away_message: None,
        business_intro: None,
        birthday: None,
        personal_channel_id: None,
        personal_channel_message: None,
        stargifts_count: None,
        starref_program: None,
        bot_verification: None,
        send_paid_messages_stars: None,
        disallowed_gifts: None,
        stars_rating: None,
        stars_my_pending_rating: None,
        stars_my_pending_rating_date: None,
        main_tab: None,
        saved_music: None,
        note: None,
        bot_manager_id: None,
    };
    Ok(tl::types::users::UserFull {
        full_user: full.into(),
        chats: Vec::new(),
        users: vec![tlbuild::user(user, Some(me), ctx.world)],
    }
    .into())
}

fn empty_peer_settings() -> tl::enums::PeerSettings {
    tl::types::PeerSettings {
        report_spam: false,
        add_contact: false,
        block_contact: false,
        share_contact: false,
        need_contacts_exception: false,
        report_geo: false,
        autoarchived: false,
        invite_members: false,
        request_chat_broadcast: false,
        business_bot_paused: false,
        business_bot_can_reply: false,
        geo_distance: None,
        request_chat_title: None,
        request_chat_date: None,
        business_bot_id: None,
        business_bot_manage_url: None,
        charge_paid_message_stars: None,
        registration_month: None,
        phone_country: None,
        name_change_date: None,
        photo_change_date: None,
    }
    .into()
}

fn empty_notify_settings() -> tl::enums::PeerNotifySettings {
    tl::types::PeerNotifySettings {
        show_previews: None,
        silent: None,
        mute_until: None,
        ios_sound: None,
        android_sound: None,
        other_sound: None,
        stories_muted: None,
        stories_hide_sender: None,
        stories_ios_sound: None,
        stories_android_sound: None,
        stories_other_sound: None,
    }
    .into()
}

// ---- login ----------------------------------------------------------------------------

fn digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

fn auth_send_code(
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
    let mut hash = [0u8; 8];
    super::crypto::fill_random(&mut hash);
    let phone_code_hash: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    let code = ctx.world.login_code.clone();
    ctx.world.pending_codes.insert(
        phone_code_hash.clone(),
        super::world::PendingCode {
            phone: phone.clone(),
            code: code.clone(),
        },
    );
    ctx.shared.emit(Event::CodeSent {
        phone: req.phone_number,
        code: code.clone(),
    });
    Ok(tl::types::auth::SentCode {
        r#type: tl::types::auth::SentCodeTypeApp {
            length: code.len() as i32,
        }
        .into(),
        phone_code_hash,
        next_type: None,
        timeout: None,
    }
    .into())
}

fn auth_sign_in(
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
    let code = req.phone_code.unwrap_or_default();
    if code.is_empty() {
        return Err(RpcErr::bad("PHONE_CODE_EMPTY"));
    }
    if code != pending.code {
        return Err(RpcErr::bad("PHONE_CODE_INVALID"));
    }
    ctx.world.pending_codes.remove(&req.phone_code_hash);
    let Some(user) = ctx.world.user_by_phone(&phone) else {
        return Ok(tl::types::auth::AuthorizationSignUpRequired {
            terms_of_service: None,
        }
        .into());
    };
    let (user_id, has_password) = (user.id, user.password.is_some());
    if has_password {
        ctx.world.awaiting_password.insert(ctx.key_id, user_id);
        return Err(RpcErr::new(401, "SESSION_PASSWORD_NEEDED"));
    }
    ctx.world.authorize(ctx.key_id, user_id);
    Ok(authorization(ctx, user_id))
}

fn account_get_password(
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
    super::crypto::fill_random(&mut secure_random);
    let mut new_salt1 = vec![0u8; 32];
    super::crypto::fill_random(&mut new_salt1);
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

fn auth_check_password(
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
    if !session.verify(&srp.a, &srp.m1) {
        return Err(RpcErr::bad("PASSWORD_HASH_INVALID"));
    }
    ctx.world.srp_sessions.retain(|_, s| s.user != user);
    ctx.world.authorize(ctx.key_id, user);
    Ok(authorization(ctx, user))
}

fn auth_log_out(
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

// ---- contacts -------------------------------------------------------------------------

fn valid_username(name: &str) -> bool {
    (4..=32).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
}

fn contacts_resolve_username(
    ctx: &mut Ctx,
    req: tl::functions::contacts::ResolveUsername,
) -> Result<tl::enums::contacts::ResolvedPeer, RpcErr> {
    let me = ctx.me()?;
    if !valid_username(&req.username) {
        return Err(RpcErr::bad("USERNAME_INVALID"));
    }
    let peer = if let Some(u) = ctx.world.user_by_username(&req.username) {
        Peer::User(u.id)
    } else if let Some(c) = ctx.world.channel_by_username(&req.username) {
        Peer::Channel(c.id)
    } else {
        return Err(RpcErr::bad("USERNAME_NOT_OCCUPIED"));
    };
    let mut mentions = Mentions::default();
    mentions.add(peer);
    Ok(tl::types::contacts::ResolvedPeer {
        peer: tlbuild::peer(peer),
        chats: mentions.chats(ctx.world, me),
        users: mentions.users(ctx.world, me),
    }
    .into())
}

// ---- messages -------------------------------------------------------------------------

/// Messages by id from the common box (private chats and basic groups); ids that do not
/// exist or that the caller cannot see come back as `messageEmpty`, as in Telegram.
fn messages_get_messages(
    ctx: &mut Ctx,
    req: tl::functions::messages::GetMessages,
) -> Result<tl::enums::messages::Messages, RpcErr> {
    let me = ctx.me()?;
    let mut mentions = Mentions::default();
    let mut messages = Vec::with_capacity(req.id.len());
    for input in &req.id {
        let tl::enums::InputMessage::Id(tl::types::InputMessageId { id }) = input else {
            return Err(RpcErr::bad("MESSAGE_ID_INVALID"));
        };
        let found = ctx.world.messages.iter().find(|m| {
            m.id == *id
                && !matches!(m.to, Peer::Channel(_))
                && (m.from == Some(me)
                    || m.to == Peer::User(me)
                    || matches!(m.to, Peer::Chat(c) if ctx.world.can_see(me, Peer::Chat(c))))
        });
        match found {
            Some(m) => {
                mentions.add_message(m, me);
                messages.push(tlbuild::message(m, me));
            }
            None => messages.push(
                tl::types::MessageEmpty {
                    id: *id,
                    peer_id: None,
                }
                .into(),
            ),
        }
    }
    Ok(tl::types::messages::Messages {
        messages,
        topics: Vec::new(),
        chats: mentions.chats(ctx.world, me),
        users: mentions.users(ctx.world, me),
    }
    .into())
}

//! API methods: requests decoded with grammers' own TL types, answered from the world.
//!
//! Adding a method is one line in [`dispatch`]'s table plus a handler
//! `fn(&mut Ctx, Request) -> Result<Request::Return, RpcErr>`; the table's types make the
//! answer's TL type match the method's. Handlers live by TL namespace; what they share
//! (who is asking, resolving `InputPeer`s and friends) lives here.

mod actions;
mod auth;
mod channels;
mod contacts;
mod dialogs;
mod discussion;
mod drafts;
mod lookups;
mod messages;
mod participants;
pub(super) mod qr;
mod read;
mod send;
mod topics;
mod updates;
mod upload;
mod users;

use grammers_tl_types::{
    self as tl, Cursor, Deserializable, Identifiable, RemoteCall, Serializable,
};

use super::world::{Peer, World};
use super::{Shared, dc, tlbuild};

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
    fn forbidden(name: &str) -> Self {
        Self::new(403, name)
    }
    /// Telegram answers 406 for a few errors the client should show rather than retry.
    fn not_acceptable(name: &str) -> Self {
        Self::new(406, name)
    }
    fn peer_id_invalid() -> Self {
        Self::bad("PEER_ID_INVALID")
    }
    fn channel_invalid() -> Self {
        Self::bad("CHANNEL_INVALID")
    }
    fn channel_private() -> Self {
        Self::not_acceptable("CHANNEL_PRIVATE")
    }
}

/// An API request with its wrappers (`invokeWithLayer`, `initConnection`, …) peeled off.
pub struct Call {
    id: u32,
    args: Vec<u8>,
    /// The layer of an `invokeWithLayer` wrapper, if there was one.
    pub(crate) layer: Option<i32>,
    /// The client parameters of an `initConnection` wrapper, if there was one.
    pub(crate) init: Option<ClientInit>,
}

/// What `initConnection` tells the server about the client (the fields Telegram refuses
/// empty).
pub(crate) struct ClientInit {
    pub api_id: i32,
    pub device_model: String,
    pub system_version: String,
    pub app_version: String,
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
        let (mut layer, mut init) = (None, None);
        for _ in 0..MAX_WRAPPERS {
            let mut cur = Cursor::from_slice(&bytes);
            let id = u32::deserialize(&mut cur).map_err(fetch)?;
            let rest = match id {
                tl::functions::InvokeWithLayer::<Rest>::CONSTRUCTOR_ID => {
                    let wrapper = tl::functions::InvokeWithLayer::<Rest>::deserialize(&mut cur)
                        .map_err(fetch)?;
                    layer = Some(wrapper.layer);
                    wrapper.query
                }
                tl::functions::InitConnection::<Rest>::CONSTRUCTOR_ID => {
                    let wrapper = tl::functions::InitConnection::<Rest>::deserialize(&mut cur)
                        .map_err(fetch)?;
                    init = Some(ClientInit {
                        api_id: wrapper.api_id,
                        device_model: wrapper.device_model,
                        system_version: wrapper.system_version,
                        app_version: wrapper.app_version,
                    });
                    wrapper.query
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
                    return Ok(Self {
                        id,
                        args,
                        layer,
                        init,
                    });
                }
            };
            bytes = rest.0;
        }
        Err(RpcErr::bad("INPUT_FETCH_ERROR"))
    }

    /// The request itself, wrappers peeled off: its constructor id, then its arguments.
    pub fn query(&self) -> Vec<u8> {
        let mut bytes = self.id.to_le_bytes().to_vec();
        bytes.extend_from_slice(&self.args);
        bytes
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
    /// The DC the request reached.
    dc_id: i32,
    /// Updates for other people's connections, sent once the world is unlocked.
    pushes: Vec<(i64, tl::enums::Updates)>,
}

impl Ctx<'_> {
    /// The DC this request reached.
    pub fn dc_id(&self) -> i32 {
        self.dc_id
    }

    /// The DC a user's account lives on: their `UserSpec::dc` if this sandbox plays it,
    /// else the primary DC (a single-DC sandbox holds everyone).
    fn home_dc_of(&self, user: i64) -> i32 {
        self.world
            .users
            .get(&user)
            .and_then(|u| u.dc)
            .filter(|&dc| self.shared.serves(dc))
            .unwrap_or_else(|| self.shared.primary_dc())
    }

    /// `303 {what}_MIGRATE_X` unless `dc` is the DC this request reached, as Telegram
    /// sends a client to the DC that holds an account (`PHONE`, `USER`) or a file (`FILE`).
    fn migrate_to(&self, what: &str, dc: i32) -> Result<(), RpcErr> {
        if dc == self.dc_id {
            Ok(())
        } else {
            Err(RpcErr::new(303, format!("{what}_MIGRATE_{dc}")))
        }
    }

    /// The hook for downloads: `303 FILE_MIGRATE_X` when the file with this id (a photo
    /// or document id) is stored on another DC of this sandbox (see
    /// [`World::set_file_dc`]); files with no DC set live on the primary DC.
    pub fn file_here(&self, file_id: i64) -> Result<(), RpcErr> {
        let dc = self
            .world
            .file_dc(file_id)
            .filter(|&dc| self.shared.serves(dc))
            .unwrap_or_else(|| self.shared.primary_dc());
        self.migrate_to("FILE", dc)
    }

    /// The logged-in user, or 401 AUTH_KEY_UNREGISTERED.
    fn me(&self) -> Result<i64, RpcErr> {
        self.world
            .authorized_user(&self.key_id)
            .ok_or_else(RpcErr::unauthorized)
    }

    /// Queues `updates` for every connection of `user` except the caller's own (which
    /// gets them in its answer).
    fn push(&mut self, user: i64, updates: tl::enums::Updates) {
        self.pushes.push((user, updates));
    }

    /// The peer a client named, checked like Telegram checks it: the access hash must be
    /// the one the sandbox handed out, and a private channel must have the caller in it.
    fn peer(&self, me: i64, input: &tl::enums::InputPeer) -> Result<Peer, RpcErr> {
        use tl::enums::InputPeer as In;
        match input {
            In::UserFromMessage(u) => {
                self.direct_peer(me, &u.peer)?;
                self.user_exists(u.user_id).map(Peer::User)
            }
            In::ChannelFromMessage(c) => {
                self.direct_peer(me, &c.peer)?;
                if !self.world.channels.contains_key(&c.channel_id) {
                    return Err(RpcErr::peer_id_invalid());
                }
                self.channel_access(me, c.channel_id)?;
                Ok(Peer::Channel(c.channel_id))
            }
            direct => self.direct_peer(me, direct),
        }
    }

    /// [`Ctx::peer`] for the peers that carry their own proof of access (no recursion
    /// into `…FromMessage`, so hostile nesting cannot go deep).
    fn direct_peer(&self, me: i64, input: &tl::enums::InputPeer) -> Result<Peer, RpcErr> {
        use tl::enums::InputPeer as In;
        match input {
            In::PeerSelf => Ok(Peer::User(me)),
            In::User(u) => match self.world.users.get(&u.user_id) {
                Some(user) if user.access_hash == u.access_hash => Ok(Peer::User(u.user_id)),
                _ => Err(RpcErr::peer_id_invalid()),
            },
            In::Chat(c) if self.world.chats.contains_key(&c.chat_id) => Ok(Peer::Chat(c.chat_id)),
            In::Channel(c) => match self.world.channels.get(&c.channel_id) {
                Some(channel) if channel.access_hash == c.access_hash => {
                    self.channel_access(me, c.channel_id)?;
                    Ok(Peer::Channel(c.channel_id))
                }
                _ => Err(RpcErr::peer_id_invalid()),
            },
            _ => Err(RpcErr::peer_id_invalid()),
        }
    }

    /// A peer whose messages the caller may read: any user, a basic group they are in, a
    /// channel they are in or that is public.
    fn readable_peer(&self, me: i64, input: &tl::enums::InputPeer) -> Result<Peer, RpcErr> {
        let peer = self.peer(me, input)?;
        match peer {
            Peer::Chat(_) if !self.world.is_member(me, peer) => Err(RpcErr::peer_id_invalid()),
            _ => Ok(peer),
        }
    }

    fn user_exists(&self, id: i64) -> Result<i64, RpcErr> {
        if self.world.users.contains_key(&id) {
            Ok(id)
        } else {
            Err(RpcErr::peer_id_invalid())
        }
    }

    /// A channel with no username shows nothing to people outside it.
    fn channel_access(&self, me: i64, id: i64) -> Result<(), RpcErr> {
        let channel = self
            .world
            .channels
            .get(&id)
            .ok_or_else(RpcErr::channel_invalid)?;
        if channel.username.is_none() && !channel.members.contains(&me) {
            return Err(RpcErr::channel_private());
        }
        Ok(())
    }

    fn channel(&self, me: i64, input: &tl::enums::InputChannel) -> Result<i64, RpcErr> {
        let id = match input {
            tl::enums::InputChannel::Channel(c) => match self.world.channels.get(&c.channel_id) {
                Some(channel) if channel.access_hash == c.access_hash => c.channel_id,
                _ => return Err(RpcErr::channel_invalid()),
            },
            tl::enums::InputChannel::FromMessage(c) => {
                self.direct_peer(me, &c.peer)?;
                c.channel_id
            }
            tl::enums::InputChannel::Empty => return Err(RpcErr::channel_invalid()),
        };
        self.channel_access(me, id)?;
        Ok(id)
    }

    fn user(&self, me: i64, input: &tl::enums::InputUser) -> Result<i64, RpcErr> {
        let invalid = || RpcErr::bad("USER_ID_INVALID");
        match input {
            tl::enums::InputUser::UserSelf => Ok(me),
            tl::enums::InputUser::User(u) => match self.world.users.get(&u.user_id) {
                Some(user) if user.access_hash == u.access_hash => Ok(u.user_id),
                _ => Err(invalid()),
            },
            tl::enums::InputUser::FromMessage(u) => {
                self.direct_peer(me, &u.peer).map_err(|_| invalid())?;
                self.world
                    .users
                    .contains_key(&u.user_id)
                    .then_some(u.user_id)
                    .ok_or_else(invalid)
            }
            tl::enums::InputUser::Empty => Err(invalid()),
        }
    }
}

pub fn execute(
    shared: &Shared,
    dc_id: i32,
    key_id: [u8; 8],
    call: &Call,
) -> Result<Vec<u8>, RpcErr> {
    let (result, pushes) = {
        let mut world = shared.world();
        let mut ctx = Ctx {
            shared,
            world: &mut world,
            key_id,
            dc_id,
            pushes: Vec::new(),
        };
        let result = dispatch(&mut ctx, call);
        (result, ctx.pushes)
    };
    for (user, updates) in pushes {
        dc::push_updates_except(shared, user, &updates, Some(key_id));
    }
    result
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
        f::help::GetConfig => |ctx, _| Ok(tlbuild::config(ctx.dc_id, &ctx.shared.dcs)),
        f::updates::GetState => updates::get_state,
        f::updates::GetDifference => updates::get_difference,
        f::updates::GetChannelDifference => updates::get_channel_difference,
        f::users::GetUsers => users::get_users,
        f::users::GetFullUser => users::get_full_user,
        f::auth::SendCode => auth::send_code,
        f::auth::SignIn => auth::sign_in,
        f::auth::SignUp => auth::sign_up,
        f::auth::CheckPassword => auth::check_password,
        f::auth::LogOut => auth::log_out,
        f::auth::ExportAuthorization => auth::export_authorization,
        f::auth::ImportAuthorization => auth::import_authorization,
        f::auth::ExportLoginToken => qr::export_login_token,
        f::auth::AcceptLoginToken => qr::accept_login_token,
        f::auth::ImportLoginToken => qr::import_login_token,
        f::account::GetPassword => auth::get_password,
        f::contacts::ResolveUsername => contacts::resolve_username,
        f::contacts::ResolvePhone => contacts::resolve_phone,
        f::contacts::Search => contacts::search,
        f::contacts::GetContacts => contacts::get_contacts,
        f::contacts::ImportContacts => contacts::import_contacts,
        f::contacts::DeleteContacts => contacts::delete_contacts,
        f::messages::GetMessages => messages::get_messages,
        f::messages::GetHistory => messages::get_history,
        f::messages::Search => messages::search,
        f::messages::SearchGlobal => messages::search_global,
        f::messages::GetDialogs => dialogs::get_dialogs,
        f::messages::ReadHistory => dialogs::read_history,
        f::messages::DeleteMessages => actions::delete_messages,
        f::messages::GetFullChat => channels::get_full_chat,
        f::messages::SendMessage => send::send_message,
        f::messages::EditMessage => send::edit_message,
        f::messages::SendMedia => send::send_media,
        f::messages::SendMultiMedia => send::send_multi_media,
        f::messages::UploadMedia => upload::upload_media,
        f::upload::SaveFilePart => upload::save_file_part,
        f::upload::SaveBigFilePart => upload::save_big_file_part,
        f::upload::GetFile => upload::get_file,
        f::channels::GetMessages => channels::get_messages,
        f::channels::GetFullChannel => channels::get_full_channel,
        f::channels::ReadHistory => channels::read_history,
        f::channels::GetChannels => lookups::get_channels,
        f::messages::GetChats => lookups::get_chats,
        f::messages::GetCommonChats => lookups::get_common_chats,
        f::messages::GetPeerDialogs => lookups::get_peer_dialogs,
        f::channels::GetParticipants => participants::get_participants,
        f::channels::GetParticipant => participants::get_participant,
        f::messages::ReadMentions => read::read_mentions,
        f::messages::ReadReactions => read::read_reactions,
        f::messages::ReadDiscussion => read::read_discussion,
        f::messages::GetDialogFilters => read::get_dialog_filters,
        f::messages::GetForumTopics => topics::get_forum_topics,
        f::messages::GetForumTopicsById => topics::get_forum_topics_by_id,
        f::messages::SaveDraft => drafts::save_draft,
        f::messages::GetReplies => messages::get_replies,
        f::messages::ForwardMessages => actions::forward_messages,
        f::channels::DeleteMessages => actions::delete_channel_messages,
        f::messages::UpdatePinnedMessage => actions::update_pinned_message,
        f::messages::SendReaction => actions::send_reaction,
        f::messages::GetDiscussionMessage => discussion::get_discussion_message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::{Sandbox, World};

    fn file_here_on(sandbox: &Sandbox, dc_id: i32, file_id: i64) -> Result<(), RpcErr> {
        let shared = &sandbox.shared;
        let mut world = shared.world();
        let ctx = Ctx {
            shared,
            world: &mut world,
            key_id: [0; 8],
            dc_id,
            pushes: Vec::new(),
        };
        ctx.file_here(file_id)
    }

    #[tokio::test]
    async fn files_answer_file_migrate_off_their_dc() {
        let mut world = World::new();
        world.set_file_dc(7, 4);
        world.set_file_dc(8, 5);
        let sandbox = Sandbox::start_multi(world, &[2, 4]).await.unwrap();
        let migrate = |dc: i32| Err(RpcErr::new(303, format!("FILE_MIGRATE_{dc}")));
        assert_eq!(file_here_on(&sandbox, 2, 7), migrate(4));
        assert_eq!(file_here_on(&sandbox, 4, 7), Ok(()));
        // No DC set, or one the sandbox does not play: the primary DC holds it.
        for file in [9, 8] {
            assert_eq!(file_here_on(&sandbox, 2, file), Ok(()));
            assert_eq!(file_here_on(&sandbox, 4, file), migrate(2));
        }
    }
}

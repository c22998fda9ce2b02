//! World entities rendered as the TL objects Telegram sends, seen by one viewer (what is
//! "self", "out", a contact, or a visible phone number depends on who asks).
//!
//! Layer-230 types have dozens of flags; each is spelled out once here so handlers only
//! deal with the handful that matter.

use std::collections::BTreeSet;
use std::net::SocketAddr;

use grammers_tl_types as tl;

use super::discussion::Discussion;
use super::world::{Action, Channel, Chat, Forwarded, Media, Message, Peer, User, World, now};

pub fn peer(p: Peer) -> tl::enums::Peer {
    match p {
        Peer::User(user_id) => tl::types::PeerUser { user_id }.into(),
        Peer::Chat(chat_id) => tl::types::PeerChat { chat_id }.into(),
        Peer::Channel(channel_id) => tl::types::PeerChannel { channel_id }.into(),
    }
}

pub fn user(u: &User, viewer: Option<i64>, world: &World) -> tl::enums::User {
    let is_self = viewer == Some(u.id);
    let contact = viewer.is_some_and(|v| {
        world
            .users
            .get(&v)
            .is_some_and(|me| me.contacts.contains(&u.id))
    });
    let mutual = contact && viewer.is_some_and(|v| u.contacts.contains(&v));
    tl::types::User {
        is_self,
        contact,
        mutual_contact: mutual,
        deleted: false,
        bot: u.bot,
        bot_chat_history: false,
        bot_nochats: false,
        verified: u.verified,
        restricted: false,
        min: false,
        bot_inline_geo: false,
        support: false,
        scam: false,
        apply_min_photo: false,
        fake: false,
        bot_attach_menu: false,
        premium: false,
        attach_menu_enabled: false,
        bot_can_edit: false,
        close_friend: false,
        stories_hidden: false,
        stories_unavailable: true,
        contact_require_premium: false,
        bot_business: false,
        bot_has_main_app: false,
        bot_forum_view: false,
        bot_forum_can_manage_topics: false,
        bot_can_manage_bots: false,
        bot_guestchat: false,
        bot_guard: false,
        id: u.id,
        access_hash: Some(u.access_hash),
        first_name: Some(u.first_name.clone()),
        last_name: u.last_name.clone(),
        username: u.username.clone(),
        // Phone numbers are private: only yourself and your contacts see them.
        phone: if is_self || contact {
            u.phone.clone()
        } else {
            None
        },
        photo: None,
        status: status(u, is_self),
        bot_info_version: u.bot.then_some(1),
        restriction_reason: None,
        bot_inline_placeholder: None,
        lang_code: None,
        emoji_status: None,
        usernames: None,
        stories_max_id: None,
        color: None,
        profile_color: None,
        bot_active_users: None,
        bot_verification_icon: None,
        send_paid_messages_stars: None,
        linked_community_id: None,
    }
    .into()
}

pub fn chat(c: &Chat, viewer: i64) -> tl::enums::Chat {
    tl::types::Chat {
        creator: c.creator == viewer,
        left: !c.members.contains(&viewer),
        deactivated: false,
        call_active: false,
        call_not_empty: false,
        noforwards: false,
        id: c.id,
        title: c.title.clone(),
        photo: tl::enums::ChatPhoto::Empty,
        participants_count: c.members.len() as i32,
        date: c.date,
        version: 1,
        migrated_to: None,
        admin_rights: None,
        default_banned_rights: None,
    }
    .into()
}

pub fn channel(c: &Channel, viewer: i64) -> tl::enums::Chat {
    tl::types::Channel {
        creator: c.creator == viewer,
        left: !c.members.contains(&viewer),
        broadcast: c.broadcast,
        verified: false,
        megagroup: !c.broadcast,
        restricted: false,
        signatures: false,
        min: false,
        scam: false,
        has_link: c.linked_chat.is_some(),
        has_geo: false,
        slowmode_enabled: false,
        call_active: false,
        call_not_empty: false,
        fake: false,
        gigagroup: false,
        noforwards: false,
        join_to_send: false,
        join_request: false,
        forum: c.forum,
        stories_hidden: false,
        stories_hidden_min: false,
        stories_unavailable: true,
        signature_profiles: false,
        autotranslation: false,
        broadcast_messages_allowed: false,
        monoforum: false,
        forum_tabs: false,
        id: c.id,
        access_hash: Some(c.access_hash),
        title: c.title.clone(),
        username: c.username.clone(),
        photo: tl::enums::ChatPhoto::Empty,
        date: c.date,
        restriction_reason: None,
        admin_rights: None,
        banned_rights: None,
        default_banned_rights: None,
        participants_count: Some(c.members.len() as i32),
        usernames: None,
        stories_max_id: None,
        color: None,
        profile_color: None,
        emoji_status: None,
        level: None,
        subscription_until_date: None,
        bot_verification_icon: None,
        send_paid_messages_stars: None,
        linked_monoforum_id: None,
        linked_community_id: None,
    }
    .into()
}

/// What a user's last seen shows, varied as in a real contact list: bots have none, you
/// are online, others are online, were seen a while ago, recently or within the week
/// (picked by id, so one user keeps the same kind).
fn status(u: &User, is_self: bool) -> Option<tl::enums::UserStatus> {
    let now = now();
    if u.bot {
        return None;
    }
    if is_self {
        return Some(tl::types::UserStatusOnline { expires: now + 300 }.into());
    }
    Some(match u.id.rem_euclid(5) {
        0 => tl::types::UserStatusOnline { expires: now + 240 }.into(),
        1 => tl::types::UserStatusOffline {
            was_online: now - 17 * 60,
        }
        .into(),
        2 => tl::types::UserStatusOffline {
            was_online: now - 3 * 3600 - (u.id.rem_euclid(7) as i32) * 600,
        }
        .into(),
        3 => tl::types::UserStatusLastWeek { by_me: false }.into(),
        _ => tl::types::UserStatusRecently { by_me: false }.into(),
    })
}

fn media(m: &Media, date: i32) -> tl::enums::MessageMedia {
    match m {
        Media::Photo { id } => tl::types::MessageMediaPhoto {
            spoiler: false,
            live_photo: false,
            photo: Some(photo(
                *id,
                date,
                super::seed::DEMO_PHOTO_SIZE.0,
                super::seed::DEMO_PHOTO_SIZE.1,
                super::seed::DEMO_PHOTO.len() as i64,
            )),
            ttl_seconds: None,
            video: None,
        }
        .into(),
        Media::Document {
            id,
            file_name,
            mime_type,
            size,
        } => {
            let name = tl::types::DocumentAttributeFilename {
                file_name: file_name.clone(),
            };
            document_media(document(*id, date, mime_type, *size, name.into()), false)
        }
        Media::Voice { id, duration, size } => {
            let audio = tl::types::DocumentAttributeAudio {
                voice: true,
                duration: *duration,
                title: None,
                performer: None,
                waveform: None,
            };
            document_media(document(*id, date, "audio/ogg", *size, audio.into()), true)
        }
        Media::UploadedPhoto {
            id,
            width,
            height,
            size,
        } => tl::types::MessageMediaPhoto {
            spoiler: false,
            live_photo: false,
            photo: Some(photo(*id, date, *width, *height, *size)),
            ttl_seconds: None,
            video: None,
        }
        .into(),
    }
}

/// The access hash the sandbox gives a photo or document: derived from its id, so any
/// other value is refused like a forged one.
pub fn file_access_hash(id: i64) -> i64 {
    id ^ 0x5a5a_5a5a
}

/// A photo in one size (`y`, the largest letter Telegram uses for full-size photos).
fn photo(id: i64, date: i32, w: i32, h: i32, size: i64) -> tl::enums::Photo {
    tl::types::Photo {
        has_stickers: false,
        id,
        access_hash: file_access_hash(id),
        file_reference: Vec::new(),
        date,
        sizes: vec![
            tl::types::PhotoSize {
                r#type: "y".into(),
                w,
                h,
                size: size as i32,
            }
            .into(),
        ],
        video_sizes: None,
        dc_id: super::DC_ID,
    }
    .into()
}

/// The `messageMedia` a message with `m` carries (also `messages.uploadMedia`'s answer).
pub fn message_media(m: &Media, date: i32) -> tl::enums::MessageMedia {
    media(m, date)
}

fn document(
    id: i64,
    date: i32,
    mime_type: &str,
    size: i64,
    attribute: tl::enums::DocumentAttribute,
) -> tl::enums::Document {
    tl::types::Document {
        id,
        access_hash: file_access_hash(id),
        file_reference: Vec::new(),
        date,
        mime_type: mime_type.to_owned(),
        size,
        thumbs: None,
        video_thumbs: None,
        dc_id: super::DC_ID,
        attributes: vec![attribute],
    }
    .into()
}

fn document_media(document: tl::enums::Document, voice: bool) -> tl::enums::MessageMedia {
    tl::types::MessageMediaDocument {
        nopremium: false,
        spoiler: false,
        video: false,
        round: false,
        voice,
        document: Some(document),
        alt_documents: None,
        video_cover: None,
        video_timestamp: None,
        ttl_seconds: None,
    }
    .into()
}

/// A reply to message `id` of the same chat.
pub fn reply_header(id: i32) -> tl::enums::MessageReplyHeader {
    tl::types::MessageReplyHeader {
        reply_to_scheduled: false,
        forum_topic: false,
        quote: false,
        reply_to_ephemeral: false,
        reply_to_msg_id: Some(id),
        reply_to_peer_id: None,
        reply_from: None,
        reply_media: None,
        reply_to_top_id: None,
        quote_text: None,
        quote_entities: None,
        quote_offset: None,
        todo_item_id: None,
        poll_option: None,
    }
    .into()
}

/// The reply header of a message: in a forum topic other than General, it points at the
/// topic (`forum_topic`), and at the topic as `reply_to_top_id` when it answers a message
/// inside it.
pub fn topic_reply_header(m: &Message) -> Option<tl::enums::MessageReplyHeader> {
    let Some(topic) = m.topic else {
        return m.reply_to.map(reply_header);
    };
    let tl::enums::MessageReplyHeader::Header(mut header) =
        reply_header(m.reply_to.unwrap_or(topic))
    else {
        return None;
    };
    header.forum_topic = true;
    header.reply_to_top_id = m.reply_to.filter(|&r| r != topic).map(|_| topic);
    Some(header.into())
}

pub fn message(m: &Message, viewer: i64) -> tl::enums::Message {
    // A discussion group's copy of a post is sent by the channel, not posted in it.
    let copy_of = match m.discussion {
        Some(Discussion::Copy { channel, post }) => Some((channel, post)),
        _ => None,
    };
    let post = m.from.is_none() && copy_of.is_none();
    if let Some(action) = &m.action {
        return service_message(m, action, viewer);
    }
    tl::types::Message {
        out: m.is_out(viewer),
        mentioned: m.mentions.contains(&viewer),
        media_unread: false,
        silent: false,
        post,
        from_scheduled: false,
        legacy: false,
        edit_hide: false,
        pinned: m.pinned,
        noforwards: false,
        invert_media: false,
        offline: false,
        video_processing_pending: false,
        paid_suggested_post_stars: false,
        paid_suggested_post_ton: false,
        id: m.id,
        from_id: m
            .from
            .map(|u| peer(Peer::User(u)))
            .or_else(|| copy_of.map(|(channel, _)| peer(Peer::Channel(channel)))),
        from_boosts_applied: None,
        from_rank: None,
        peer_id: peer(m.peer_for(viewer)),
        saved_peer_id: None,
        fwd_from: m.fwd_from.as_ref().map(|f| {
            let mut header = fwd_header(f);
            let tl::enums::MessageFwdHeader::Header(h) = &mut header;
            if let Some((channel, post)) = copy_of {
                h.saved_from_peer = Some(peer(Peer::Channel(channel)));
                h.saved_from_msg_id = Some(post);
            }
            header
        }),
        via_bot_id: None,
        via_business_bot_id: None,
        guestchat_via_from: None,
        reply_to: topic_reply_header(m),
        date: m.date,
        message: m.text.clone(),
        media: m.media.as_ref().map(|x| media(x, m.date)),
        reply_markup: None,
        entities: (!m.entities.is_empty()).then(|| m.entities.clone()),
        // One TL flag covers both: set together or not at all.
        views: post.then_some(1),
        forwards: post.then_some(0),
        replies: comments(m),
        edit_date: m.edit_date,
        post_author: None,
        grouped_id: m.grouped_id,
        reactions: reactions(m, viewer),
        restriction_reason: None,
        ttl_period: None,
        quick_reply_shortcut_id: None,
        effect: None,
        factcheck: None,
        report_delivery_until_date: None,
        paid_message_stars: None,
        suggested_post: None,
        schedule_repeat_period: None,
        summary_from_language: None,
        rich_message: None,
    }
    .into()
}

/// One entry of the caller's chat list, with its read state.
pub fn dialog(world: &World, viewer: i64, p: Peer) -> tl::enums::Dialog {
    let settings = world.dialog_settings(viewer, p);
    tl::types::Dialog {
        pinned: settings.pinned,
        unread_mark: false,
        view_forum_as_messages: false,
        peer: peer(p),
        top_message: world.top_message(viewer, p).map_or(0, |m| m.id),
        read_inbox_max_id: world.read_inbox_max_id(viewer, p),
        read_outbox_max_id: world.read_outbox_max_id(viewer, p),
        unread_count: world.unread_count(viewer, p),
        unread_mentions_count: world.unread_mentions_count(viewer, p, None),
        unread_reactions_count: world.unread_reactions_count(viewer, p, None),
        unread_poll_votes_count: 0,
        notify_settings: super::inbox::notify_settings(settings),
        pts: matches!(p, Peer::Channel(_)).then(|| world.pts_for(viewer, p)),
        draft: world.drafts.get(&(viewer, p)).cloned(),
        folder_id: settings.archived.then_some(super::inbox::ARCHIVE_FOLDER),
        ttl_period: None,
    }
    .into()
}

/// A basic group's full info: its members, the creator first.
pub fn chat_full(c: &Chat) -> tl::enums::ChatFull {
    let participants = c.members.iter().map(|&user_id| {
        if user_id == c.creator {
            tl::types::ChatParticipantCreator {
                user_id,
                rank: None,
            }
            .into()
        } else {
            tl::types::ChatParticipant {
                user_id,
                inviter_id: c.creator,
                date: c.date,
                rank: None,
            }
            .into()
        }
    });
    let mut participants: Vec<tl::enums::ChatParticipant> = participants.collect();
    participants.sort_by_key(|p| !matches!(p, tl::enums::ChatParticipant::Creator(_)));
    tl::types::ChatFull {
        can_set_username: false,
        has_scheduled: false,
        translations_disabled: false,
        has_welcome_messages: false,
        id: c.id,
        about: String::new(),
        participants: tl::types::ChatParticipants {
            chat_id: c.id,
            participants,
            version: 1,
        }
        .into(),
        chat_photo: None,
        notify_settings: notify_settings(),
        exported_invite: None,
        bot_info: None,
        pinned_msg_id: None,
        folder_id: None,
        call: None,
        ttl_period: None,
        groupcall_default_join_as: None,
        theme_emoticon: None,
        requests_pending: None,
        recent_requesters: None,
        available_reactions: None,
        reactions_limit: None,
    }
    .into()
}

/// A channel's or supergroup's full info, with `viewer`'s read state in it.
pub fn channel_full(c: &Channel, viewer: i64, world: &World) -> tl::enums::ChatFull {
    let p = Peer::Channel(c.id);
    tl::types::ChannelFull {
        can_view_participants: !c.broadcast,
        can_set_username: c.creator == viewer,
        can_set_stickers: false,
        hidden_prehistory: false,
        can_set_location: false,
        has_scheduled: false,
        can_view_stats: false,
        blocked: false,
        can_delete_channel: c.creator == viewer,
        antispam: false,
        participants_hidden: false,
        translations_disabled: false,
        stories_pinned_available: false,
        view_forum_as_messages: false,
        restricted_sponsored: false,
        can_view_revenue: false,
        paid_media_allowed: false,
        can_view_stars_revenue: false,
        paid_reactions_available: false,
        stargifts_available: false,
        paid_messages_available: false,
        has_welcome_messages: false,
        id: c.id,
        about: c.about.clone().unwrap_or_default(),
        participants_count: Some(c.members.len() as i32),
        admins_count: Some(c.admins.len() as i32 + 1),
        kicked_count: None,
        banned_count: None,
        online_count: None,
        read_inbox_max_id: world.read_inbox_max_id(viewer, p),
        read_outbox_max_id: world.read_outbox_max_id(viewer, p),
        unread_count: world.unread_count(viewer, p),
        chat_photo: tl::types::PhotoEmpty { id: 0 }.into(),
        notify_settings: notify_settings(),
        exported_invite: None,
        bot_info: Vec::new(),
        migrated_from_chat_id: None,
        migrated_from_max_id: None,
        pinned_msg_id: None,
        stickerset: None,
        available_min_id: None,
        folder_id: None,
        linked_chat_id: c.linked_chat,
        location: None,
        slowmode_seconds: None,
        slowmode_next_send_date: None,
        stats_dc: None,
        pts: c.pts,
        call: None,
        ttl_period: None,
        pending_suggestions: None,
        groupcall_default_join_as: None,
        theme_emoticon: None,
        requests_pending: None,
        recent_requesters: None,
        default_send_as: None,
        available_reactions: None,
        reactions_limit: None,
        stories: None,
        wallpaper: None,
        boosts_applied: None,
        boosts_unrestrict: None,
        emojiset: None,
        bot_verification: None,
        stargifts_count: None,
        send_paid_messages_stars: None,
        main_tab: None,
        guard_bot_id: None,
    }
    .into()
}

/// A user's full profile as `viewer` sees it.
pub fn user_full(u: &User, viewer: i64, world: &World) -> tl::enums::UserFull {
    let common_chats = world
        .dialogs(viewer)
        .into_iter()
        .filter(|&p| match p {
            Peer::Chat(_) => world.is_member(u.id, p),
            Peer::Channel(id) => {
                world.is_member(u.id, p) && world.channels.get(&id).is_some_and(|c| !c.broadcast)
            }
            Peer::User(_) => false,
        })
        .count();
    tl::types::UserFull {
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
        id: u.id,
        about: u.about.clone(),
        settings: peer_settings(),
        personal_photo: None,
        profile_photo: None,
        fallback_photo: None,
        notify_settings: notify_settings(),
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
    }
    .into()
}

fn peer_settings() -> tl::enums::PeerSettings {
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

/// Default notification settings (nothing muted), as Telegram sends for untouched chats.
pub fn notify_settings() -> tl::enums::PeerNotifySettings {
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

/// The `users` and `chats` vectors that must accompany an answer: every peer the answer
/// mentions, rendered for `viewer`. Handlers collect peers here so the vectors are
/// consistent by construction.
#[derive(Default)]
pub struct Mentions {
    users: BTreeSet<i64>,
    chats: BTreeSet<i64>,
    channels: BTreeSet<i64>,
}

impl Mentions {
    pub fn add(&mut self, p: Peer) -> &mut Self {
        match p {
            Peer::User(id) => self.users.insert(id),
            Peer::Chat(id) => self.chats.insert(id),
            Peer::Channel(id) => self.channels.insert(id),
        };
        self
    }

    pub fn add_message(&mut self, m: &Message, viewer: i64) -> &mut Self {
        self.add(m.peer_for(viewer)).add(m.to);
        if let Some(from) = m.from {
            self.add(Peer::User(from));
        }
        if let Some(origin) = m.fwd_from.as_ref().and_then(|f| f.from) {
            self.add(origin);
        }
        for (user, _) in recent_reactions(m) {
            self.add(Peer::User(*user));
        }
        if let Some(Action::ChatAddUser(users)) = &m.action {
            for user in users {
                self.add(Peer::User(*user));
            }
        }
        self
    }

    pub fn users(&self, world: &World, viewer: i64) -> Vec<tl::enums::User> {
        self.users
            .iter()
            .filter_map(|id| world.users.get(id))
            .map(|u| user(u, Some(viewer), world))
            .collect()
    }

    pub fn chats(&self, world: &World, viewer: i64) -> Vec<tl::enums::Chat> {
        let chats = self
            .chats
            .iter()
            .filter_map(|id| world.chats.get(id))
            .map(|c| chat(c, viewer));
        let channels = self
            .channels
            .iter()
            .filter_map(|id| world.channels.get(id))
            .map(|c| channel(c, viewer));
        chats.chain(channels).collect()
    }
}

/// An `updates` envelope for `viewer` around `updates`, carrying every peer `mentions`
/// names. seq 0: these updates belong to pts sequences, not to the global seq.
pub fn updates(
    updates: Vec<tl::enums::Update>,
    mentions: &Mentions,
    world: &World,
    viewer: i64,
) -> tl::enums::Updates {
    tl::types::Updates {
        updates,
        users: mentions.users(world, viewer),
        chats: mentions.chats(world, viewer),
        date: now(),
        seq: 0,
    }
    .into()
}

/// help.getConfig as DC `this_dc` answers it: every DC of the sandbox as a static
/// option, which is what grammers keeps.
pub fn config(this_dc: i32, dcs: &[(i32, SocketAddr)]) -> tl::enums::Config {
    let date = now();
    let option = |&(id, addr): &(i32, SocketAddr)| {
        tl::enums::DcOption::Option(tl::types::DcOption {
            ipv6: addr.is_ipv6(),
            media_only: false,
            tcpo_only: false,
            cdn: false,
            r#static: true,
            this_port_only: false,
            id,
            ip_address: addr.ip().to_string(),
            port: addr.port() as i32,
            secret: None,
        })
    };
    let dc_options = dcs.iter().map(option).collect();
    tl::types::Config {
        default_p2p_contacts: false,
        preload_featured_stickers: false,
        revoke_pm_inbox: true,
        blocked_mode: false,
        force_try_ipv6: false,
        date,
        expires: date + 3600,
        test_mode: false,
        this_dc,
        dc_options,
        dc_txt_domain_name: "sandbox.invalid".into(),
        chat_size_max: 200,
        megagroup_size_max: 200_000,
        forwarded_count_max: 100,
        online_update_period_ms: 210_000,
        offline_blur_timeout_ms: 5_000,
        offline_idle_timeout_ms: 30_000,
        online_cloud_timeout_ms: 300_000,
        notify_cloud_delay_ms: 30_000,
        notify_default_delay_ms: 1_500,
        push_chat_period_ms: 60_000,
        push_chat_limit: 2,
        edit_time_limit: 172_800,
        revoke_time_limit: i32::MAX,
        revoke_pm_time_limit: i32::MAX,
        rating_e_decay: 2_419_200,
        stickers_recent_limit: 200,
        channels_read_media_period: 604_800,
        tmp_sessions: None,
        call_receive_timeout_ms: 20_000,
        call_ring_timeout_ms: 90_000,
        call_connect_timeout_ms: 30_000,
        call_packet_timeout_ms: 10_000,
        me_url_prefix: "https://t.me/".into(),
        autoupdate_url_prefix: None,
        gif_search_username: None,
        venue_search_username: None,
        img_search_username: None,
        static_maps_provider: None,
        caption_length_max: 1024,
        message_length_max: 4096,
        webfile_dc_id: dcs.first().map_or(this_dc, |&(id, _)| id),
        suggested_lang_code: None,
        lang_pack_version: None,
        base_lang_pack_version: None,
        reactions_default: None,
        autologin_token: None,
    }
    .into()
}

/// `messageService` for a service message: what happened, as `viewer` sees it.
fn service_message(m: &Message, action: &Action, viewer: i64) -> tl::enums::Message {
    let action = match action {
        Action::PinMessage => tl::enums::MessageAction::PinMessage,
        Action::ChatAddUser(users) => tl::types::MessageActionChatAddUser {
            users: users.clone(),
        }
        .into(),
        Action::ChatEditTitle(title) => tl::types::MessageActionChatEditTitle {
            title: title.clone(),
        }
        .into(),
    };
    tl::types::MessageService {
        out: m.is_out(viewer),
        mentioned: false,
        media_unread: false,
        reactions_are_possible: false,
        silent: false,
        post: m.from.is_none(),
        legacy: false,
        id: m.id,
        from_id: m.from.map(|u| peer(Peer::User(u))),
        peer_id: peer(m.peer_for(viewer)),
        saved_peer_id: None,
        reply_to: m.reply_to.map(reply_header),
        date: m.date,
        action,
        reactions: None,
        ttl_period: None,
    }
    .into()
}

fn fwd_header(origin: &Forwarded) -> tl::enums::MessageFwdHeader {
    tl::types::MessageFwdHeader {
        imported: false,
        saved_out: false,
        from_id: origin.from.map(peer),
        from_name: None,
        date: origin.date,
        channel_post: origin.channel_post,
        post_author: None,
        saved_from_peer: None,
        saved_from_msg_id: None,
        saved_from_id: None,
        saved_from_name: None,
        saved_date: None,
        psa_type: None,
    }
    .into()
}

/// Telegram lists the latest reactions, newest first, up to this many.
const RECENT_REACTIONS: usize = 5;

fn recent_reactions(m: &Message) -> impl Iterator<Item = &(i64, String)> {
    m.reactions.iter().rev().take(RECENT_REACTIONS)
}

/// `messageReactions` as `viewer` sees them: a count per emoji in the order they first
/// came, the viewer's own marked `chosen_order`, and who reacted lately.
fn reactions(m: &Message, viewer: i64) -> Option<tl::enums::MessageReactions> {
    (!m.reactions.is_empty()).then(|| message_reactions(m, viewer))
}

/// [`reactions`], empty when there are none (what `updateMessageReactions` carries after
/// the last reaction is taken back).
pub fn message_reactions(m: &Message, viewer: i64) -> tl::enums::MessageReactions {
    let mut results: Vec<(String, i32, bool)> = Vec::new();
    for (user, emoji) in &m.reactions {
        match results.iter_mut().find(|(e, _, _)| e == emoji) {
            Some(result) => {
                result.1 += 1;
                result.2 |= *user == viewer;
            }
            None => results.push((emoji.clone(), 1, *user == viewer)),
        }
    }
    let emoji = |emoticon: &str| -> tl::enums::Reaction {
        tl::types::ReactionEmoji {
            emoticon: emoticon.to_owned(),
        }
        .into()
    };
    tl::types::MessageReactions {
        min: false,
        can_see_list: !matches!(m.to, Peer::User(_)),
        reactions_as_tags: false,
        results: results
            .iter()
            .map(|(e, count, mine)| {
                tl::types::ReactionCount {
                    chosen_order: mine.then_some(0),
                    reaction: emoji(e),
                    count: *count,
                }
                .into()
            })
            .collect(),
        recent_reactions: Some(
            recent_reactions(m)
                .map(|(user, e)| {
                    tl::types::MessagePeerReaction {
                        big: false,
                        unread: false,
                        my: *user == viewer,
                        peer_id: peer(Peer::User(*user)),
                        date: m.edit_date.unwrap_or(m.date),
                        reaction: emoji(e),
                    }
                    .into()
                })
                .collect(),
        ),
        top_reactors: None,
    }
    .into()
}

/// The comments of a post with a discussion group (`messageReplies` with `comments`).
fn comments(m: &Message) -> Option<tl::enums::MessageReplies> {
    let Some(Discussion::Post {
        group,
        replies,
        max_id,
        replies_pts,
        ..
    }) = m.discussion
    else {
        return None;
    };
    Some(
        tl::types::MessageReplies {
            comments: true,
            replies,
            replies_pts,
            recent_repliers: None,
            channel_id: Some(group),
            max_id,
            read_max_id: None,
        }
        .into(),
    )
}

//! Plumbing for the sandbox method tests: a demo world with a logged-in client, peers by
//! name, request builders with Telegram's defaults, and answers unpacked for asserting.

use std::collections::BTreeSet;

use grammers_client::{InvocationError, tl};
use tgmcp::sandbox::{Peer, Sandbox, World};

use crate::common::{TestClient, connect, within};

pub fn rpc_name(err: &InvocationError) -> String {
    match err {
        InvocationError::Rpc(rpc) => match rpc.value {
            Some(v) => format!("{}_{v}", rpc.name),
            None => rpc.name.clone(),
        },
        other => format!("not an RPC error: {other}"),
    }
}

/// The demo world, served, with Alex logged in.
pub struct Demo {
    pub sandbox: Sandbox,
    pub me: i64,
    pub tc: TestClient,
}

impl Demo {
    pub async fn start() -> Self {
        let world = World::demo();
        let me = world.demo_user().expect("demo user");
        let sandbox = Sandbox::start(world).await.expect("sandbox starts");
        let tc = connect(&sandbox, sandbox.authorized_key(me));
        Self { sandbox, me, tc }
    }

    /// A client logged in as someone else, connected (so pushes can reach it).
    pub async fn connect_as(&self, user: i64) -> TestClient {
        let tc = connect(&self.sandbox, self.sandbox.authorized_key(user));
        within(10, tc.client.get_me())
            .await
            .expect("second client works");
        tc
    }

    /// A user by username, a chat or channel by title or username.
    pub fn peer(&self, name: &str) -> Peer {
        let w = self.sandbox.world();
        if let Some(u) = w.user_by_username(name) {
            return Peer::User(u.id);
        }
        if let Some(c) = w.channel_by_username(name).or(w.channel_by_title(name)) {
            return Peer::Channel(c.id);
        }
        if let Some(c) = w.chat_by_title(name) {
            return Peer::Chat(c.id);
        }
        panic!("no peer named {name} in the demo world")
    }

    pub fn user(&self, name: &str) -> i64 {
        match self.peer(name) {
            Peer::User(id) => id,
            other => panic!("{name} is {other:?}, not a user"),
        }
    }

    pub fn input(&self, peer: Peer) -> tl::enums::InputPeer {
        self.sandbox.world().input_peer(peer).expect("peer exists")
    }

    pub fn input_named(&self, name: &str) -> tl::enums::InputPeer {
        self.input(self.peer(name))
    }

    pub fn input_channel(&self, name: &str) -> tl::enums::InputChannel {
        match self.input_named(name) {
            tl::enums::InputPeer::Channel(c) => tl::types::InputChannel {
                channel_id: c.channel_id,
                access_hash: c.access_hash,
            }
            .into(),
            other => panic!("{name} is not a channel: {other:?}"),
        }
    }

    pub async fn call<R: tl::RemoteCall>(&self, request: &R) -> Result<R::Return, InvocationError> {
        within(10, self.tc.client.invoke(request)).await
    }

    /// The RPC error `request` fails with.
    pub async fn error<R: tl::RemoteCall>(&self, request: &R) -> String
    where
        R::Return: std::fmt::Debug,
    {
        match self.call(request).await {
            Ok(answer) => panic!("expected an error, got {answer:?}"),
            Err(err) => rpc_name(&err),
        }
    }
}

pub fn search(peer: tl::enums::InputPeer, q: &str) -> tl::functions::messages::Search {
    tl::functions::messages::Search {
        peer,
        q: q.into(),
        from_id: None,
        saved_peer_id: None,
        saved_reaction: None,
        top_msg_id: None,
        filter: tl::enums::MessagesFilter::InputMessagesFilterEmpty,
        min_date: 0,
        max_date: 0,
        offset_id: 0,
        add_offset: 0,
        limit: 100,
        max_id: 0,
        min_id: 0,
        hash: 0,
    }
}

pub fn search_global(q: &str) -> tl::functions::messages::SearchGlobal {
    tl::functions::messages::SearchGlobal {
        broadcasts_only: false,
        groups_only: false,
        users_only: false,
        folder_id: None,
        community: None,
        q: q.into(),
        filter: tl::enums::MessagesFilter::InputMessagesFilterEmpty,
        min_date: 0,
        max_date: 0,
        offset_rate: 0,
        offset_peer: tl::enums::InputPeer::Empty,
        offset_id: 0,
        limit: 100,
    }
}

pub fn history(peer: tl::enums::InputPeer, limit: i32) -> tl::functions::messages::GetHistory {
    tl::functions::messages::GetHistory {
        peer,
        offset_id: 0,
        offset_date: 0,
        add_offset: 0,
        limit,
        max_id: 0,
        min_id: 0,
        hash: 0,
    }
}

pub fn dialogs(limit: i32) -> tl::functions::messages::GetDialogs {
    tl::functions::messages::GetDialogs {
        exclude_pinned: false,
        folder_id: None,
        offset_date: 0,
        offset_id: 0,
        offset_peer: tl::enums::InputPeer::Empty,
        limit,
        hash: 0,
    }
}

/// Which constructor a `messages.Messages` answer used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Messages,
    Slice,
    Channel,
}

/// A `messages.Messages` answer, flattened.
#[derive(Debug)]
pub struct Page {
    pub form: Form,
    pub count: Option<i32>,
    pub next_rate: Option<i32>,
    pub messages: Vec<tl::types::Message>,
    pub empty_ids: Vec<i32>,
    pub users: BTreeSet<i64>,
    pub chats: BTreeSet<i64>,
}

impl Page {
    pub fn ids(&self) -> Vec<i32> {
        self.messages.iter().map(|m| m.id).collect()
    }

    pub fn texts(&self) -> Vec<&str> {
        self.messages.iter().map(|m| m.message.as_str()).collect()
    }

    /// Every peer a message names is in the `users`/`chats` vectors, and nothing else is.
    pub fn assert_mentions_match(&self) {
        let mut users = BTreeSet::new();
        let mut chats = BTreeSet::new();
        for m in &self.messages {
            for p in [Some(&m.peer_id), m.from_id.as_ref()].into_iter().flatten() {
                match p {
                    tl::enums::Peer::User(u) => users.insert(u.user_id),
                    tl::enums::Peer::Chat(c) => chats.insert(c.chat_id),
                    tl::enums::Peer::Channel(c) => chats.insert(c.channel_id),
                };
            }
        }
        assert!(
            users.is_subset(&self.users),
            "users {users:?} ⊄ {:?}",
            self.users
        );
        assert!(
            chats.is_subset(&self.chats),
            "chats {chats:?} ⊄ {:?}",
            self.chats
        );
    }
}

pub fn page(answer: tl::enums::messages::Messages) -> Page {
    use tl::enums::messages::Messages as M;
    let (form, count, next_rate, messages, users, chats) = match answer {
        M::Messages(m) => (Form::Messages, None, None, m.messages, m.users, m.chats),
        M::Slice(m) => (
            Form::Slice,
            Some(m.count),
            m.next_rate,
            m.messages,
            m.users,
            m.chats,
        ),
        M::ChannelMessages(m) => (
            Form::Channel,
            Some(m.count),
            None,
            m.messages,
            m.users,
            m.chats,
        ),
        M::NotModified(_) => panic!("the sandbox never answers messagesNotModified"),
    };
    let mut page = Page {
        form,
        count,
        next_rate,
        messages: Vec::new(),
        empty_ids: Vec::new(),
        users: users.iter().map(|u| u.id()).collect(),
        chats: chats.iter().map(|c| c.id()).collect(),
    };
    for m in messages {
        match m {
            tl::enums::Message::Message(m) => page.messages.push(m),
            tl::enums::Message::Empty(e) => page.empty_ids.push(e.id),
            tl::enums::Message::Service(s) => panic!("no service messages expected: {s:?}"),
        }
    }
    page.assert_mentions_match();
    page
}

pub fn peer_of(m: &tl::types::Message) -> Peer {
    match &m.peer_id {
        tl::enums::Peer::User(u) => Peer::User(u.user_id),
        tl::enums::Peer::Chat(c) => Peer::Chat(c.chat_id),
        tl::enums::Peer::Channel(c) => Peer::Channel(c.channel_id),
    }
}

pub fn sender(m: &tl::types::Message) -> Option<i64> {
    match m.from_id {
        Some(tl::enums::Peer::User(ref u)) => Some(u.user_id),
        _ => None,
    }
}

//! The Telegram core: one function per operation, typed inputs, serde outputs. It never
//! prints, prompts or reads the environment.

pub mod access;
mod access_invoke;
pub mod actions;
pub mod client;
pub mod dates;
pub mod files;
pub mod invoke;
pub mod limit;
pub mod login;
pub mod login_state;
pub mod model;
pub mod ops;
pub mod outcome;
pub mod progress;
pub mod session;
pub mod stats;
pub mod telethon;
pub mod watch;

mod chats;
mod comments;
mod drafts;
pub mod markdown;
mod messages;
mod names;
pub mod peers;
mod render;
mod search;
mod seen;
mod send;
pub mod unread;

pub use access::{AccessList, ChatClass, Entry as AccessEntry, Intent};
pub use client::{ConnectOptions, Telegram};
pub use files::{Attachments, DownloadTarget, Downloaded, FilePolicy, LocalFiles, UploadProgress};
pub use invoke::{Invoke, Prepared};
pub use login_state::{CodeDelivery, PendingLogin};
pub use model::{
    Account, ChatInfo, ChatList, ChatType, CommentOn, DeleteResult, Entity, Message,
    PhoneSendResult, PinResult, Reaction, ReactionResult, ReadResult, SearchPage, SendResult,
};
pub use model::{MarkedRead, Topic, TopicList, Unread, UnreadChat};
pub use ops::{
    ChatSearch, DeleteMessages, EditMessage, FindChats, ForwardMessages, GlobalSearch, ParseMode,
    PinMessage, SendMessage, SendReaction, SendToPhone,
};
pub use ops::{GetUnread, ListTopics, MarkRead};
pub use progress::Progress;
pub use send::{DEFAULT_MAX_PARTS, MAX_MESSAGE_LEN};
pub use session::FileSession;
pub use stats::{RpcSnapshot, RpcStats, Tally};
pub use watch::{NewMessages, NewMessagesPage};

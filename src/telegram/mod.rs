//! The Telegram core: one function per operation, typed inputs, serde outputs. It never
//! prints, prompts or reads the environment.

pub mod actions;
pub mod client;
pub mod dates;
pub mod files;
pub mod invoke;
pub mod login;
pub mod login_state;
pub mod model;
pub mod ops;
pub mod outcome;
pub mod session;
pub mod stats;
pub mod telethon;

mod chats;
pub mod markdown;
mod messages;
mod peers;
mod render;
mod search;
mod send;

pub use client::{ConnectOptions, Telegram};
pub use files::{Attachments, DownloadTarget, Downloaded, FilePolicy, LocalFiles, UploadProgress};
pub use invoke::{Invoke, Prepared};
pub use login_state::PendingLogin;
pub use model::{
    Account, ChatInfo, ChatList, ChatType, DeleteResult, Entity, Message, PhoneSendResult,
    PinResult, Reaction, ReactionResult, ReadResult, SearchPage, SendResult,
};
pub use ops::{
    ChatSearch, DeleteMessages, EditMessage, FindChats, ForwardMessages, GlobalSearch, ParseMode,
    PinMessage, SendMessage, SendReaction, SendToPhone,
};
pub use send::{DEFAULT_MAX_PARTS, MAX_MESSAGE_LEN};
pub use session::FileSession;
pub use stats::{RpcSnapshot, RpcStats, Tally};

//! The Telegram core: one function per operation, typed inputs, serde outputs. It never
//! prints, prompts or reads the environment.

pub mod client;
pub mod login;
pub mod login_state;
pub mod model;
pub mod session;

pub use client::{ConnectOptions, Telegram};
pub use login_state::PendingLogin;
pub use model::Account;
pub use session::FileSession;

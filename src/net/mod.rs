//! The network beyond Telegram: fetching files by URL for sending, with SSRF protection
//! ([`fetch`]) built on a pure address classifier ([`addr`]).

pub mod addr;
pub mod fetch;

pub use fetch::{
    FetchPolicy, Fetched, Fetcher, Resolver, SystemResolver, install_crypto_provider, redact_url,
};

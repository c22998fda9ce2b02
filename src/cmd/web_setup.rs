//! `serve --http --web-setup`: what the `/setup` page needs from the command line — where
//! logins go, the api_id and api_hash they use, and how a fresh session is made (an empty
//! one for Telegram, one the demo's DC knows under `--sandbox`).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::Context;
use crate::error::{Error, Result};
use crate::http::setup::{Options, SessionMaker, Target};
use crate::telegram::FileSession;

pub fn options(ctx: &Context, accounts: Option<&Path>, expiry: Duration) -> Result<Options> {
    let credentials = ctx.credentials(None, None)?.ok_or_else(|| {
        Error::Config(
            "--web-setup needs an api_id and api_hash for the logins it makes — set TGMCP_API_ID and TGMCP_API_HASH, or add api_id and api_hash to the config file (create them at https://my.telegram.org)".into(),
        )
    })?;
    let target = match accounts {
        Some(dir) => Target::Accounts {
            dir: std::path::absolute(dir).unwrap_or_else(|_| dir.to_owned()),
        },
        None => Target::Profile {
            dir: ctx.config.profile_dir(),
        },
    };
    let new_session: SessionMaker = match &ctx.demo {
        Some(demo) => {
            let home = demo.home.clone();
            Arc::new(move |path: &Path| {
                super::demo::DemoLock::take(&home)?.new_session(path, false)
            })
        }
        None => Arc::new(|path: &Path| {
            FileSession::create(path, &grammers_session::SessionData::default()).map(drop)
        }),
    };
    Ok(Options {
        target,
        credentials,
        new_session,
        expiry,
    })
}

//! The reference server's variables (see [`crate::config::reference`]) applied to the
//! parsed command line, before anything runs: `SESSION_NAME` picks the profile, and
//! `SERVER_MODE`/`HOST`/`PORT`/`DISABLE_AUTH` turn `serve` into `serve --http`. Flags
//! and `TGMCP_*` variables always win.

use crate::cli::{Cli, Command};
use crate::config::{Env, reference};
use crate::error::Result;

/// Applies `env` to `cli`; returns whether the profile is now explicit.
pub fn apply(cli: &mut Cli, profile_explicit: bool, env: &Env) -> Result<bool> {
    let mut explicit = profile_explicit;
    if !profile_explicit && let Some(profile) = reference::profile(env)? {
        cli.global.profile = profile;
        explicit = true;
    }
    if let Command::Serve(args) = &mut cli.command {
        let serve = reference::serve(env, args.http.addr, args.http.no_auth)?;
        args.http.addr = serve.addr;
        args.http.no_auth = serve.no_auth;
    }
    Ok(explicit)
}

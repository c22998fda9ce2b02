//! `tgmcp accounts`: the accounts folder of a hosted server (`serve --http --accounts
//! DIR`), and `setup --accounts DIR`, which makes an account there as it would a profile.
//!
//! An account is a profile folder that lives in DIR instead of the data folder: the same
//! session, credentials and token files, so the login code is the same code.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::{Context, output};
use crate::cli::{AccountsAction, AccountsArgs, GlobalArgs};
use crate::config::{ProfileName, SESSION_FILE, TOKEN_FILE, check_private, ensure_private_dir};
use crate::error::{Error, ExitCode, Result};

/// Points `ctx`'s profile at DIR/NAME, for `setup --accounts DIR --profile NAME`.
pub fn use_accounts_dir(ctx: &mut Context, dir: &Path) -> Result<()> {
    if ctx.demo.is_some() {
        return Err(Error::Config(
            "setup --accounts makes an account for a hosted server and cannot be combined with --sandbox — write the sandbox's session into DIR/NAME yourself, or drop --accounts".into(),
        ));
    }
    if !ctx.profile_explicit {
        return Err(Error::Config(
            "name the account: `tgmcp setup --accounts DIR --profile NAME`".into(),
        ));
    }
    let dir = private_dir(dir, true)?;
    ctx.config.paths.data_dir = dir.clone();
    ctx.config.check_profile_private()?;
    ctx.accounts = Some(dir);
    Ok(())
}

/// DIR as an absolute path, checked private (0700, ours); made so when `create`.
fn private_dir(dir: &Path, create: bool) -> Result<PathBuf> {
    let dir = std::path::absolute(dir).map_err(|e| {
        Error::Config(format!(
            "the accounts folder {} is not a usable path: {e}",
            dir.display()
        ))
    })?;
    if create {
        ensure_private_dir(&dir).map_err(|e| {
            Error::Config(format!(
                "cannot create the accounts folder {}: {e}",
                dir.display()
            ))
        })?;
    } else if !dir.is_dir() {
        return Err(Error::Config(format!(
            "there is no accounts folder {} — make an account with `tgmcp setup --accounts {} --profile NAME`",
            dir.display(),
            dir.display()
        )));
    }
    check_private(&dir, "the accounts folder")?;
    Ok(dir)
}

pub fn run(global: &GlobalArgs, args: AccountsArgs) -> Result<ExitCode> {
    let dir = private_dir(&args.accounts, false)?;
    match args.action {
        AccountsAction::List => list(global, &dir),
        AccountsAction::Remove { name } => remove(global, &dir, &name),
        AccountsAction::RotateToken { name } => rotate_token(global, &dir, &name),
    }
}

fn list(global: &GlobalArgs, dir: &Path) -> Result<ExitCode> {
    let mut accounts = Vec::new();
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::Config(format!("cannot read {}: {e}", dir.display())))?;
    for entry in entries.flatten() {
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        if ProfileName::new(&name).is_err() || !entry.path().is_dir() {
            continue;
        }
        let path = entry.path();
        accounts.push(json!({
            "name": name,
            "logged_in": path.join(SESSION_FILE).exists(),
            "token": path.join(TOKEN_FILE).exists(),
        }));
    }
    accounts.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    if global.json {
        output::json(&json!({"accounts": accounts}));
        return Ok(ExitCode::Ok);
    }
    if accounts.is_empty() {
        output::line(&format!(
            "No accounts in {} yet — add one with `tgmcp setup --accounts {} --profile NAME`.",
            dir.display(),
            dir.display()
        ));
    }
    for account in &accounts {
        let yes_no = |key: &str| if account[key] == true { "yes" } else { "no" };
        output::line(&format!(
            "{}\tlogged in: {}\ttoken: {}",
            account["name"].as_str().unwrap_or_default(),
            yes_no("logged_in"),
            yes_no("token")
        ));
    }
    Ok(ExitCode::Ok)
}

/// DIR/NAME, which must be an account.
fn account_dir(dir: &Path, name: &str) -> Result<PathBuf> {
    let name = ProfileName::new(name)?;
    let path = dir.join(name.as_str());
    if !path.is_dir() {
        return Err(Error::InvalidInput(format!(
            "there is no account {name} in {} — `tgmcp accounts --accounts {} list` shows them",
            dir.display(),
            dir.display()
        )));
    }
    check_private(&path, "the account folder")?;
    Ok(path)
}

fn remove(global: &GlobalArgs, dir: &Path, name: &str) -> Result<ExitCode> {
    let path = account_dir(dir, name)?;
    std::fs::remove_dir_all(&path)
        .map_err(|e| Error::Config(format!("cannot remove {}: {e}", path.display())))?;
    if global.json {
        output::json(&json!({"ok": true, "removed": name}));
    } else {
        output::line(&format!(
            "Removed account {name}: its session and token are gone (a running server refuses its token within a few seconds)."
        ));
    }
    Ok(ExitCode::Ok)
}

fn rotate_token(global: &GlobalArgs, dir: &Path, name: &str) -> Result<ExitCode> {
    let path = account_dir(dir, name)?;
    let token = crate::http::token::generate()?;
    crate::http::token::save(&path.join(TOKEN_FILE), &token)?;
    if global.json {
        output::json(&json!({"ok": true, "account": name, "token": token}));
    } else {
        output::line(&format!(
            "New bearer token for account {name} (the old one stops working within a few seconds):\n{token}"
        ));
    }
    Ok(ExitCode::Ok)
}

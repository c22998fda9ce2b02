//! `tgmcp download CHAT MESSAGE_ID [-o PATH]`: a message's photo or file, saved under its
//! own name in the current folder (or where `-o` says), never over an existing file. The
//! saved path goes to stdout (`--json`: path, size and mime type), for scripts.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::send::naming;
use super::{Context, output};
use crate::cli::DownloadArgs;
use crate::error::{Error, ExitCode, Result};
use crate::telegram::files::DownloadTarget;

pub async fn run(ctx: &Context, args: DownloadArgs) -> Result<ExitCode> {
    // A wrong -o fails before connecting.
    let target = target(args.output.as_deref())?;
    let (chat, message_id) = message(&args.chat, args.message_id)?;
    let tg = ctx.connect_logged_in(Duration::from_secs(args.timeout))?;
    let result = tg.download_media(&chat, message_id, target).await;
    super::finish(tg, &result).await;
    let saved = result.map_err(|e| naming(e, &[&args.chat]))?;
    if ctx.global.json {
        output::json(&saved);
    } else {
        output::line(&saved.path);
    }
    Ok(ExitCode::Ok)
}

/// The chat and message: CHAT and MESSAGE_ID, or a message link alone.
fn message(chat: &str, id: Option<i32>) -> Result<(String, i32)> {
    match (crate::telegram::peers::parse_message_link(chat), id) {
        (Some(link), None) => Ok(link),
        (None, Some(id)) if id > 0 => Ok((chat.to_owned(), id)),
        (None, Some(id)) => Err(Error::InvalidInput(format!(
            "message id {id} is not a message id: ids are positive (`tgmcp search` shows them)"
        ))),
        (Some((_, linked)), Some(id)) => Err(Error::InvalidInput(format!(
            "{chat} already names message {linked}; leave out {id}, or give the chat without the message"
        ))),
        (None, None) => Err(Error::InvalidInput(format!(
            "which message of {chat}? Give its id (`tgmcp download CHAT MESSAGE_ID`) or a message link such as https://t.me/name/123"
        ))),
    }
}

/// `-o`: an existing folder keeps the file's own name; anything else names the file,
/// in a folder that must exist. Without it, the current folder.
fn target(output: Option<&Path>) -> Result<DownloadTarget> {
    let Some(output) = output else {
        return Ok(DownloadTarget {
            dir: PathBuf::from("."),
            path: None,
        });
    };
    let shown = output.display();
    let names_a_folder = output.as_os_str().to_string_lossy().ends_with('/');
    if output.is_dir() {
        return Ok(DownloadTarget {
            dir: output.to_owned(),
            path: None,
        });
    }
    if names_a_folder {
        return Err(Error::InvalidInput(format!(
            "-o {shown}: no such folder — create it first, or give a file name"
        )));
    }
    let Some(name) = output.file_name() else {
        return Err(Error::InvalidInput(format!(
            "-o {shown}: give a folder or a file name"
        )));
    };
    let dir = output
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.is_dir() {
        return Err(Error::InvalidInput(format!(
            "-o {shown}: the folder {} does not exist",
            dir.display()
        )));
    }
    // The name travels as text; one that is not UTF-8 would come out changed.
    let Some(name) = name.to_str() else {
        return Err(Error::InvalidInput(format!(
            "-o {shown}: the file name is not valid UTF-8, and tgmcp saves only under exactly the name given — choose a UTF-8 name, or give a folder to keep the file's own name"
        )));
    };
    Ok(DownloadTarget {
        dir: dir.to_owned(),
        path: Some(name.to_owned()),
    })
}

//! `tgmcp send`: one message from a terminal, a script or cron, that is either delivered
//! (exit 0, every part acknowledged) or reported as not delivered, with nothing resent
//! behind the caller's back.
//!
//! Flood waits are handled here rather than slept inside a call: Telegram did not execute
//! a request it answered FLOOD_WAIT to, so sending it again after the wait is safe, and
//! waiting outside the call keeps `--timeout` about Telegram not answering (exit 4) and
//! `--max-wait` about Telegram asking to wait (exit 1 beyond it), never one posing as the
//! other.

use std::io::{IsTerminal, Read};
use std::sync::Arc;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{Context, output};
use crate::cli::{ReplyTo, SendArgs};
use crate::error::{Error, ExitCode, Result};
use crate::telegram::files::{self, Attachments, FilePolicy, LocalFiles, UploadProgress};
use crate::telegram::{ConnectOptions, ParseMode, SendMessage, SendResult, Telegram};

pub async fn run(ctx: &Context, args: SendArgs) -> Result<ExitCode> {
    // Everything that can fail without Telegram fails before connecting: the text, and
    // every file checked, opened or fetched.
    let text = if !args.files.is_empty() && args.text.is_empty() {
        // Files alone: no caption, and stdin is not read unless `-` asks for it.
        String::new()
    } else {
        match message_text(&args.text, stdin_limit(args.max_parts)).await? {
            Some(text) => text,
            None if !args.files.is_empty() => String::new(),
            None => {
                tracing::info!("stdin was empty: nothing to send");
                return Ok(ExitCode::Ok);
            }
        }
    };
    let policy = FilePolicy {
        local: LocalFiles::Allowed,
        fetch: args.urls.fetch_policy(),
    };
    let attachments = Attachments {
        files: files::prepare(&args.files, &policy).await?,
        force_document: args.as_document,
        progress: progress_bars(),
    };
    let request = SendMessage {
        chat: args.chat.clone(),
        text,
        reply_to: args.reply_to.as_ref().map(|reply| match reply {
            ReplyTo::Id(id) | ReplyTo::Link { id, .. } => *id,
        }),
        parse_mode: match (args.markdown, args.html) {
            (true, _) => Some(ParseMode::Markdown),
            (false, true) => Some(ParseMode::Html),
            (false, false) => None,
        },
        silent: args.silent,
        no_preview: args.no_preview,
        max_parts: Some(args.max_parts),
        topic_id: None,
    };
    let session = ctx.open_session()?;
    let timeout = Duration::from_secs(args.timeout);
    let tg = Telegram::open(
        session,
        ConnectOptions {
            api_id: api_id(ctx)?,
            // Never slept inside a call; see the module comment.
            max_flood_wait: Duration::ZERO,
            timeout,
            ..ConnectOptions::default()
        },
    );

    let result = match &args.reply_to {
        Some(ReplyTo::Link { chat, .. }) => same_chat(&tg, chat, &args.chat).await,
        _ => Ok(()),
    };
    let result = match result {
        Ok(()) => {
            send(
                &tg,
                request,
                &attachments,
                Duration::from_secs(args.max_wait),
            )
            .await
        }
        Err(e) => Err(e),
    };
    super::finish(tg, &result).await;
    let sent = result.map_err(|e| naming(e, &[&args.chat]))?;
    if ctx.global.json {
        output::json(&sent);
    } else {
        if let Some(on) = &sent.comment_on {
            // A note for the person; stdout keeps only the ids.
            let group = sent.messages.first().map_or("", |m| m.chat.title.as_str());
            eprintln!(
                "Sent as a comment on post {} of {}, in {group}.",
                on.post_id, on.chat.title
            );
        }
        for message in &sent.messages {
            match &message.link {
                Some(link) => output::line(&format!("{} {link}", message.id)),
                None => output::line(&message.id.to_string()),
            }
        }
    }
    Ok(ExitCode::Ok)
}

/// `--reply-to LINK`: the link's chat must be the chat sent to, or the reply would go to
/// whatever message has that id there. Resolved from the session (no round trip for a
/// chat already seen).
async fn same_chat(tg: &Telegram, linked: &str, chat: &str) -> Result<()> {
    if tg.chat_id_of(linked).await? == tg.chat_id_of(chat).await? {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "the message --reply-to links to is in {linked}, not in {chat} — send to {linked}, or give the id of a message in {chat}"
        )))
    }
}

/// Flood waits in a row after which a send gives up even within `--max-wait`.
const MAX_FLOOD_WAITS: u32 = 5;

/// Sends, waiting out flood waits up to `max_wait` in all. A flood wait can only come
/// back for a request Telegram did not execute, so the repeat sends nothing twice; a
/// long message that fails after its first part is a [`Error::PartialSend`] and is never
/// repeated. The core reports a network failure as `Network` only when nothing can have
/// left (no connection was ever set up), and as an unknown outcome otherwise.
async fn send(
    tg: &Telegram,
    request: SendMessage,
    attachments: &Attachments,
    max_wait: Duration,
) -> Result<SendResult> {
    let mut waited = Duration::ZERO;
    let mut waits = 0;
    loop {
        match tg.send_message_with(request.clone(), attachments).await {
            Err(Error::FloodWait { seconds, method }) => {
                let wait = Duration::from_secs(u64::from(seconds));
                if waited + wait > max_wait || waits == MAX_FLOOD_WAITS {
                    return Err(Error::FloodWait { seconds, method });
                }
                tracing::warn!(
                    "Telegram asks to wait {seconds} s (flood wait); waiting, then sending (--max-wait {} s)",
                    max_wait.as_secs()
                );
                tokio::time::sleep(wait).await;
                waited += wait;
                waits += 1;
            }
            Err(Error::Network(reason)) => {
                return Err(Error::Network(format!(
                    "{reason}; nothing was sent (raise --timeout if the network is slow)"
                )));
            }
            other => return other,
        }
    }
}

/// One bar per file on stderr while it uploads (bytes, rate, ETA); none when stderr is
/// not a terminal.
fn progress_bars() -> Option<Arc<dyn UploadProgress>> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    Some(Arc::new(Bars {
        multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
        bars: std::sync::Mutex::new(std::collections::HashMap::new()),
    }))
}

struct Bars {
    multi: MultiProgress,
    bars: std::sync::Mutex<std::collections::HashMap<usize, ProgressBar>>,
}

impl Bars {
    fn with(&self, file: usize, f: impl FnOnce(&ProgressBar)) {
        let bars = self.bars.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(bar) = bars.get(&file) {
            f(bar);
        }
    }
}

impl UploadProgress for Bars {
    fn start(&self, file: usize, name: &str, size: u64) {
        let style = ProgressStyle::with_template(
            "{msg:24!} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        let bar = self.multi.add(ProgressBar::new(size).with_style(style));
        bar.set_message(name.to_owned());
        self.bars
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(file, bar);
    }

    fn advance(&self, file: usize, bytes: u64) {
        self.with(file, |bar| bar.inc(bytes));
    }

    fn finish(&self, file: usize) {
        self.with(file, ProgressBar::finish);
    }
}

/// Most bytes read from stdin: what `max_parts` full messages can hold (4096 UTF-16
/// units of up to 3 UTF-8 bytes each), twice over for formatting markup. Reading more
/// would only hold memory for a text that is refused anyway.
fn stdin_limit(max_parts: usize) -> u64 {
    (max_parts as u64)
        .saturating_mul(crate::telegram::MAX_MESSAGE_LEN as u64)
        .saturating_mul(6)
}

/// The text to send: the words given, or stdin for `-` or for no words with stdin not a
/// terminal. `None` when stdin held nothing but whitespace.
async fn message_text(words: &[String], limit: u64) -> Result<Option<String>> {
    let from_stdin = match words {
        [dash] if dash == "-" => true,
        [] if !std::io::stdin().is_terminal() => true,
        [] => {
            return Err(Error::InvalidInput(
                "no message text — give it after CHAT, or pipe it in (`-` reads stdin)".into(),
            ));
        }
        _ => false,
    };
    if !from_stdin {
        return Ok(Some(words.join(" ")));
    }
    if std::io::stdin().is_terminal() {
        eprintln!("Reading the message from stdin; end it with Ctrl-D.");
    }
    let bytes = tokio::task::spawn_blocking(move || {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map(|_| bytes)
    })
    .await
    .map_err(|e| Error::InvalidInput(format!("cannot read stdin: {e}")))?
    .map_err(|e| Error::InvalidInput(format!("cannot read stdin: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(Error::InvalidInput(format!(
            "stdin holds more than {limit} bytes, more than --max-parts messages can carry; nothing was sent — send it as a file (--file), or raise --max-parts"
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::InvalidInput("stdin is not UTF-8 text — convert it first (e.g. with iconv)".into())
    })?;
    // `echo` and most commands end their output with a newline; the message does not.
    let text = text.trim_end_matches(['\n', '\r']);
    Ok((!text.trim().is_empty()).then(|| text.to_owned()))
}

/// A "peer not found" that does not say which chat (Telegram's answer to a lookup names
/// none), with the chats the command was given. Phone numbers are left to the core, which
/// names them masked.
pub(super) fn naming(error: Error, chats: &[&str]) -> Error {
    let chats: Vec<&str> = chats
        .iter()
        .map(|chat| chat.trim())
        .filter(|chat| !chat.starts_with('+'))
        .collect();
    match error {
        Error::PeerNotFound(what)
            if !chats.is_empty() && !chats.iter().any(|chat| what.contains(chat)) =>
        {
            Error::PeerNotFound(format!("{}: {what}", chats.join(" or ")))
        }
        other => other,
    }
}

/// The api_id to connect with: from flags, environment, config, or what setup saved.
pub(super) fn api_id(ctx: &Context) -> Result<i32> {
    match ctx.credentials(None, None)? {
        Some(credentials) => Ok(credentials.api_id),
        None => Err(Error::Config(
            "api_id and api_hash are not set — run `tgmcp setup`, set TGMCP_API_ID and TGMCP_API_HASH, or add them to the config file"
                .into(),
        )),
    }
}

//! `tgmcp search`: the search tools from a terminal. One page or every page (`--all`) of
//! the core's search, rendered as a table for people, the tool's JSON for scripts, or one
//! message per line for pipes. Like grep, no match is exit 1 with an empty stdout (except
//! with `--json`, whose empty page is a valid answer).

use std::io::{self, IsTerminal, Write};
use std::ops::ControlFlow;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::{Context, output};
use crate::cli::{SearchArgs, SearchChatType};
use crate::error::{Error, ExitCode, Result};
use crate::telegram::dates::{self, Bound};
use crate::telegram::model::Message;
use crate::telegram::{ChatSearch, ChatType, GlobalSearch, SearchPage, Telegram};

/// How long one Telegram call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// Telegram's cap on one page.
const PAGE_MAX: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    Table,
    Json,
    Jsonl,
}

/// How many messages to fetch.
#[derive(Clone, Copy, Debug)]
enum Want {
    AtMost(usize),
    All,
}

/// The core request, global or in one chat, to run page by page.
enum Search {
    Global(GlobalSearch),
    Chat(ChatSearch),
}

impl Search {
    async fn page(
        &self,
        tg: &Telegram,
        limit: usize,
        cursor: Option<String>,
    ) -> Result<SearchPage> {
        match self {
            Self::Global(req) => {
                tg.search_global(GlobalSearch {
                    limit,
                    cursor,
                    ..req.clone()
                })
                .await
            }
            Self::Chat(req) => {
                tg.search_chat(ChatSearch {
                    limit,
                    cursor,
                    ..req.clone()
                })
                .await
            }
        }
    }
}

pub async fn run(ctx: &Context, args: SearchArgs) -> Result<ExitCode> {
    let format = match (args.jsonl, ctx.global.json) {
        (true, _) => Format::Jsonl,
        (false, true) => Format::Json,
        (false, false) => Format::Table,
    };
    let tz = TimeZone::system();
    let search = request(&args, &Zoned::now().with_time_zone(tz.clone()))?;
    let want = if args.all {
        Want::All
    } else {
        Want::AtMost(args.limit as usize)
    };

    let tg = ctx.connect_logged_in(CALL_TIMEOUT)?;

    let spinner = spinner(args.all && !ctx.global.quiet);
    let mut kept = Vec::new();
    let mut printed = 0usize;
    let fetched = fetch(&tg, &search, want, args.cursor.clone(), |messages| {
        spinner.set_message(format!(
            "searching… {} messages",
            printed + kept.len() + messages.len()
        ));
        if format != Format::Jsonl {
            kept.extend(messages);
            return ControlFlow::Continue(());
        }
        for message in &messages {
            printed += 1;
            let line = serde_json::to_string(message).unwrap_or_default();
            if spinner.suspend(|| write_line(&line)).is_err() {
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    })
    .await;
    spinner.finish_and_clear();
    super::finish(tg, &fetched).await;
    let chats: Vec<&str> = [&args.chat, &args.from]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let fetched = fetched.map_err(|e| super::send::naming(e, &chats))?;

    match format {
        Format::Json => {
            let page = SearchPage {
                messages: kept,
                has_more: fetched.has_more,
                cursor: fetched.cursor,
                total: fetched.total,
            };
            if io::stdout().is_terminal() {
                output::json_pretty(&page);
            } else {
                output::json(&page);
            }
            return Ok(ExitCode::Ok);
        }
        Format::Table if !kept.is_empty() => {
            let width = table_width(ctx);
            for line in table(&kept, width, &tz) {
                if write_line(&line).is_err() {
                    break;
                }
            }
        }
        Format::Table | Format::Jsonl => {}
    }

    let found = printed + kept.len();
    let chatty = io::stderr().is_terminal() && !ctx.global.quiet;
    if found == 0 {
        if chatty {
            eprintln!("tgmcp: no messages found");
        }
        return Ok(ExitCode::Failed);
    }
    if chatty && let Some(cursor) = fetched.cursor.filter(|_| fetched.has_more) {
        eprintln!(
            "tgmcp: more messages match — use --all, a larger --limit, or --cursor {cursor} for the next page"
        );
    }
    Ok(ExitCode::Ok)
}

/// The core request the arguments describe; dates are checked before anything connects.
fn request(args: &SearchArgs, now: &Zoned) -> Result<Search> {
    let date = |flag: &str, text: &Option<String>, bound| {
        text.as_deref()
            .map(|text| {
                dates::parse_relative(text, bound, now).map_err(|e| match e {
                    Error::InvalidInput(reason) => Error::InvalidInput(format!("{flag}: {reason}")),
                    other => other,
                })
            })
            .transpose()
    };
    let min_date = date("--since", &args.since, Bound::Start)?;
    let max_date = date("--until", &args.until, Bound::End)?;
    if let (Some(min), Some(max)) = (min_date, max_date)
        && min > max
    {
        return Err(Error::InvalidInput(
            "--since is after --until — swap them".into(),
        ));
    }
    let query = args
        .query
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty());
    Ok(match &args.chat {
        Some(chat) => Search::Chat(ChatSearch {
            chat: chat.clone(),
            query: query.map(str::to_owned),
            limit: PAGE_MAX,
            min_date,
            max_date,
            from_user: args.from.clone(),
            reply_to_msg_id: None,
            cursor: None,
            topic_id: None,
        }),
        None => Search::Global(GlobalSearch {
            query: query
                .filter(|q| q.split(',').any(|term| !term.trim().is_empty()))
                .ok_or_else(|| {
                    Error::InvalidInput(
                        "QUERY is empty — give words to search for, or --chat CHAT to list a chat"
                            .into(),
                    )
                })?
                .to_owned(),
            limit: PAGE_MAX,
            chat_type: args.chat_type.map(|kind| match kind {
                SearchChatType::Private => ChatType::Private,
                SearchChatType::Group => ChatType::Group,
                SearchChatType::Channel => ChatType::Channel,
            }),
            min_date,
            max_date,
            cursor: None,
        }),
    })
}

/// Where paging stopped.
#[derive(Debug)]
struct Fetched {
    has_more: bool,
    cursor: Option<String>,
    total: Option<i32>,
}

/// Fetches pages until `want` is met or the results end, handing each page's messages to
/// `sink`, which may stop early (a closed pipe).
async fn fetch(
    tg: &Telegram,
    search: &Search,
    want: Want,
    mut cursor: Option<String>,
    mut sink: impl FnMut(Vec<Message>) -> ControlFlow<()>,
) -> Result<Fetched> {
    let mut got = 0usize;
    let mut total = None;
    loop {
        let limit = match want {
            Want::All => PAGE_MAX,
            Want::AtMost(n) => (n - got).min(PAGE_MAX),
        };
        let page = search.page(tg, limit, cursor.take()).await?;
        total = total.or(page.total);
        got += page.messages.len();
        let empty = page.messages.is_empty();
        let done = !page.has_more || empty || matches!(want, Want::AtMost(n) if got >= n);
        let stopped = sink(page.messages).is_break();
        if done || stopped {
            return Ok(Fetched {
                has_more: page.has_more,
                cursor: page.cursor,
                total,
            });
        }
        cursor = page.cursor;
    }
}

/// A spinner on stderr, only for a person watching a terminal.
fn spinner(wanted: bool) -> ProgressBar {
    if !wanted || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let spinner = ProgressBar::new_spinner();
    spinner.set_style(
        ProgressStyle::with_template("{spinner} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    spinner.set_message("searching…");
    spinner.enable_steady_tick(Duration::from_millis(100));
    spinner
}

/// Writes one line to stdout; an error means stop writing (a closed pipe is not reported).
fn write_line(line: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    let result = writeln!(out, "{line}").and_then(|()| out.flush());
    if let Err(e) = &result {
        super::output::failed(e);
    }
    result
}

/// The table's width: `COLUMNS`, else the terminal's; unlimited in a pipe.
fn table_width(ctx: &Context) -> Option<usize> {
    if let Some(columns) = ctx.env.get("COLUMNS").and_then(|c| c.trim().parse().ok()) {
        return Some(columns);
    }
    terminal_size::terminal_size_of(io::stdout()).map(|(width, _)| usize::from(width.0))
}

const DATE_WIDTH: usize = 16;
const GAP: &str = "  ";
/// Widest the chat and sender columns get, and what they shrink to on a narrow terminal.
const CHAT_MAX: usize = 24;
const SENDER_MAX: usize = 20;
const NAME_MIN: usize = 12;
const NAME_FLOOR: usize = 6;
/// The text column shrinks names to keep this much, and drops links below `TEXT_MIN`.
const TEXT_WANTED: usize = 24;
const TEXT_MIN: usize = 16;

/// Renders messages as aligned lines: date (in `tz`), message id, chat, sender, text cut
/// to fit `width`, link. Control characters are shown as spaces, so a message cannot move the
/// cursor or recolour the terminal.
fn table(messages: &[Message], width: Option<usize>, tz: &TimeZone) -> Vec<String> {
    struct Row {
        date: String,
        id: String,
        chat: String,
        sender: String,
        text: String,
        link: String,
    }
    let rows: Vec<Row> = messages
        .iter()
        .map(|m| Row {
            date: local_date(&m.date, tz),
            id: m.id.to_string(),
            chat: clean(&m.chat.title),
            sender: m
                .sender
                .as_ref()
                .map(|s| clean(&s.title))
                .unwrap_or_default(),
            text: text_cell(m),
            link: m.link.as_deref().map(clean).unwrap_or_default(),
        })
        .collect();
    let widest = |header: &str, cell: fn(&Row) -> &str| {
        rows.iter()
            .map(|r| cell(r).width())
            .chain([header.width()])
            .max()
            .unwrap_or(0)
    };
    let id_w = widest("ID", |r| &r.id);
    let mut chat_w = widest("CHAT", |r| &r.chat).min(CHAT_MAX);
    let mut sender_w = widest("SENDER", |r| &r.sender).min(SENDER_MAX);
    let text_natural = widest("TEXT", |r| &r.text);
    let mut link_w = if rows.iter().any(|r| !r.link.is_empty()) {
        widest("LINK", |r| &r.link)
    } else {
        0
    };

    let text_w = match width {
        None => text_natural,
        Some(width) => {
            let room = |chat: usize, sender: usize, link: usize| {
                let link = if link > 0 { link + GAP.len() } else { 0 };
                width.saturating_sub(DATE_WIDTH + id_w + chat + sender + 4 * GAP.len() + link)
            };
            // Names give way first, then the link, then names again down to a stub.
            let shrink =
                |chat: &mut usize, sender: &mut usize, link: usize, want: usize, min: usize| {
                    while room(*chat, *sender, link) < want && (*chat > min || *sender > min) {
                        if *chat >= *sender {
                            *chat -= 1;
                        } else {
                            *sender -= 1;
                        }
                    }
                };
            shrink(&mut chat_w, &mut sender_w, link_w, TEXT_WANTED, NAME_MIN);
            if room(chat_w, sender_w, link_w) < TEXT_MIN {
                link_w = 0;
            }
            shrink(&mut chat_w, &mut sender_w, link_w, TEXT_MIN, NAME_FLOOR);
            text_natural.min(room(chat_w, sender_w, link_w).max(TEXT_MIN))
        }
    };

    let line = |date: &str, id: &str, chat: &str, sender: &str, text: &str, link: &str| {
        let mut line = format!(
            "{}{GAP}{}{GAP}{}{GAP}{}{GAP}{}",
            pad(date, DATE_WIDTH),
            pad(id, id_w),
            pad(&cut(chat, chat_w), chat_w),
            pad(&cut(sender, sender_w), sender_w),
            pad(&cut(text, text_w), text_w),
        );
        if link_w > 0 {
            line.push_str(GAP);
            line.push_str(link);
        }
        line.truncate(line.trim_end().len());
        line
    };
    std::iter::once(line("DATE", "ID", "CHAT", "SENDER", "TEXT", "LINK"))
        .chain(
            rows.iter()
                .map(|r| line(&r.date, &r.id, &r.chat, &r.sender, &r.text, &r.link)),
        )
        .collect()
}

/// `2024-05-01T10:00:00Z` as `2024-05-01 12:00` in `tz`.
fn local_date(iso: &str, tz: &TimeZone) -> String {
    match iso.parse::<Timestamp>() {
        Ok(ts) => ts
            .to_zoned(tz.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string(),
        Err(_) => iso.to_owned(),
    }
}

/// The text cell: what the message carries besides text, then the text, on one line.
fn text_cell(message: &Message) -> String {
    let media = message.media.as_ref().map(|media| match &media.file_name {
        Some(name) => format!("[{} {}]", media.kind, name),
        None => format!("[{}]", media.kind),
    });
    let text = clean(&message.text);
    match media {
        Some(media) if text.is_empty() => clean(&media),
        Some(media) => format!("{} {text}", clean(&media)),
        None => text,
    }
}

/// One line of plain text: whitespace runs and control characters become one space, and
/// bidirectional overrides (which could make text read backwards) are dropped.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

/// `text` cut to `width` terminal columns, ending in `…` when cut.
fn cut(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// `text` padded with spaces to `width` terminal columns.
fn pad(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(text.width());
    format!("{text}{}", " ".repeat(fill))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telegram::model::{Entity, Media};

    fn entity(id: i64, kind: ChatType, title: &str) -> Entity {
        Entity {
            id,
            kind,
            title: title.to_owned(),
            username: None,
            first_name: None,
            last_name: None,
            bot: false,
            members_count: None,
            subscribers_count: None,
            unread_count: None,
        }
    }

    fn message(
        id: i32,
        chat: &str,
        sender: Option<&str>,
        text: &str,
        link: Option<&str>,
    ) -> Message {
        Message {
            id,
            chat: entity(-1_001_900_000_001, ChatType::Group, chat),
            date: "2024-05-01T10:00:00Z".to_owned(),
            text: text.to_owned(),
            sender: sender.map(|s| entity(7, ChatType::Private, s)),
            out: false,
            reply_to_msg_id: None,
            edit_date: None,
            media: None,
            link: link.map(str::to_owned),
            reactions: Vec::new(),
            forwarded_from: None,
            pinned: false,
            mentioned: false,
            topic_id: None,
            service: false,
            unread: false,
        }
    }

    #[test]
    fn clean_makes_one_safe_line() {
        assert_eq!(clean("  a\n\nb\tc  "), "a b c");
        assert_eq!(clean("red\x1b[31m alert"), "red [31m alert");
        assert_eq!(clean("abc\u{202E}def"), "abcdef");
        assert_eq!(clean(""), "");
    }

    #[test]
    fn cut_counts_terminal_columns() {
        assert_eq!(cut("hello", 5), "hello");
        assert_eq!(cut("hello world", 6), "hello…");
        // Wide characters take two columns each.
        assert_eq!(cut("日本語のテキスト", 7), "日本語…");
        assert_eq!(cut("日本語", 6), "日本語");
        assert_eq!(pad("日本", 6), "日本  ");
    }

    #[test]
    fn table_fits_the_width_and_aligns() {
        let messages = [
            message(
                1,
                "Rust Berlin",
                Some("Carol"),
                "Meetup on Thursday: bring ideas for the next talk night, and snacks",
                Some("https://t.me/rust_berlin/1"),
            ),
            message(
                2,
                "Bob",
                Some("Bob Builder"),
                "the invoice\nis attached",
                None,
            ),
        ];
        let lines = table(&messages, Some(100), &TimeZone::UTC);
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.width() <= 100), "{lines:#?}");
        assert!(
            lines[0].starts_with("DATE              ID  CHAT"),
            "{lines:#?}"
        );
        assert!(
            lines[1].starts_with("2024-05-01 10:00  1   Rust Berlin"),
            "{lines:#?}"
        );
        assert!(lines[1].contains('…') && lines[1].ends_with("https://t.me/rust_berlin/1"));
        assert!(lines[2].contains("the invoice is attached"), "{lines:#?}");
        let column = |line: &str, needle: &str| line[..line.find(needle).unwrap()].width();
        assert_eq!(column(&lines[1], "https://"), column(&lines[0], "LINK"));
    }

    #[test]
    fn unlimited_width_keeps_all_text() {
        let long = "word ".repeat(100);
        let messages = [message(1, "Chat", None, &long, None)];
        let lines = table(&messages, None, &TimeZone::UTC);
        assert!(lines[1].ends_with(long.trim()), "{lines:#?}");
        assert!(!lines[0].contains("LINK"), "no link column without links");
    }

    #[test]
    fn narrow_terminals_drop_the_link_before_the_text() {
        let messages = [message(
            1,
            "A very long group title indeed",
            Some("Somebody With A Long Name"),
            "short text here that goes on",
            Some("https://t.me/some_long_channel_name/123456"),
        )];
        let lines = table(&messages, Some(60), &TimeZone::UTC);
        assert!(!lines[1].contains("https://"), "{lines:#?}");
        assert!(lines.iter().all(|l| l.width() <= 60), "{lines:#?}");
    }

    #[test]
    fn media_and_dates() {
        let mut m = message(1, "Chat", None, "", None);
        m.media = Some(Media {
            kind: "document".into(),
            file_name: Some("report.pdf".into()),
            size: Some(10),
            mime_type: None,
        });
        assert_eq!(text_cell(&m), "[document report.pdf]");
        m.text = "Q2 numbers".into();
        assert_eq!(text_cell(&m), "[document report.pdf] Q2 numbers");
        let berlin = TimeZone::fixed(jiff::tz::offset(2));
        assert_eq!(
            local_date("2024-05-01T10:00:00Z", &berlin),
            "2024-05-01 12:00"
        );
        assert_eq!(local_date("garbage", &berlin), "garbage");
    }
}

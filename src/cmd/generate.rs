//! `tgmcp generate`: the man page and the shell completions, made from the clap types so
//! they say what `--help` says. Both are committed (`man/`, `completions/`) for packagers
//! and people without the binary at hand; a test fails when they are stale, and
//! `UPDATE_GENERATED=1 cargo test --test it generated` rewrites them.

use std::io::{self, Write};

use clap::CommandFactory;
use clap_complete::Shell;
use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

use crate::cli::{Cli, Generate, GenerateArgs};
use crate::error::{ExitCode, Result};

pub fn run(args: GenerateArgs) -> Result<ExitCode> {
    let text = match args.what {
        Generate::Man => man_page(),
        Generate::Completions { shell } => completions(shell),
    };
    let mut out = io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        super::output::failed(&e);
    }
    Ok(ExitCode::Ok)
}

/// The completion script for `shell`.
pub fn completions(shell: Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "tgmcp", &mut out);
    String::from_utf8(out).expect("clap_complete writes UTF-8")
}

/// The file a shell's completions are committed as, under `completions/`.
pub fn completions_file(shell: Shell) -> String {
    use clap_complete::Generator as _;
    shell.file_name("tgmcp")
}

/// Environment variables that are no flag's twin.
const OTHER_ENVIRONMENT: &[(&str, &str)] = &[
    (
        "TGMCP_HOME",
        "Keep everything in this folder: the config file at $TGMCP_HOME/config.toml and each profile's data under $TGMCP_HOME/data/PROFILE/.",
    ),
    (
        "API_ID, API_HASH",
        "The app credentials under the names other Telegram tools use; TGMCP_API_ID and TGMCP_API_HASH win over them.",
    ),
    (
        "SERVER_MODE, HOST, PORT, DISABLE_AUTH, LOG_LEVEL, SESSION_NAME, PHONE_NUMBER",
        "fast-mcp-telegram's settings: SERVER_MODE (or MODE) stdio, http-auth or http-no-auth makes serve serve HTTP on HOST:PORT (127.0.0.1:8000), without a token for http-no-auth or DISABLE_AUTH=true (loopback only); LOG_LEVEL is the log level without -v or -q; SESSION_NAME the profile; PHONE_NUMBER setup's phone. Flags and TGMCP_* variables win; --env-file supplies them from a file.",
    ),
    (
        "TGMCP_LOG, RUST_LOG",
        "What to log on stderr, as a tracing filter (e.g. debug, or tgmcp=debug,grammers=info); overrides -v and -q.",
    ),
    (
        "COLUMNS",
        "Width of the search table; by default the terminal's, and unlimited when stdout is not a terminal.",
    ),
    (
        "TZ",
        "Time zone for the dates in the search table and for --since and --until (the system's by default).",
    ),
    (
        "XDG_CONFIG_HOME, XDG_DATA_HOME",
        "Where the config file and profile data go on Linux, as in FILES.",
    ),
];

const FILES: &[(&str, &str)] = &[
    (
        "~/.config/tgmcp/config.toml",
        "Optional settings (TOML): api_id and api_hash at the top level or under [profiles.NAME]. --config or TGMCP_CONFIG name another file.",
    ),
    (
        "~/.local/share/tgmcp/PROFILE/session.json",
        "The profile's login (its auth key) and the users and chats it has seen. Created 0600 in a 0700 directory; several tgmcp processes may share it.",
    ),
    (
        "~/.local/share/tgmcp/PROFILE/credentials.json",
        "The api_id and api_hash setup logged in with, so later runs need neither.",
    ),
    (
        "~/.local/share/tgmcp/PROFILE/login.json",
        "A login in progress (setup without a terminal, between steps); removed when it completes or expires.",
    ),
];

/// The man page: clap_mangen's sections for the program, one subsection per subcommand
/// with its options, then the environment, files and exit codes.
pub fn man_page() -> String {
    let cli = Cli::command();
    // No date: the page must not change unless the program does. (A blank argument keeps
    // the .TH fields in place.)
    let man = Man::new(cli.clone())
        .title("TGMCP")
        .date(" ")
        .manual("User Commands");
    let preamble = Roff::new().render();
    let mut page = preamble.clone();
    let chunk = |render: &dyn Fn(&mut Vec<u8>) -> io::Result<()>, keep_headings: bool| {
        let mut out = Vec::new();
        render(&mut out).expect("rendering to memory does not fail");
        let text = String::from_utf8(out).expect("clap_mangen writes UTF-8");
        let text = text.strip_prefix(&preamble).unwrap_or(&text);
        text.lines()
            .filter(|line| keep_headings || !line.starts_with(".SH "))
            .map(|line| format!("{line}\n"))
            .collect::<String>()
    };

    page += &chunk(&|w| man.render_title(w), true);
    page += &chunk(&|w| man.render_name_section(w), true);
    page += &chunk(&|w| man.render_synopsis_section(w), true);
    page += &chunk(&|w| man.render_description_section(w), true);
    page += &chunk(&|w| man.render_options_section(w), true);

    let mut commands = Roff::new();
    commands.control("SH", ["COMMANDS"]);
    page += &chunk(&|w| commands.to_writer(w), true);
    for sub in cli.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("tgmcp {}", sub.get_name());
        let sub = sub
            .clone()
            .bin_name(&name)
            .disable_help_flag(true)
            .disable_version_flag(true);
        let man = Man::new(sub.clone());
        let mut heading = Roff::new();
        heading.control("SS", [name.as_str()]);
        page += &chunk(&|w| heading.to_writer(w), true);
        page += &chunk(&|w| man.render_synopsis_section(w), false);
        page += ".PP\n";
        page += &chunk(&|w| man.render_description_section(w), false);
        page += &chunk(&|w| man.render_options_section(w), false);
        if let Some(after) = sub.get_after_long_help().or_else(|| sub.get_after_help()) {
            let examples = preformatted(&after.to_string());
            page += &chunk(&|w| examples.to_writer(w), true);
        }
    }

    let mut rest = Roff::new();
    rest.control("SH", ["ENVIRONMENT"]);
    rest.text([roman(
        "Every setting flag has an environment twin; a flag given on the command line wins over it.",
    )]);
    for (variable, flag, help) in flag_environment(&cli) {
        rest.control("TP", []);
        rest.text([bold(variable)]);
        rest.text([roman("Same as "), bold(flag), roman(format!(": {help}"))]);
    }
    for (variable, help) in OTHER_ENVIRONMENT {
        rest.control("TP", []);
        rest.text([bold(*variable)]);
        rest.text([roman(*help)]);
    }

    rest.control("SH", ["FILES"]);
    for (path, help) in FILES {
        rest.control("TP", []);
        rest.text([italic(*path)]);
        rest.text([roman(*help)]);
    }
    rest.control("PP", []);
    rest.text([roman(
        "On Linux these honour XDG_CONFIG_HOME and XDG_DATA_HOME; on macOS both live under ~/Library/Application Support/tgmcp/, on Windows under %APPDATA%\\tgmcp\\. With TGMCP_HOME set, everything is under that folder.",
    )]);

    rest.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in exit_codes() {
        rest.control("TP", []);
        rest.text([bold(code.code().to_string())]);
        rest.text([roman(meaning)]);
    }
    page += &chunk(&|w| rest.to_writer(w), true);
    page += &chunk(&|w| man.render_version_section(w), true);
    page
}

/// What each exit code means, for the man page.
fn exit_codes() -> [(ExitCode, &'static str); 7] {
    [
        (
            ExitCode::Ok,
            "Success. For send: Telegram acknowledged every part of the message.",
        ),
        (
            ExitCode::Failed,
            "The request failed: Telegram refused it, the chat was not found, Telegram asked to wait longer than allowed (flood wait), a long message was sent only in part or its fate is unknown (the error says which parts went out; nothing is resent), or search found nothing (without --json).",
        ),
        (
            ExitCode::Usage,
            "Usage or configuration error: a wrong flag or value, a bad config file or session file.",
        ),
        (
            ExitCode::NotLoggedIn,
            "Not logged in: the profile has no session, or Telegram no longer accepts it. Run tgmcp setup.",
        ),
        (
            ExitCode::Network,
            "The network or Telegram could not be reached in time.",
        ),
        (
            ExitCode::InputNeeded,
            "setup, run without a terminal, stopped for the next input and printed {\"next\":...} on stdout; run it again with that input.",
        ),
        (ExitCode::Interrupted, "Interrupted (Ctrl-C)."),
    ]
}

/// (variable, flag, first line of help) for every argument with an environment twin.
fn flag_environment(cli: &clap::Command) -> Vec<(String, String, String)> {
    let commands = std::iter::once((None, cli)).chain(
        cli.get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| (Some(s.get_name()), s)),
    );
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for (sub, command) in commands {
        for arg in command.get_arguments() {
            let (Some(env), Some(long)) = (arg.get_env(), arg.get_long()) else {
                continue;
            };
            let env = env.to_string_lossy().into_owned();
            if arg.is_hide_set() || !seen.insert(env.clone()) {
                continue;
            }
            let flag = match sub {
                Some(sub) => format!("{sub} --{long}"),
                None => format!("--{long}"),
            };
            let help = arg
                .get_help()
                .map(|h| h.to_string())
                .unwrap_or_default()
                .trim_end_matches('.')
                .to_owned();
            out.push((env, flag, help));
        }
    }
    out
}

/// A help footer such as "Examples:" followed by indented lines, kept as typed.
fn preformatted(text: &str) -> Roff {
    let mut roff = Roff::new();
    let mut lines = text.lines();
    roff.control("PP", []);
    if let Some(title) = lines.next() {
        roff.text([bold(title.trim())]);
    }
    roff.control("RS", ["4"]);
    roff.control("nf", []);
    for line in lines {
        roff.text([roman(line.trim())]);
    }
    roff.control("fi", []);
    roff.control("RE", []);
    roff
}

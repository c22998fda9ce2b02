//! Every documented example runs: the command lines in README.md (its `sh` blocks and its
//! inline `` `tgmcp --sandbox …` `` spans) and in the `Examples:` of every `--help` are
//! extracted and run, through a shell, against the offline demo (`TGMCP_SANDBOX=1`, so
//! the text runs as written). Each must exit as its text says (0 unless it says
//! `exit N`) and print something. The few that cannot run offline are listed with the
//! reason, and a listed one that no longer appears in the docs fails the test, so the
//! list cannot rot either.

#![cfg(unix)]

use std::path::Path;

use crate::common::{Run, TestEnv};

/// Examples that cannot run here, and why.
const NOT_RUN: &[(&str, &str)] = &[
    (
        "tgmcp setup --api-id 12345 --api-hash 0123… --phone +15551234567",
        "placeholders for a real account (demo::stepwise_setup_on_the_demo runs the steps)",
    ),
    ("tgmcp setup --code 12345", "continues the real login above"),
    (
        "TGMCP_PASSWORD=… tgmcp setup",
        "finishes the real login above",
    ),
    (
        "tgmcp setup --qr",
        "waits for a real phone to scan the code (qr::in_steps_the_code_is_printed_then_the_scan_logs_in runs the steps)",
    ),
    (
        "tgmcp serve --http",
        "runs until stopped (demo::serve_http_with_the_demo_token serves the demo)",
    ),
    (
        "tgmcp --sandbox serve --http",
        "runs until stopped (demo::serve_http_with_the_demo_token)",
    ),
    (
        "tgmcp health --url http://127.0.0.1:8000",
        "needs a server on port 8000 (http::health_url_probes_a_running_server)",
    ),
    (
        "tgmcp send me --file https://example.com/paper.pdf",
        "fetches from the internet, which tests never reach",
    ),
    (
        "tgmcp generate completions powershell >> $PROFILE",
        "writes to the user's PowerShell profile",
    ),
    (
        "tgmcp --sandbox setup",
        "the interactive login (cli::interactive_sandbox_setup_at_a_terminal)",
    ),
];

/// Inline README examples that follow another (run first, in the same demo).
const AFTER: &[(&str, &str)] = &[(
    "tgmcp --sandbox search hello",
    "tgmcp --sandbox send me hello",
)];

/// The command lines of README.md's `sh` blocks, comments cut, continued lines joined,
/// with the exit code each promises.
fn readme_blocks(readme: &str) -> Vec<(String, i32)> {
    let mut commands = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    for line in readme.lines() {
        if line.starts_with("```") {
            in_sh = line == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        if !pending.is_empty() {
            pending.push(' ');
        }
        pending.push_str(line.trim());
        // A quote still open: the command goes on on the next line.
        if single_quote_open(&strip_comment(&pending)) {
            continue;
        }
        let raw = std::mem::take(&mut pending);
        let command = strip_comment(&raw);
        if is_tgmcp(&command) {
            let promised = promised_exit(&raw[command.len()..]);
            commands.push((command, promised));
        }
    }
    commands
}

/// README's inline `` `tgmcp --sandbox …` `` examples, in order.
fn readme_inline(readme: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, span) in readme.split('`').enumerate() {
        if i % 2 == 1 && span.starts_with("tgmcp --sandbox ") && !out.contains(&span.to_owned()) {
            out.push(span.to_owned());
        }
    }
    out
}

/// The `Examples:` lines of a `--help` text.
fn help_examples(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Examples:"))
        .skip(1)
        .map(|l| strip_comment(l.trim()))
        .filter(|l| is_tgmcp(l))
        .collect()
}

fn is_tgmcp(command: &str) -> bool {
    command.starts_with("tgmcp ") || command.contains("| tgmcp ") || command.contains(" tgmcp ")
}

/// A `'` opened outside double quotes and not closed (`"Alex's Notes"` closes nothing).
fn single_quote_open(line: &str) -> bool {
    let (mut single, mut double) = (false, false);
    for ch in line.chars() {
        match ch {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            _ => {}
        }
    }
    single
}

/// Cuts a trailing `# comment` outside quotes.
fn strip_comment(line: &str) -> String {
    let (mut single, mut double) = (false, false);
    let mut prev = ' ';
    for (i, ch) in line.char_indices() {
        match ch {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && prev.is_whitespace() => {
                return line[..i].trim_end().to_owned();
            }
            _ => {}
        }
        prev = ch;
    }
    line.trim_end().to_owned()
}

/// The exit code an example's text promises: "exit N" in its comment, else 0.
fn promised_exit(line_with_comment: &str) -> i32 {
    line_with_comment
        .split("exit ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// What the commands need around them: `tgmcp` on PATH, the files they name in the
/// current folder, ~/Downloads.
struct Shell {
    env: TestEnv,
    bin: tempfile::TempDir,
    cwd: tempfile::TempDir,
}

impl Shell {
    fn new() -> Self {
        let env = TestEnv::new();
        let bin = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_tgmcp"), bin.path().join("tgmcp")).unwrap();
        let cwd = tempfile::tempdir().unwrap();
        for name in ["report.pdf", "a.jpg", "b.jpg", "c.mp4", "chart.png"] {
            std::fs::write(cwd.path().join(name), format!("stand-in {name}\n")).unwrap();
        }
        std::fs::create_dir_all(env.home.path().join("Downloads")).unwrap();
        Self { env, bin, cwd }
    }

    async fn run(&self, command: &str) -> Run {
        let path = format!(
            "{}:{}",
            self.bin.path().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut cmd = self.env.command_for("bash");
        cmd.args(["-o", "pipefail", "-c", command])
            .env("PATH", path)
            .env("TGMCP_SANDBOX", "1")
            .current_dir(self.cwd.path());
        let out = crate::common::within(90, cmd.output())
            .await
            .expect("bash runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

fn needs_missing_tool(command: &str) -> Option<&'static str> {
    let has = |tool: &str| {
        std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
    };
    for tool in ["jq"] {
        if command.contains(&format!("| {tool} ")) && !has(tool) {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "`{tool}` is missing under CI=true; .ci/run must install it"
            );
            return Some(tool);
        }
    }
    None
}

fn check(command: &str, promised: i32, run: &Run, failures: &mut Vec<String>) {
    if run.code != promised {
        failures.push(format!("`{command}` should exit {promised}: {run:?}"));
    } else if run.stdout.trim().is_empty() {
        failures.push(format!("`{command}` printed nothing: {run:?}"));
    }
}

fn skipped(command: &str) -> bool {
    NOT_RUN.iter().any(|(c, _)| *c == command)
}

#[tokio::test]
async fn every_documented_example_runs_on_the_demo() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let shell = Shell::new();
    let mut seen = Vec::new();
    let mut failures = Vec::new();

    // The README's blocks and the help texts' examples, one after another in one demo.
    let mut examples = readme_blocks(&readme);
    for sub in ["search", "send", "download", "invoke"] {
        let help = shell.env.run(&[sub, "--help"]).await;
        assert_eq!(help.code, 0, "{help:?}");
        let found = help_examples(&help.stdout);
        assert!(!found.is_empty(), "`tgmcp {sub} --help` has examples");
        examples.extend(found.into_iter().map(|c| (c, 0)));
    }
    for (command, promised) in &examples {
        seen.push(command.clone());
        if skipped(command) {
            continue;
        }
        if let Some(tool) = needs_missing_tool(command) {
            eprintln!("SKIPPED (no `{tool}` here): {command}");
            continue;
        }
        let run = shell.run(command).await;
        check(command, *promised, &run, &mut failures);
    }

    // The inline `tgmcp --sandbox …` examples, each in a demo of its own (some start
    // over, some log out), after the example they follow.
    for command in readme_inline(&readme) {
        seen.push(command.clone());
        if skipped(&command) {
            continue;
        }
        let shell = Shell::new();
        if let Some((_, first)) = AFTER.iter().find(|(c, _)| *c == command) {
            let run = shell.run(first).await;
            check(first, 0, &run, &mut failures);
        }
        let promised = if command.starts_with("tgmcp --sandbox setup --phone") {
            10
        } else {
            0
        };
        let run = shell.run(&command).await;
        check(&command, promised, &run, &mut failures);
    }

    for (command, _) in NOT_RUN {
        if !seen.iter().any(|s| s == command) {
            failures.push(format!(
                "`{command}` is listed as not run but no longer documented: remove it from NOT_RUN"
            ));
        }
    }
    assert!(
        seen.len() > 30,
        "the extraction found the examples: {seen:#?}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn extraction_reads_quotes_comments_and_continued_lines() {
    let readme = "text `tgmcp --sandbox health` and `tgmcp serve`\n```sh\ntgmcp search 'a # b' --since 7d   # comment, exit 1\ntgmcp invoke x '{\"a\": 1,\n  \"b\": 2}'\ncargo test\n```\n";
    assert_eq!(
        readme_blocks(readme),
        [
            ("tgmcp search 'a # b' --since 7d".to_owned(), 1),
            ("tgmcp invoke x '{\"a\": 1, \"b\": 2}'".to_owned(), 0)
        ]
    );
    assert_eq!(readme_inline(readme), ["tgmcp --sandbox health"]);
    assert_eq!(promised_exit("tgmcp x   # prints {}, exit 10"), 10);
    assert_eq!(
        help_examples("Usage\n\nExamples:\n  tgmcp send me hi   # note\n"),
        ["tgmcp send me hi"]
    );
}

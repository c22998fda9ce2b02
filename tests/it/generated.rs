//! The committed man page and shell completions are what the binary generates now.
//! `UPDATE_GENERATED=1 cargo test --test it generated` rewrites them after a CLI change.

use std::path::{Path, PathBuf};

use clap_complete::Shell;

use crate::common::TestEnv;

const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::Elvish,
    Shell::PowerShell,
];

/// Runs `tgmcp generate ARGS` in a clean environment and compares its output with the
/// committed `path`, or rewrites `path` with `UPDATE_GENERATED=1`.
async fn check(args: &[&str], path: &Path) -> String {
    let env = TestEnv::new();
    let mut full = vec!["generate"];
    full.extend_from_slice(args);
    let run = env.run(&full).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.is_empty(), "{run:?}");
    if crate::golden::updating("UPDATE_GENERATED") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &run.stdout).unwrap();
        return run.stdout;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "{} is missing ({e}) — run `UPDATE_GENERATED=1 cargo test --test it generated`",
            path.display()
        )
    });
    assert!(
        committed == run.stdout,
        "{} is stale: the CLI changed — run `UPDATE_GENERATED=1 cargo test --test it generated` and commit the result",
        path.display()
    );
    run.stdout
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[tokio::test]
async fn man_page_is_fresh_and_complete() {
    let page = check(&["man"], &repo("man/tgmcp.1")).await;
    for needle in [
        ".TH TGMCP 1",
        ".SH COMMANDS",
        ".SH ENVIRONMENT",
        ".SH FILES",
        ".SH \"EXIT STATUS\"",
        "TGMCP_PROFILE",
        "TGMCP_HOME",
        "API_ID",
        "config.toml",
        "session.json",
    ] {
        assert!(page.contains(needle), "the man page has {needle}");
    }
    for sub in ["setup", "serve", "health", "search", "send", "invoke"] {
        assert!(
            page.contains(&format!(".SS \"tgmcp {sub}\"")),
            "the man page documents {sub}"
        );
    }
    for flag in [
        "\\-\\-max\\-wait",
        "\\-\\-reply\\-to",
        "\\-\\-jsonl",
        "\\-\\-since",
    ] {
        assert!(page.contains(flag), "{flag}");
    }
    for code in ["0", "1", "2", "3", "4", "10", "130"] {
        assert!(
            page.contains(&format!(".TP\n\\fB{code}\\fR\n")),
            "exit code {code} is documented"
        );
    }
    assert!(
        !page.contains("tgmcp generate"),
        "hidden commands stay hidden"
    );
    assert!(!page.contains(".SS \"tgmcp sandbox\""));
}

#[tokio::test]
async fn completions_are_fresh() {
    for shell in SHELLS {
        let file = tgmcp::cmd::generate::completions_file(shell);
        let script = check(
            &["completions", &shell.to_string()],
            &repo(&format!("completions/{file}")),
        )
        .await;
        for word in ["search", "send", "max-wait", "jsonl"] {
            assert!(script.contains(word), "{shell} completes {word}");
        }
    }
}

#[tokio::test]
async fn generate_needs_no_profile_or_config() {
    let env = TestEnv::new();
    let run = env
        .run_with(&["generate", "man"], |c| {
            c.env("TGMCP_CONFIG", "/nonexistent/config.toml");
        })
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let run = env.run(&["generate", "completions", "tcsh"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    let run = env.run(&["--help"]).await;
    assert!(!run.stdout.contains("generate"), "hidden: {run:?}");
}

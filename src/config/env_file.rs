//! `--env-file FILE`: a `.env` like the one fast-mcp-telegram's setup reads, as a layer
//! under the process environment (a variable the process sets, non-empty, wins over the
//! file, as in python-dotenv and pydantic-settings).
//!
//! Only the names tgmcp reads through [`Env`](super::Env) are taken from a file: clap
//! reads a flag's `TGMCP_*` twin from the process itself, and the environment cannot be
//! changed from safe Rust, so a file naming one of those is refused with the export that
//! works instead. The reference server's settings tgmcp has no use for (`DOMAIN`,
//! `BOT_API_TOKEN` …) are reported by name and skipped, so an existing `.env` works as
//! it is.
//!
//! Syntax: `KEY=VALUE` lines, `export ` before a key, `#` comments, blank lines; values
//! bare (trimmed, a ` #` starts a comment), in single quotes (literal) or in double
//! quotes (`\n`, `\t`, `\"`, `\\` escapes). Values never appear in an error: they may be
//! secrets.

use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Larger files are refused: a settings file is a few hundred bytes.
const MAX_BYTES: u64 = 256 * 1024;

/// Names an env file may set: the ones config reads through `Env`.
pub const READ_FROM_FILE: &[&str] = &[
    "API_ID",
    "API_HASH",
    "PHONE_NUMBER",
    "SESSION_NAME",
    "SERVER_MODE",
    "MODE",
    "HOST",
    "PORT",
    "DISABLE_AUTH",
    "LOG_LEVEL",
    "TGMCP_HOME",
    "TGMCP_API_ID",
    "TGMCP_API_HASH",
    "TGMCP_PHONE",
    "TGMCP_LOG",
    "TGMCP_CONFIG",
    "TGMCP_PROFILE",
];

/// The reference server's settings that mean nothing here: skipped with a notice.
const REFERENCE_ONLY: &[&str] = &[
    "SESSION_DIR",
    "BOT_API_TOKEN",
    "DOMAIN",
    "MAX_ACTIVE_SESSIONS",
    "MAX_IDLE_TIME",
    "MAX_IDLE_TIME_SECONDS",
    "SETUP_SESSION_TTL_SECONDS",
    "ENTITY_CACHE_LIMIT",
    "MTPROTO_PROXY",
    "ALLOW_HTTP_URLS",
    "MAX_FILE_SIZE_MB",
    "BLOCK_PRIVATE_IPS",
    "PREFIX_MCP_TOOLS_WITH_ACCOUNT",
    "ATTACHMENT_TICKET_TTL_SECONDS",
    "ACL_ENABLED",
    "ACL_CONFIG_PATH",
    "ACL_DENY_UNLISTED_PRINCIPALS",
    "TELEGRAM_INACTIVE_SESSION_DAYS",
    "INACTIVE_SESSION_DAYS",
    "S3_SESSION_STORAGE",
    "AWS_S3_BUCKET",
    "DO_NOT_TRACK",
    "MCP_TELEMETRY_INTERVAL",
    "MCP_TELEMETRY_DEBUG",
];

/// A parsed env file: the settings it gives, and the names it was told to skip.
#[derive(Clone, Default)]
pub struct EnvFile {
    pub path: PathBuf,
    pub vars: Vec<(String, String)>,
    /// The reference server's settings tgmcp does not use (names only).
    pub skipped: Vec<String>,
}

impl std::fmt::Debug for EnvFile {
    /// Names only: values may be secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<&str> = self.vars.iter().map(|(k, _)| k.as_str()).collect();
        f.debug_struct("EnvFile")
            .field("path", &self.path)
            .field("keys", &keys)
            .field("skipped", &self.skipped)
            .finish()
    }
}

impl EnvFile {
    pub fn read(path: &Path) -> Result<Self> {
        let shown = path.display();
        let file = fs::File::open(path).map_err(|e| {
            Error::Config(format!(
                "cannot read the env file {shown}: {e} — check the path given to --env-file"
            ))
        })?;
        let mut text = String::new();
        file.take(MAX_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| {
                Error::Config(format!(
                    "cannot read the env file {shown}: {e} — it must be UTF-8 text"
                ))
            })?;
        if text.len() as u64 > MAX_BYTES {
            return Err(Error::Config(format!(
                "the env file {shown} is larger than {} KiB — is it the right file?",
                MAX_BYTES / 1024
            )));
        }
        Self::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let mut out = Self {
            path: path.to_owned(),
            ..Self::default()
        };
        let at = |line: usize, what: &str| {
            Error::Config(format!("{}, line {line}: {what}", path.display()))
        };
        for (index, raw) in text.lines().enumerate() {
            let number = index + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").map_or(line, str::trim_start);
            let Some((key, value)) = line.split_once('=') else {
                return Err(at(number, "expected KEY=VALUE"));
            };
            let key = key.trim();
            let valid_key = key
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid_key {
                return Err(at(
                    number,
                    "a variable name is letters, digits and '_', not starting with a digit",
                ));
            }
            // pydantic-settings matches names in any case.
            let key = key.to_ascii_uppercase();
            let value = parse_value(value.trim()).map_err(|what| at(number, what))?;
            if READ_FROM_FILE.contains(&key.as_str()) {
                out.vars.retain(|(k, _)| *k != key);
                out.vars.push((key, value));
            } else if REFERENCE_ONLY.contains(&key.as_str()) {
                if !out.skipped.contains(&key) {
                    out.skipped.push(key);
                }
            } else if key.starts_with("TGMCP_") {
                return Err(at(
                    number,
                    &format!(
                        "{key} is read from the process environment only — export it, or use its flag (`tgmcp --help` lists each flag's variable); an env file may set {}",
                        READ_FROM_FILE.join(", ")
                    ),
                ));
            } else {
                return Err(at(
                    number,
                    &format!(
                        "{key} is not a setting tgmcp or fast-mcp-telegram knows — remove it or check its spelling; an env file may set {}",
                        READ_FROM_FILE.join(", ")
                    ),
                ));
            }
        }
        Ok(out)
    }
}

fn parse_value(value: &str) -> std::result::Result<String, &'static str> {
    if let Some(rest) = value.strip_prefix('\'') {
        let Some((inner, after)) = rest.split_once('\'') else {
            return Err("a single-quoted value has no closing quote (values span one line)");
        };
        return trailing(after).map(|()| inner.to_owned());
    }
    if let Some(rest) = value.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return trailing(chars.as_str()).map(|()| out),
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some(c @ ('"' | '\\' | '\'' | '$')) => out.push(c),
                    _ => {
                        return Err(
                            "unknown escape in a double-quoted value (use \\n \\t \\\" \\\\)",
                        );
                    }
                },
                c => out.push(c),
            }
        }
        return Err("a double-quoted value has no closing quote (values span one line)");
    }
    // A bare value ends at a comment.
    let bare = match value.find(" #") {
        Some(end) => &value[..end],
        None => value,
    };
    Ok(bare.trim().to_owned())
}

/// After a closing quote: nothing, or a comment.
fn trailing(after: &str) -> std::result::Result<(), &'static str> {
    let after = after.trim();
    if after.is_empty() || after.starts_with('#') {
        Ok(())
    } else {
        Err("text after the closing quote (quote the whole value)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<EnvFile> {
        EnvFile::parse(text, Path::new("/srv/.env"))
    }

    #[test]
    fn dotenv_syntax() {
        let file = parse(
            "# settings\n\nAPI_ID=123 # mine\nexport API_HASH='a#b c'\nphone_number=\"+1 555\\n\"\nHOST = 127.0.0.1\nPORT=\nDOMAIN=example.com\nAPI_ID=456\n",
        )
        .unwrap();
        let vars: Vec<(&str, &str)> = file
            .vars
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            vars,
            [
                ("API_HASH", "a#b c"),
                ("PHONE_NUMBER", "+1 555\n"),
                ("HOST", "127.0.0.1"),
                ("PORT", ""),
                ("API_ID", "456"),
            ]
        );
        assert_eq!(file.skipped, ["DOMAIN"]);
    }

    #[test]
    fn errors_name_the_line_never_the_value() {
        for (text, wanted) in [
            ("API_ID\n", "line 1: expected KEY=VALUE"),
            ("\n1X=s3cret\n", "line 2: a variable name"),
            ("API_HASH='s3cret\n", "no closing quote"),
            ("API_HASH=\"s3cret\" x\n", "after the closing quote"),
            ("API_HASH=\"s3\\qcret\"\n", "unknown escape"),
            ("TGMCP_NO_AUTH=s3cret\n", "process environment only"),
            ("COLOUR=s3cret\n", "COLOUR is not a setting"),
        ] {
            let message = parse(text).unwrap_err().to_string();
            assert!(message.contains(wanted), "{text:?}: {message}");
            assert!(message.starts_with("/srv/.env, line"), "{message}");
            assert!(!message.contains("s3cret"), "{message}");
        }
    }

    #[test]
    fn big_and_missing_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let missing = EnvFile::read(&dir.path().join("nope")).unwrap_err();
        assert!(missing.to_string().contains("--env-file"), "{missing}");
        let big = dir.path().join("big");
        fs::write(&big, "#".repeat(MAX_BYTES as usize + 1)).unwrap();
        let error = EnvFile::read(&big).unwrap_err();
        assert!(error.to_string().contains("larger than"), "{error}");
    }
}

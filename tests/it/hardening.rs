//! Issue 14, the core, files and CLI half: what an attack review found, each proven
//! against the real binary and the sandbox. tgmcp's own files are never sent; special
//! files never block; downloaded names and modes are safe; a date bound before 1970 is
//! not "no limit"; stdout write errors, loose permissions, oversized stdio messages,
//! long texts and secrets without a terminal all get a clear refusal.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde_json::{Value, json};
use tgmcp::sandbox::Media;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::common::{Run, TestEnv, within};
use crate::files::{Fixture, fixture};

impl Fixture {
    async fn run(&self, args: &[&str]) -> Run {
        self.env.run(args).await
    }

    /// Sends `file` (a path or a data: URI) to Saved Messages and returns the message id.
    async fn send_file(&self, file: &str) -> i32 {
        let run = self.run(&["send", "me", "--file", file]).await;
        assert_eq!(run.code, 0, "{run:?}");
        run.stdout.trim().parse().unwrap()
    }

    /// `tgmcp download me ID` in `dir` under umask 000.
    async fn download_in(&self, dir: &Path, id: i32, extra: &[&str]) -> Run {
        let tgmcp = env!("CARGO_BIN_EXE_tgmcp");
        let mut cmd = self.env.command_for("sh");
        let mut script = format!("umask 000; exec '{tgmcp}' download me {id}");
        for arg in extra {
            script.push_str(&format!(" '{arg}'"));
        }
        cmd.arg("-c").arg(script).current_dir(dir);
        Run::from_output(within(60, cmd.output()).await.unwrap())
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

// ---------------------------------------------------------------------------------------
// 5: tgmcp's own files are never attachments
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn the_session_and_credentials_are_never_sent_whatever_file_root_says() {
    let f = fixture().await;
    let profile = f.env.profile_dir("default");
    let session = f.env.session_path("default").display().to_string();
    let credentials = profile.join("credentials.json").display().to_string();
    // Through a symlink from an innocent folder, too.
    let link = f.dir.path().join("notes.json");
    std::os::unix::fs::symlink(f.env.session_path("default"), &link).unwrap();
    let link = link.display().to_string();
    let before = f.sent().len();

    let run = f.run(&["send", "me", "--file", &session, "x"]).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("tgmcp's own folders"), "{run:?}");

    let root = profile.display().to_string();
    for args in [vec!["serve"], vec!["serve", "--file-root", &root]] {
        let server = crate::mcp::start(&f.env, &args).await;
        for path in [&session, &credentials, &link] {
            let error = server
                .fail(
                    "send_message",
                    json!({"chat_id": "me", "message": "x", "files": path}),
                )
                .await;
            assert_eq!(error["kind"], "forbidden", "{path}: {error}");
            assert!(
                error["message"]
                    .as_str()
                    .unwrap()
                    .contains("tgmcp's own folders"),
                "{error}"
            );
        }
        assert_eq!(server.stop().await, 0);
    }
    assert_eq!(f.sent().len(), before, "nothing was sent");
}

// ---------------------------------------------------------------------------------------
// 7: special files
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_fifo_is_refused_at_once_instead_of_blocking() {
    let f = fixture().await;
    let fifo = f.dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let fifo = fifo.display().to_string();
    let run = within(20, f.env.run(&["send", "me", "--file", &fifo, "x"])).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("not a regular file"), "{run:?}");

    // The stdio server stays responsive: the refusal comes back, then another call works.
    let server = crate::mcp::start(&f.env, &["serve"]).await;
    let error = server
        .fail(
            "send_message",
            json!({"chat_id": "me", "message": "x", "files": fifo}),
        )
        .await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("not a regular file"),
        "{error}"
    );
    server
        .ok(
            "send_message",
            json!({"chat_id": "me", "message": "still here"}),
        )
        .await;
    assert_eq!(server.stop().await, 0);
}

// ---------------------------------------------------------------------------------------
// 8, 17, 18: downloaded names and modes
// ---------------------------------------------------------------------------------------

fn percent(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn downloaded_names_are_safe_short_enough_and_private() {
    let f = fixture().await;
    let out = f.dir.path().join("out");
    std::fs::create_dir(&out).unwrap();

    // Hidden, option-like and bidi-disguised names are neutralized.
    for (name, saved) in [
        (".bash_profile", "bash_profile"),
        ("-rf", "rf"),
        ("invoice\u{202E}fdp.exe", "invoicefdp.exe"),
    ] {
        let uri = format!(
            "data:application/octet-stream;name={};base64,aGk=",
            percent(name)
        );
        let id = f.send_file(&uri).await;
        let run = f.download_in(&out, id, &[]).await;
        assert_eq!(run.code, 0, "{name}: {run:?}");
        let path = PathBuf::from(run.stdout.trim());
        assert_eq!(
            path.file_name().unwrap().to_str().unwrap(),
            saved,
            "{run:?}"
        );
        // 0600 whatever the umask (000 here).
        assert_eq!(mode(&out.join(&path)), 0o600, "{path:?}");
    }

    // A long non-ASCII name: cut by bytes at a character boundary, extension kept, and
    // still room for " (n)" when the name is taken.
    let long = format!("{}.txt", "я".repeat(190));
    let uri = format!("data:text/plain;name={};base64,aGk=", percent(&long));
    let id = f.send_file(&uri).await;
    for n in 0..2 {
        let run = f.download_in(&out, id, &[]).await;
        assert_eq!(run.code, 0, "{run:?}");
        let name = PathBuf::from(run.stdout.trim())
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(name.len() <= 255 && name.ends_with(".txt"), "{name}");
        assert!(name.starts_with("яяя"), "{name}");
        assert_eq!(name.contains(" (1)"), n == 1, "{name}");
    }

    // text/plain gets .txt, not mime_guess's alphabetically first (.asm).
    let id = f.send_file("data:text/plain;base64,aGk=").await;
    let [m] = f.sent().split_off(f.sent().len() - 1).try_into().unwrap();
    assert_eq!(m.id, id);
    assert!(
        matches!(&m.media, Some(Media::Document { file_name, .. }) if file_name == "file.txt"),
        "{:?}",
        m.media
    );
}

#[tokio::test]
async fn download_o_with_a_non_utf8_name_is_refused_not_renamed() {
    use std::os::unix::ffi::OsStrExt;
    let f = fixture().await;
    let id = f.send_file("data:text/plain;name=a.txt;base64,aGk=").await;
    let target = f
        .dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"caf\xe9.txt"));
    let mut cmd = f.env.command();
    cmd.args(["download", "me", &id.to_string(), "-o"])
        .arg(&target);
    let out = within(60, cmd.output()).await.unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not valid UTF-8"), "{stderr}");
    assert_eq!(
        std::fs::read_dir(f.dir.path()).unwrap().count(),
        0,
        "nothing saved under another name"
    );
}

// ---------------------------------------------------------------------------------------
// 9: nothing created outside the download folder
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn download_media_creates_nothing_through_a_symlink() {
    let f = fixture().await;
    let downloads = f.dir.path().join("downloads");
    let outside = f.dir.path().join("outside");
    std::fs::create_dir_all(&downloads).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, downloads.join("escape")).unwrap();
    let id = f.send_file("data:text/plain;name=a.txt;base64,aGk=").await;
    let dl = downloads.display().to_string();
    let server = crate::mcp::start(&f.env, &["serve", "--download-dir", &dl]).await;
    let error = server
        .fail(
            "download_media",
            json!({"chat_id": "me", "message_id": id, "path": "escape/new/deeper/a.txt"}),
        )
        .await;
    assert_eq!(error["kind"], "forbidden", "{error}");
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        0,
        "no folder was created outside"
    );
    // A path of new folders inside works, each folder 0700 whatever the umask.
    let saved = server
        .ok(
            "download_media",
            json!({"chat_id": "me", "message_id": id, "path": "new/deeper/a.txt"}),
        )
        .await;
    let saved = PathBuf::from(saved["path"].as_str().unwrap());
    assert_eq!(std::fs::read(&saved).unwrap(), b"hi");
    assert_eq!(mode(&downloads.join("new")), 0o700);
    assert_eq!(mode(&saved), 0o600);
    assert_eq!(server.stop().await, 0);
}

// ---------------------------------------------------------------------------------------
// 10: an upper date bound at or before 1970
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn an_upper_date_before_1970_is_refused_not_no_limit() {
    let f = fixture().await;
    f.run(&["send", "me", "the newest message"]).await;
    for until in ["1969-12-31", "1970-01-01T00:00:00Z"] {
        let run = f
            .run(&["search", "--chat", "me", "--until", until, "--json"])
            .await;
        assert_eq!(run.code, 2, "{until}: {run:?}");
        assert!(run.stderr.contains("1970-01-01"), "{run:?}");
        assert!(!run.stdout.contains("the newest message"), "{run:?}");
    }
    let server = crate::mcp::start(&f.env, &["serve"]).await;
    let result = server
        .call(
            "search_messages_in_chat",
            json!({"chat_id": "me", "max_date": "1969-12-31"}),
        )
        .await;
    assert_ne!(result.is_error, Some(false));
    assert!(
        !format!("{result:?}").contains("the newest message"),
        "{result:?}"
    );
    assert_eq!(server.stop().await, 0);
}

// ---------------------------------------------------------------------------------------
// 11: stdout write errors
// ---------------------------------------------------------------------------------------

fn dev_full() -> std::fs::File {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap()
}

/// Runs `cmd` with stdout on /dev/full (tokio's `output()` would pipe it).
async fn to_dev_full(cmd: &mut tokio::process::Command) -> (Option<i32>, String) {
    let child = cmd
        .stdout(dev_full())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = within(60, child.wait_with_output()).await.unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_full_stdout_exits_non_zero_and_a_rotated_token_is_not_lost() {
    let env = TestEnv::new();
    let (code, stderr) = to_dev_full(env.command().args(["generate", "man"])).await;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write the result to stdout"),
        "{stderr}"
    );

    let token_file = env.profile_dir("default").join("token");
    for json in [false, true] {
        let before = std::fs::read_to_string(&token_file).unwrap_or_default();
        let mut cmd = env.command();
        if json {
            cmd.arg("--json");
        }
        let (code, stderr) = to_dev_full(cmd.args(["setup", "--rotate-token"])).await;
        assert_ne!(code, Some(0), "{stderr}");
        let after = std::fs::read_to_string(&token_file).unwrap();
        assert_ne!(before, after, "a new token");
        assert!(
            stderr.contains(&token_file.display().to_string()),
            "says where the new token is: {stderr}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 12, 19: logs
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn rmcp_info_lines_never_reach_stderr() {
    let f = fixture().await;
    for args in [vec!["-q", "serve"], vec!["serve"], vec!["-v", "serve"]] {
        let server = crate::mcp::start(&f.env, &args).await;
        server
            .ok("send_message", json!({"chat_id": "me", "message": "hello"}))
            .await;
        let stderr = server.stderr();
        assert_eq!(server.stop().await, 0);
        for line in stderr.lines() {
            assert!(
                !line.contains("rmcp") && !line.contains("Implementation {"),
                "{args:?}: {line}"
            );
            if args[0] != "-v" {
                assert!(!line.contains("INFO"), "{args:?}: {line}");
            }
        }
    }
}

#[tokio::test]
async fn sandbox_setup_with_json_logs_prints_only_json_on_stderr() {
    let env = TestEnv::new();
    let run = env
        .run(&[
            "--sandbox",
            "--log-format",
            "json",
            "setup",
            "--phone",
            "+15550001111",
        ])
        .await;
    assert!(!run.stderr.trim().is_empty(), "{run:?}");
    for line in run.stderr.lines() {
        serde_json::from_str::<Value>(line)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {line}\n{run:?}"));
    }
}

// ---------------------------------------------------------------------------------------
// 19: a stdio message over the limit gets an answer
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn an_oversized_stdio_message_gets_a_json_rpc_error() {
    let f = fixture().await;
    let before = f.sent().len();
    let mut child = f
        .env
        .command()
        .arg("serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"}}});
    stdin
        .write_all(format!("{init}\n").as_bytes())
        .await
        .unwrap();
    let first = within(30, stdout.next_line()).await.unwrap().unwrap();
    assert!(first.contains("\"id\":1"), "{first}");
    stdin
        .write_all(b"{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n")
        .await
        .unwrap();
    let huge = "x".repeat(17 * 1024 * 1024);
    let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
        "name": "send_message", "arguments": {"chat_id": "me", "message": huge}}});
    let writer = tokio::spawn(async move {
        stdin
            .write_all(format!("{call}\n").as_bytes())
            .await
            .unwrap();
        // Then a normal call: the server still reads after the oversized one.
        let ping = json!({"jsonrpc": "2.0", "id": 3, "method": "ping"});
        stdin
            .write_all(format!("{ping}\n").as_bytes())
            .await
            .unwrap();
        stdin
    });
    let mut answers = Vec::new();
    while answers.len() < 2 {
        let line = within(60, stdout.next_line()).await.unwrap().unwrap();
        answers.push(serde_json::from_str::<Value>(&line).unwrap());
    }
    let error = answers
        .iter()
        .find(|a| a["id"] == 2)
        .expect("an answer to id 2");
    assert_eq!(error["error"]["code"], -32600, "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("larger than"),
        "{error}"
    );
    assert!(
        answers
            .iter()
            .any(|a| a["id"] == 3 && a.get("result").is_some())
    );
    drop(writer.await.unwrap());
    let _ = within(15, child.wait()).await;
    assert_eq!(f.sent().len(), before, "nothing was sent");
}

// ---------------------------------------------------------------------------------------
// 19: secrets only to a terminal
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn invoke_allow_secrets_needs_a_terminal() {
    let f = fixture().await;
    let run = f
        .run(&["invoke", "account.getPassword", "--allow-secrets"])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("only from a terminal"), "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
}

// ---------------------------------------------------------------------------------------
// 16: permissions, as ssh checks them
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn a_loose_or_foreign_profile_or_token_is_refused() {
    let f = fixture().await;
    let profile = f.env.profile_dir("default");
    let token = profile.join("token");
    tgmcp::http::token::save(&token, "tgmcp_0123456789abcdef0123456789abcdef").unwrap();
    assert_eq!(f.run(&["send", "me", "ok"]).await.code, 0);
    let before = f.sent().len();

    std::fs::set_permissions(&profile, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = f.run(&["send", "me", "x"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("chmod 700"), "{run:?}");
    std::fs::set_permissions(&profile, std::fs::Permissions::from_mode(0o700)).unwrap();

    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o644)).unwrap();
    let run = f.run(&["serve", "--http", "127.0.0.1:0"]).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("chmod 600"), "{run:?}");
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o600)).unwrap();

    // Owned by someone else (only root can give a file away).
    let me = std::fs::metadata("/proc/self")
        .map(|m| m.uid())
        .unwrap_or(1);
    if me == 0 {
        std::os::unix::fs::chown(&token, Some(65534), None).unwrap();
        let run = f.run(&["send", "me", "x"]).await;
        assert_eq!(run.code, 2, "{run:?}");
        assert!(run.stderr.contains("belongs to another user"), "{run:?}");
    } else {
        eprintln!("skipped the foreign-owner case: the tests do not run as root");
    }
    assert_eq!(f.sent().len(), before, "nothing more was sent");
}

// ---------------------------------------------------------------------------------------
// 6: long texts
// ---------------------------------------------------------------------------------------

async fn send_stdin(env: &TestEnv, args: &[&str], stdin: &[u8]) -> Run {
    let args: Vec<&str> = std::iter::once("send")
        .chain(args.iter().copied())
        .collect();
    env.run_stdin(&args, stdin).await
}

#[tokio::test]
async fn too_many_parts_are_refused_before_anything_is_sent() {
    let f = fixture().await;
    let paragraph = "word ".repeat(800); // 4000 characters, one part each
    let text = vec![paragraph.trim(); 21].join("\n\n");
    let before = f.sent().len();
    let run = send_stdin(&f.env, &["me", "-"], text.as_bytes()).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("21 messages"), "{run:?}");
    assert!(run.stderr.contains("--max-parts"), "{run:?}");
    assert_eq!(f.sent().len(), before, "nothing was sent");

    let run = send_stdin(&f.env, &["me", "--max-parts", "21", "-"], text.as_bytes()).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.lines().count(), 21);

    // stdin is read only as far as --max-parts messages can carry.
    let big = vec![b'a'; 10 * 1024 * 1024];
    let run = send_stdin(&f.env, &["me", "--max-parts", "1", "-"], &big).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("stdin holds more than"), "{run:?}");

    // Over MCP, the default limit applies.
    let server = crate::mcp::start(&f.env, &["serve"]).await;
    let error = server
        .fail("send_message", json!({"chat_id": "me", "message": text}))
        .await;
    assert!(
        error["message"].as_str().unwrap().contains("21 messages"),
        "{error}"
    );
    assert_eq!(server.stop().await, 0);
    assert_eq!(f.sent().len(), before + 21);
}

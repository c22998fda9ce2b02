//! Files end to end: `tgmcp send --file` (the real binary) and the MCP tools' `files` and
//! `download_media` (the real server, stdio and HTTP) against the sandbox, which stores
//! the uploaded parts and serves them back; and the URL fetcher against a local HTTPS
//! server, with every blocked address class tried through an injected resolver.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::json;
use tgmcp::net::{FetchPolicy, Fetcher, Resolver};
use tgmcp::sandbox::Media;

use crate::common::Run;
use crate::files_server::{TestCa, body};
use crate::harness::Setup;

/// The demo world, a profile logged in to it, and a folder for files to send (also used
/// by `hardening.rs`).
pub(crate) struct Fixture {
    setup: Setup,
    pub(crate) dir: tempfile::TempDir,
}

impl std::ops::Deref for Fixture {
    type Target = Setup;
    fn deref(&self) -> &Setup {
        &self.setup
    }
}

pub(crate) async fn fixture() -> Fixture {
    Fixture {
        setup: Setup::demo().await,
        dir: tempfile::tempdir().unwrap(),
    }
}

/// A PNG header of `w`×`h` (all the sandbox reads to size a photo) and some bytes.
fn png(w: u32, h: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bytes.extend_from_slice(&w.to_be_bytes());
    bytes.extend_from_slice(&h.to_be_bytes());
    bytes.extend(std::iter::repeat_n(7u8, 2000));
    bytes
}

impl Fixture {
    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    }

    async fn send(&self, args: &[&str]) -> Run {
        let args: Vec<&str> = std::iter::once("send")
            .chain(args.iter().copied())
            .collect();
        self.env.run(&args).await
    }

    fn bytes_of(&self, media: &Media) -> Vec<u8> {
        self.sandbox.world().files[&media.id()].as_ref().clone()
    }
}

#[tokio::test]
async fn sends_a_document_and_a_photo_with_captions() {
    let f = fixture().await;
    let notes = body("notes", 5000);
    let path = f.file("notes.txt", &notes);
    f.sandbox.stats().reset();
    let run = f.send(&["me", "--file", &path, "the", "notes"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let [m] = f.last_sent(1).try_into().unwrap();
    assert_eq!(m.text, "the notes");
    match m.media.as_ref().unwrap() {
        Media::Document {
            file_name,
            mime_type,
            size,
            ..
        } => {
            assert_eq!(
                (file_name.as_str(), mime_type.as_str()),
                ("notes.txt", "text/plain")
            );
            assert_eq!(*size, 5000);
        }
        other => panic!("a document, not {other:?}"),
    }
    assert_eq!(f.bytes_of(m.media.as_ref().unwrap()), notes);
    assert_eq!(run.stdout.trim(), m.id.to_string());
    // One part, one send: two round trips after resolving the chat.
    assert_eq!(f.sandbox.stats().count("upload.saveFilePart"), 1);
    assert_eq!(f.sandbox.stats().count("messages.sendMedia"), 1);

    let photo = f.file("chart.png", &png(640, 480));
    let run = f.send(&["me", "--file", &photo, "--json"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    let [m] = f.last_sent(1).try_into().unwrap();
    assert!(
        matches!(
            m.media,
            Some(Media::UploadedPhoto {
                width: 640,
                height: 480,
                ..
            })
        ),
        "{:?}",
        m.media
    );
    assert_eq!(run.json()["messages"][0]["media"]["type"], "photo");

    // --as-document: the same image as a file; an image Telegram would not take as a
    // photo (too narrow) goes as a document on its own.
    let run = f.send(&["me", "--file", &photo, "--as-document"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert!(matches!(
        f.last_sent(1)[0].media,
        Some(Media::Document { .. })
    ));
    let strip = f.file("strip.png", &png(4000, 10));
    assert_eq!(f.send(&["me", "--file", &strip]).await.code, 0);
    assert!(matches!(
        f.last_sent(1)[0].media,
        Some(Media::Document { .. })
    ));
}

#[tokio::test]
async fn albums_of_1_2_10_and_11_files() {
    let f = fixture().await;
    for count in [1usize, 2, 10, 11] {
        let paths: Vec<String> = (0..count)
            .map(|i| f.file(&format!("p{count}_{i}.png"), &png(100 + i as u32, 100)))
            .collect();
        let mut args = vec!["me".to_owned()];
        for p in &paths {
            args.extend(["--file".to_owned(), p.clone()]);
        }
        args.push("album caption".into());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        f.sandbox.stats().reset();
        let run = f.send(&args).await;
        assert_eq!(run.code, 0, "{count}: {run:?}");
        let sent = f.last_sent(count);
        assert_eq!(run.stdout.lines().count(), count, "{run:?}");
        assert_eq!(sent[0].text, "album caption");
        assert!(sent[1..].iter().all(|m| m.text.is_empty()));
        assert!(
            sent.iter()
                .all(|m| matches!(m.media, Some(Media::UploadedPhoto { .. })))
        );
        let groups: std::collections::BTreeSet<_> = sent.iter().map(|m| m.grouped_id).collect();
        let expected_albums = match count {
            1 => 0,
            11 => 1, // ten in an album, the eleventh alone
            _ => 1,
        };
        let albums = groups.iter().filter(|g| g.is_some()).count();
        assert_eq!(albums, expected_albums, "{count}: {groups:?}");
        let stats = f.sandbox.stats();
        assert_eq!(
            stats.count("messages.sendMultiMedia"),
            u64::from(count >= 2),
            "{count}"
        );
        assert_eq!(
            stats.count("messages.sendMedia"),
            u64::from(count == 1 || count == 11)
        );
        assert_eq!(
            stats.count("messages.uploadMedia"),
            if count >= 2 { count.min(10) as u64 } else { 0 }
        );
    }
}

#[tokio::test]
async fn documents_and_photos_go_in_separate_albums_and_long_captions_follow() {
    let f = fixture().await;
    let a = f.file("a.png", &png(10, 10));
    let b = f.file("b.pdf", b"%PDF-1.4 not really");
    let c = f.file("c.png", &png(20, 20));
    let d = f.file("d.txt", b"plain");
    let caption = "word ".repeat(300); // 1500 characters: over the caption limit
    let run = f
        .send(&["me", "-f", &a, "-f", &b, "-f", &c, "-f", &d, caption.trim()])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let sent = f.last_sent(5);
    assert!(matches!(sent[0].media, Some(Media::UploadedPhoto { .. })));
    assert!(matches!(sent[1].media, Some(Media::UploadedPhoto { .. })));
    assert_eq!(sent[0].grouped_id, sent[1].grouped_id);
    assert!(matches!(sent[2].media, Some(Media::Document { .. })));
    assert_eq!(sent[2].grouped_id, sent[3].grouped_id);
    assert_ne!(sent[0].grouped_id, sent[2].grouped_id);
    assert!(sent[..4].iter().all(|m| m.text.is_empty()));
    assert_eq!(sent[4].text, caption.trim());
    assert!(sent[4].media.is_none());
}

#[tokio::test]
async fn bad_files_send_nothing() {
    let f = fixture().await;
    let good = f.file("good.txt", b"good");
    let empty = f.file("empty.txt", b"");
    let before = f.sent().len();
    for (args, expect) in [
        (
            vec!["me", "-f", &good, "-f", "/no/such/file.pdf", "x"],
            "no such file",
        ),
        (vec!["me", "-f", &empty], "empty"),
        (
            vec!["me", "-f", f.dir.path().to_str().unwrap()],
            "not a regular file",
        ),
        (
            vec!["me", "-f", &good, "--max-file-size", "3"],
            "--max-file-size",
        ),
        (vec!["me", "-f", "data:text/plain;base64,@@@"], "base64"),
    ] {
        let run = f.send(&args).await;
        assert_eq!(run.code, 2, "{args:?}: {run:?}");
        assert!(run.stderr.contains(expect), "{args:?}: {run:?}");
        assert!(run.stdout.is_empty());
    }
    assert_eq!(f.sent().len(), before, "nothing was sent");
    // A data: URI works from the CLI too, with its name.
    let run = f
        .send(&["me", "-f", "data:text/plain;name=hi.txt;base64,aGVsbG8="])
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let [m] = f.last_sent(1).try_into().unwrap();
    assert!(matches!(&m.media, Some(Media::Document { file_name, .. }) if file_name == "hi.txt"));
    assert_eq!(f.bytes_of(m.media.as_ref().unwrap()), b"hello");
}

#[tokio::test]
async fn a_big_file_goes_in_big_parts_and_arrives_whole() {
    let f = fixture().await;
    let data = body("big", 12 * 1024 * 1024 + 123);
    let path = f.file("big.bin", &data);
    f.sandbox.stats().reset();
    let run = f.send(&["me", "--file", &path]).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(f.sandbox.stats().count("upload.saveBigFilePart"), 25);
    assert_eq!(f.sandbox.stats().count("upload.saveFilePart"), 0);
    let [m] = f.last_sent(1).try_into().unwrap();
    assert!(
        f.bytes_of(m.media.as_ref().unwrap()) == data,
        "bytes differ"
    );
    assert!(
        run.stderr.is_empty(),
        "no progress bar off a terminal: {run:?}"
    );
}

#[tokio::test]
async fn an_album_that_fails_halfway_is_a_partial_send() {
    let f = fixture().await;
    let paths: Vec<String> = (0..11)
        .map(|i| f.file(&format!("d{i}.txt"), format!("doc {i}").as_bytes()))
        .collect();
    let mut args = vec!["me"];
    for p in &paths {
        args.extend(["-f", p.as_str()]);
    }
    // The first ten go as an album; the eleventh (sent alone) is refused.
    f.sandbox
        .faults()
        .inject_error("messages.sendMedia", 400, "MEDIA_INVALID", Some(1));
    let run = f.send(&args).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("sent 10 of 11"), "{run:?}");
    assert!(run.stderr.contains("MEDIA_INVALID"), "{run:?}");
    assert_eq!(
        f.last_sent(10)
            .iter()
            .filter(|m| m.grouped_id.is_some())
            .count(),
        10
    );
}

// ---------------------------------------------------------------------------------------
// URLs
// ---------------------------------------------------------------------------------------

/// Names to addresses, as a test wants them; each lookup counted, and a name may answer
/// differently the second time.
#[derive(Default)]
struct MapResolver {
    answers: Mutex<HashMap<String, Vec<Vec<IpAddr>>>>,
    lookups: AtomicUsize,
}

impl MapResolver {
    fn with(self, name: &str, answers: &[&[&str]]) -> Self {
        let answers = answers
            .iter()
            .map(|ips| ips.iter().map(|ip| ip.parse().unwrap()).collect())
            .collect();
        self.answers
            .lock()
            .unwrap()
            .insert(name.to_owned(), answers);
        self
    }
}

impl Resolver for MapResolver {
    fn lookup(&self, host: &str) -> Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send>> {
        self.lookups.fetch_add(1, Ordering::SeqCst);
        let mut answers = self.answers.lock().unwrap();
        let answer = match answers.get_mut(host) {
            Some(list) if list.len() > 1 => Ok(list.remove(0)),
            Some(list) => Ok(list[0].clone()),
            None => Err(io::Error::new(io::ErrorKind::NotFound, "no such name")),
        };
        Box::pin(async move { answer })
    }
}

fn policy(ca: &TestCa) -> FetchPolicy {
    FetchPolicy {
        extra_roots: vec![ca.pem.clone().into_bytes()],
        connect_timeout: std::time::Duration::from_secs(5),
        total_timeout: std::time::Duration::from_secs(20),
        ..FetchPolicy::default()
    }
}

async fn fetch(fetcher: &Fetcher, url: &str) -> tgmcp::error::Result<Vec<u8>> {
    let mut sink = Vec::new();
    fetcher.fetch(url, &mut sink).await.map(|_| sink)
}

const NAMES: [&str; 7] = [
    "files.test",
    "evil.test",
    "rebind.test",
    "127.0.0.1",
    "127.0.0.2",
    "localhost",
    "::1",
];

#[tokio::test]
async fn every_blocked_address_class_is_refused_naming_why() {
    let ca = TestCa::new(&NAMES);
    let server = ca.serve("127.0.0.1".parse().unwrap(), 0, "ok").await;
    let port = server.port();
    let resolver = MapResolver::default()
        .with("loop.test", &[&["127.0.0.1"]])
        .with("private10.test", &[&["10.0.0.1"]])
        .with("private172.test", &[&["172.16.5.4"]])
        .with("private192.test", &[&["192.168.1.10"]])
        .with("linklocal.test", &[&["169.254.169.254"]])
        .with("cgnat.test", &[&["100.64.0.1"]])
        .with("zero.test", &[&["0.0.0.0"]])
        .with("multicast.test", &[&["224.0.0.251"]])
        .with("broadcast.test", &[&["255.255.255.255"]])
        .with("loop6.test", &[&["::1"]])
        .with("ula.test", &[&["fd00::1"]])
        .with("linklocal6.test", &[&["fe80::1"]])
        .with("mapped.test", &[&["::ffff:127.0.0.1"]])
        .with("nat64.test", &[&["64:ff9b::10.0.0.1"]])
        .with("mixed.test", &[&["8.8.8.8", "10.0.0.1"]]);
    let fetcher = Fetcher::with_resolver(policy(&ca), Arc::new(resolver)).unwrap();
    let cases = [
        ("loop.test", "loopback"),
        ("private10.test", "private"),
        ("private172.test", "private"),
        ("private192.test", "private"),
        ("linklocal.test", "link-local"),
        ("cgnat.test", "carrier-grade NAT"),
        ("zero.test", "unspecified"),
        ("multicast.test", "multicast"),
        ("broadcast.test", "broadcast"),
        ("loop6.test", "loopback"),
        ("ula.test", "unique-local"),
        ("linklocal6.test", "link-local"),
        ("mapped.test", "loopback"),
        ("nat64.test", "NAT64"),
        ("mixed.test", "private"),
        ("127.0.0.1", "loopback"),
        ("127.1.2.3", "loopback"),
        ("[::1]", "loopback"),
        ("[::ffff:127.0.0.1]", "IPv4-mapped"),
        ("[::ffff:a00:1]", "IPv4-mapped"),
        ("[64:ff9b::7f00:1]", "NAT64"),
        ("[fe80::1]", "link-local"),
        ("169.254.169.254", "link-local"),
        ("2130706433", "loopback"),
        ("0x7f.0.0.1", "loopback"),
        ("localhost", "localhost"),
        ("metadata.google.internal", "metadata"),
    ];
    for (host, why) in cases {
        let url = format!("https://{host}:{port}/file/a.txt");
        let error = fetch(&fetcher, &url).await.unwrap_err();
        assert_eq!(error.kind(), "forbidden", "{host}: {error}");
        let message = error.to_string();
        assert!(message.contains(why), "{host}: {message}");
        assert!(
            message.contains("--allow-private-urls"),
            "{host}: {message}"
        );
    }
    assert_eq!(server.requests(), 0, "no blocked address was ever reached");

    // Schemes and credentials.
    let error = fetch(&fetcher, &format!("http://files.test:{port}/x"))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("plain http"), "{error}");
    let error = fetch(&fetcher, &format!("https://u:p@files.test:{port}/x"))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("user name or password"),
        "{error}"
    );
}

#[tokio::test]
async fn redirects_are_checked_hop_by_hop() {
    let ca = TestCa::new(&NAMES);
    let server = ca.serve("127.0.0.1".parse().unwrap(), 0, "ok").await;
    let port = server.port();
    // files.test stands for a public host: it resolves to 127.0.0.1, trusted here.
    let resolver = MapResolver::default()
        .with("files.test", &[&["127.0.0.1"]])
        .with("evil.test", &[&["10.0.0.1"]]);
    let mut open = policy(&ca);
    open.trusted_addresses = vec!["127.0.0.1".parse().unwrap()];
    let fetcher = Fetcher::with_resolver(open.clone(), Arc::new(resolver)).unwrap();

    let ok = fetch(
        &fetcher,
        &format!("https://files.test:{port}/file/a.txt?size=10"),
    )
    .await;
    assert_eq!(ok.unwrap(), body("ok", 10));
    for target in [
        format!("https://evil.test:{port}/file/a.txt"),
        format!("https://10.0.0.1:{port}/file/a.txt"),
        format!("https://[::ffff:192.168.0.1]:{port}/"),
        "https://169.254.169.254/latest/meta-data/".to_owned(),
        format!("http://files.test:{port}/file/a.txt"),
    ] {
        let url = format!("https://files.test:{port}/redirect?to={target}");
        let error = fetch(&fetcher, &url).await.unwrap_err();
        assert_eq!(error.kind(), "forbidden", "{target}: {error}");
        // Literal hosts and schemes are refused by the redirect check, names when the
        // hop's connection resolves them.
        let message = error.to_string();
        assert!(
            message.contains("redirected") || message.contains("resolves to"),
            "{target}: {message}"
        );
    }
    // Five hops are followed; six are too many.
    let hops =
        |k| format!("https://files.test:{port}/redirect?to=https://127.0.0.1:{port}/hops/{k}");
    // The last hop's file, whole: the server's label, then its pattern.
    let fetched = fetch(&fetcher, &hops(3))
        .await
        .expect("three hops are followed");
    assert!(fetched.len() > 2, "{} bytes", fetched.len());
    assert_eq!(fetched, body("ok", fetched.len()));
    let error = fetch(&fetcher, &hops(5)).await.unwrap_err();
    assert!(error.to_string().contains("redirects"), "{error}");
}

#[tokio::test]
async fn a_name_that_changes_its_answer_is_fetched_from_the_checked_address() {
    let ca = TestCa::new(&NAMES);
    // The "public" server on 127.0.0.2 and an "internal" one on 127.0.0.1, same port.
    let internal = ca.serve("127.0.0.1".parse().unwrap(), 0, "internal").await;
    let public = ca
        .serve("127.0.0.2".parse().unwrap(), internal.port(), "public")
        .await;
    let resolver =
        Arc::new(MapResolver::default().with("rebind.test", &[&["127.0.0.2"], &["127.0.0.1"]]));
    let mut checked = policy(&ca);
    checked.trusted_addresses = vec!["127.0.0.2".parse().unwrap()];
    let fetcher = Fetcher::with_resolver(checked, Arc::clone(&resolver) as _).unwrap();
    let url = format!("https://rebind.test:{}/file/a.txt?size=100", public.port());
    let got = fetch(&fetcher, &url).await.unwrap();
    assert_eq!(got, body("public", 100));
    assert_eq!(
        resolver.lookups.load(Ordering::SeqCst),
        1,
        "one lookup, no second"
    );
    assert_eq!(internal.requests(), 0);
    // The next connection looks up again, gets the internal address, and is refused.
    let fresh = Fetcher::with_resolver(
        FetchPolicy {
            trusted_addresses: vec!["127.0.0.2".parse().unwrap()],
            ..policy(&ca)
        },
        Arc::clone(&resolver) as _,
    )
    .unwrap();
    let error = fetch(&fresh, &url).await.unwrap_err();
    assert!(error.to_string().contains("loopback"), "{error}");
    assert_eq!(internal.requests(), 0);
}

#[tokio::test]
async fn bodies_stop_at_the_size_limit_and_failures_say_why() {
    let ca = TestCa::new(&NAMES);
    let server = ca.serve("127.0.0.1".parse().unwrap(), 0, "ok").await;
    let port = server.port();
    let fetcher = Fetcher::with_resolver(
        FetchPolicy {
            allow_private: true,
            max_bytes: 100_000,
            ..policy(&ca)
        },
        Arc::new(MapResolver::default()),
    )
    .unwrap();
    let base = format!("https://127.0.0.1:{port}");
    assert_eq!(
        fetch(&fetcher, &format!("{base}/file/a.bin?size=100000"))
            .await
            .unwrap()
            .len(),
        100_000
    );
    let declared = fetch(&fetcher, &format!("{base}/file/a.bin?size=100001"))
        .await
        .unwrap_err();
    assert!(
        declared.to_string().contains("is 100001 bytes"),
        "{declared}"
    );
    // Without Content-Length: cut off while streaming, well before the 5 MB arrive.
    let mut sink = Vec::new();
    let streamed = fetcher
        .fetch(&format!("{base}/stream/a.bin?size=5000000"), &mut sink)
        .await
        .unwrap_err();
    assert!(
        streamed.to_string().contains("past 100000 bytes"),
        "{streamed}"
    );
    assert!(sink.len() <= 100_000, "{} bytes kept", sink.len());
    let missing = fetch(&fetcher, &format!("{base}/nothing"))
        .await
        .unwrap_err();
    assert!(missing.to_string().contains("404"), "{missing}");
    let dropped = fetch(&fetcher, &format!("{base}/drop/a.bin?size=50000"))
        .await
        .unwrap_err();
    assert_eq!(dropped.kind(), "invalid_input", "{dropped}");
    // A certificate nobody trusts.
    let untrusting = Fetcher::with_resolver(
        FetchPolicy {
            allow_private: true,
            ..FetchPolicy::default()
        },
        Arc::new(MapResolver::default()),
    )
    .unwrap();
    let error = fetch(&untrusting, &format!("{base}/file/a.txt"))
        .await
        .unwrap_err();
    assert!(
        error.to_string().to_lowercase().contains("certificate"),
        "{error}"
    );
}

#[tokio::test]
async fn send_fetches_urls_only_when_allowed() {
    let f = fixture().await;
    let ca = TestCa::new(&NAMES);
    let server = ca.serve("127.0.0.1".parse().unwrap(), 0, "report").await;
    let ca_file = f.file("ca.pem", ca.pem.as_bytes());
    let url = format!(
        "https://127.0.0.1:{}/file/report.pdf?size=70000",
        server.port()
    );
    let trusting = |cmd: &mut tokio::process::Command| {
        cmd.env("SSL_CERT_FILE", &ca_file);
    };
    let before = f.sent().len();
    let refused = f
        .env
        .run_with(&["send", "me", "--file", &url, "see"], trusting)
        .await;
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(refused.stderr.contains("loopback"), "{refused:?}");
    assert_eq!(server.requests(), 0);
    let http = f
        .env
        .run_with(
            &["send", "me", "--file", &url.replace("https", "http")],
            trusting,
        )
        .await;
    assert!(http.stderr.contains("--allow-http-urls"), "{http:?}");
    assert_eq!(f.sent().len(), before);

    let run = f
        .env
        .run_with(
            &["send", "me", "--allow-private-urls", "--file", &url, "see"],
            trusting,
        )
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    let [m] = f.last_sent(1).try_into().unwrap();
    assert!(
        matches!(&m.media, Some(Media::Document { file_name, mime_type, .. })
            if file_name == "report.pdf" && mime_type == "application/pdf"),
        "{:?}",
        m.media
    );
    assert_eq!(f.bytes_of(m.media.as_ref().unwrap()), body("report", 70000));
    let too_big = f
        .env
        .run_with(
            &[
                "send",
                "me",
                "--allow-private-urls",
                "--max-file-size",
                "1KB",
                "--file",
                &url,
            ],
            trusting,
        )
        .await;
    assert_eq!(too_big.code, 2, "{too_big:?}");
    assert!(too_big.stderr.contains("--max-file-size"), "{too_big:?}");
}

// ---------------------------------------------------------------------------------------
// MCP
// ---------------------------------------------------------------------------------------

#[tokio::test]
async fn mcp_stdio_sends_files_and_downloads_them_without_overwriting() {
    let f = fixture().await;
    let downloads = f.dir.path().join("downloads");
    let notes = body("mcp", 3000);
    let path = f.file("notes.txt", &notes);
    let dl = downloads.display().to_string();
    let server = crate::mcp::start(&f.env, &["serve", "--download-dir", &dl]).await;
    let sent = server
        .ok(
            "send_message",
            json!({"chat_id": "me", "message": "see attached", "files": path}),
        )
        .await;
    let id = sent["message_ids"][0].as_i64().unwrap();
    assert_eq!(sent["messages"][0]["media"]["file_name"], "notes.txt");
    assert_eq!(sent["messages"][0]["text"], "see attached");

    let first = server
        .ok("download_media", json!({"chat_id": "me", "message_id": id}))
        .await;
    assert_eq!(first["size"], 3000);
    assert_eq!(first["mime_type"], "text/plain");
    let saved = std::path::PathBuf::from(first["path"].as_str().unwrap());
    assert_eq!(saved, downloads.canonicalize().unwrap().join("notes.txt"));
    assert_eq!(std::fs::read(&saved).unwrap(), notes);
    // Again: a new name, never over the first.
    let second = server
        .ok("download_media", json!({"chat_id": "me", "message_id": id}))
        .await;
    assert!(
        second["path"].as_str().unwrap().ends_with("notes (1).txt"),
        "{second}"
    );
    let error = server
        .fail(
            "download_media",
            json!({"chat_id": "me", "message_id": id, "path": "notes.txt"}),
        )
        .await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("already exists"),
        "{error}"
    );
    let error = server
        .fail(
            "download_media",
            json!({"chat_id": "me", "message_id": id, "path": "../escape.txt"}),
        )
        .await;
    assert_eq!(error["kind"], "invalid_input", "{error}");
    let named = server
        .ok(
            "download_media",
            json!({"chat_id": "me", "message_id": id, "path": "sub/copy.txt"}),
        )
        .await;
    assert_eq!(
        std::fs::read(named["path"].as_str().unwrap()).unwrap(),
        notes
    );
    let error = server
        .fail(
            "download_media",
            json!({"chat_id": "me", "message_id": 999_999}),
        )
        .await;
    assert_eq!(error["kind"], "not_found", "{error}");
    assert_eq!(
        error["message"], "message 999999 does not exist in me",
        "{error}"
    );

    // A photo round-trips too; a photo album from the tool as well.
    let a = f.file("a.png", &png(30, 40));
    let b = f.file("b.png", &png(50, 60));
    let album = server
        .ok(
            "send_message",
            json!({"chat_id": "me", "message": "two", "files": [a, b]}),
        )
        .await;
    assert_eq!(album["message_ids"].as_array().unwrap().len(), 2);
    let photo_id = album["message_ids"][1].as_i64().unwrap();
    let photo = server
        .ok(
            "download_media",
            json!({"chat_id": "me", "message_id": photo_id}),
        )
        .await;
    assert_eq!(
        std::fs::read(photo["path"].as_str().unwrap()).unwrap(),
        png(50, 60)
    );
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn mcp_file_roots_refuse_paths_outside_and_symlinks_that_escape() {
    let f = fixture().await;
    let root = f.dir.path().join("root");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(root.join("inside.txt"), b"inside").unwrap();
    let outside = f.file("secret.txt", b"secret");
    std::os::unix::fs::symlink(&outside, root.join("link.txt")).unwrap();
    let root_arg = root.display().to_string();
    let server = crate::mcp::start(&f.env, &["serve", "--file-root", &root_arg]).await;
    let inside = root.join("inside.txt").display().to_string();
    server
        .ok(
            "send_message",
            json!({"chat_id": "me", "message": "", "files": inside}),
        )
        .await;
    let before = f.sent().len();
    let error = server
        .fail(
            "send_message",
            json!({"chat_id": "me", "message": "x", "files": outside}),
        )
        .await;
    assert_eq!(error["kind"], "forbidden");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("outside the allowed folders")
    );
    let link = root.join("link.txt").display().to_string();
    let error = server
        .fail(
            "send_message",
            json!({"chat_id": "me", "message": "x", "files": link}),
        )
        .await;
    assert!(
        error["message"].as_str().unwrap().contains("symlink"),
        "{error}"
    );
    assert_eq!(f.sent().len(), before);
    assert_eq!(server.stop().await, 0);
}

#[tokio::test]
async fn mcp_over_http_refuses_local_paths_and_downloads_without_a_folder() {
    let (sandbox, env, token) = crate::http::demo().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("local.txt");
    std::fs::write(&path, b"local").unwrap();
    let server = crate::http::start(&env, &[]).await;
    let client = server.client("/mcp", Some(&token)).await;
    let result = crate::http::call(
        &client,
        "send_message",
        json!({"chat_id": "me", "message": "x", "files": path.display().to_string()}),
    )
    .await;
    assert_eq!(result.is_error, Some(true));
    let error = &crate::mcp::error_of(&result);
    assert_eq!(error["kind"], "forbidden");
    assert!(
        error["message"].as_str().unwrap().contains("over HTTP"),
        "{error}"
    );
    // A data: URI needs no disk: it works.
    let sent = crate::http::structured(
        &crate::http::call(
            &client,
            "send_message",
            json!({"chat_id": "me", "message": "inline", "files": "data:text/plain;name=a.txt,hi"}),
        )
        .await,
    );
    let id = sent["message_ids"][0].as_i64().unwrap();
    let result = crate::http::call(
        &client,
        "download_media",
        json!({"chat_id": "me", "message_id": id}),
    )
    .await;
    assert_eq!(result.is_error, Some(true));
    let error = &crate::mcp::error_of(&result);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("--download-dir"),
        "{error}"
    );
    drop(client);
    assert_eq!(server.terminate().await, 0);

    // With a download folder, HTTP may download.
    let folder = dir.path().join("dl").display().to_string();
    let server = crate::http::start(&env, &["--download-dir", &folder]).await;
    let client = server.client("/mcp", Some(&token)).await;
    let saved = crate::http::structured(
        &crate::http::call(
            &client,
            "download_media",
            json!({"chat_id": "me", "message_id": id}),
        )
        .await,
    );
    assert_eq!(
        std::fs::read(saved["path"].as_str().unwrap()).unwrap(),
        b"hi"
    );
    drop(client);
    assert_eq!(server.terminate().await, 0);
    drop(sandbox);
}

/// Peak resident set of a running process, in kB (Linux).
fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `tgmcp send me --file PATH` and returns its peak resident memory, in kB.
async fn peak_rss_of_send(f: &Fixture, path: &std::path::Path) -> u64 {
    let mut cmd = f.env.command();
    cmd.args([
        "send",
        "me",
        "--max-file-size",
        "200MB",
        "--timeout",
        "300",
        "--file",
    ])
    .arg(path)
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let pid = child.id().unwrap();
    let mut peak = 0;
    let status = crate::common::within(300, async {
        loop {
            if let Some(kb) = vm_hwm(pid) {
                peak = peak.max(kb);
            }
            tokio::select! {
                status = child.wait() => break status.unwrap(),
                () = tokio::time::sleep(std::time::Duration::from_millis(10)) => {}
            }
        }
    })
    .await;
    assert!(status.success());
    assert!(peak > 0);
    peak
}

#[tokio::test]
async fn a_100_mb_upload_stays_under_40_mb_of_memory() {
    let f = fixture().await;
    // What the upload itself costs: the peak of a 100 MB send over that of a 1 MB one,
    // so the figure does not move with the size of the (debug) binary's code.
    let small = f.dir.path().join("small.bin");
    std::fs::write(&small, body("x", 1024 * 1024)).unwrap();
    let baseline = peak_rss_of_send(&f, &small).await;
    let size = 100 * 1024 * 1024;
    let path = f.dir.path().join("big.bin");
    std::fs::write(&path, body("x", size)).unwrap();
    let peak = peak_rss_of_send(&f, &path).await;
    eprintln!("peak RSS: {baseline} kB for 1 MB, {peak} kB for 100 MB");
    assert!(
        peak.saturating_sub(baseline) < 16 * 1024,
        "a 100 MB upload took {} kB more than a 1 MB one",
        peak.saturating_sub(baseline)
    );
    let [m] = f.last_sent(1).try_into().unwrap();
    assert!(matches!(&m.media, Some(Media::Document { size: s, .. }) if *s == size as i64));
    // The sandbox got the same bytes (compared without another 100 MB copy).
    let stored = f.sandbox.world().files[&m.media.as_ref().unwrap().id()].clone();
    assert!(stored.as_slice() == body("x", size).as_slice());
}

#[tokio::test]
async fn cli_download_saves_next_to_you_and_never_overwrites() {
    let f = fixture().await;
    let notes = body("download", 5000);
    let path = f.file("minutes.txt", &notes);
    let sent = f
        .env
        .run(&["--json", "send", "me", "--file", &path, "the minutes"])
        .await;
    assert_eq!(sent.code, 0, "{sent:?}");
    let id = sent.json()["messages"][0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let here = tempfile::tempdir().unwrap();
    let download = |args: Vec<String>| {
        let env = &f.env;
        let here = here.path().to_owned();
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            env.run_with(&args, |cmd| {
                cmd.current_dir(&here);
            })
            .await
        }
    };
    let words = |line: &str| line.split(' ').map(str::to_owned).collect::<Vec<_>>();

    // Into the current folder under its own name; again, beside it.
    let run = download(words(&format!("download me {id}"))).await;
    assert_eq!(run.code, 0, "{run:?}");
    let first = std::path::PathBuf::from(run.stdout.trim());
    assert_eq!(
        first,
        here.path().canonicalize().unwrap().join("minutes.txt")
    );
    assert_eq!(std::fs::read(&first).unwrap(), notes);
    let run = download(words(&format!("download me {id}"))).await;
    assert!(run.stdout.trim().ends_with("minutes (1).txt"), "{run:?}");
    assert_eq!(
        std::fs::read(&first).unwrap(),
        notes,
        "the first is untouched"
    );

    // Into a folder; under a name of your choice, never over an existing file.
    std::fs::create_dir(here.path().join("inbox")).unwrap();
    let run = download(words(&format!("--json download me {id} -o inbox/"))).await;
    assert_eq!(run.code, 0, "{run:?}");
    let saved = run.json();
    assert!(
        saved["path"]
            .as_str()
            .unwrap()
            .ends_with("inbox/minutes.txt"),
        "{saved}"
    );
    assert_eq!(saved["size"], 5000);
    assert_eq!(saved["mime_type"], "text/plain");
    let run = download(words(&format!("download me {id} -o copy.txt"))).await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(std::fs::read(here.path().join("copy.txt")).unwrap(), notes);
    let run = download(words(&format!("download me {id} -o copy.txt"))).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("already exists"), "{run:?}");

    // A folder that does not exist fails before connecting.
    f.sandbox.stats().reset();
    let run = download(words(&format!("download me {id} -o nowhere/x.txt"))).await;
    assert_eq!(run.code, 2, "{run:?}");
    assert!(run.stderr.contains("does not exist"), "{run:?}");
    assert_eq!(f.sandbox.stats().total(), 0);

    // A message without a file, and a chat that does not exist.
    let text_only = f.env.run(&["--json", "send", "me", "just words"]).await;
    let text_id = text_only.json()["messages"][0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    // Only a read can tell: `not_found` (exit 1), not `invalid_input`, which promises
    // that nothing reached Telegram.
    let run = download(words(&format!("download me {text_id}"))).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert_eq!(
        run.stderr.trim_end(),
        format!("tgmcp: message {text_id} has no media to download"),
        "{run:?}"
    );
    // The demo world's own files have stand-in content of their declared size.
    let seeded = f
        .sandbox
        .world()
        .messages
        .iter()
        .find(|m| matches!(&m.media, Some(tgmcp::sandbox::Media::Document { file_name, .. }) if file_name == "invoice-april.pdf"))
        .map(|m| m.id)
        .expect("the demo invoice");
    let run = download(words(&format!("--json download @bob_builder {seeded}"))).await;
    assert_eq!(run.code, 0, "{run:?}");
    let saved = run.json();
    assert_eq!(saved["size"], 48_213, "{saved}");
    let bytes = std::fs::read(saved["path"].as_str().unwrap()).unwrap();
    assert_eq!(bytes.len(), 48_213);
    assert!(bytes.starts_with(b"%PDF-"));

    let run = download(words("download @nobody_here_at_all 1")).await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("@nobody_here_at_all"), "{run:?}");
    let _ = f.me;
}

#[tokio::test]
async fn cli_download_takes_a_message_link_and_says_when_the_message_is_missing() {
    let f = fixture().await;
    let here = tempfile::tempdir().unwrap();
    let run = |args: &'static [&'static str]| {
        let env = &f.env;
        let here = here.path().to_owned();
        async move {
            env.run_with(args, |cmd| {
                cmd.current_dir(&here);
            })
            .await
        }
    };
    // The same file, by chat and id and by its message link.
    let by_id = run(&["--json", "download", "@rust_berlin", "10"]).await;
    assert_eq!(by_id.code, 0, "{by_id:?}");
    let by_link = run(&["--json", "download", "https://t.me/rust_berlin/10"]).await;
    assert_eq!(by_link.code, 0, "{by_link:?}");
    assert_eq!(by_id.json()["size"], by_link.json()["size"]);
    assert_ne!(
        by_id.json()["path"],
        by_link.json()["path"],
        "never overwritten"
    );

    // Neither an id nor a link; both at once: usage errors, before connecting.
    let before = f.sandbox.stats().total();
    let missing = run(&["download", "@rust_berlin"]).await;
    assert_eq!(missing.code, 2, "{missing:?}");
    assert!(
        missing.stderr.contains("which message of @rust_berlin?"),
        "{missing:?}"
    );
    let both = run(&["download", "https://t.me/rust_berlin/10", "11"]).await;
    assert_eq!(both.code, 2, "{both:?}");
    assert!(both.stderr.contains("already names message 10"), "{both:?}");
    assert_eq!(
        f.sandbox.stats().total(),
        before,
        "nothing reached Telegram"
    );
}

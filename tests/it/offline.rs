//! No test reaches past loopback: every process the suite starts (through
//! [`TestEnv::command`]) gets `TGMCP_TEST_LOOPBACK_ONLY`, under which the binary's
//! fetcher refuses any name but `localhost` before looking it up and any address but
//! loopback — whatever URL a test, a README example or a fuzzer hands it, and whatever
//! `--allow-*-urls` flags it passes. (`src/net/fetch.rs`'s unit test shows with a counting
//! resolver that the refusal comes before any lookup.)

use serde_json::json;

use crate::harness::Setup;

const REFUSAL: &str =
    "is not a loopback address, and this is a test run (TGMCP_TEST_LOOPBACK_ONLY is set)";

#[tokio::test]
async fn the_cli_refuses_a_public_name_or_address_in_a_test_run() {
    let f = Setup::demo().await;
    let before = f.message_count();
    for url in [
        "https://t.me/rust_berlin/1",
        "https://example.com/paper.pdf",
        "http://93.184.216.34/a.pdf",
        "https://[2606:4700:4700::1111]/a.pdf",
    ] {
        let run = f
            .env
            .run(&[
                "send",
                "me",
                "--allow-http-urls",
                "--allow-private-urls",
                "--file",
                url,
            ])
            .await;
        assert_eq!(run.code, 1, "{url}: {run:?}");
        assert!(run.stderr.contains(REFUSAL), "{url}: {run:?}");
    }
    assert_eq!(f.message_count(), before, "nothing was sent");
}

#[tokio::test]
async fn the_mcp_server_refuses_a_public_name_in_a_test_run() {
    let f = Setup::demo().await;
    let server = crate::mcp::start(&f.env, &["serve"]).await;
    let before = f.message_count();
    let error = server
        .fail(
            "send_message",
            json!({"chat_id": "me", "message": "x", "files": ["https://t.me/rust_berlin/1"]}),
        )
        .await;
    assert_eq!(error["kind"], "forbidden", "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap_or_default()
            .contains(REFUSAL),
        "{error}"
    );
    assert_eq!(f.message_count(), before, "nothing was sent");
    assert_eq!(server.stop().await, 0);
}

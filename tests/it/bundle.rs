//! `tgmcp health --bundle`: every kind of secret is planted where tgmcp keeps or meets
//! it (session auth keys, api_hash in the config file, the bearer token, a pending
//! login's phone, secret variables, a log full of them), and none comes out in the
//! archive, which still says what a bug report needs.

use std::io::Read as _;

use tgmcp::sandbox::Sandbox;

use crate::common::TestEnv;

/// Every file of the archive at `path`: (name, text).
fn unpack(path: &std::path::Path) -> Vec<(String, String)> {
    let file = std::fs::File::open(path).unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(file));
    archive
        .entries()
        .unwrap()
        .map(|entry| {
            let mut entry = entry.unwrap();
            let name = entry.path().unwrap().to_string_lossy().into_owned();
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            (name, text)
        })
        .collect()
}

fn long_strings(json: &serde_json::Value, out: &mut Vec<String>) {
    match json {
        serde_json::Value::String(s) if s.len() >= 32 => out.push(s.clone()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| long_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| long_strings(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_bundle_has_what_a_report_needs_and_no_secret() {
    let (_sandbox, env, token): (Sandbox, TestEnv, String) = crate::http::demo().await;
    let profile = env.profile_dir("default");
    let api_hash = "9f86d081884c7d659a2feaa0c55ad015";
    let config = env.home.path().join("my-config.toml");
    std::fs::write(&config, format!("api_id = 1\napi_hash = \"{api_hash}\"\n")).unwrap();
    let phone = "+15551234567";
    tgmcp::telegram::PendingLogin::new(phone, "a1b2c3d4e5f60718")
        .save(&profile.join("login.json"))
        .unwrap();
    let session: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(profile.join("session.json")).unwrap())
            .unwrap();
    let mut auth_keys = Vec::new();
    long_strings(&session, &mut auth_keys);
    assert!(!auth_keys.is_empty(), "the session holds auth keys");
    let password = "correct-horse-battery";
    let code = "40913";
    let log = env.home.path().join("tgmcp.log");
    std::fs::write(
        &log,
        format!(
            "INFO start\nDEBUG Authorization: Bearer {token}\nDEBUG login code {code} for {phone}\n\
             WARN password {password}\nDEBUG api_hash={api_hash} key {}\nINFO done\n",
            auth_keys[0]
        ),
    )
    .unwrap();
    let server = crate::http::start(&env, &[]).await;
    let url = format!("http://{}", server.addr);
    let out = env.home.path().join("report.tar.gz");

    let args = [
        "--config",
        config.to_str().unwrap(),
        "health",
        "--bundle",
        out.to_str().unwrap(),
        "--url",
        &url,
        "--log",
        log.to_str().unwrap(),
    ];
    let run = env
        .run_with(&args, |c| {
            c.env("TGMCP_PASSWORD", password)
                .env("TGMCP_PHONE", "+15557654321");
        })
        .await;
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout.trim(), out.to_str().unwrap());

    let files = unpack(&out);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for wanted in [
        "tgmcp-bundle/version.txt",
        "tgmcp-bundle/environment.txt",
        "tgmcp-bundle/profile.txt",
        "tgmcp-bundle/config.toml",
        "tgmcp-bundle/health.json",
        "tgmcp-bundle/server/health.json",
        "tgmcp-bundle/server/metrics.txt",
        "tgmcp-bundle/log.txt",
    ] {
        assert!(names.contains(&wanted), "{wanted} in {names:?}");
    }
    let file = |name: &str| {
        &files
            .iter()
            .find(|(n, _)| n == &format!("tgmcp-bundle/{name}"))
            .unwrap()
            .1
    };
    assert!(file("version.txt").contains(env!("CARGO_PKG_VERSION")));
    assert!(file("environment.txt").contains("TGMCP_PASSWORD=<redacted>"));
    assert!(file("profile.txt").contains("session.json"));
    assert!(file("config.toml").contains("api_id = 1"));
    let health: serde_json::Value = serde_json::from_str(file("health.json")).unwrap();
    assert_eq!(health["ok"], true, "{health}");
    assert!(file("server/metrics.txt").contains("HTTP 200"));
    assert!(file("server/metrics.txt").contains("tgmcp_uptime_seconds"));
    assert!(file("log.txt").contains("INFO done"));

    let everything: String = files.iter().map(|(n, t)| format!("{n}\n{t}\n")).collect();
    let mut planted = vec![
        token.clone(),
        api_hash.to_owned(),
        phone.to_owned(),
        "+15557654321".to_owned(),
        "a1b2c3d4e5f60718".to_owned(),
        password.to_owned(),
        code.to_owned(),
    ];
    planted.extend(auth_keys.iter().cloned());
    // Any 16-character piece of a key is enough to leak it.
    planted.extend(auth_keys.iter().map(|k| k[..16].to_owned()));
    planted.push(token[..12].to_owned());
    for secret in &planted {
        assert!(
            !everything.contains(secret.as_str()),
            "a secret leaked: {secret:.8}…"
        );
    }

    // Never over an existing file.
    let before = std::fs::read(&out).unwrap();
    let run = env
        .run(&["health", "--bundle", out.to_str().unwrap()])
        .await;
    assert_eq!(run.code, 2, "{run:?}");
    assert_eq!(std::fs::read(&out).unwrap(), before);
    assert_eq!(server.terminate().await, 0);
}

//! The operations pack in `contrib/`: every metric that an alert rule, a dashboard panel
//! or the README names is one that `/metrics` of a real `serve --http` serves, and the
//! rules pass `promtool check rules` and their own `promtool test rules` (Debian's
//! `prometheus` package, which `.ci/run` installs).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::common::TestEnv;

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Metric names (`tgmcp_…`, `process_…`) in `text`, with histogram and summary suffixes
/// kept: the caller knows which families have them.
fn metric_names(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        let starts_name = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if starts_name && (rest.starts_with("tgmcp_") || rest.starts_with("process_")) {
            let len = rest
                .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
                .unwrap_or(rest.len());
            names.insert(rest[..len].to_owned());
            i += len;
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    names
}

/// The families `/metrics` declares (`# TYPE name kind`), with the sample names each
/// kind has.
fn served(metrics: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in metrics.lines() {
        let Some(rest) = line.strip_prefix("# TYPE ") else {
            continue;
        };
        let mut parts = rest.split_whitespace();
        let (Some(name), Some(kind)) = (parts.next(), parts.next()) else {
            continue;
        };
        names.insert(name.to_owned());
        let suffixes: &[&str] = match kind {
            "histogram" => &["_bucket", "_sum", "_count"],
            "summary" => &["_sum", "_count"],
            _ => &[],
        };
        for suffix in suffixes {
            names.insert(format!("{name}{suffix}"));
        }
    }
    names
}

/// The README's list of metrics: the paragraph that introduces `GET /metrics`.
fn readme_metrics() -> BTreeSet<String> {
    let readme = std::fs::read_to_string(repo("README.md")).unwrap();
    let start = readme
        .find("`GET /metrics`")
        .expect("the README documents /metrics");
    let end = start + readme[start..].find("\n\n").unwrap_or(readme.len() - start);
    metric_names(&readme[start..end])
}

#[tokio::test]
async fn every_metric_the_rules_dashboard_and_readme_name_is_served() {
    let (sandbox, env, token): (_, TestEnv, String) = crate::http::demo().await;
    let server = crate::http::start(&env, &[]).await;
    let bearer = format!("Bearer {token}");
    let mut answer = server.get("/metrics", &[("authorization", &bearer)]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    // Hosted mode (`--accounts`) serves its account families besides.
    let me = sandbox.world().demo_user().expect("demo user");
    crate::hosted::accounts_dir(&env, &sandbox, &[("demo", me)]).await;
    let hosted = crate::hosted::serve_accounts(&env, &["--metrics-public"]).await;
    let hosted_answer = hosted.get("/metrics", &[]).await;
    assert_eq!(hosted_answer.status, 200, "{}", hosted_answer.body);
    assert!(hosted_answer.body.contains("# TYPE tgmcp_accounts gauge"));
    // The histograms the alert rules and panels take quantiles of, in both modes.
    for family in [
        "tgmcp_telegram_request_duration_seconds",
        "tgmcp_tool_call_duration_seconds",
        "tgmcp_http_request_duration_seconds",
        "tgmcp_http_request_size_bytes",
        "tgmcp_http_response_size_bytes",
    ] {
        for body in [&answer.body, &hosted_answer.body] {
            assert!(
                body.contains(&format!("# TYPE {family} histogram\n")),
                "{family} is a histogram in\n{body}"
            );
        }
    }
    answer.body.push_str(&hosted_answer.body);
    assert_eq!(hosted.terminate().await, 0);
    let served = served(&answer.body);
    assert!(served.contains("tgmcp_tool_calls_total"), "{served:?}");

    for (what, names) in [
        (
            "contrib/prometheus/tgmcp-rules.yml",
            metric_names(
                &std::fs::read_to_string(repo("contrib/prometheus/tgmcp-rules.yml")).unwrap(),
            ),
        ),
        (
            "contrib/grafana/tgmcp-dashboard.json",
            metric_names(
                &std::fs::read_to_string(repo("contrib/grafana/tgmcp-dashboard.json")).unwrap(),
            ),
        ),
        ("README.md", readme_metrics()),
    ] {
        assert!(names.len() >= 5, "{what} names metrics: {names:?}");
        let missing: Vec<_> = names.difference(&served).collect();
        assert!(
            missing.is_empty(),
            "{what} names metrics /metrics does not serve: {missing:?}"
        );
    }
    // And the README lists every family the server serves.
    let documented = readme_metrics();
    let undocumented: Vec<_> = answer
        .body
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| !documented.contains(*name))
        .collect();
    assert!(
        undocumented.is_empty(),
        "README.md does not list {undocumented:?}"
    );
    assert_eq!(server.terminate().await, 0);
}

/// `promtool` on PATH, or `None` (skipped, loudly) outside CI.
fn promtool() -> Option<&'static str> {
    let found = std::process::Command::new("promtool")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if found {
        return Some("promtool");
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "promtool is missing in CI: .ci/run installs Debian's prometheus package"
    );
    eprintln!("SKIPPED: promtool not found (apt-get install prometheus)");
    None
}

#[test]
fn alert_rules_pass_promtool_and_their_own_tests() {
    let Some(promtool) = promtool() else { return };
    let dir = repo("contrib/prometheus");
    for args in [
        ["check", "rules", "tgmcp-rules.yml"],
        ["test", "rules", "tgmcp-rules.test.yml"],
    ] {
        let out = std::process::Command::new(promtool)
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "promtool {}:\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_dashboard_is_grafana_json_with_a_query_in_every_panel() {
    let text = std::fs::read_to_string(repo("contrib/grafana/tgmcp-dashboard.json")).unwrap();
    let dashboard: serde_json::Value = serde_json::from_str(&text).unwrap();
    let panels = dashboard["panels"].as_array().unwrap();
    assert!(panels.len() >= 8);
    for panel in panels {
        let targets = panel["targets"].as_array().unwrap();
        assert!(!targets.is_empty(), "{panel}");
        for target in targets {
            let expr = target["expr"].as_str().unwrap();
            assert!(
                !metric_names(expr).is_empty(),
                "a panel query names a metric: {expr}"
            );
        }
    }
}

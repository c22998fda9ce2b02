//! `serve --http --web-setup` (issue 22): the `/setup` page driven over HTTP as a browser
//! would (cookie, CSRF field, redirects not followed), against the real binary and an
//! in-process sandbox: phone → code → 2FA password, wrong codes and passwords, the limit
//! on them, CSRF, reauthorization keeping the token, the QR login, and `mcp.json`.

use base64::Engine as _;
use serde_json::json;
use tgmcp::sandbox::{DEMO_PASSWORD, DEMO_PASSWORD_HINT, DEMO_PHONE, Sandbox, World};

use crate::common::{TestEnv, within};
use crate::http::{HttpServer, call, save_token, structured};

/// A browser's view of one setup: its cookie and the last page's CSRF token.
struct Browser {
    http: reqwest::Client,
    base: String,
    cookie: String,
    /// The whole `Set-Cookie` header.
    set_cookie: String,
    csrf: String,
}

struct Page {
    status: u16,
    body: String,
}

impl Browser {
    /// Opens `/setup`: a new setup, its cookie set HttpOnly and SameSite=Strict.
    async fn open(server: &HttpServer) -> Self {
        tgmcp::net::install_crypto_provider();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let response = within(30, http.get(server.url("/setup")).send())
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let set = response
            .headers()
            .get("set-cookie")
            .expect("a setup cookie")
            .to_str()
            .unwrap()
            .to_owned();
        for attribute in ["HttpOnly", "SameSite=Strict", "Max-Age=", "Path=/setup"] {
            assert!(set.contains(attribute), "{set}");
        }
        let cookie = set.split(';').next().unwrap().to_owned();
        let set_cookie = set.clone();
        let body = response.text().await.unwrap();
        let mut browser = Self {
            http,
            base: server.url(""),
            cookie,
            set_cookie,
            csrf: String::new(),
        };
        browser.read_csrf(&body);
        browser
    }

    fn read_csrf(&mut self, body: &str) {
        if let Some(rest) = body.split("name=csrf value=\"").nth(1) {
            self.csrf = rest.split('"').next().unwrap().to_owned();
        }
    }

    async fn page(&mut self) -> Page {
        let response = within(
            30,
            self.http
                .get(format!("{}/setup", self.base))
                .header("cookie", &self.cookie)
                .send(),
        )
        .await
        .unwrap();
        let status = response.status().as_u16();
        let body = response.text().await.unwrap();
        self.read_csrf(&body);
        Page { status, body }
    }

    /// Posts a form (with the CSRF token), then shows the page it leads to.
    async fn submit(&mut self, step: &str, fields: &[(&str, &str)]) -> Page {
        let mut all = vec![("csrf", self.csrf.clone())];
        all.extend(fields.iter().map(|(k, v)| (*k, (*v).to_owned())));
        let answer = self.post_raw(step, &all).await;
        if answer.status != 303 {
            return answer;
        }
        self.page().await
    }

    async fn post_raw(&self, step: &str, fields: &[(&str, String)]) -> Page {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let response = within(
            60,
            self.http
                .post(format!("{}/setup/{step}", self.base))
                .header("cookie", &self.cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send(),
        )
        .await
        .unwrap();
        Page {
            status: response.status().as_u16(),
            body: response.text().await.unwrap(),
        }
    }

    async fn get(&self, path: &str) -> (u16, String, String) {
        let response = within(
            30,
            self.http
                .get(format!("{}{path}", self.base))
                .header("cookie", &self.cookie)
                .send(),
        )
        .await
        .unwrap();
        let disposition = response
            .headers()
            .get("content-disposition")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        (
            response.status().as_u16(),
            disposition,
            response.text().await.unwrap(),
        )
    }
}

/// A single profile, not logged in yet (its session knows the sandbox), with a token,
/// served with `--web-setup`.
pub(crate) async fn logged_out_profile() -> (Sandbox, TestEnv, String, HttpServer) {
    let sandbox = Sandbox::start(World::demo()).await.expect("sandbox starts");
    let env = TestEnv::new();
    env.profile_at(&sandbox, "default", None).await;
    let token = save_token(&env, "default");
    let server = crate::http::start(&env, &["--web-setup"]).await;
    (sandbox, env, token, server)
}

pub(crate) fn bearer_in(page: &str) -> String {
    page.split("Bearer ")
        .nth(1)
        .expect("the page shows a token")
        .split(['"', '&', '<'])
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn phone_code_and_password_log_the_profile_in_and_reauthorize_keeps_the_token() {
    let (sandbox, _env, token, server) = logged_out_profile().await;
    let code = sandbox.world().login_code.clone();
    let mut browser = Browser::open(&server).await;
    assert!(
        browser.set_cookie.contains("Max-Age=900"),
        "{}",
        browser.set_cookie
    );

    // A form without the setup's CSRF token, or without its cookie, changes nothing.
    let forged = browser
        .post_raw(
            "phone",
            &[("csrf", "forged".into()), ("phone", DEMO_PHONE.into())],
        )
        .await;
    assert_eq!(forged.status, 403, "{}", forged.body);
    let cookieless = reqwest::Client::new()
        .post(server.url("/setup/phone"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={}&phone=%2B15550100001", browser.csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(cookieless.status(), 403);
    // Another site's page cannot post to it (Origin).
    let cross = reqwest::Client::new()
        .post(server.url("/setup/phone"))
        .header("origin", "https://evil.example")
        .header("cookie", &browser.cookie)
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);
    assert!(browser.page().await.body.contains("Phone number"));

    let page = browser.submit("phone", &[("phone", DEMO_PHONE)]).await;
    assert!(page.body.contains("Enter the login code"), "{}", page.body);
    let page = browser.submit("code", &[("code", "99999")]).await;
    assert!(page.body.contains("That code is wrong"), "{}", page.body);
    let page = browser.submit("code", &[("code", &code)]).await;
    assert!(page.body.contains("Two-step verification"), "{}", page.body);
    assert!(page.body.contains(DEMO_PASSWORD_HINT), "{}", page.body);
    let page = browser.submit("password", &[("password", "wrong")]).await;
    assert!(
        page.body.contains("That password is wrong"),
        "{}",
        page.body
    );
    let page = browser
        .submit("password", &[("password", DEMO_PASSWORD)])
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=logged-in"), "{}", page.body);
    for client in ["Claude Desktop", "Cursor", "VS Code", "Claude Code"] {
        assert!(page.body.contains(client), "{client}: {}", page.body);
    }
    assert_eq!(bearer_in(&page.body), token, "the profile keeps its token");

    let (status, disposition, mcp_json) = browser.get("/setup/mcp.json").await;
    assert_eq!(status, 200, "{mcp_json}");
    assert!(disposition.contains("attachment; filename=\"mcp.json\""));
    let mcp: serde_json::Value = serde_json::from_str(&mcp_json).unwrap();
    assert_eq!(
        mcp["mcpServers"]["telegram"],
        json!({"url": server.url("/mcp"), "headers": {"Authorization": format!("Bearer {token}")}})
    );

    // The running server serves the new login with that token.
    let client = server.client("/mcp", Some(&token)).await;
    let me = structured(&call(&client, "get_chat_info", json!({"chat_id": "me"})).await);
    assert_eq!(
        me["chat"]["id"].as_i64(),
        sandbox.world().demo_user(),
        "{me}"
    );
    drop(client);

    // A new login is refused now; reauthorizing with the token logs in again, same token.
    let mut again = Browser::open(&server).await;
    let page = again.submit("phone", &[("phone", DEMO_PHONE)]).await;
    assert!(page.body.contains("already logged in"), "{}", page.body);
    let page = again
        .submit(
            "phone",
            &[("token", "tgmcp_not-the-token"), ("phone", DEMO_PHONE)],
        )
        .await;
    assert!(
        page.body.contains("no account has this bearer token"),
        "{}",
        page.body
    );
    let page = again
        .submit("phone", &[("token", &token), ("phone", DEMO_PHONE)])
        .await;
    assert!(page.body.contains("Enter the login code"), "{}", page.body);
    again.submit("code", &[("code", &code)]).await;
    let page = again
        .submit("password", &[("password", DEMO_PASSWORD)])
        .await;
    assert!(page.body.contains("id=logged-in"), "{}", page.body);
    assert_eq!(bearer_in(&page.body), token);

    // Nothing typed reached a log.
    let stderr = server.stderr();
    for secret in [DEMO_PHONE, "15550100001", DEMO_PASSWORD_HINT, &token] {
        assert!(!stderr.contains(secret), "{secret:?} logged:\n{stderr}");
    }
    assert!(!stderr.contains(&format!("code={code}")), "{stderr}");
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn wrong_codes_are_limited_per_setup_and_per_address() {
    let (_sandbox, _env, _token, server) = logged_out_profile().await;
    let mut browser = Browser::open(&server).await;
    let page = browser.submit("phone", &[("phone", DEMO_PHONE)]).await;
    assert!(page.body.contains("Enter the login code"), "{}", page.body);
    for _ in 0..5 {
        let page = browser.submit("code", &[("code", "99999")]).await;
        assert!(page.body.contains("That code is wrong"), "{}", page.body);
    }
    let page = browser.submit("code", &[("code", "99999")]).await;
    assert_eq!(page.status, 429, "{}", page.body);
    // The setup is over: its cookie leads to a new one.
    let page = browser.submit("code", &[("code", "99999")]).await;
    assert_eq!(page.status, 403, "{}", page.body);

    // A second setup from the same address gets the rest of the address's allowance.
    let mut second = Browser::open(&server).await;
    second.submit("phone", &[("phone", DEMO_PHONE)]).await;
    let mut limited = false;
    for _ in 0..6 {
        let page = second.submit("code", &[("code", "99999")]).await;
        if page.status == 429 {
            limited = true;
            break;
        }
    }
    assert!(
        limited,
        "the address's limit of 10 wrong codes applies across setups"
    );
    assert_eq!(server.terminate().await, 0);
}

#[tokio::test]
async fn a_qr_code_scanned_by_the_sandbox_then_the_password_logs_in() {
    let (sandbox, _env, token, server) = logged_out_profile().await;
    let mut browser = Browser::open(&server).await;
    let page = browser.submit("qr", &[]).await;
    assert!(page.body.contains("<svg"), "{}", page.body);
    let (status, _, body) = browser.get("/setup/qr/status").await;
    assert_eq!(status, 200, "{body}");
    let status: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(status["state"], "qr", "{status}");
    let url = status["url"].as_str().unwrap();
    let login_token = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(url.strip_prefix("tg://login?token=").unwrap())
        .unwrap();
    let me = sandbox.world().demo_user().unwrap();
    sandbox.scan_login_token(me, &login_token).unwrap();
    let state = within(30, async {
        loop {
            let (_, _, body) = browser.get("/setup/qr/status").await;
            let status: serde_json::Value = serde_json::from_str(&body).unwrap();
            if status["state"] != "qr" {
                return status["state"].as_str().unwrap().to_owned();
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    })
    .await;
    assert_eq!(state, "password");
    let page = browser.page().await;
    assert!(page.body.contains(DEMO_PASSWORD_HINT), "{}", page.body);
    let page = browser
        .submit("password", &[("password", DEMO_PASSWORD)])
        .await;
    assert!(page.body.contains("id=logged-in"), "{}", page.body);
    assert_eq!(bearer_in(&page.body), token);
    assert_eq!(server.terminate().await, 0);
}

/// In hosted mode (here on the `--sandbox` demo, whose DC hands out the fresh sessions a
/// new account needs) a login at `/setup` makes a new account with a new token, served
/// at once; the folder stays private and no half-made account is left behind.
#[tokio::test]
async fn in_hosted_mode_a_login_makes_a_new_account_served_at_once() {
    let env = TestEnv::checked();
    let dir = env.home.path().join("accounts");
    std::os::unix::fs::DirBuilderExt::mode(std::fs::DirBuilder::new().recursive(true), 0o700)
        .create(&dir)
        .unwrap();
    let mut cmd = env.command();
    cmd.args(["--sandbox", "serve", "--http", "127.0.0.1:0", "--web-setup"])
        .arg("--accounts")
        .arg(&dir);
    let server = crate::http::spawn(cmd).await;

    let mut browser = Browser::open(&server).await;
    let page = browser.submit("phone", &[("phone", DEMO_PHONE)]).await;
    assert!(page.body.contains("Enter the login code"), "{}", page.body);
    let page = browser.submit("code", &[("code", "12345")]).await;
    assert!(page.body.contains(DEMO_PASSWORD_HINT), "{}", page.body);
    let page = browser
        .submit("password", &[("password", DEMO_PASSWORD)])
        .await;
    assert!(page.body.contains("id=logged-in"), "{}", page.body);
    let token = bearer_in(&page.body);

    let folders: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(folders.len(), 1, "{folders:?}");
    assert!(folders[0].starts_with("web-"), "{folders:?}");
    let mode = |path: &std::path::Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(mode(&dir.join(&folders[0])), 0o700);
    assert_eq!(mode(&dir.join(&folders[0]).join("token")), 0o600);

    let client = server.client("/mcp", Some(&token)).await;
    let me = structured(&call(&client, "get_chat_info", json!({"chat_id": "me"})).await);
    assert!(me["chat"]["id"].as_i64().is_some(), "{me}");
    drop(client);

    // Reauthorizing the new account keeps its token and makes no second account.
    let mut again = Browser::open(&server).await;
    again
        .submit("phone", &[("token", &token), ("phone", DEMO_PHONE)])
        .await;
    again.submit("code", &[("code", "12345")]).await;
    let page = again
        .submit("password", &[("password", DEMO_PASSWORD)])
        .await;
    assert_eq!(bearer_in(&page.body), token, "{}", page.body);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    assert!(!server.stderr().contains(&token));
    assert_eq!(server.terminate().await, 0);
}

/// A setup ends after its time (here `--web-setup-expiry 5`; 15 minutes by default): its
/// forms and its `mcp.json` are refused, and `/setup` starts a new one.
#[tokio::test]
async fn a_setup_expires() {
    let sandbox = Sandbox::start(World::demo()).await.expect("sandbox starts");
    let env = TestEnv::checked();
    env.profile_at(&sandbox, "default", None).await;
    save_token(&env, "default");
    let server = crate::http::start(&env, &["--web-setup", "--web-setup-expiry", "5"]).await;
    let mut browser = Browser::open(&server).await;
    let page = browser.submit("phone", &[("phone", DEMO_PHONE)]).await;
    assert!(page.body.contains("Enter the login code"), "{}", page.body);
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    let page = browser.submit("code", &[("code", "12345")]).await;
    assert_eq!(page.status, 403, "{}", page.body);
    assert!(page.body.contains("expired"), "{}", page.body);
    let (status, _, _) = browser.get("/setup/mcp.json").await;
    assert_eq!(status, 403);
    let fresh = Browser::open(&server).await;
    assert_ne!(fresh.cookie, browser.cookie);
    assert_eq!(server.terminate().await, 0);
}

/// One client address may ask for at most 10 login codes per 15 minutes, so the page
/// cannot be used to flood phone numbers with codes.
#[tokio::test]
async fn login_codes_asked_for_are_limited_per_address() {
    let (_sandbox, _env, _token, server) = logged_out_profile().await;
    for n in 0..10 {
        let mut browser = Browser::open(&server).await;
        let page = browser.submit("phone", &[("phone", DEMO_PHONE)]).await;
        assert!(
            page.body.contains("Enter the login code"),
            "{n}: {}",
            page.body
        );
    }
    let mut browser = Browser::open(&server).await;
    let page = browser.submit("phone", &[("phone", DEMO_PHONE)]).await;
    assert_eq!(page.status, 429, "{}", page.body);
    let page = browser.submit("qr", &[]).await;
    assert_eq!(page.status, 429, "{}", page.body);
    assert_eq!(server.terminate().await, 0);
}

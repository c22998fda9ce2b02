//! Fetching a URL on someone's behalf, without letting the URL reach what it should not.
//!
//! - Only https (http with `allow_http`), no user:password@ in URLs (it ends up in logs and
//!   transcripts, and `https://trusted@evil/` misleads the reader), any port (the check is
//!   on the address: every port of a public host is public).
//! - Names are resolved by a [`Resolver`] that reqwest calls when it connects; every
//!   address of the answer is checked, and reqwest connects to exactly those addresses,
//!   so there is no second lookup for DNS rebinding to slip into. Hosts written as IP
//!   literals never reach a resolver and are checked from the URL.
//! - Redirects (at most 5) are checked hop by hop the same way, before they are followed.
//! - No proxy from the environment (a proxy would resolve names where we cannot check
//!   them), no compression (no decompression bombs), a connect and a total timeout, and
//!   the size limit enforced on the bytes as they arrive, whatever Content-Length says.
//! - Under the test suite ([`LOOPBACK_ONLY_ENV`] set) only loopback is reachable, and a
//!   name other than `localhost` is refused before any resolver is asked, so a test that
//!   generates `https://t.me/…` cannot make a DNS query or leave the machine.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Once};
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::addr;
use crate::error::{Error, Result};

/// Most redirects followed.
pub const MAX_REDIRECTS: usize = 5;

/// Default size limit for one file: 50 MB.
pub const DEFAULT_MAX_BYTES: u64 = 50 * 1000 * 1000;

/// Set, to anything but empty, in the environment of every process the test suite starts
/// (tests/it/common.rs): fetches may then reach loopback addresses only, and names other
/// than `localhost` are refused before they are looked up. Hidden (no flag, not in
/// `--help`): it is for tests, and it can only take permissions away, never add them.
pub const LOOPBACK_ONLY_ENV: &str = "TGMCP_TEST_LOOPBACK_ONLY";

fn loopback_only_from_env() -> bool {
    std::env::var_os(LOOPBACK_ONLY_ENV).is_some_and(|v| !v.is_empty())
}

/// Resolves host names to addresses. The system's resolver in production; tests map
/// names to whatever they need (and change answers between lookups).
pub trait Resolver: Send + Sync + 'static {
    fn lookup(&self, host: &str) -> Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send>>;
}

/// The operating system's resolver (getaddrinfo, through tokio).
pub struct SystemResolver;

impl Resolver for SystemResolver {
    fn lookup(&self, host: &str) -> Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send>> {
        let host = host.to_owned();
        Box::pin(async move {
            let addrs = tokio::net::lookup_host((host.as_str(), 0)).await?;
            Ok(addrs.map(|a| a.ip()).collect())
        })
    }
}

/// What a fetch may do.
#[derive(Clone, Debug)]
pub struct FetchPolicy {
    /// Also fetch plain http:// URLs (`--allow-http-urls`).
    pub allow_http: bool,
    /// Reach loopback, private, link-local … addresses too (`--allow-private-urls`).
    pub allow_private: bool,
    /// Largest body accepted, in bytes (`--max-file-size`).
    pub max_bytes: u64,
    pub connect_timeout: Duration,
    /// For the whole fetch, body included.
    pub total_timeout: Duration,
    /// Addresses treated as public although the classifier blocks them. No flag sets
    /// this: it is for tests (a loopback address standing in for a public one) and for
    /// programs embedding tgmcp.
    pub trusted_addresses: Vec<IpAddr>,
    /// Extra CA certificates (PEM) to trust besides the platform's. The binary trusts
    /// the platform's roots only (which honour SSL_CERT_FILE on Linux).
    pub extra_roots: Vec<Vec<u8>>,
    /// Loopback only, no name but `localhost` looked up: for test runs, from
    /// [`LOOPBACK_ONLY_ENV`]; no flag sets it, and nothing unsets it for a run that has it.
    pub loopback_only: bool,
}

impl Default for FetchPolicy {
    fn default() -> Self {
        Self {
            allow_http: false,
            allow_private: false,
            max_bytes: DEFAULT_MAX_BYTES,
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(300),
            trusted_addresses: Vec::new(),
            extra_roots: Vec::new(),
            loopback_only: loopback_only_from_env(),
        }
    }
}

impl FetchPolicy {
    /// Why `ip` may not be reached under this policy.
    fn refuse_ip(&self, ip: IpAddr) -> Option<&'static str> {
        if self.allow_private || self.trusted_addresses.contains(&ip) {
            return None;
        }
        addr::blocked(ip)
    }

    /// Why `url` may not be requested (scheme, credentials, a blocked literal or name);
    /// names are checked again, by address, when they are resolved.
    pub fn check_url(&self, url: &reqwest::Url) -> std::result::Result<(), String> {
        match url.scheme() {
            "https" => {}
            "http" if self.allow_http => {}
            "http" => {
                return Err(format!(
                    "{} is plain http — only https URLs are fetched (--allow-http-urls allows http)",
                    redact(url)
                ));
            }
            other => {
                return Err(format!(
                    "{}: {other}: URLs cannot be fetched — use an https URL",
                    redact(url)
                ));
            }
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!(
                "{} carries a user name or password — URLs with credentials are refused",
                redact(url)
            ));
        }
        let host = url.host_str().unwrap_or_default();
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = literal.parse::<IpAddr>() {
            if let Some(why) = self.refuse_ip(ip) {
                return Err(refusal(url, &format!("{ip} is {why}")));
            }
        } else if !self.allow_private
            && let Some(why) = addr::blocked_name(host)
        {
            return Err(refusal(url, &format!("{host} is {why}")));
        }
        if self.loopback_only {
            return loopback_only(url, host, literal);
        }
        Ok(())
    }
}

/// [`FetchPolicy::loopback_only`]: a loopback literal or `localhost`, decided from the URL
/// alone, before anything is resolved.
fn loopback_only(url: &reqwest::Url, host: &str, literal: &str) -> std::result::Result<(), String> {
    let loopback = match literal.parse::<IpAddr>() {
        Ok(ip) => is_loopback(ip),
        Err(_) => {
            let name = host.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    };
    if loopback {
        return Ok(());
    }
    Err(format!(
        "refused to fetch {}: {host} is not a loopback address, and this is a test run ({LOOPBACK_ONLY_ENV} is set), which reaches loopback only and looks no name up — use 127.0.0.1 or a .invalid name in tests",
        redact(url)
    ))
}

fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map_or(v6.is_loopback(), |v4| v4.is_loopback()),
        IpAddr::V4(v4) => v4.is_loopback(),
    }
}

fn refusal(url: &reqwest::Url, reason: &str) -> String {
    format!(
        "refused to fetch {}: {reason} (--allow-private-urls lifts this, for people who mean it)",
        redact(url)
    )
}

/// A URL as the caller wrote it, for a message, without what may be secret: the user
/// name and password, the query and the fragment. Works on text that is not a valid URL
/// too (that is when it is printed in an error).
pub fn redact_url(text: &str) -> String {
    // `user:pass@host/x` parses too, as scheme `user` with an opaque path: not a host.
    if let Ok(url) = reqwest::Url::parse(text)
        && url.has_host()
    {
        return redact(&url);
    }
    let text = text.split(['?', '#']).next().unwrap_or_default();
    let (scheme, rest) = match text.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), text),
    };
    let authority_end = rest.find(['/', '\\']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    format!("{scheme}{host}{path}")
}

/// The URL without query and fragment (they may carry tokens), for messages.
fn redact(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

/// A policy refusal, carried through reqwest's error chain from the resolver or the
/// redirect policy.
#[derive(Debug)]
struct Refused(String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for Refused {}

/// The resolver reqwest uses: looks the name up once, refuses the whole answer if any
/// address in it is blocked, and hands reqwest the checked addresses to connect to.
struct Guard {
    inner: Arc<dyn Resolver>,
    policy: Arc<FetchPolicy>,
}

impl Resolve for Guard {
    fn resolve(&self, name: Name) -> Resolving {
        let inner = Arc::clone(&self.inner);
        let policy = Arc::clone(&self.policy);
        let host = name.as_str().to_owned();
        Box::pin(async move {
            if policy.loopback_only && host != "localhost" && !host.ends_with(".localhost") {
                let reason = format!("{host} was not looked up: a test run reaches loopback only");
                return Err(Box::new(Refused(reason)) as Box<dyn StdError + Send + Sync>);
            }
            let ips = inner.lookup(&host).await?;
            if ips.is_empty() {
                return Err(io::Error::other(format!("{host} has no address")).into());
            }
            for ip in &ips {
                // A mapped address connects as the IPv4 address it carries.
                let ip = match ip {
                    IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(*ip, IpAddr::V4),
                    v4 => *v4,
                };
                if policy.loopback_only && !is_loopback(ip) {
                    let reason =
                        format!("{host} resolves to {ip}: a test run reaches loopback only");
                    return Err(Box::new(Refused(reason)) as Box<dyn StdError + Send + Sync>);
                }
                if let Some(why) = policy.refuse_ip(ip) {
                    let reason = format!(
                        "{host} resolves to {ip}, which is {why} (--allow-private-urls lifts this, for people who mean it)"
                    );
                    return Err(Box::new(Refused(reason)) as Box<dyn StdError + Send + Sync>);
                }
            }
            let addrs: Addrs = Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

/// What a fetch brought back (the body went to the caller's writer).
#[derive(Debug, Clone)]
pub struct Fetched {
    pub size: u64,
    /// From Content-Type, without parameters.
    pub mime_type: Option<String>,
    /// From Content-Disposition, or the last segment of the final URL's path.
    pub file_name: Option<String>,
}

/// Fetches URLs under one [`FetchPolicy`].
pub struct Fetcher {
    client: reqwest::Client,
    policy: Arc<FetchPolicy>,
}

/// Makes ring rustls' process-wide crypto provider (reqwest is built without one, to
/// avoid aws-lc-rs's C build). Every reqwest client needs it: call before building one.
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Fails only if another provider is installed already, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl Fetcher {
    pub fn new(policy: FetchPolicy) -> Result<Self> {
        Self::with_resolver(policy, Arc::new(SystemResolver))
    }

    pub fn with_resolver(policy: FetchPolicy, resolver: Arc<dyn Resolver>) -> Result<Self> {
        install_crypto_provider();
        let policy = Arc::new(policy);
        let hops = Arc::clone(&policy);
        let redirects = redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > MAX_REDIRECTS {
                let reason = format!("more than {MAX_REDIRECTS} redirects");
                return attempt.error(Refused(reason));
            }
            match hops.check_url(attempt.url()) {
                Ok(()) => attempt.follow(),
                Err(reason) => attempt.error(Refused(format!("redirected, then {reason}"))),
            }
        });
        let mut builder = reqwest::Client::builder()
            .no_proxy()
            .redirect(redirects)
            .dns_resolver(Arc::new(Guard {
                inner: resolver,
                policy: Arc::clone(&policy),
            }))
            .connect_timeout(policy.connect_timeout)
            .timeout(policy.total_timeout)
            .user_agent(concat!("tgmcp/", env!("CARGO_PKG_VERSION")));
        for pem in &policy.extra_roots {
            let cert = reqwest::Certificate::from_pem(pem)
                .map_err(|e| Error::Config(format!("an extra CA certificate is not PEM: {e}")))?;
            builder = builder.add_root_certificate(cert);
        }
        let client = builder
            .build()
            .map_err(|e| Error::Config(format!("cannot set up the HTTPS client: {e}")))?;
        Ok(Self { client, policy })
    }

    pub fn policy(&self) -> &FetchPolicy {
        &self.policy
    }

    /// Fetches `url` into `sink`, stopping at the size limit. Refusals by policy are
    /// [`Error::Forbidden`]; everything else that goes wrong is [`Error::InvalidInput`]
    /// naming the URL (the caller's input did not lead to a file).
    pub async fn fetch(&self, url: &str, sink: &mut (impl AsyncWrite + Unpin)) -> Result<Fetched> {
        let parsed = reqwest::Url::parse(url)
            .map_err(|e| Error::InvalidInput(format!("{:?} is not a URL: {e}", redact_url(url))))?;
        self.policy.check_url(&parsed).map_err(Error::Forbidden)?;
        let shown = redact(&parsed);
        let failed = |e: reqwest::Error| fetch_error(&shown, e);
        let mut response = self.client.get(parsed).send().await.map_err(failed)?;
        let status = response.status();
        if !status.is_success() {
            return Err(Error::InvalidInput(format!(
                "{shown}: the server answered {status}"
            )));
        }
        let max = self.policy.max_bytes;
        if let Some(length) = response.content_length()
            && length > max
        {
            return Err(too_big(&shown, max, Some(length)));
        }
        let mime_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .filter(|v| v.contains('/'));
        let file_name = response
            .headers()
            .get(reqwest::header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .and_then(disposition_name)
            .or_else(|| {
                response
                    .url()
                    .path_segments()
                    .and_then(|mut s| s.next_back().map(str::to_owned))
            })
            .map(|name| sanitize_name(&name))
            .filter(|name| !name.is_empty());
        let mut size = 0u64;
        while let Some(chunk) = response.chunk().await.map_err(failed)? {
            size += chunk.len() as u64;
            if size > max {
                return Err(too_big(&shown, max, None));
            }
            sink.write_all(&chunk).await.map_err(|e| {
                Error::InvalidInput(format!("{shown}: cannot store the download: {e}"))
            })?;
        }
        sink.flush()
            .await
            .map_err(|e| Error::InvalidInput(format!("{shown}: cannot store the download: {e}")))?;
        Ok(Fetched {
            size,
            mime_type,
            file_name,
        })
    }
}

fn too_big(url: &str, max: u64, declared: Option<u64>) -> Error {
    let what = match declared {
        Some(length) => format!("is {length} bytes"),
        None => format!("goes on past {max} bytes"),
    };
    Error::InvalidInput(format!(
        "{url} {what}, over the limit of {max} bytes (--max-file-size) — nothing was sent"
    ))
}

/// A reqwest failure as the error a user can act on: a policy refusal found anywhere in
/// the chain is `Forbidden`, the rest says what failed.
fn fetch_error(url: &str, error: reqwest::Error) -> Error {
    let mut source: Option<&(dyn StdError + 'static)> = Some(&error);
    while let Some(e) = source {
        if let Some(refused) = e.downcast_ref::<Refused>() {
            return Error::Forbidden(refused.0.clone());
        }
        source = e.source();
    }
    if error.is_timeout() {
        // Its own kind: a slow web server says nothing about Telegram's connection.
        return Error::Timeout(format!(
            "{url} did not answer in time — try again, or send a smaller or faster source"
        ));
    }
    let what = if error.is_connect() {
        "cannot connect".to_owned()
    } else if error.is_redirect() {
        "too many redirects".to_owned()
    } else {
        "the download failed".to_owned()
    };
    // The innermost cause says the most (connection refused, certificate unknown …).
    let mut cause = String::new();
    let mut source = error.source();
    while let Some(e) = source {
        cause = e.to_string();
        source = e.source();
    }
    if cause.is_empty() {
        Error::InvalidInput(format!("{url}: {what}"))
    } else {
        Error::InvalidInput(format!("{url}: {what}: {cause}"))
    }
}

/// `filename="report.pdf"` or `filename=report.pdf` from a Content-Disposition value.
fn disposition_name(value: &str) -> Option<String> {
    value.split(';').find_map(|part| {
        let (key, v) = part.trim().split_once('=')?;
        (key.trim().eq_ignore_ascii_case("filename")).then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// A file name as a last path component: no directories, no control characters.
pub fn sanitize_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).collect();
    match clean.trim() {
        "." | ".." => String::new(),
        other => other.chars().take(200).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(policy: &FetchPolicy, url: &str) -> std::result::Result<(), String> {
        policy.check_url(&reqwest::Url::parse(url).unwrap())
    }

    #[test]
    fn schemes_credentials_and_literals() {
        let policy = FetchPolicy::default();
        assert!(check(&policy, "https://example.com/a.pdf").is_ok());
        assert!(check(&policy, "https://example.com:8443/a.pdf").is_ok());
        assert!(
            check(&policy, "http://example.com/a.pdf")
                .unwrap_err()
                .contains("plain http")
        );
        assert!(
            check(&policy, "ftp://example.com/a")
                .unwrap_err()
                .contains("ftp")
        );
        assert!(check(&policy, "file:///etc/passwd").is_err());
        let creds = check(&policy, "https://user:secret@example.com/").unwrap_err();
        assert!(creds.contains("user name or password") && !creds.contains("secret"));
        for url in [
            "https://127.0.0.1/",
            "https://[::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://2130706433/",
            "https://0x7f.1/",
            "https://169.254.169.254/latest/meta-data/",
            "https://metadata.google.internal/",
            "https://localhost:8080/",
        ] {
            let refused = check(&policy, url).unwrap_err();
            assert!(refused.contains("refused to fetch"), "{url}: {refused}");
        }
        let open = FetchPolicy {
            allow_http: true,
            allow_private: true,
            ..FetchPolicy::default()
        };
        assert!(check(&open, "http://127.0.0.1:8080/").is_ok());
    }

    #[test]
    fn messages_hide_query_strings() {
        let policy = FetchPolicy::default();
        let refused = check(&policy, "https://127.0.0.1/x?token=hunter2").unwrap_err();
        assert!(!refused.contains("hunter2"), "{refused}");
    }

    #[test]
    fn redacted_urls_keep_no_secrets() {
        for text in [
            "https://alice:hunter2@example.com:99999/a?token=s3cret#frag",
            "https://alice:hunter2@example.com/a/b?token=s3cret",
            "https://alice:hunter2@exa mple.com/x?token=s3cret",
            "alice:hunter2@example.com/x?token=s3cret",
            "https://alice:hunter2@[::1/x?token=s3cret",
        ] {
            let shown = redact_url(text);
            assert!(
                !shown.contains("hunter2") && !shown.contains("s3cret") && !shown.contains("alice"),
                "{text} → {shown}"
            );
            assert!(
                shown.contains("mple.com") || shown.contains("::1"),
                "{shown}"
            );
        }
        assert_eq!(
            redact_url("https://example.com/a.pdf?sig=1"),
            "https://example.com/a.pdf"
        );
    }

    /// Counts every name it is asked about (and answers with a public address).
    struct Counting(Arc<std::sync::atomic::AtomicUsize>);

    impl Resolver for Counting {
        fn lookup(
            &self,
            _host: &str,
        ) -> Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send>> {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Box::pin(async { Ok(vec![IpAddr::from([93, 184, 216, 34])]) })
        }
    }

    #[tokio::test]
    async fn a_test_run_reaches_loopback_only_and_looks_no_name_up() {
        let lookups = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let policy = FetchPolicy {
            allow_http: true,
            loopback_only: true,
            // Even a policy that opens everything else stays on loopback.
            allow_private: true,
            trusted_addresses: vec![IpAddr::from([93, 184, 216, 34])],
            ..FetchPolicy::default()
        };
        let fetcher =
            Fetcher::with_resolver(policy.clone(), Arc::new(Counting(Arc::clone(&lookups))))
                .unwrap();
        for url in [
            "https://t.me/rust_berlin/1",
            "https://example.com/a.pdf",
            "http://93.184.216.34/a.pdf",
            "https://[2606:2800:220:1::]/a.pdf",
            "https://[::ffff:93.184.216.34]/a.pdf",
        ] {
            let mut sink = Vec::new();
            match fetcher.fetch(url, &mut sink).await {
                Err(Error::Forbidden(why)) => {
                    assert!(why.contains(LOOPBACK_ONLY_ENV), "{url}: {why}")
                }
                other => panic!("{url}: {other:?}"),
            }
        }
        assert_eq!(lookups.load(std::sync::atomic::Ordering::SeqCst), 0);
        for url in [
            "http://127.0.0.1:9/a",
            "http://[::1]:9/a",
            "http://localhost:9/a",
            "http://files.localhost:9/a",
        ] {
            assert_eq!(check(&policy, url), Ok(()), "{url}");
        }
        // A loopback name that resolves elsewhere is refused by its address.
        let mut sink = Vec::new();
        match fetcher.fetch("http://localhost:9/a", &mut sink).await {
            Err(Error::Forbidden(why)) => assert!(why.contains("93.184.216.34"), "{why}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(lookups.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[test]
    fn names_from_headers_are_sanitized() {
        assert_eq!(
            disposition_name("attachment; filename=\"report.pdf\"").as_deref(),
            Some("report.pdf")
        );
        assert_eq!(sanitize_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_name(".."), "");
        assert_eq!(sanitize_name("a\nb.txt"), "ab.txt");
    }
}

//! A small HTTPS file server on loopback for the URL tests: a CA and a server
//! certificate made at test time (rcgen), rustls, and hand-written HTTP/1.1 so a test
//! can send exactly what it needs (no Content-Length, a dropped body, redirects).
//!
//! Paths: `/file/NAME?size=N` (N bytes, Content-Length), `/stream/NAME?size=N` (no
//! Content-Length), `/drop/NAME?size=N` (declares N, sends half, closes),
//! `/redirect?to=URL`, `/hops/K` (redirects K more times), anything else 404.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::{self, pki_types};

/// The CA that signed every test server's certificate, in PEM: what the client trusts.
pub struct TestCa {
    pub pem: String,
    acceptor: TlsAcceptor,
}

impl TestCa {
    /// A CA and a certificate for `names` (DNS names and IP addresses) signed by it.
    pub fn new(names: &[&str]) -> Self {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "tgmcp test CA");
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::from_params(&ca_params, &ca_key);
        let leaf_key = KeyPair::generate().unwrap();
        let leaf_params =
            CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf.der().clone(), ca.der().clone()],
                pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
            )
            .unwrap();
        Self {
            pem: ca.pem(),
            acceptor: TlsAcceptor::from(Arc::new(config)),
        }
    }

    /// Serves on `ip:port` (port 0 picks one); `label` is the body's first bytes, so a
    /// test can tell servers apart.
    pub async fn serve(&self, ip: IpAddr, port: u16, label: &'static str) -> FileServer {
        let listener = TcpListener::bind(SocketAddr::new(ip, port)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(AtomicUsize::new(0));
        let acceptor = self.acceptor.clone();
        let count = Arc::clone(&requests);
        let task = tokio::spawn(async move {
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let acceptor = acceptor.clone();
                let count = Arc::clone(&count);
                tokio::spawn(async move {
                    if let Ok(tls) = acceptor.accept(tcp).await {
                        let _ = answer(tls, addr, label, count).await;
                    }
                });
            }
        });
        FileServer {
            addr,
            requests,
            task,
        }
    }
}

pub struct FileServer {
    pub addr: SocketAddr,
    requests: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl FileServer {
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }
}

impl Drop for FileServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The body of a file of `size` bytes: `label`, then a repeating pattern.
pub fn body(label: &str, size: usize) -> Vec<u8> {
    label
        .bytes()
        .chain((0..).map(|i: usize| (i % 251) as u8))
        .take(size)
        .collect()
}

async fn answer(
    mut tls: tokio_rustls::server::TlsStream<tokio::net::TcpStream>,
    addr: SocketAddr,
    label: &str,
    count: Arc<AtomicUsize>,
) -> std::io::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
        if tls.read(&mut byte).await? == 0 {
            return Ok(());
        }
        head.push(byte[0]);
    }
    count.fetch_add(1, Ordering::SeqCst);
    let head = String::from_utf8_lossy(&head);
    let target = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let size: usize = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("size="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    let to = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("to="))
        .unwrap_or_default();
    let mime = |name: &str| match name.rsplit('.').next() {
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["file", name] => {
            let data = body(label, size);
            let header = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                mime(name),
                data.len()
            );
            tls.write_all(header.as_bytes()).await?;
            tls.write_all(&data).await?;
        }
        ["stream", name] => {
            let header = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nConnection: close\r\n\r\n",
                mime(name)
            );
            tls.write_all(header.as_bytes()).await?;
            let data = body(label, size);
            for chunk in data.chunks(64 * 1024) {
                tls.write_all(chunk).await?;
            }
        }
        ["drop", name] => {
            let header = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {}\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n",
                mime(name)
            );
            tls.write_all(header.as_bytes()).await?;
            tls.write_all(&body(label, size / 2)).await?;
            tls.flush().await?;
            // Dropped without close_notify: the body is cut short.
            return Ok(());
        }
        ["redirect"] => {
            let header = format!(
                "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            tls.write_all(header.as_bytes()).await?;
        }
        ["hops", k] => {
            let k: usize = k.parse().unwrap_or(0);
            let location = if k == 0 {
                "/file/end.txt".to_owned()
            } else {
                format!("https://{addr}/hops/{}", k - 1)
            };
            let header = format!(
                "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            tls.write_all(header.as_bytes()).await?;
        }
        _ => {
            tls.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )
            .await?;
        }
    }
    tls.shutdown().await
}

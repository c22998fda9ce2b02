//! `tgmcp serve`: the MCP server over stdio, for an IDE or desktop assistant to start, or
//! over streamable HTTP with `--http` ([`crate::http`]).
//!
//! On stdio, stdout carries JSON-RPC only. The server answers `initialize` without waiting for
//! Telegram, stays up without a login (every tool then says to run `tgmcp setup`), and
//! exits 0 when the client closes stdin, after closing the Telegram connection.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use rmcp::ServiceExt;
use rmcp::service::ServerInitializeError;

use super::Context;
use crate::cli::{HttpArgs, LogFormat, ServeArgs};
use crate::error::{Error, ExitCode, Result};
use crate::mcp::{FileOptions, Link, TelegramServer, ToolSelection, Transport};

/// How long one Telegram call may take, reconnecting included.
const CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// How long shutdown waits for calls in flight and the session to be saved.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long HTTP shutdown lets requests in flight finish.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

pub async fn run(ctx: &Context, args: ServeArgs) -> Result<ExitCode> {
    // A broken access list stops the server: running without it would allow every chat.
    let guard = Guard {
        access: ctx.config.file.access_list(&ctx.config.profile)?,
        writes_per_minute: args.max_writes_per_minute,
        drafts: args.drafts,
    };
    if guard.access.is_some() {
        tracing::info!("the profile's access list applies to every tool and /mtproto-api");
    }
    let selection = ToolSelection::new(args.read_only, args.tools)
        .with_dangerous_methods(args.allow_dangerous_methods)
        .with_confirm_writes(args.confirm_writes);
    let hidden = selection.overridden_by_read_only();
    if !hidden.is_empty() {
        tracing::warn!(
            "--read-only hides {} although --tools lists them",
            hidden.join(", ")
        );
    }

    if args.http.addr.is_some() {
        let files = FileOptions {
            transport: Transport::Http,
            file_roots: Vec::new(),
            fetch: args.urls.fetch_policy(),
            download_dir: args.download_dir,
        };
        if !args.file_root.is_empty() {
            tracing::warn!("--file-root has no effect over --http: local paths are refused there");
        }
        return serve_http(ctx, args.http, selection, files, guard).await;
    }

    if std::io::stdin().is_terminal() && !ctx.global.quiet {
        // A person, not a client: a plain sentence on stderr, not a log line.
        crate::logging::stderr_line(
            ctx.global.log_format,
            "INFO",
            &format!(
                "tgmcp serve speaks MCP (JSON-RPC) on stdin and stdout, for an MCP client to start; `{} setup` prints client configurations. Press Ctrl-D to stop.",
                ctx.invocation()
            ),
        );
    }

    let link = Arc::new(link(ctx, guard));
    link.warm_up();
    let files = FileOptions {
        transport: Transport::Stdio,
        file_roots: args.file_root,
        fetch: args.urls.fetch_policy(),
        download_dir: args.download_dir.or_else(default_download_dir),
    };
    let server = TelegramServer::new(Arc::clone(&link), selection).with_files(files);

    // Ctrl-C and SIGTERM stop the server the same way: calls in flight drained, the
    // session saved, a `--sandbox` profile removed (when `ctx` drops), exit 130.
    let stop = super::shutdown_signal();
    tokio::pin!(stop);
    let served = tokio::select! {
        // A message over the size limit is answered with an error, not dropped in silence.
        served = server.serve(crate::mcp::stdio::transport()) => match served {
            Ok(running) => {
                let token = running.cancellation_token();
                let waiting = running.waiting();
                tokio::pin!(waiting);
                tokio::select! {
                    ended = &mut waiting => ended
                        .map(drop)
                        .map_err(|e| Error::Config(format!("the MCP server stopped unexpectedly: {e}"))),
                    () = &mut stop => {
                        tracing::info!("stop signal received");
                        token.cancel();
                        let _ = tokio::time::timeout(CLOSE_TIMEOUT, waiting).await;
                        Err(Error::Interrupted)
                    }
                }
            }
            // The client went away before `initialize`: nothing to serve.
            Err(ServerInitializeError::ConnectionClosed(_)) => Ok(()),
            Err(e) => Err(Error::Config(format!(
                "the MCP client's first message is not a valid initialize request: {e}"
            ))),
        },
        () = &mut stop => Err(Error::Interrupted),
    };

    close(&link).await;
    served.map(|()| ExitCode::Ok)
}

/// The user's Downloads folder (XDG on Linux), or `~/Downloads`.
fn default_download_dir() -> Option<std::path::PathBuf> {
    let dirs = directories::UserDirs::new()?;
    Some(
        dirs.download_dir()
            .map(std::path::Path::to_path_buf)
            .unwrap_or_else(|| dirs.home_dir().join("Downloads")),
    )
}

async fn close(link: &Link) {
    match tokio::time::timeout(CLOSE_TIMEOUT, link.close()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!("closing the Telegram connection: {e}"),
        Err(_) => tracing::warn!("calls still running at shutdown; the session may be stale"),
    }
}

/// `serve --http`: checks that nothing is exposed by accident before binding, serves
/// until SIGINT or SIGTERM, then shuts down gracefully and exits 0.
async fn serve_http(
    ctx: &Context,
    args: HttpArgs,
    selection: ToolSelection,
    files: FileOptions,
    guard: Guard,
) -> Result<ExitCode> {
    let addr = args.addr.expect("called with --http");
    let selection = if files.download_dir.is_none() {
        selection.without_download_folder()
    } else {
        selection
    };
    let token = if args.no_auth {
        None
    } else {
        crate::http::token::load(&ctx.config.token_file())?
    };
    let accounts = match &args.accounts {
        Some(dir) => Some(crate::hosted::Accounts::open(crate::hosted::Options {
            dir: std::path::absolute(dir).unwrap_or_else(|_| dir.clone()),
            max_active: args.max_active_sessions as usize,
            idle_timeout: Duration::from_secs(args.session_idle_timeout),
            call_timeout: CALL_TIMEOUT,
            rules: guard.clone(),
        })?),
        None => None,
    };
    if accounts.is_some() && args.no_auth {
        return Err(Error::Config(
            "--no-auth cannot be combined with --accounts: in hosted mode the bearer token is what selects the account".into(),
        ));
    }
    // Hosted: every account has its token; the profile's own (if any) guards /metrics.
    crate::http::check_exposure(addr, token.is_some() || accounts.is_some(), args.no_auth)?;
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
            " — another server uses that port; pick another with --http ADDR"
        } else {
            ""
        };
        Error::Network(format!("cannot listen on {addr}: {e}{hint}"))
    })?;
    // Tests and scripts bind port 0 and read the real address here.
    // Shown whatever the log level; a JSON line under `--log-format json`, so a log
    // shipper reads every line of stderr as JSON.
    if let Ok(local) = listener.local_addr() {
        let message = format!("serving MCP at http://{local}/mcp");
        match ctx.global.log_format {
            LogFormat::Json => eprintln!("{}", crate::logging::json_line("INFO", &message)),
            LogFormat::Text => eprintln!("tgmcp: {message}"),
        }
    }

    let link = Arc::new(if accounts.is_some() {
        Link::offline(
            ctx.config.profile.as_str(),
            Error::Config("in hosted mode every account is reached with its own token".into()),
        )
    } else {
        link(ctx, guard.clone())
    });
    if accounts.is_none() {
        link.warm_up();
    }
    let options = crate::http::Options {
        token,
        allow_hosts: args.allow_host,
        metrics_public: args.metrics_public,
        max_body_bytes: usize::try_from(args.max_body_bytes).unwrap_or(usize::MAX),
        max_concurrent: args.max_concurrent as usize,
        request_timeout: Duration::from_secs(args.request_timeout),
        drain_timeout: DRAIN_TIMEOUT,
        connections: crate::http::ConnectionLimits {
            header_timeout: Duration::from_secs(args.header_timeout),
            idle_timeout: Duration::from_secs(args.idle_timeout),
            max_connections: args.max_connections as usize,
        },
        files,
        accounts: accounts.clone(),
        account_max_concurrent: args.account_max_concurrent as usize,
        allow_url_token: args.allow_url_token,
        web_setup: if args.web_setup {
            Some(super::web_setup::options(
                ctx,
                args.accounts.as_deref(),
                Duration::from_secs(args.web_setup_expiry),
            )?)
        } else {
            None
        },
    };
    let served = crate::http::serve(listener, options, Arc::clone(&link), selection, async {
        super::shutdown_signal().await;
        tracing::info!("stop signal received");
    })
    .await;
    close(&link).await;
    if let Some(accounts) = accounts {
        // Every account's calls finished and its session written.
        if tokio::time::timeout(DRAIN_TIMEOUT, accounts.close_all())
            .await
            .is_err()
        {
            tracing::warn!("accounts still closing at shutdown; some sessions may be stale");
        }
    }
    served.map(|()| ExitCode::Ok)
}

/// What `serve` applies to every call of the account (issue 20): the profile's access
/// list and the send rate limit. Terminal subcommands apply neither: they are the
/// user's own hands, and the user can reach every chat in their Telegram app anyway.
type Guard = crate::hosted::Rules;

/// The profile's Telegram link, built without touching the network. Without a session
/// or credentials the server still starts, and every tool says what is missing; a login
/// made later (`tgmcp setup`) is picked up without a restart.
fn link(ctx: &Context, guard: Guard) -> Link {
    let profile = ctx.config.profile.as_str();
    // Flags, environment and config file now; else the credentials saved with the
    // login, read when the session is opened.
    let fixed = if ctx.demo.is_some() {
        Some(crate::sandbox::Sandbox::credentials())
    } else {
        match ctx.config.credentials(None, None, &ctx.env) {
            Ok(credentials) => credentials,
            Err(e) => return Link::offline(profile, e),
        }
    };
    Link::reloadable(
        profile,
        ctx.config.session_file(),
        crate::hosted::opener(
            profile,
            &ctx.config.profile_dir(),
            fixed,
            CALL_TIMEOUT,
            guard,
        ),
    )
}

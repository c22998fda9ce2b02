//! `tgmcp sandbox --listen ADDR [--profile NAME]` (hidden): the offline DC standalone, so
//! several tgmcp processes (a `serve` and a cron `send`) or other clients can share it.
//! With `--demo-home DIR` it is the background DC that `tgmcp --sandbox …` commands share
//! (see [`super::demo`]).

use std::path::Path;
use std::time::Duration;

use serde_json::json;

use super::{demo, output};
use crate::cli::{GlobalArgs, SandboxArgs};
use crate::config::{Config, Env, Overrides};
use crate::error::{Error, ExitCode, Result};
use crate::sandbox::{Event, Sandbox, World};

pub async fn run(
    global: GlobalArgs,
    profile_explicit: bool,
    args: SandboxArgs,
) -> Result<ExitCode> {
    if let Some(home) = &args.demo_home {
        return run_demo(args.listen, home).await;
    }
    let sandbox = Sandbox::start_on(args.listen, World::demo())
        .await
        .map_err(|e| {
            Error::Config(format!(
                "cannot listen on {}: {e} — pick another address or port 0",
                args.listen
            ))
        })?;
    let me = sandbox
        .world()
        .demo_user()
        .ok_or_else(|| Error::Config("the demo world has no account".into()))?;
    let key = sandbox.authorized_key(me);

    if profile_explicit {
        let config = Config::load(
            &Overrides {
                profile: Some(global.profile.as_str()),
                config_file: global.config.as_deref(),
            },
            &Env::from_process(),
        )?;
        sandbox
            .write_profile(&config.profile_dir(), Some(me))
            .await?;
        tracing::info!(profile = %config.profile, "wrote a logged-in sandbox session");
    }

    let mut events = sandbox.events();
    output::json(&json!({
        "addr": sandbox.addr().to_string(),
        "auth_key_hex": hex(&key),
        "dc_id": sandbox.dc_id(),
        "user_id": me,
    }));
    eprintln!("sandbox DC listening on {}; Ctrl-C to stop", sandbox.addr());

    loop {
        tokio::select! {
            Some(Event::CodeSent { code, .. }) = events.recv() => {
                eprintln!("sandbox: login code {code}");
            }
            () = super::shutdown_signal() => break,
        }
    }
    Ok(ExitCode::Ok)
}

/// The shared demo DC: announces itself in `home`, makes the sessions commands ask for,
/// and stops when its announcement is removed (`tgmcp --sandbox reset`) or replaced.
async fn run_demo(listen: std::net::SocketAddr, home: &Path) -> Result<ExitCode> {
    let sandbox = Sandbox::start_on(listen, World::demo())
        .await
        .map_err(|e| Error::Config(format!("cannot listen on {listen}: {e}")))?;
    let me = sandbox.world().demo_user();
    let info = demo::DcInfo {
        pid: std::process::id(),
        addr: sandbox.addr(),
        login_code: sandbox.world().login_code.clone(),
    };
    demo::announce(home, &info)?;
    eprintln!("demo sandbox DC listening on {}", sandbox.addr());
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if !demo::still_announced(home) {
                    break;
                }
                for (want, answer, request) in demo::pending_requests(home) {
                    let user = match request {
                        demo::Request::LoggedIn => me,
                        demo::Request::LoggedOut => None,
                        demo::Request::Scan(token) => {
                            let scanned = sandbox.scan_login_token(me.unwrap_or_default(), &token);
                            demo::answer_scan(&answer, scanned);
                            let _ = std::fs::remove_file(&want);
                            continue;
                        }
                    };
                    if let Err(e) = sandbox.write_session(&answer, user).await {
                        eprintln!("cannot write a demo session at {}: {e}", answer.display());
                    }
                    let _ = std::fs::remove_file(&want);
                }
            }
            () = super::shutdown_signal() => break,
        }
    }
    if demo::still_announced(home) {
        demo::withdraw(home);
    }
    eprintln!("demo sandbox DC stopped");
    Ok(ExitCode::Ok)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

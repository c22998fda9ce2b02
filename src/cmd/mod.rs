//! One module per subcommand: each turns parsed arguments into calls on the Telegram core
//! and renders the result. Prompts, progress and printing live here, never in the core.

pub mod accounts;
mod bundle;
pub mod chats;
pub mod demo;
pub mod download;
pub mod generate;
pub mod health;
pub mod invoke;
pub mod output;
pub mod read;
pub mod reference_env;
pub mod sandbox;
pub mod search;
pub mod send;
pub mod serve;
pub mod setup;
pub mod watch;
mod web_setup;

use std::sync::Arc;
use std::time::Duration;

use crate::cli::{Cli, Command, GlobalArgs};
use crate::config::{Config, ConfigFile, Credentials, Env};
use crate::error::{Error, ExitCode, Result};
use crate::sandbox::Sandbox;
use crate::telegram::{ConnectOptions, FileSession, Telegram};

/// Everything a subcommand needs, resolved once.
pub struct Context {
    pub global: GlobalArgs,
    pub env: Env,
    pub config: Config,
    /// Whether `--profile`/`TGMCP_PROFILE` was given rather than defaulted.
    pub profile_explicit: bool,
    /// Set under `--sandbox`: the shared demo DC and its folder.
    pub demo: Option<Demo>,
    /// `setup --accounts DIR`: the profile is an account of this hosted folder.
    pub accounts: Option<std::path::PathBuf>,
}

pub struct Demo {
    /// The demo's folder (its profiles, and the DC's announcement).
    pub home: std::path::PathBuf,
    pub dc: demo::DcInfo,
}

impl Context {
    pub async fn new(
        global: GlobalArgs,
        profile_explicit: bool,
        wants_login: bool,
    ) -> Result<Self> {
        Self::with_env(global, Env::from_process(), profile_explicit, wants_login).await
    }

    /// As [`Context::new`], with the environment given (the process over `--env-file`).
    pub async fn with_env(
        global: GlobalArgs,
        env: Env,
        profile_explicit: bool,
        wants_login: bool,
    ) -> Result<Self> {
        if !global.sandbox {
            let config = Config::load(
                &crate::config::Overrides {
                    profile: Some(global.profile.as_str()),
                    config_file: global.config.as_deref(),
                },
                &env,
            )?;
            config.check_profile_private()?;
            return Ok(Self {
                global,
                env,
                config,
                profile_explicit,
                demo: None,
                accounts: None,
            });
        }

        let home = demo::demo_home(&env)?;
        let config = Config {
            profile: global.profile.clone(),
            paths: demo::demo_paths(&home),
            file: ConfigFile::default(),
        };
        // The demo's sessions are as private as a real one.
        crate::telegram::files::keep_private(&config.paths.data_dir);
        let lock = demo::DemoLock::take(&home)?;
        let (dc, fresh) = lock.ensure_dc()?;
        if fresh {
            tracing::info!(addr = %dc.addr, "started the demo's sandbox DC");
        }
        // `setup` demonstrates the login itself; everything else starts logged in.
        if !config.session_file().exists() {
            config.ensure_profile_dir()?;
            lock.new_session(&config.session_file(), !wants_login)?;
        }
        drop(lock);
        tracing::info!(addr = %dc.addr, "using the demo's sandbox DC");
        Ok(Self {
            global,
            env,
            config,
            profile_explicit,
            demo: Some(Demo { home, dc }),
            accounts: None,
        })
    }

    /// How to run tgmcp on this context's account, for hints and printed configs:
    /// `tgmcp`, `tgmcp --sandbox`, with `--profile NAME` when it is not the default.
    pub fn invocation(&self) -> String {
        let mut cmd = "tgmcp".to_owned();
        if self.demo.is_some() {
            cmd.push_str(" --sandbox");
        }
        if !self.config.profile.is_default() {
            cmd.push_str(&format!(" --profile {}", self.config.profile));
        }
        cmd
    }

    /// api_id and api_hash: from flags, environment or config; fixed ones in the sandbox.
    pub fn credentials(
        &self,
        api_id: Option<i32>,
        api_hash: Option<&str>,
    ) -> Result<Option<Credentials>> {
        if self.demo.is_some() {
            return Ok(Some(Sandbox::credentials()));
        }
        match self.config.credentials(api_id, api_hash, &self.env)? {
            Some(credentials) => Ok(Some(credentials)),
            None => crate::config::load_saved_credentials(&self.config.credentials_file()),
        }
    }

    /// Opens the profile's session for a command that needs a login.
    pub fn open_session(&self) -> Result<Arc<FileSession>> {
        let path = self.config.session_file();
        if !path.exists() {
            return Err(Error::not_logged_in(self.config.profile.as_str()));
        }
        Ok(Arc::new(FileSession::open(&path)?))
    }

    /// The logged-in client for a one-shot command: the profile's session, its api_id,
    /// `timeout` per call.
    pub fn connect_logged_in(&self, timeout: Duration) -> Result<Telegram> {
        let session = self.open_session()?;
        Ok(self.connect(session, send::api_id(self)?, timeout))
    }

    pub fn connect(&self, session: Arc<FileSession>, api_id: i32, timeout: Duration) -> Telegram {
        Telegram::open(
            session,
            ConnectOptions {
                api_id,
                timeout,
                ..ConnectOptions::default()
            },
        )
    }
}

/// Runs the parsed command line.
pub async fn run(cli: Cli, profile_explicit: bool) -> Result<ExitCode> {
    run_with_env(cli, profile_explicit, Env::from_process()).await
}

/// Runs the parsed command line with `env` (the process over `--env-file`).
pub async fn run_with_env(cli: Cli, profile_explicit: bool, env: Env) -> Result<ExitCode> {
    let wants_login = matches!(&cli.command, Command::Setup(args) if !args.rotate_token);
    let profile = cli.global.profile.as_str().to_owned();
    let demo = cli.global.sandbox;
    let result = async {
        match cli.command {
            Command::Sandbox(args) => sandbox::run(cli.global, profile_explicit, args).await,
            // Needs no profile or config: packagers run it in a bare build environment.
            Command::Generate(args) => generate::run(args),
            // A folder of accounts, not a profile.
            Command::Accounts(args) => accounts::run(&cli.global, args),
            Command::Reset => reset(&cli.global, &env),
            command => {
                let mut ctx =
                    Context::with_env(cli.global, env, profile_explicit, wants_login).await?;
                match command {
                    Command::Setup(args) => {
                        if let Some(dir) = &args.accounts {
                            accounts::use_accounts_dir(&mut ctx, dir)?;
                        }
                        setup::run(&ctx, args).await
                    }
                    Command::Health(args) => health::run(&ctx, args).await,
                    Command::Serve(args) => serve::run(&ctx, args).await,
                    Command::Search(args) => search::run(&ctx, args).await,
                    Command::Send(args) => send::run(&ctx, args).await,
                    Command::Invoke(args) => invoke::run(&ctx, args).await,
                    Command::Download(args) => download::run(&ctx, args).await,
                    Command::Chats(args) => chats::run(&ctx, args).await,
                    Command::Read(args) => read::run(&ctx, args).await,
                    Command::Watch(args) => watch::run(&ctx, args).await,
                    Command::Sandbox(_)
                    | Command::Generate(_)
                    | Command::Reset
                    | Command::Accounts(_) => {
                        unreachable!("handled above")
                    }
                }
            }
        }
    }
    .await;
    result.map_err(|e| {
        let e = e.with_profile(&profile);
        if demo { e.in_demo() } else { e }
    })
}

/// `tgmcp --sandbox reset`: the demo starts over.
fn reset(global: &GlobalArgs, env: &Env) -> Result<ExitCode> {
    if !global.sandbox {
        return Err(Error::Config(
            "reset starts the offline demo over and touches no real profile — run `tgmcp --sandbox reset` (to log a real profile in again, use `tgmcp setup --overwrite`)".into(),
        ));
    }
    let home = demo::demo_home(env)?;
    let had_one = demo::reset(&home)?;
    if global.json {
        output::json(&serde_json::json!({"ok": true, "reset": had_one, "home": home}));
    } else if had_one {
        output::line(&format!(
            "The demo starts over: its world, login and token in {} are gone. The next `tgmcp --sandbox …` command starts a new one.",
            home.display()
        ));
    } else {
        output::line(
            "There was no demo to reset; the next `tgmcp --sandbox …` command starts one.",
        );
    }
    Ok(ExitCode::Ok)
}

/// Ctrl-C or SIGTERM: how `serve --http` and the standalone sandbox are stopped.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Ends a one-shot command's connection after `result`: saves what the session learned,
/// unless Telegram was unreachable (nothing was learned, and closing would wait on the
/// dial).
pub async fn finish<T>(tg: Telegram, result: &Result<T>) {
    if !matches!(result, Err(Error::Network(_)))
        && let Err(e) = tg.close().await
    {
        tracing::warn!("closing the Telegram connection: {e}");
    }
}

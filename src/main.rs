use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};
use tgmcp::cli::{Cli, Command};
use tgmcp::error::{Error, ExitCode};
use tgmcp::telegram::outcome::WriteWatch;

fn main() -> std::process::ExitCode {
    let matches = Cli::command().get_matches();
    let profile_explicit = matches
        .value_source("profile")
        .is_some_and(|source| source != ValueSource::DefaultValue);
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let log_format = cli.global.log_format;
    let report = |message: String| tgmcp::logging::stderr_line(log_format, "ERROR", &message);
    // The process environment over `--env-file`, and the reference server's variables
    // applied to the command line (they can pick the profile and turn on HTTP).
    let (env, env_file) = match tgmcp::config::Env::load(cli.global.env_file.as_deref()) {
        Ok(loaded) => loaded,
        Err(e) => {
            report(format!("tgmcp: {e}"));
            return e.exit_status().into();
        }
    };
    if let Err(e) = tgmcp::logging::init_with(&cli.global, &env) {
        report(format!("tgmcp: {e}"));
        return e.exit_status().into();
    }
    if let Some(file) = env_file.filter(|file| !file.skipped.is_empty()) {
        tracing::warn!(
            "{} sets {}, which tgmcp has no use for (fast-mcp-telegram settings); they are ignored",
            file.path.display(),
            file.skipped.join(", ")
        );
    }
    let profile_explicit = match tgmcp::cmd::reference_env::apply(&mut cli, profile_explicit, &env)
    {
        Ok(explicit) => explicit,
        Err(e) => {
            report(format!("tgmcp: {e}"));
            return e.exit_status().into();
        }
    };

    // `serve --http` answers many clients at once; `serve` (either way) stops on signals
    // by itself, draining calls and saving the session.
    let http = matches!(&cli.command, Command::Serve(args) if args.http.addr.is_some());
    let serve = matches!(&cli.command, Command::Serve(_));
    let mut builder = if http {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            report(format!("tgmcp: cannot start the async runtime: {e}"));
            return ExitCode::Failed.into();
        }
    };
    let (result, interrupted) = runtime.block_on(async {
        if serve {
            return (tgmcp::cmd::run_with_env(cli, profile_explicit, env).await, false);
        }
        // Ctrl-C after a write left is not a plain interruption: it may be carried out.
        let writes = WriteWatch::new();
        tokio::select! {
            result = writes.watch(tgmcp::cmd::run_with_env(cli, profile_explicit, env)) => (result, false),
            _ = tokio::signal::ctrl_c() => {
                (Err(writes.stopped("interrupted").unwrap_or(Error::Interrupted)), true)
            }
        }
    });
    // Do not wait for background tasks (a dialing connection) once the answer is known.
    runtime.shutdown_background();
    match result {
        // A result that did not reach stdout (a full disk) is a failure; a closed pipe
        // is not (the reader has what it wanted).
        Ok(code) => match tgmcp::cmd::output::write_error() {
            Some(e) => {
                report(format!(
                    "tgmcp: cannot write the result to stdout: {e} — it is incomplete"
                ));
                ExitCode::Failed.into()
            }
            None => code.into(),
        },
        Err(e) => {
            report(format!("tgmcp: {e}"));
            // Exit 130 says what the user did; the message, what it means.
            if interrupted {
                return ExitCode::Interrupted.into();
            }
            e.exit_status().into()
        }
    }
}

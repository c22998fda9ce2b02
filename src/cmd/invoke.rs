//! `tgmcp invoke`: any API method from the terminal, its answer as JSON on stdout; and
//! `--list` / `--describe`, which read the schema only (no session, no network).

use std::io::{IsTerminal, Read};
use std::time::Duration;

use serde_json::Value;

use super::{Context, output};
use crate::cli::InvokeArgs;
use crate::error::{Error, ExitCode, Result};
use crate::telegram::Invoke;
use crate::tl::{self, Guard, Schema};

pub async fn run(ctx: &Context, args: InvokeArgs) -> Result<ExitCode> {
    if let Some(prefix) = &args.list {
        return list(ctx, prefix);
    }
    if let Some(method) = &args.describe {
        return describe(ctx, method);
    }
    let Some(method) = args.method.clone() else {
        return Err(Error::InvalidInput(
            "name a method, or use --list or --describe".into(),
        ));
    };
    // Secrets are printed only to a person at a terminal: not to a script, and not to an
    // AI tool that runs commands for a model (those have no terminal).
    if args.allow_secrets && !std::io::stdin().is_terminal() {
        return Err(Error::Forbidden(
            "--allow-secrets works only from a terminal (stdin is not one): login secrets are never printed to scripts or tools that run commands — run it yourself in a terminal".into(),
        ));
    }
    let params = params(args.params.as_deref()).await?;
    let request = Invoke {
        method,
        params,
        resolve: !args.no_resolve,
        guard: Guard {
            read_only: false,
            allow_dangerous: args.allow_dangerous,
            allow_secrets: args.allow_secrets,
        },
    };
    // Everything that can fail without Telegram fails before connecting.
    let prepared = request.prepare()?;
    let tg = ctx.connect_logged_in(Duration::from_secs(args.timeout))?;
    let result = tg.invoke_prepared(&prepared).await;
    super::finish(tg, &result).await;
    let value = result?;
    if ctx.global.json || !std::io::stdout().is_terminal() {
        output::json(&value);
    } else {
        output::json_pretty(&value);
    }
    Ok(ExitCode::Ok)
}

/// The parameters: the JSON argument, stdin for `-`, or none.
async fn params(arg: Option<&str>) -> Result<Value> {
    let text = match arg {
        None => return Ok(Value::Object(Default::default())),
        Some("-") => {
            if std::io::stdin().is_terminal() {
                eprintln!("Reading the parameters (JSON) from stdin; end them with Ctrl-D.");
            }
            tokio::task::spawn_blocking(|| {
                let mut text = String::new();
                std::io::stdin()
                    .lock()
                    .read_to_string(&mut text)
                    .map(|_| text)
            })
            .await
            .map_err(|e| Error::InvalidInput(format!("cannot read stdin: {e}")))?
            .map_err(|e| Error::InvalidInput(format!("cannot read stdin as UTF-8 text: {e}")))?
        }
        Some(text) => text.to_owned(),
    };
    if text.trim().is_empty() {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_str(&text).map_err(|e| {
        Error::InvalidInput(format!(
            "the parameters are not JSON ({e}) — give an object, e.g. '{{\"peer\": \"me\", \"limit\": 5}}'"
        ))
    })
}

fn list(ctx: &Context, prefix: &str) -> Result<ExitCode> {
    let prefix = prefix.to_ascii_lowercase();
    let mut methods: Vec<_> = Schema::get()
        .functions()
        .iter()
        .filter(|def| !def.is_generic() && def.name.to_ascii_lowercase().starts_with(&prefix))
        .collect();
    methods.sort_by(|a, b| a.name.cmp(&b.name));
    if methods.is_empty() {
        return Err(Error::UnknownMethod(format!(
            "no method starts with {prefix:?} — try `tgmcp invoke --list` for all of them"
        )));
    }
    if ctx.global.json {
        let list: Vec<Value> = methods
            .iter()
            .map(|def| serde_json::json!({"method": def.name, "returns": def.ty.to_string()}))
            .collect();
        output::json(&list);
    } else {
        for def in methods {
            output::line(&def.name);
        }
    }
    Ok(ExitCode::Ok)
}

fn describe(ctx: &Context, method: &str) -> Result<ExitCode> {
    let description = tl::describe(tl::method(method)?);
    if ctx.global.json {
        output::json(&description);
        return Ok(ExitCode::Ok);
    }
    let mut notes = Vec::new();
    if description.read_only {
        notes.push("reads only");
    }
    if description.dangerous {
        notes.push("cannot be undone: needs --allow-dangerous");
    }
    if description.secret {
        notes.push("handles secrets: needs --allow-secrets");
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!("  ({})", notes.join("; "))
    };
    output::line(&format!(
        "{} → {}{notes}",
        description.method, description.returns
    ));
    let width = description
        .params
        .iter()
        .map(|p| p.name.len())
        .max()
        .unwrap_or(0);
    for param in &description.params {
        let mut line = format!("  {:width$}  {}", param.name, param.ty);
        match &param.flag {
            Some(flag) => line.push_str(&format!("  optional ({flag})")),
            None => match &param.default {
                Some(default) => line.push_str(&format!("  required; left out: {default}")),
                None => line.push_str("  required"),
            },
        }
        if description.resolves.contains(&param.name) {
            line.push_str("  — or a chat: me, @username, id");
        }
        output::line(&line);
    }
    if description.params.is_empty() {
        output::line("  (no parameters)");
    }
    Ok(ExitCode::Ok)
}

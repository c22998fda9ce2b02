//! fast-mcp-telegram's settings (v0.46.1, pydantic-settings names), for people who move
//! from it with their environment or `.env` as it is.
//!
//! | variable | tgmcp |
//! | --- | --- |
//! | `API_ID`, `API_HASH` | the app credentials (`TGMCP_API_ID`/`TGMCP_API_HASH` win) |
//! | `PHONE_NUMBER` | `setup`'s phone number (`--phone`/`TGMCP_PHONE` win) |
//! | `SESSION_NAME` | the profile (`--profile`/`TGMCP_PROFILE` win) |
//! | `SERVER_MODE` (or `MODE`) | `serve`: `stdio`; `http-auth` is `--http HOST:PORT`; `http-no-auth` adds `--no-auth` |
//! | `HOST`, `PORT` | the address of an HTTP mode (default 127.0.0.1, 8000); `--http ADDR` wins |
//! | `DISABLE_AUTH` | `--no-auth` when serving HTTP: loopback only, refused elsewhere |
//! | `LOG_LEVEL` | the log level when no `-v`/`-q` (`TGMCP_LOG`/`RUST_LOG` win) |
//!
//! Each is read only where it means something: `HOST`/`PORT` only in an HTTP mode (the
//! reference ignores them under stdio too), `SERVER_MODE` only by `serve`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use super::{Env, ProfileName};
use crate::error::{Error, Result};

/// `SERVER_MODE`'s values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerMode {
    Stdio,
    HttpAuth,
    HttpNoAuth,
}

/// `SERVER_MODE`, or its alias `MODE`.
pub fn server_mode(env: &Env) -> Result<Option<ServerMode>> {
    let Some((name, value)) = ["SERVER_MODE", "MODE"]
        .into_iter()
        .find_map(|name| Some((name, env.get(name)?)))
    else {
        return Ok(None);
    };
    match value.trim().to_ascii_lowercase().as_str() {
        "stdio" => Ok(Some(ServerMode::Stdio)),
        "http-auth" => Ok(Some(ServerMode::HttpAuth)),
        "http-no-auth" => Ok(Some(ServerMode::HttpNoAuth)),
        _ => Err(Error::Config(format!(
            "{} is not a server mode — use stdio, http-auth or http-no-auth (or `tgmcp serve --http ADDR`)",
            env.describe(name)
        ))),
    }
}

/// `DISABLE_AUTH`: the booleans pydantic-settings accepts.
pub fn disable_auth(env: &Env) -> Result<Option<bool>> {
    let Some(value) = env.get("DISABLE_AUTH") else {
        return Ok(None);
    };
    parse_bool(value).map(Some).ok_or_else(|| {
        Error::Config(format!(
            "{} is not true or false — use true/false, 1/0, yes/no or on/off",
            env.describe("DISABLE_AUTH")
        ))
    })
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// `HOST` and `PORT` for an HTTP mode (default 127.0.0.1:8000; port 0 picks a free
/// one, which the server's first log line names). A host is an IP
/// address, or `localhost`; tgmcp binds an address, it does not look names up.
pub fn http_addr(env: &Env) -> Result<SocketAddr> {
    let ip = match env.get("HOST").map(str::trim) {
        None => IpAddr::V4(Ipv4Addr::LOCALHOST),
        Some(host) if host.eq_ignore_ascii_case("localhost") => IpAddr::V4(Ipv4Addr::LOCALHOST),
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse()
            .map_err(|_| {
                Error::Config(format!(
                    "{} is not an IP address — use 127.0.0.1 (this machine only), ::1, or the address of one interface",
                    env.describe("HOST")
                ))
            })?,
    };
    let port = match env.get("PORT").map(str::trim) {
        None => 8000,
        Some(port) => port.parse::<u16>().map_err(|_| {
            Error::Config(format!(
                "{} is not a port — use a number from 1 to 65535 (0: any free port)",
                env.describe("PORT")
            ))
        })?,
    };
    Ok(SocketAddr::new(ip, port))
}

/// What `serve` does over HTTP, once flags and the reference's variables are combined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Serve {
    pub addr: Option<SocketAddr>,
    pub no_auth: bool,
}

/// `serve`'s transport: `--http`/`TGMCP_HTTP` (`http_flag`) > `SERVER_MODE` with
/// `HOST`/`PORT`; no token: `--no-auth`/`TGMCP_NO_AUTH` > `DISABLE_AUTH` > `SERVER_MODE`.
///
/// Refuses, loudly, a server without a token on an address others can reach when the
/// variables ask for it (the flags get the same refusal when the server starts).
pub fn serve(env: &Env, http_flag: Option<SocketAddr>, no_auth_flag: bool) -> Result<Serve> {
    let mode = server_mode(env)?;
    let addr = match (http_flag, mode) {
        (Some(addr), _) => Some(addr),
        (None, Some(ServerMode::HttpAuth | ServerMode::HttpNoAuth)) => Some(http_addr(env)?),
        (None, _) => None,
    };
    let Some(addr) = addr else {
        return Ok(Serve {
            addr: None,
            no_auth: no_auth_flag,
        });
    };
    if no_auth_flag {
        return Ok(Serve {
            addr: Some(addr),
            no_auth: true,
        });
    }
    let (no_auth, why) = match disable_auth(env)? {
        Some(value) => (value, env.describe("DISABLE_AUTH")),
        None => (
            mode == Some(ServerMode::HttpNoAuth),
            env.describe(if env.get("SERVER_MODE").is_some() {
                "SERVER_MODE"
            } else {
                "MODE"
            }),
        ),
    };
    if no_auth && !addr.ip().is_loopback() {
        return Err(Error::Config(format!(
            "{why} asks for no bearer token, and tgmcp serves without one on a loopback address only (127.0.0.1, ::1), not {addr}: anyone who can reach it could use your Telegram account — set HOST=127.0.0.1, or drop it and use the bearer token from `tgmcp setup`"
        )));
    }
    Ok(Serve {
        addr: Some(addr),
        no_auth,
    })
}

/// The profile the variables name: `TGMCP_PROFILE` from an env file, else
/// `SESSION_NAME` (its session file name, `telegram` by default, there).
pub fn profile(env: &Env) -> Result<Option<ProfileName>> {
    for name in ["TGMCP_PROFILE", "SESSION_NAME"] {
        if let Some(value) = env.get(name) {
            return ProfileName::new(value.trim()).map(Some).map_err(|_| {
                Error::Config(format!(
                    "{} cannot name a tgmcp profile — use 1 to 64 letters, digits, '_' or '-'",
                    env.describe(name)
                ))
            });
        }
    }
    Ok(None)
}

/// `setup`'s phone number when no flag gives one: `TGMCP_PHONE` (from an env file),
/// then `PHONE_NUMBER`.
pub fn phone(env: &Env) -> Option<String> {
    ["TGMCP_PHONE", "PHONE_NUMBER"]
        .into_iter()
        .find_map(|name| env.get(name))
        .map(|phone| phone.trim().to_owned())
}

/// `LOG_LEVEL` as a tracing level: Python's names (`DEBUG`, `INFO`, `WARNING`,
/// `ERROR`, `CRITICAL`) in any case, and `warn`/`trace`.
pub fn log_level(env: &Env) -> Result<Option<&'static str>> {
    let Some(value) = env.get("LOG_LEVEL") else {
        return Ok(None);
    };
    let level = match value.trim().to_ascii_lowercase().as_str() {
        "trace" => "trace",
        "debug" => "debug",
        "info" => "info",
        "warning" | "warn" => "warn",
        "error" | "critical" => "error",
        _ => {
            return Err(Error::Config(format!(
                "{} is not a log level — use DEBUG, INFO, WARNING or ERROR",
                env.describe("LOG_LEVEL")
            )));
        }
    };
    Ok(Some(level))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::EnvFile;
    use std::path::Path;

    fn env(vars: &[(&str, &str)]) -> Env {
        vars.iter().copied().collect()
    }

    #[test]
    fn serve_modes() {
        let none = Env::default();
        let stdio = Serve {
            addr: None,
            no_auth: false,
        };
        assert_eq!(serve(&none, None, false).unwrap(), stdio);
        // HOST/PORT alone do not turn HTTP on, as in the reference.
        let hp = env(&[("HOST", "127.0.0.1"), ("PORT", "9000")]);
        assert_eq!(serve(&hp, None, false).unwrap(), stdio);

        let auth = env(&[("SERVER_MODE", "http-auth"), ("PORT", "9000")]);
        assert_eq!(
            serve(&auth, None, false).unwrap(),
            Serve {
                addr: Some("127.0.0.1:9000".parse().unwrap()),
                no_auth: false
            }
        );
        let open = env(&[("MODE", "HTTP-NO-AUTH"), ("HOST", "::1")]);
        assert_eq!(
            serve(&open, None, false).unwrap(),
            Serve {
                addr: Some("[::1]:8000".parse().unwrap()),
                no_auth: true
            }
        );
        // DISABLE_AUTH wins over the mode; flags win over both.
        let closed = env(&[("SERVER_MODE", "http-no-auth"), ("DISABLE_AUTH", "no")]);
        assert!(!serve(&closed, None, false).unwrap().no_auth);
        let flag: SocketAddr = "127.0.0.1:7000".parse().unwrap();
        assert_eq!(serve(&auth, Some(flag), false).unwrap().addr, Some(flag));
        assert!(serve(&closed, Some(flag), true).unwrap().no_auth);
        // DISABLE_AUTH means nothing under stdio.
        let stdio_open = env(&[("DISABLE_AUTH", "true")]);
        assert_eq!(serve(&stdio_open, None, false).unwrap(), stdio);
    }

    #[test]
    fn no_token_off_loopback_is_refused_loudly() {
        for vars in [
            &[("SERVER_MODE", "http-no-auth"), ("HOST", "0.0.0.0")][..],
            &[
                ("SERVER_MODE", "http-auth"),
                ("HOST", "0.0.0.0"),
                ("DISABLE_AUTH", "1"),
            ][..],
        ] {
            let message = serve(&env(vars), None, false).unwrap_err().to_string();
            assert!(message.contains("0.0.0.0:8000"), "{message}");
            assert!(message.contains("loopback address only"), "{message}");
        }
        let tokened = env(&[("SERVER_MODE", "http-auth"), ("HOST", "0.0.0.0")]);
        assert!(!serve(&tokened, None, false).unwrap().no_auth);
    }

    #[test]
    fn bad_values_say_what_to_write() {
        for (vars, wanted) in [
            (
                &[("SERVER_MODE", "sse")][..],
                "use stdio, http-auth or http-no-auth",
            ),
            (
                &[("SERVER_MODE", "http-auth"), ("PORT", "65536")][..],
                "from 1 to 65535",
            ),
            (
                &[("SERVER_MODE", "http-auth"), ("HOST", "example.com")][..],
                "not an IP address",
            ),
            (
                &[("SERVER_MODE", "http-auth"), ("DISABLE_AUTH", "maybe")][..],
                "not true or false",
            ),
        ] {
            let message = serve(&env(vars), None, false).unwrap_err().to_string();
            assert!(message.contains(wanted), "{vars:?}: {message}");
        }
        let message = profile(&env(&[("SESSION_NAME", "a/b")]))
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("SESSION_NAME=\"a/b\" (in the environment)"),
            "{message}"
        );
        let message = log_level(&env(&[("LOG_LEVEL", "loud")]))
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("DEBUG, INFO, WARNING or ERROR"),
            "{message}"
        );
        assert_eq!(
            log_level(&env(&[("LOG_LEVEL", "Warning")])).unwrap(),
            Some("warn")
        );
    }

    #[test]
    fn process_environment_beats_the_file() {
        let file = EnvFile::parse(
            "SESSION_NAME=work\nAPI_ID=1\nPORT=8001\n",
            Path::new("/srv/.env"),
        )
        .unwrap();
        let layered = env(&[("API_ID", "2"), ("PORT", "")]).under(&file);
        assert_eq!(layered.get("API_ID"), Some("2"));
        // An empty variable is unset, so the file fills it in.
        assert_eq!(layered.get("PORT"), Some("8001"));
        assert_eq!(profile(&layered).unwrap().unwrap().as_str(), "work");
        assert_eq!(layered.describe("PORT"), "PORT=\"8001\" (in /srv/.env)");
        assert_eq!(
            layered.describe("API_ID"),
            "API_ID=\"2\" (in the environment)"
        );
    }
}

//! `POST /mtproto-api/{method}` (and `/mtproto-api/v1/{method}`): any API method over
//! plain HTTP, for clients that do not speak MCP. The same core call as `invoke_mtproto`,
//! behind the same token and limits; errors are JSON with a status that says whose
//! fault it was.

use axum::body::{Body, to_bytes};
use std::sync::Arc;

use axum::Extension;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{AppState, json_response};
use crate::error::{Error, Result};
use crate::telegram::Invoke;
use crate::tl::Guard;

/// In hosted mode, the link of the account the request's token selected.
#[derive(Clone)]
pub(super) struct AccountLink(pub(super) Arc<crate::mcp::Link>);

/// The request body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallBody {
    params: Option<serde_json::Map<String, Value>>,
    params_json: Option<String>,
    #[serde(default = "yes")]
    resolve: bool,
    #[serde(default)]
    allow_dangerous: bool,
}

fn yes() -> bool {
    true
}

pub(super) async fn call(
    State(state): State<AppState>,
    Path(method): Path<String>,
    account_link: Option<Extension<AccountLink>>,
    request: Request<Body>,
) -> Response {
    let account_link = account_link.map(|Extension(link)| link);
    let limit = state.options.max_body_bytes;
    let body = match to_bytes(request.into_body(), limit).await {
        Ok(body) => body,
        Err(_) => {
            return failure(&Error::InvalidInput(format!(
                "the request body could not be read, or is larger than this server's limit of {limit} bytes (--max-body-bytes)"
            )));
        }
    };
    let link = account_link.map_or_else(|| Arc::clone(&state.link), |a| a.0);
    let result = async {
        let invoke = parse(&method, &body, state.read_only)?;
        // Refusals and bad parameters are answered without reaching Telegram.
        let prepared = invoke.prepare()?;
        state.selection.operator_consent(&prepared.def.name)?;
        let answer = link.telegram().await?.invoke_prepared(&prepared).await;
        match &answer {
            Ok(_) => link.observe_success(),
            Err(e) => link.observe(e),
        }
        Ok::<_, Error>(json!({"method": prepared.def.name, "result": answer?}))
    }
    .await;
    match result {
        Ok(value) => json_response(StatusCode::OK, &value),
        Err(e) => {
            let e = e.with_profile(link.profile());
            tracing::info!(method, kind = e.kind(), "mtproto-api call failed");
            failure(&e)
        }
    }
}

fn parse(method: &str, body: &[u8], read_only: bool) -> Result<Invoke> {
    let body: CallBody = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::from_str("{}").map_err(|e| Error::InvalidInput(e.to_string()))?
    } else {
        serde_json::from_slice(body).map_err(|e| {
            Error::InvalidInput(format!(
                "the body is not a valid request ({e}) — send {{\"params\": {{…}}}} or {{\"params_json\": \"…\"}}, optionally with \"resolve\" and \"allow_dangerous\""
            ))
        })?
    };
    let params = match (body.params, body.params_json) {
        (Some(_), Some(_)) => {
            return Err(Error::InvalidInput(
                "give params or params_json, not both".into(),
            ));
        }
        (Some(params), None) => Value::Object(params),
        (None, Some(text)) if text.trim().is_empty() => Value::Object(Default::default()),
        (None, Some(text)) => serde_json::from_str(&text).map_err(|e| {
            Error::InvalidInput(format!(
                "params_json is not JSON ({e}) — give the parameters as a JSON object in a string"
            ))
        })?,
        (None, None) => Value::Object(Default::default()),
    };
    Ok(Invoke {
        method: method.to_owned(),
        params,
        resolve: body.resolve,
        guard: Guard {
            read_only,
            allow_dangerous: body.allow_dangerous,
            allow_secrets: false,
        },
    })
}

/// The status for an error: 400 the request, 403 policy, 404 no such method, 429 wait,
/// 502 Telegram said no, 503/504 Telegram not reachable or not logged in.
fn status(error: &Error) -> StatusCode {
    match error {
        Error::InvalidInput(_) | Error::PeerNotFound(_) | Error::NotFound(_) => {
            StatusCode::BAD_REQUEST
        }
        Error::Forbidden(_) => StatusCode::FORBIDDEN,
        Error::UnknownMethod(_) => StatusCode::NOT_FOUND,
        Error::FloodWait { .. } | Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        Error::Rpc { .. }
        | Error::Rejected(_)
        | Error::PartialSend { .. }
        | Error::UnknownOutcome(_) => StatusCode::BAD_GATEWAY,
        Error::Network(_) | Error::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
        Error::NotLoggedIn { .. } | Error::Interrupted => StatusCode::SERVICE_UNAVAILABLE,
        Error::Config(_) | Error::Session(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn failure(error: &Error) -> Response {
    let mut body = json!({"error": error.kind(), "message": error.to_string()});
    if let Some(name) = error.rpc_name() {
        body["rpc_error"] = json!(name);
    }
    if let Some(seconds) = error.retry_after() {
        body["retry_after"] = json!(seconds);
    }
    let mut response = json_response(status(error), &body);
    if let Some(seconds) = error.retry_after()
        && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies() {
        let invoke = parse("users.getUsers", br#"{"params": {"id": ["me"]}}"#, false).unwrap();
        assert_eq!(invoke.params, json!({"id": ["me"]}));
        assert!(invoke.resolve && !invoke.guard.allow_dangerous);
        let invoke = parse(
            "x",
            br#"{"params_json": "{\"a\": 1}", "resolve": false, "allow_dangerous": true}"#,
            true,
        )
        .unwrap();
        assert_eq!(invoke.params, json!({"a": 1}));
        assert!(!invoke.resolve && invoke.guard.allow_dangerous && invoke.guard.read_only);
        assert_eq!(parse("x", b"", false).unwrap().params, json!({}));
        for bad in [
            &b"[1]"[..],
            br#"{"params": 1}"#,
            br#"{"param": {}}"#,
            br#"{"params": {}, "params_json": "{}"}"#,
            br#"{"params_json": "{nope"}"#,
        ] {
            let e = parse("x", bad, false).unwrap_err();
            assert_eq!(status(&e), StatusCode::BAD_REQUEST, "{e}");
        }
    }
}

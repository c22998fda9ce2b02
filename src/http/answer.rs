//! How an MCP answer leaves the server.
//!
//! - **Errors in JSON:** rmcp's plain-text refusals are said in JSON like every other
//!   error ([`super::json_errors`]).
//! - **Ending a session:** rmcp answers a client's `DELETE /mcp` with 202 Accepted, which
//!   the official Python SDK reports as a failed termination (it takes 200 or 204). The
//!   session is closed by then, so the answer says so: 204 No Content.
//! - **A POST's event stream in one piece:** rmcp answers every POST with an event stream
//!   whose first event (the "priming" event: an id and a retry time, no message) is ready
//!   at once, while the message comes later. Sent as it comes, that is two writes and two
//!   TCP segments per call, and two wake-ups of the client. Here the headers wait until
//!   the first event that carries a message (for at most [`GATHER_FOR`]), and whatever
//!   else is ready then (usually the end of the stream) goes in the same write. A stream
//!   that ended by then goes out with a `Content-Length`. Progress notifications still
//!   stream as they come: the first one releases the answer.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::{FutureExt as _, StreamExt as _};

/// How long the headers of a POST's event stream wait for its first message. A call that
/// takes longer gets its headers and priming event at this point, then its messages as
/// they come, as rmcp sends them.
pub const GATHER_FOR: Duration = Duration::from_secs(1);

/// The MCP routes' outermost middleware: each of the module's three cases.
pub async fn shape(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let mut response = next.run(request).await;
    if method == Method::DELETE && response.status() == StatusCode::ACCEPTED {
        *response.status_mut() = StatusCode::NO_CONTENT;
        *response.body_mut() = Body::empty();
        return response;
    }
    if response.status().is_client_error() || response.status().is_server_error() {
        return super::json_errors(response).await;
    }
    let streamed = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    if method != Method::POST || !streamed {
        return response;
    }
    let (parts, body) = response.into_parts();
    let mut stream = body.into_data_stream();
    let mut ready: Vec<Result<Bytes, axum::Error>> = Vec::new();
    let gathered = tokio::time::timeout(GATHER_FOR, async {
        while let Some(chunk) = stream.next().await {
            let message = chunk.as_ref().map_or(true, |bytes| carries_message(bytes));
            ready.push(chunk);
            if message {
                return false;
            }
        }
        true
    })
    .await;
    let mut ended = gathered.unwrap_or(false);
    // What is ready now, usually the end of the stream, goes in the same write.
    while !ended && let Some(next) = stream.next().now_or_never() {
        match next {
            Some(chunk) => ready.push(chunk),
            None => ended = true,
        }
    }
    if ended && ready.iter().all(Result::is_ok) {
        let mut whole = Vec::with_capacity(ready.iter().flatten().map(Bytes::len).sum());
        for chunk in ready.into_iter().flatten() {
            whole.extend_from_slice(&chunk);
        }
        return Response::from_parts(parts, Body::from(whole));
    }
    let body = futures_util::stream::iter(ready).chain(stream);
    Response::from_parts(parts, Body::from_stream(body))
}

/// Whether a server-sent event has a message: a `data` line with something after the
/// field name. rmcp's priming event (`data: ` alone, an id and a retry time) and a
/// keep-alive comment have none.
fn carries_message(event: &[u8]) -> bool {
    event.split(|&b| b == b'\n').any(|line| {
        line.strip_prefix(b"data:")
            .is_some_and(|value| !matches!(value, b"" | b" " | b"\r" | b" \r"))
    })
}

#[cfg(test)]
mod tests {
    use super::carries_message;

    #[test]
    fn priming_events_and_comments_carry_no_message() {
        assert!(!carries_message(b"data: \nid: 0/0\nretry: 3000\n\n"));
        assert!(!carries_message(b"data:\nid: 1/0\n\n"));
        assert!(!carries_message(b":\n\n"));
        assert!(!carries_message(b"retry: 3000\r\ndata: \r\n\r\n"));
        assert!(carries_message(
            b"data: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\nid: 0/1\n\n"
        ));
        assert!(carries_message(b"id: 2\ndata:{}\n\n"));
    }
}

//! Ending a session: rmcp answers a client's `DELETE /mcp` with 202 Accepted, which the
//! official Python SDK reports as a failed termination (it takes 200 or 204). The session
//! is closed by then, so the answer says so: 204 No Content.

use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

pub async fn no_content(request: Request, next: Next) -> Response {
    let delete = request.method() == Method::DELETE;
    let mut response = next.run(request).await;
    if delete && response.status() == StatusCode::ACCEPTED {
        *response.status_mut() = StatusCode::NO_CONTENT;
        *response.body_mut() = axum::body::Body::empty();
    }
    response
}

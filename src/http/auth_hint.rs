//! What a client learns when it has no token: this server takes a bearer token the user
//! pastes in, and has no OAuth.
//!
//! MCP's authorization section sends a client that gets a 401 to the resource's
//! protected resource metadata (RFC 9728) to find an authorization server. An answer of
//! 404 there makes OAuth-capable clients report a failed OAuth discovery instead of "add
//! your token", so the metadata is served: tokens go in the `Authorization` header, and
//! no authorization server is named, so there is nothing to sign in to — only a token to
//! configure, as the description and the 401's `error_description` say.

use axum::Router;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// `router` with the metadata and the answers where OAuth clients look, all without a
/// token.
pub fn mount<S: Clone + Send + Sync + 'static>(mut router: Router<S>) -> Router<S> {
    for route in ROUTES {
        router = router.route(route, axum::routing::get(metadata));
    }
    for route in NO_OAUTH_ROUTES {
        router = router.route(route, axum::routing::any(no_oauth));
    }
    router
}

/// The paths RFC 9728 clients probe: the root, and the one suffixed with the MCP path.
const ROUTES: [&str; 3] = [
    "/.well-known/oauth-protected-resource",
    "/.well-known/oauth-protected-resource/mcp",
    "/.well-known/oauth-protected-resource/v1/mcp",
];

/// Why a request without a token was refused, for the `WWW-Authenticate` challenge.
pub const MISSING: &str = r#"Bearer realm="tgmcp", error_description="this server takes a bearer token, not OAuth: add the header Authorization: Bearer <token> to the client's configuration (tgmcp setup prints it)""#;

/// Why a request with a wrong token was refused.
pub const WRONG: &str = r#"Bearer realm="tgmcp", error="invalid_token", error_description="the bearer token is wrong: use the one tgmcp setup printed for this profile""#;

/// The protected resource metadata (RFC 9728) of this server's MCP endpoint.
async fn metadata(request: Request) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let path = request
        .uri()
        .path()
        .strip_prefix("/.well-known/oauth-protected-resource")
        .filter(|p| !p.is_empty())
        .unwrap_or("/mcp");
    let body = json!({
        "resource": format!("http://{host}{path}"),
        "resource_name": "tgmcp",
        "bearer_methods_supported": ["header"],
        "authorization_servers": [],
        "description": "This server takes a bearer token, not OAuth: add the header Authorization: Bearer <token> to the client's configuration; `tgmcp setup` prints it."
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Where OAuth clients look for an authorization server, or register with one.
const NO_OAUTH_ROUTES: [&str; 3] = [
    "/.well-known/oauth-authorization-server",
    "/.well-known/openid-configuration",
    "/register",
];

/// The answer there: none, and what to do instead.
async fn no_oauth() -> Response {
    let body = json!({
        "error": "no_oauth",
        "message": "this server has no OAuth: it takes a bearer token — add the header Authorization: Bearer <token> to the client's configuration (tgmcp setup prints it)"
    });
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

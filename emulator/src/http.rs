//! The HTTP surface: routes, the service middleware (CORS preflight, the 401 challenge,
//! `api-version`), and the headers the real service puts on every response.
//!
//! Order of checks for a data-plane request, as the service does it: preflight (no auth) →
//! bearer token (401) → `api-version` (400) → route → path validation → body.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;

use crate::error::{ApiError, MAX_BODY_BYTES};
use crate::faults::{Decision, Faults};
use crate::guid::guid;
use crate::lifecycle::Lifecycle;
use crate::stats::{self, Outcome, Stats};
use crate::store::{SecretVersion, Store};
use crate::{keys, management, objects, secrets};

/// Stable api-versions the emulator accepts; `<stable>-preview` and `<stable>-preview.N` too.
pub const STABLE_API_VERSIONS: &[&str] = &[
    "7.0",
    "7.1",
    "7.2",
    "7.3",
    "7.4",
    "7.5",
    "7.6",
    "2025-07-01",
    // The default of @azure/keyvault-secrets 4.12.
    "2026-04-01",
];
/// Date-named previews seen in real recordings.
pub const PREVIEW_API_VERSIONS: &[&str] = &[
    "2025-06-01-preview",
    "2026-01-01-preview",
    "2026-03-01-preview",
];
/// Named in the "not recognized" message, as the service names its newest version.
pub const LATEST_API_VERSION: &str = "2025-07-01";

/// Largest restore body: a backup carries every version (up to 25 KB each), so it may be far
/// larger than any other request.
pub const MAX_BACKUP_BODY_BYTES: usize = 64 << 20;

/// Prefix of the emulator's own management API (no auth, no api-version).
pub const MANAGEMENT_PREFIX: &str = "/_emulator/";

const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("x-ms-client-request-id");

/// What the 401 challenge names: `Bearer authorization="<authority>/<tenant>", resource="..."`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub authority: String,
    pub tenant_id: String,
    pub resource: String,
}

impl Default for Challenge {
    /// The values the real service sends (Microsoft's tenant, as in the recordings).
    fn default() -> Self {
        Challenge {
            authority: "https://login.microsoftonline.com".into(),
            tenant_id: "72f988bf-86f1-41af-91ab-2d7cd011db47".into(),
            resource: "https://vault.azure.net".into(),
        }
    }
}

impl Challenge {
    /// The `WWW-Authenticate` header value.
    pub fn header_value(&self) -> String {
        format!(
            "Bearer authorization=\"{}/{}\", resource=\"{}\"",
            self.authority, self.tenant_id, self.resource
        )
    }
}

/// Settings the handlers need that are not part of the vault state.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `--data FILE`, as given.
    pub data_file: Option<String>,
    /// `--require-token T`: the only bearer token accepted.
    pub require_token: Option<String>,
}

/// Everything the handlers share.
#[derive(Debug)]
pub struct Shared {
    pub store: Arc<Store>,
    /// The policy clock and the events.
    pub lifecycle: Lifecycle,
    pub challenge: Challenge,
    pub faults: Faults,
    pub stats: Stats,
    pub settings: Settings,
    /// `host:port` the server listens on; ids use it when a request has no `Host` header.
    pub listen_authority: String,
    /// The open connections, their timeouts and cap.
    pub connections: Arc<crate::connections::Connections>,
}

/// The handlers' state: one `Arc`, so the per-request clones axum makes stay cheap.
#[derive(Debug, Clone)]
pub struct AppState(pub Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// Marks a response that must not be sent: the connection is closed instead (`--drop-rate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for DropConnection {}

/// The complete application: data-plane and management routes wrapped in the service
/// middleware.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/secrets", get(objects::list::<SecretVersion>))
        .route(
            "/secrets/{name}",
            put(secrets::set_secret)
                .get(secrets::get_secret)
                .patch(secrets::update_secret)
                .delete(objects::delete::<SecretVersion>),
        )
        .route(
            "/secrets/{name}/",
            get(secrets::get_secret).patch(secrets::update_secret),
        )
        .route(
            "/secrets/{name}/{version}",
            get(secrets::get_secret).patch(secrets::update_secret),
        )
        .route(
            "/secrets/{name}/versions",
            get(objects::list_versions::<SecretVersion>),
        )
        .route(
            "/secrets/{name}/backup",
            post(objects::backup::<SecretVersion>),
        )
        // A secret may be called "restore": the other methods address it.
        .route(
            "/secrets/restore",
            post(objects::restore::<SecretVersion>)
                .layer(DefaultBodyLimit::max(MAX_BACKUP_BODY_BYTES))
                .put(secrets::set_secret)
                .get(secrets::get_secret)
                .patch(secrets::update_secret)
                .delete(objects::delete::<SecretVersion>),
        )
        .route(
            "/deletedsecrets",
            get(objects::list_deleted::<SecretVersion>),
        )
        .route(
            "/deletedsecrets/{name}",
            get(objects::get_deleted::<SecretVersion>).delete(objects::purge::<SecretVersion>),
        )
        .route(
            "/deletedsecrets/{name}/recover",
            post(objects::recover::<SecretVersion>),
        )
        .merge(keys::routes())
        .merge(management::routes())
        .method_not_allowed_fallback(|method: Method| async move {
            ApiError::method_not_allowed(method.as_str())
        })
        .fallback(|uri: Uri| async move { ApiError::no_route(uri.path()) })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            service_middleware,
        ))
        .with_state(state)
}

async fn service_middleware(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let client_request_id = request.headers().get(CLIENT_REQUEST_ID).cloned();
    let is_preflight = request.method() == Method::OPTIONS;
    if !is_preflight && request.uri().path().starts_with(MANAGEMENT_PREFIX) {
        let mut response = next.run(request).await;
        add_service_headers(&mut response, client_request_id);
        return response;
    }
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().cloned();
    let route = route.as_ref().map_or(stats::UNMATCHED, MatchedPath::as_str);
    let decision = if is_preflight {
        Decision::Pass
    } else {
        state.faults.decide()
    };
    let (mut response, outcome) = match decision {
        Decision::Drop => {
            state.stats.record(method.as_str(), route, Outcome::Dropped);
            let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
            response.extensions_mut().insert(DropConnection);
            return response;
        }
        Decision::Fail(status) => (state.faults.response(status), Outcome::Fault(status)),
        Decision::Pass => {
            let response = if is_preflight {
                preflight(request.headers())
            } else if let Err(response) =
                authorize(request.headers(), &state.challenge, &state.settings)
            {
                response
            } else if let Err(e) = check_api_version(request.uri().query()) {
                e.into_response()
            } else {
                next.run(request).await
            };
            let status = response.status().as_u16();
            (response, Outcome::Status(status))
        }
    };
    add_service_headers(&mut response, client_request_id);
    state.stats.record(method.as_str(), route, outcome);
    response
}

/// Checks the bearer token: any non-empty one, or exactly `--require-token`'s.
#[allow(clippy::result_large_err)]
fn authorize(
    headers: &HeaderMap,
    challenge: &Challenge,
    settings: &Settings,
) -> Result<(), Response> {
    let Some(token) = bearer_token(headers) else {
        return Err(unauthorized(
            challenge,
            "AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token.",
        ));
    };
    match &settings.require_token {
        Some(required) if required != token => Err(unauthorized(
            challenge,
            "The bearer token is not the one this emulator accepts (--require-token).",
        )),
        _ => Ok(()),
    }
}

/// The token of `Authorization: Bearer <non-empty token>`.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The real service's 401: challenge header plus its error body.
fn unauthorized(challenge: &Challenge, message: &str) -> Response {
    let error = ApiError::new(StatusCode::UNAUTHORIZED, "Unauthorized", message);
    let mut response = error.into_response();
    if let Ok(value) = HeaderValue::from_str(&challenge.header_value()) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// Checks the `api-version` query parameter (keys and values percent-decoded).
pub fn check_api_version(query: Option<&str>) -> Result<(), ApiError> {
    let version = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(key, _)| key == "api-version")
        .map(|(_, value)| value.into_owned())
        .filter(|value| !value.is_empty());
    let Some(version) = version else {
        return Err(ApiError::bad_parameter(
            "The 'api-version' query parameter is missing or invalid",
        ));
    };
    if is_supported_api_version(&version) {
        Ok(())
    } else {
        Err(ApiError::bad_parameter(format!(
            "The specified version ({version}) is not recognized. Consider using the latest \
             supported version ({LATEST_API_VERSION})."
        )))
    }
}

fn is_supported_api_version(version: &str) -> bool {
    if STABLE_API_VERSIONS.contains(&version) || PREVIEW_API_VERSIONS.contains(&version) {
        return true;
    }
    let Some((stable, preview)) = version.split_once("-preview") else {
        return false;
    };
    let suffix_ok = match preview.strip_prefix('.') {
        None => preview.is_empty(),
        Some(n) => !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()),
    };
    suffix_ok && STABLE_API_VERSIONS.contains(&stable)
}

/// CORS preflight: allowed for any path without a token (browsers never send one here).
fn preflight(request_headers: &HeaderMap) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, PUT, PATCH, POST, DELETE, OPTIONS"),
    );
    // Echo rather than `*`: the wildcard does not cover `Authorization`.
    if let Some(requested) = request_headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, requested.clone());
    }
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    response
}

/// The headers the real service sends on every response, plus CORS for browser tests.
fn add_service_headers(response: &mut Response, client_request_id: Option<HeaderValue>) {
    let no_content = response.status() == StatusCode::NO_CONTENT;
    let headers = response.headers_mut();
    let fixed: [(HeaderName, &'static str); 9] = [
        (header::CACHE_CONTROL, "no-cache"),
        (header::PRAGMA, "no-cache"),
        (header::EXPIRES, "-1"),
        (
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000;includeSubDomains",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (
            HeaderName::from_static("x-ms-keyvault-service-version"),
            "1.9.3347.1",
        ),
        (HeaderName::from_static("x-ms-keyvault-region"), "emulator"),
        (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        (header::ACCESS_CONTROL_EXPOSE_HEADERS, "*"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if no_content {
        headers.remove(header::CONTENT_TYPE);
    } else {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
    }
    if let Ok(id) = HeaderValue::from_str(&guid(fastrand::u128(..))) {
        headers.insert(HeaderName::from_static("x-ms-request-id"), id);
    }
    if let Some(id) = client_request_id {
        headers.insert(CLIENT_REQUEST_ID, id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_versions() {
        for ok in [
            "7.0",
            "7.6",
            "2025-07-01",
            "7.4-preview.1",
            "7.6-preview.2",
            "7.5-preview",
        ] {
            assert!(is_supported_api_version(ok), "{ok}");
        }
        for bad in [
            "6.9",
            "7.7",
            "7.4-preview.",
            "7.4-previewx",
            "2025-07-01x",
            "",
        ] {
            assert!(!is_supported_api_version(bad), "{bad}");
        }
        assert!(check_api_version(Some("api%2Dversion=7%2E5")).is_ok());
        assert!(check_api_version(Some("x=1")).is_err());
        assert!(check_api_version(None).is_err());
    }

    #[test]
    fn bearer_tokens() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer_token(&headers), None);
        for (value, token) in [
            ("Bearer abc", Some("abc")),
            ("bearer abc", Some("abc")),
            ("Bearer ", None),
            ("Basic abc", None),
        ] {
            headers.insert(header::AUTHORIZATION, HeaderValue::from_static(value));
            assert_eq!(bearer_token(&headers), token, "{value}");
        }
        let settings = Settings {
            require_token: Some("abc".into()),
            ..Settings::default()
        };
        let challenge = Challenge::default();
        assert!(authorize(&headers, &challenge, &Settings::default()).is_err());
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert!(authorize(&headers, &challenge, &settings).is_ok());
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abd"),
        );
        assert!(authorize(&headers, &challenge, &Settings::default()).is_ok());
        assert_eq!(
            authorize(&headers, &challenge, &settings)
                .unwrap_err()
                .status(),
            StatusCode::UNAUTHORIZED
        );
    }
}

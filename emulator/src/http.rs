//! The HTTP surface: routes, the service middleware (CORS preflight, the 401 challenge,
//! `api-version`), and the headers the real service puts on every response.
//!
//! Order of checks for a data-plane request, as the service does it: preflight (no auth) →
//! bearer token (401) → `api-version` (400) → route → path validation → body.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::Router;

use crate::error::{ApiError, MAX_BODY_BYTES};
use crate::secrets;
use crate::store::Store;

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
];
/// Date-named previews seen in real recordings.
pub const PREVIEW_API_VERSIONS: &[&str] = &[
    "2025-06-01-preview",
    "2026-01-01-preview",
    "2026-03-01-preview",
];
/// Named in the "not recognized" message, as the service names its newest version.
pub const LATEST_API_VERSION: &str = "2025-07-01";

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

/// Shared by every handler.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub challenge: Arc<Challenge>,
    /// `host:port` the server listens on; ids use it when a request has no `Host` header.
    pub listen_authority: Arc<str>,
}

/// The complete application: data-plane routes wrapped in the service middleware.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/secrets/{name}",
            put(secrets::set_secret)
                .get(secrets::get_secret)
                .patch(secrets::update_secret),
        )
        .route(
            "/secrets/{name}/",
            get(secrets::get_secret).patch(secrets::update_secret),
        )
        .route(
            "/secrets/{name}/{version}",
            get(secrets::get_secret).patch(secrets::update_secret),
        )
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
    let mut response = if request.method() == Method::OPTIONS {
        preflight(request.headers())
    } else if request.uri().path().starts_with(MANAGEMENT_PREFIX) {
        next.run(request).await
    } else if !has_bearer_token(request.headers()) {
        unauthorized(&state.challenge)
    } else if let Err(e) = check_api_version(request.uri().query()) {
        e.into_response()
    } else {
        next.run(request).await
    };
    add_service_headers(&mut response, client_request_id);
    response
}

/// True when `Authorization` is `Bearer <non-empty token>`; any token is accepted.
fn has_bearer_token(headers: &HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    match value.trim().split_once(' ') {
        Some((scheme, token)) => scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty(),
        None => false,
    }
}

/// The real service's 401: challenge header plus its error body (2026-05 wording).
fn unauthorized(challenge: &Challenge) -> Response {
    let error = ApiError::new(
        StatusCode::UNAUTHORIZED,
        "Unauthorized",
        "AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token.",
    );
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
    if let Ok(id) = HeaderValue::from_str(&random_guid()) {
        headers.insert(HeaderName::from_static("x-ms-request-id"), id);
    }
    if let Some(id) = client_request_id {
        headers.insert(CLIENT_REQUEST_ID, id);
    }
}

/// A random (version 4) GUID in the usual 8-4-4-4-12 form.
fn random_guid() -> String {
    let bits = (fastrand::u128(..) & !(0xf << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62);
    let hex = format!("{bits:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
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
        assert!(!has_bearer_token(&headers));
        for (value, ok) in [
            ("Bearer abc", true),
            ("bearer abc", true),
            ("Bearer ", false),
            ("Basic abc", false),
        ] {
            headers.insert(header::AUTHORIZATION, HeaderValue::from_static(value));
            assert_eq!(has_bearer_token(&headers), ok, "{value}");
        }
    }

    #[test]
    fn guids_are_version_4() {
        let guid = random_guid();
        assert_eq!(guid.len(), 36);
        assert_eq!(&guid[14..15], "4");
        assert!(matches!(&guid[19..20], "8" | "9" | "a" | "b"));
    }
}

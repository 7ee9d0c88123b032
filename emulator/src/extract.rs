//! What every data-plane handler takes from a request: the object path, the vault URL ids are
//! built from, the body; and the plain 200 every handler answers with.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, MAX_BODY_BYTES};
use crate::http::AppState;
use crate::model;
use crate::plane::Object;
use crate::render::Vault;

/// `{name}` and the optional `{version}` of an object path, both validated.
/// An empty version (`/secrets/{name}/`) means the latest, as on the real service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectPath {
    pub name: String,
    pub version: Option<String>,
}

impl ObjectPath {
    /// The 404 for this path: the name, or `name/version`, as the service words it.
    pub fn not_found(&self, kind: Object) -> ApiError {
        match &self.version {
            None => ApiError::not_found(kind, &self.name),
            Some(version) => ApiError::not_found(kind, &format!("{}/{version}", self.name)),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ObjectPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::bad_parameter("The request URI is not valid UTF-8."))?;
        let mut name = None;
        let mut version = None;
        for (key, value) in &params {
            match key {
                "name" => name = Some(value.to_owned()),
                "version" => version = Some(value.to_owned()),
                _ => {}
            }
        }
        // `/secrets/restore` and `/keys/restore` are routes of their own; other methods on
        // them address an object called "restore".
        let name = name.unwrap_or_else(|| name_from_uri(&parts.uri));
        model::validate_name(&name)?;
        if let Some(v) = &version {
            model::validate_version(v)?;
        }
        Ok(ObjectPath { name, version })
    }
}

/// The segment after the collection (`/secrets/`, `/deletedkeys/`, ...).
fn name_from_uri(uri: &Uri) -> String {
    uri.path()
        .trim_start_matches('/')
        .split('/')
        .nth(1)
        .unwrap_or_default()
        .to_owned()
}

/// The vault URL ids are built from (`http://` + the request's `Host`), and whether the
/// request's api-version is 7.5 or later (key attributes then carry `exportable` and
/// `hsmPlatform`, as the service's do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultBase {
    pub url: String,
    pub api_7_5: bool,
}

impl VaultBase {
    /// The response writer for this vault.
    pub fn vault<'a>(&'a self, state: &AppState) -> Vault<'a> {
        Vault {
            base: &self.url,
            recoverable_days: state.store.config().recoverable_days,
            api_7_5: self.api_7_5,
        }
    }
}

impl FromRequestParts<AppState> for VaultBase {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| !h.is_empty())
            .map(str::to_owned)
            .or_else(|| parts.uri.authority().map(|a| a.as_str().to_owned()))
            .unwrap_or_else(|| state.listen_authority.to_string());
        let api_7_5 = form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
            .find(|(key, _)| key == "api-version")
            .is_some_and(|(_, v)| {
                !matches!(v.get(..3), Some("7.0" | "7.1" | "7.2" | "7.3" | "7.4"))
            });
        Ok(VaultBase {
            url: format!("http://{host}"),
            api_7_5,
        })
    }
}

/// The request body, or the error for one that could not be read (413 over
/// [`MAX_BODY_BYTES`]).
pub fn read_body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    read_body_limited(body, MAX_BODY_BYTES)
}

/// The request body of a route whose body limit is `limit` (the 413 names it).
pub fn read_body_limited(
    body: Result<Bytes, BytesRejection>,
    limit: usize,
) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::body_too_large(limit)
        } else {
            ApiError::bad_parameter("The request body could not be read.")
        }
    })
}

/// A 200 with a JSON body (the middleware sets `Content-Type`).
pub fn json(body: String) -> Response {
    (StatusCode::OK, body).into_response()
}

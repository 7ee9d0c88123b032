//! Handlers for `/secrets/{name}[/{version}]` and the extractors they share.
//!
//! Handlers stay thin: extract and validate the path, parse the body (`model.rs`), call the
//! [`Store`](crate::store::Store), write the bundle. Business rules that depend on the
//! operation (a disabled version cannot be read) live here; state rules live in the store.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, RawPathParams, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::http::AppState;
use crate::model;
use crate::store::StoreError;

/// `{name}` and the optional `{version}` of a secret path, both validated.
/// An empty version (`/secrets/{name}/`) means the latest, as on the real service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretPath {
    pub name: String,
    pub version: Option<String>,
}

impl SecretPath {
    fn not_found(&self) -> ApiError {
        match &self.version {
            None => ApiError::secret_not_found(&self.name),
            Some(version) => ApiError::secret_not_found(&format!("{}/{version}", self.name)),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SecretPath {
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
        let name = name.unwrap_or_default();
        model::validate_name(&name)?;
        if let Some(v) = &version {
            model::validate_version(v)?;
        }
        Ok(SecretPath { name, version })
    }
}

/// The vault URL ids are built from: `http://` + the request's `Host`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultBase(pub String);

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
        Ok(VaultBase(format!("http://{host}")))
    }
}

/// `PUT /secrets/{name}`: a new version, which becomes the latest.
pub async fn set_secret(
    State(state): State<AppState>,
    VaultBase(base): VaultBase,
    path: SecretPath,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let new = model::parse_set(&read_body(body)?)?;
    let record = state.store.set_secret(&path.name, new);
    Ok(json(model::secret_bundle_json(&base, &record, true)))
}

/// `GET /secrets/{name}`, `/secrets/{name}/` and `/secrets/{name}/{version}`.
pub async fn get_secret(
    State(state): State<AppState>,
    VaultBase(base): VaultBase,
    path: SecretPath,
) -> Result<Response, ApiError> {
    let record = state
        .store
        .get_secret(&path.name, path.version.as_deref())
        .map_err(|StoreError::NotFound| path.not_found())?;
    if !record.version.enabled {
        return Err(ApiError::secret_disabled("get"));
    }
    Ok(json(model::secret_bundle_json(&base, &record, true)))
}

/// `PATCH /secrets/{name}[/][{version}]`: changes the given properties; never returns the value.
/// Allowed on a disabled version (that is how one is re-enabled).
pub async fn update_secret(
    State(state): State<AppState>,
    VaultBase(base): VaultBase,
    path: SecretPath,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let patch = model::parse_update(&read_body(body)?)?;
    let record = state
        .store
        .update_secret(&path.name, path.version.as_deref(), patch)
        .map_err(|StoreError::NotFound| path.not_found())?;
    Ok(json(model::secret_bundle_json(&base, &record, false)))
}

fn read_body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::body_too_large()
        } else {
            ApiError::bad_parameter("The request body could not be read.")
        }
    })
}

/// A 200 with a JSON body (the middleware sets `Content-Type`).
fn json(body: String) -> Response {
    (StatusCode::OK, body).into_response()
}

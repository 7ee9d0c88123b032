//! Handlers for live secrets (`/secrets/...`) and the extractors every handler shares.
//!
//! Handlers stay thin: extract and validate the path, parse the body (`model.rs`), call the
//! [`Store`](crate::store::Store), write the body (`render.rs`). Business rules that depend on
//! the operation (a disabled version cannot be read) live here; state rules live in the store.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, RawPathParams, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::http::AppState;
use crate::paging::{self, Kind};
use crate::render::Vault;
use crate::store::{SecretVersion, StoreError};
use crate::{backup, model};

/// `{name}` and the optional `{version}` of a secret path, both validated.
/// An empty version (`/secrets/{name}/`) means the latest, as on the real service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretPath {
    pub name: String,
    pub version: Option<String>,
}

impl SecretPath {
    pub fn not_found(&self) -> ApiError {
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
        // `/secrets/restore` is its own route; other methods on it address a secret "restore".
        let name = name.unwrap_or_else(|| name_from_uri(&parts.uri));
        model::validate_name(&name)?;
        if let Some(v) = &version {
            model::validate_version(v)?;
        }
        Ok(SecretPath { name, version })
    }
}

/// The segment after `/secrets/` or `/deletedsecrets/`.
fn name_from_uri(uri: &Uri) -> String {
    uri.path()
        .trim_start_matches('/')
        .split('/')
        .nth(1)
        .unwrap_or_default()
        .to_owned()
}

/// The vault URL ids are built from: `http://` + the request's `Host`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultBase(pub String);

impl VaultBase {
    /// The response writer for this vault.
    pub fn vault<'a>(&'a self, state: &AppState) -> Vault<'a> {
        Vault {
            base: &self.0,
            recoverable_days: state.store.config().recoverable_days,
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
        Ok(VaultBase(format!("http://{host}")))
    }
}

/// The HTTP error for a store failure on secret `name`; `not_found` words the 404.
pub fn store_error(e: StoreError, name: &str, not_found: impl FnOnce() -> ApiError) -> ApiError {
    match e {
        StoreError::NotFound => not_found(),
        StoreError::DeletedButRecoverable => ApiError::deleted_but_recoverable(name),
        StoreError::BeingDeleted => ApiError::being_deleted(name),
        StoreError::BeingRecovered => ApiError::being_recovered(name),
        StoreError::AlreadyExists => ApiError::already_exists(name),
        StoreError::Storage(detail) => ApiError::storage(&detail),
    }
}

/// `PUT /secrets/{name}`: a new version, which becomes the latest. A soft-deleted name is a
/// 409 until it is recovered or purged.
pub async fn set_secret(
    State(state): State<AppState>,
    base: VaultBase,
    path: SecretPath,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let new = model::parse_set(&read_body(body)?)?;
    let record = state
        .store
        .set_secret(&path.name, new)
        .map_err(|e| store_error(e, &path.name, || path.not_found()))?;
    Ok(json(base.vault(&state).secret_bundle(&record, true)))
}

/// `GET /secrets/{name}`, `/secrets/{name}/` and `/secrets/{name}/{version}`.
pub async fn get_secret(
    State(state): State<AppState>,
    base: VaultBase,
    path: SecretPath,
) -> Result<Response, ApiError> {
    let record = state
        .store
        .get::<SecretVersion>(&path.name, path.version.as_deref())
        .map_err(|e| store_error(e, &path.name, || path.not_found()))?;
    if !record.version.enabled {
        return Err(ApiError::secret_disabled("get"));
    }
    Ok(json(base.vault(&state).secret_bundle(&record, true)))
}

/// `PATCH /secrets/{name}[/][{version}]`: changes the given properties; never returns the value.
/// Allowed on a disabled version (that is how one is re-enabled).
pub async fn update_secret(
    State(state): State<AppState>,
    base: VaultBase,
    path: SecretPath,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let patch = model::parse_update(&read_body(body)?)?;
    let record = state
        .store
        .update_secret(&path.name, path.version.as_deref(), patch)
        .map_err(|e| store_error(e, &path.name, || path.not_found()))?;
    Ok(json(base.vault(&state).secret_bundle(&record, false)))
}

/// `DELETE /secrets/{name}`: soft delete; answers the `DeletedSecretBundle` of the latest
/// version (no value).
pub async fn delete_secret(
    State(state): State<AppState>,
    base: VaultBase,
    path: SecretPath,
) -> Result<Response, ApiError> {
    let deleted = state
        .store
        .delete::<SecretVersion>(&path.name)
        .map_err(|e| store_error(e, &path.name, || path.not_found()))?;
    Ok(json(base.vault(&state).deleted_bundle(&deleted)))
}

/// `GET /secrets`: the latest version of each live secret, by name, without values; ids
/// without version.
pub async fn list_secrets(
    State(state): State<AppState>,
    base: VaultBase,
    uri: Uri,
) -> Result<Response, ApiError> {
    let query = paging::parse(uri.query(), Kind::Secret)?;
    let page = state
        .store
        .list::<SecretVersion>(query.from.as_deref(), query.max);
    let next = page
        .next
        .map(|next| paging::next_link(&base.0, "/secrets", &query, Kind::Secret, &next));
    Ok(json(base.vault(&state).secret_list(
        &page.items,
        false,
        next.as_deref(),
    )))
}

/// `GET /secrets/{name}/versions`: every version by version id, without values. A name that
/// is not live has no versions (200, empty list).
pub async fn list_versions(
    State(state): State<AppState>,
    base: VaultBase,
    path: SecretPath,
    uri: Uri,
) -> Result<Response, ApiError> {
    let query = paging::parse(uri.query(), Kind::Secret)?;
    let from = query.from.as_deref().map(paging::last_segment);
    let page = state
        .store
        .list_versions::<SecretVersion>(&path.name, from, query.max);
    let next = page.next.map(|next| {
        let marker = format!("{}/{next}", path.name.to_ascii_uppercase());
        let route = format!("/secrets/{}/versions", path.name);
        paging::next_link(&base.0, &route, &query, Kind::Secret, &marker)
    });
    Ok(json(base.vault(&state).secret_list(
        &page.items,
        true,
        next.as_deref(),
    )))
}

/// `POST /secrets/{name}/backup`: `{"value":"<blob>"}` with every version of a live secret.
pub async fn backup_secret(
    State(state): State<AppState>,
    path: SecretPath,
) -> Result<Response, ApiError> {
    let backup = state
        .store
        .backup::<SecretVersion>(&path.name)
        .map_err(|e| store_error(e, &path.name, || path.not_found()))?;
    let body = serde_json::json!({ "value": backup::encode(&backup) });
    Ok(json(body.to_string()))
}

/// `POST /secrets/restore`: recreates a backed-up secret under its own name; answers its latest
/// version without the value, as the service does.
pub async fn restore_secret(
    State(state): State<AppState>,
    base: VaultBase,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let blob = model::parse_restore(&read_body(body)?)?;
    let backup = backup::decode(&blob)?;
    let name = backup.name.clone();
    let record = state
        .store
        .restore(backup)
        .map_err(|e| store_error(e, &name, || ApiError::secret_not_found(&name)))?;
    Ok(json(base.vault(&state).secret_bundle(&record, false)))
}

/// The request body, or the error for one that could not be read.
pub fn read_body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::body_too_large()
        } else {
            ApiError::bad_parameter("The request body could not be read.")
        }
    })
}

/// A 200 with a JSON body (the middleware sets `Content-Type`).
pub fn json(body: String) -> Response {
    (StatusCode::OK, body).into_response()
}

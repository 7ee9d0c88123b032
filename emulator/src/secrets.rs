//! Handlers of the secrets plane that are its own (set, get, update) and how the shared
//! handlers (`objects.rs`) serve secrets.
//!
//! Handlers stay thin: extract and validate the path, parse the body (`model.rs`), call the
//! [`Store`](crate::store::Store), write the body (`render.rs`). Business rules that depend on
//! the operation (a disabled version cannot be read) live here; state rules live in the store.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::response::Response;

use crate::error::ApiError;
use crate::extract::{json, read_body, ObjectPath, VaultBase};
use crate::http::AppState;
use crate::model;
use crate::objects::{live_error, Served};
use crate::plane::Object;
use crate::render::Vault;
use crate::store::{DeletedRecord, Record, SecretVersion};

impl Served for SecretVersion {
    const BACKUP_PREFIX: &'static [u8] = b")AzureKeyVaultSecretBackupV1.keyvault-emulator";

    fn bundle(vault: &Vault, record: &Record<Self>, full: bool) -> String {
        vault.secret_bundle(record, full)
    }

    fn deleted_bundle(vault: &Vault, deleted: &DeletedRecord<Self>) -> String {
        vault.deleted_bundle(deleted)
    }

    fn list(vault: &Vault, items: &[Record<Self>], versioned: bool, next: Option<&str>) -> String {
        vault.secret_list(items, versioned, next)
    }

    fn deleted_list(vault: &Vault, items: &[DeletedRecord<Self>], next: Option<&str>) -> String {
        vault.deleted_list(items, next)
    }

    fn check_restored(&self) -> Result<(), ApiError> {
        model::check_restored_secret(self)
    }

    fn check_restored_meta(_meta: &()) -> Result<(), ApiError> {
        Ok(())
    }
}

/// `PUT /secrets/{name}`: a new version, which becomes the latest. A soft-deleted name is a
/// 409 until it is recovered or purged.
pub async fn set_secret(
    State(state): State<AppState>,
    base: VaultBase,
    path: ObjectPath,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let new = model::parse_set(&read_body(body)?)?;
    let record = state
        .store
        .set_secret(&path.name, new)
        .map_err(live_error::<SecretVersion>(&path))?;
    Ok(json(base.vault(&state).secret_bundle(&record, true)))
}

/// `GET /secrets/{name}`, `/secrets/{name}/` and `/secrets/{name}/{version}`.
pub async fn get_secret(
    State(state): State<AppState>,
    base: VaultBase,
    path: ObjectPath,
) -> Result<Response, ApiError> {
    let record = state
        .store
        .get::<SecretVersion>(&path.name, path.version.as_deref())
        .map_err(live_error::<SecretVersion>(&path))?;
    if !record.version.enabled {
        return Err(ApiError::disabled(Object::Secret, "get"));
    }
    Ok(json(base.vault(&state).secret_bundle(&record, true)))
}

/// `PATCH /secrets/{name}[/][{version}]`: changes the given properties; never returns the value.
/// Allowed on a disabled version (that is how one is re-enabled).
pub async fn update_secret(
    State(state): State<AppState>,
    base: VaultBase,
    path: ObjectPath,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let patch = model::parse_update(&read_body(body)?)?;
    let record = state
        .store
        .update_secret(&path.name, path.version.as_deref(), patch)
        .map_err(live_error::<SecretVersion>(&path))?;
    Ok(json(base.vault(&state).secret_bundle(&record, false)))
}

//! Handlers both planes share: delete, list, versions, backup / restore, and the soft-deleted
//! collection (get, list, recover, purge). Each is generic over the plane's version type; what
//! differs between secrets and keys (bodies, wording) comes from [`Served`].
//!
//! A deleted object only shows up under `/deleted...` once its deletion is visible
//! (`--delete-visibility-delay-ms` after the DELETE); before that, and for names that were
//! never deleted, the answer is the recorded 404 "Deleted Secret not found: <name>" (or Key).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::backup;
use crate::error::ApiError;
use crate::extract::{json, read_body_limited, ObjectPath, VaultBase};
use crate::http::{AppState, MAX_BACKUP_BODY_BYTES};
use crate::model::parse_json;
use crate::paging::{self, Kind};
use crate::plane::Object;
use crate::render::Vault;
use crate::store::{DeletedRecord, Record, Store, StoreError, Stored};

/// A plane as the HTTP surface serves it: its kind and its response bodies.
pub trait Served: Stored + Serialize + DeserializeOwned {
    /// The text prefix of this plane's backup blobs.
    const BACKUP_PREFIX: &'static [u8];
    /// The bundle of one version; `full` is false where the service leaves out a secret's
    /// value (PATCH, recover, restore).
    fn bundle(vault: &Vault, record: &Record<Self>, full: bool) -> String;
    /// The deleted bundle (DELETE, GET of a deleted object).
    fn deleted_bundle(vault: &Vault, deleted: &DeletedRecord<Self>) -> String;
    /// A page of list items: base ids, or versioned ids for a versions list.
    fn list(vault: &Vault, items: &[Record<Self>], versioned: bool, next: Option<&str>) -> String;
    /// A page of deleted items.
    fn deleted_list(vault: &Vault, items: &[DeletedRecord<Self>], next: Option<&str>) -> String;
    /// Checks a version a restore would store against the limits its create/set path enforces.
    fn check_restored(&self) -> Result<(), ApiError>;
    /// Checks the object's own data a restore would store.
    fn check_restored_meta(meta: &Self::Meta) -> Result<(), ApiError>;
}

/// The HTTP error for a store failure on object `name`; `not_found` words the 404.
pub fn store_error(
    kind: Object,
    e: StoreError,
    name: &str,
    not_found: impl FnOnce() -> ApiError,
) -> ApiError {
    match e {
        StoreError::NotFound => not_found(),
        StoreError::DeletedButRecoverable => ApiError::deleted_but_recoverable(kind, name),
        StoreError::BeingDeleted => ApiError::being_deleted(kind, name),
        StoreError::BeingRecovered => ApiError::being_recovered(kind, name),
        StoreError::AlreadyExists => ApiError::already_exists(kind, name),
        StoreError::Storage(detail) => ApiError::storage(&detail),
        StoreError::ClockOutOfRange { target, range } => {
            ApiError::clock_out_of_range(target, range)
        }
    }
}

/// The error of a store call on the live object at `path`.
pub fn live_error<V: Served>(path: &ObjectPath) -> impl FnOnce(StoreError) -> ApiError + '_ {
    move |e| store_error(V::OBJECT, e, &path.name, || path.not_found(V::OBJECT))
}

fn deleted_error<V: Served>(path: &ObjectPath) -> impl FnOnce(StoreError) -> ApiError + '_ {
    move |e| {
        store_error(V::OBJECT, e, &path.name, || {
            ApiError::deleted_not_found(V::OBJECT, &path.name)
        })
    }
}

/// `DELETE /{plane}/{name}`: soft delete; answers the deleted bundle of the latest version.
pub async fn delete<V: Served>(
    State(state): State<AppState>,
    base: VaultBase,
    path: ObjectPath,
) -> Result<Response, ApiError> {
    let deleted = state
        .store
        .delete::<V>(&path.name)
        .map_err(live_error::<V>(&path))?;
    Ok(json(V::deleted_bundle(&base.vault(&state), &deleted)))
}

/// `GET /{plane}`: the latest version of each live object, by name; ids without version.
pub async fn list<V: Served>(
    State(state): State<AppState>,
    base: VaultBase,
    uri: Uri,
) -> Result<Response, ApiError> {
    listing(
        &state,
        &base,
        &uri,
        Kind::of(V::OBJECT, false),
        |store, from, max| {
            let page = store.list::<V>(from, max);
            (page.next, move |vault: &Vault, next| {
                V::list(vault, &page.items, false, next)
            })
        },
    )
}

/// A listing by name (`/{plane}` or `/deleted{plane}`, as `kind` says): parses the paging
/// query, takes the page from the store and renders it with its `nextLink`.
fn listing<R: FnOnce(&Vault, Option<&str>) -> String>(
    state: &AppState,
    base: &VaultBase,
    uri: &Uri,
    kind: Kind,
    page: impl FnOnce(&Store, Option<&str>, usize) -> (Option<String>, R),
) -> Result<Response, ApiError> {
    let query = paging::parse(uri.query(), kind)?;
    let (next, render) = page(&state.store, query.from.as_deref(), query.max);
    // The route itself (`/secrets`, `/deletedkeys`, ...): exact paths only reach a listing.
    let next = next.map(|next| paging::next_link(&base.url, uri.path(), &query, kind, &next));
    Ok(json(render(&base.vault(state), next.as_deref())))
}

/// `GET /{plane}/{name}/versions`: every version by version id. A name that is not live has
/// no versions (200, empty list).
pub async fn list_versions<V: Served>(
    State(state): State<AppState>,
    base: VaultBase,
    path: ObjectPath,
    uri: Uri,
) -> Result<Response, ApiError> {
    let kind = Kind::of(V::OBJECT, false);
    let query = paging::parse(uri.query(), kind)?;
    let from = query.from.as_deref().map(paging::last_segment);
    let page = state.store.list_versions::<V>(&path.name, from, query.max);
    let next = page.next.map(|next| {
        let marker = format!("{}/{next}", path.name.to_ascii_uppercase());
        let route = format!("/{}/{}/versions", V::OBJECT.collection(), path.name);
        paging::next_link(&base.url, &route, &query, kind, &marker)
    });
    Ok(json(V::list(
        &base.vault(&state),
        &page.items,
        true,
        next.as_deref(),
    )))
}

/// `POST /{plane}/{name}/backup`: `{"value":"<blob>"}` with every version of a live object.
pub async fn backup<V: Served>(
    State(state): State<AppState>,
    path: ObjectPath,
) -> Result<Response, ApiError> {
    let backup = state
        .store
        .backup::<V>(&path.name)
        .map_err(live_error::<V>(&path))?;
    let body = serde_json::json!({ "value": backup::encode(state.store.backup_key(), &backup) });
    Ok(json(body.to_string()))
}

/// `{"value": "<blob>"}`: the body of a restore.
#[derive(Deserialize)]
struct RestoreParameters {
    value: Option<String>,
}

/// `POST /{plane}/restore`: recreates a backed-up object under its own name; answers its
/// latest version (for secrets without the value, as the service does).
pub async fn restore<V: Served>(
    State(state): State<AppState>,
    base: VaultBase,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let params: RestoreParameters = parse_json(&read_body_limited(body, MAX_BACKUP_BODY_BYTES)?)?;
    let blob = params
        .value
        .ok_or_else(|| ApiError::bad_parameter("The parameter 'value' is required."))?;
    let backup = backup::decode::<V>(state.store.backup_key(), &blob)?;
    let name = backup.name.clone();
    let record = state.store.restore(backup).map_err(|e| {
        store_error(V::OBJECT, e, &name, || {
            ApiError::not_found(V::OBJECT, &name)
        })
    })?;
    Ok(json(V::bundle(&base.vault(&state), &record, false)))
}

/// `GET /deleted{plane}/{name}`: the deleted bundle of the latest version.
pub async fn get_deleted<V: Served>(
    State(state): State<AppState>,
    base: VaultBase,
    path: ObjectPath,
) -> Result<Response, ApiError> {
    let deleted = state
        .store
        .get_deleted::<V>(&path.name)
        .map_err(deleted_error::<V>(&path))?;
    Ok(json(V::deleted_bundle(&base.vault(&state), &deleted)))
}

/// `GET /deleted{plane}`: visible deleted objects by name; ids without version.
pub async fn list_deleted<V: Served>(
    State(state): State<AppState>,
    base: VaultBase,
    uri: Uri,
) -> Result<Response, ApiError> {
    listing(
        &state,
        &base,
        &uri,
        Kind::of(V::OBJECT, true),
        |store, from, max| {
            let page = store.list_deleted::<V>(from, max);
            (page.next, move |vault: &Vault, next| {
                V::deleted_list(vault, &page.items, next)
            })
        },
    )
}

/// `POST /deleted{plane}/{name}/recover`: the latest version's bundle (for secrets without
/// the value, as recorded). The object is live again after `--recover-visibility-delay-ms`.
pub async fn recover<V: Served>(
    State(state): State<AppState>,
    base: VaultBase,
    path: ObjectPath,
) -> Result<Response, ApiError> {
    let record = state
        .store
        .recover::<V>(&path.name)
        .map_err(deleted_error::<V>(&path))?;
    Ok(json(V::bundle(&base.vault(&state), &record, false)))
}

/// `DELETE /deleted{plane}/{name}`: purge → 204. A purge before the deletion is visible is the
/// reported 409 "Secret is currently being deleted.".
pub async fn purge<V: Served>(
    State(state): State<AppState>,
    path: ObjectPath,
) -> Result<Response, ApiError> {
    match state.store.purge::<V>(&path.name) {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(StoreError::BeingDeleted) => Err(ApiError::purge_while_deleting(V::OBJECT)),
        Err(e) => Err(deleted_error::<V>(&path)(e)),
    }
}

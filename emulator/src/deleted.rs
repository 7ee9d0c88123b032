//! Handlers for soft-deleted secrets: `/deletedsecrets`, `/deletedsecrets/{name}` (get,
//! purge) and `/deletedsecrets/{name}/recover`.
//!
//! A deleted secret only shows up here once its deletion is visible (`--delete-visibility-delay-ms`
//! after the DELETE); before that, and for names that were never deleted, the answer is the
//! recorded 404 `SecretNotFound` "Deleted Secret not found: <name>".

use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::http::AppState;
use crate::paging::{self, Kind};
use crate::secrets::{json, store_error, SecretPath, VaultBase};
use crate::store::{SecretVersion, StoreError};

fn not_found(path: &SecretPath) -> impl FnOnce() -> ApiError + '_ {
    || ApiError::deleted_secret_not_found(&path.name)
}

/// `GET /deletedsecrets/{name}`: the `DeletedSecretBundle` of the latest version.
pub async fn get_deleted(
    State(state): State<AppState>,
    base: VaultBase,
    path: SecretPath,
) -> Result<Response, ApiError> {
    let deleted = state
        .store
        .get_deleted::<SecretVersion>(&path.name)
        .map_err(|e| store_error(e, &path.name, not_found(&path)))?;
    Ok(json(base.vault(&state).deleted_bundle(&deleted)))
}

/// `GET /deletedsecrets`: visible deleted secrets by name; ids without version.
pub async fn list_deleted(
    State(state): State<AppState>,
    base: VaultBase,
    uri: Uri,
) -> Result<Response, ApiError> {
    let query = paging::parse(uri.query(), Kind::DeletedSecret)?;
    let page = state
        .store
        .list_deleted::<SecretVersion>(query.from.as_deref(), query.max);
    let next = page.next.map(|next| {
        paging::next_link(
            &base.0,
            "/deletedsecrets",
            &query,
            Kind::DeletedSecret,
            &next,
        )
    });
    Ok(json(
        base.vault(&state)
            .deleted_list(&page.items, next.as_deref()),
    ))
}

/// `POST /deletedsecrets/{name}/recover`: the latest version's `SecretBundle`, without the
/// value (as recorded). The secret is live again after `--recover-visibility-delay-ms`.
pub async fn recover(
    State(state): State<AppState>,
    base: VaultBase,
    path: SecretPath,
) -> Result<Response, ApiError> {
    let record = state
        .store
        .recover::<SecretVersion>(&path.name)
        .map_err(|e| store_error(e, &path.name, not_found(&path)))?;
    Ok(json(base.vault(&state).secret_bundle(&record, false)))
}

/// `DELETE /deletedsecrets/{name}`: purge → 204. A purge before the deletion is visible is the
/// reported 409 "Secret is currently being deleted.".
pub async fn purge(State(state): State<AppState>, path: SecretPath) -> Result<Response, ApiError> {
    match state.store.purge::<SecretVersion>(&path.name) {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(StoreError::BeingDeleted) => Err(ApiError::purge_while_deleting()),
        Err(e) => Err(store_error(e, &path.name, not_found(&path))),
    }
}

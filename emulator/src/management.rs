//! The emulator's own test controls under `/_emulator/` (no token, no `api-version`, never
//! faulted, not counted in the stats):
//!
//! | method | path | body → answer |
//! |---|---|---|
//! | `GET` | `/_emulator/config` | → every setting, the clock and the fault settings |
//! | `GET`, `PUT` | `/_emulator/faults` | `{faultRate?, faultStatuses?, retryAfter?, dropRate?, seed?}` → the new fault settings |
//! | `GET`, `POST` | `/_emulator/clock` | `{advanceSeconds}` → `{now, offsetSeconds}`; a move that would leave [`Store::clock_range`](crate::store::Store::clock_range) → 400 |
//! | `GET`, `DELETE` | `/_emulator/stats` | → the counters (`DELETE` zeroes them) |
//! | `POST` | `/_emulator/reset` | → empties the vault, zeroes the counters, clears the event log (faults and clock stay) |
//! | `GET` | `/_emulator/events` | → the last events raised (as sent) and each webhook's delivery counters |
//!
//! Moving the clock applies what it makes due (rotations, expiry events) before answering.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;
use serde_json::json;

use crate::error::ApiError;
use crate::extract::{json, read_body};
use crate::faults::FaultPatch;
use crate::http::AppState;
use crate::model::parse_json;
use crate::render::recovery_level;
use crate::store::StoreError;

/// The `/_emulator/` routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/_emulator/config", get(config))
        .route("/_emulator/faults", get(faults).put(set_faults))
        .route("/_emulator/clock", get(clock).post(advance_clock))
        .route("/_emulator/stats", get(stats).delete(reset_stats))
        .route("/_emulator/reset", post(reset))
        .route("/_emulator/events", get(events))
}

fn storage(e: StoreError) -> ApiError {
    match e {
        StoreError::Storage(detail) => ApiError::storage(&detail),
        StoreError::ClockOutOfRange { target, range } => {
            ApiError::clock_out_of_range(target, range)
        }
        other => ApiError::storage(&format!("{other:?}")),
    }
}

fn clock_json(state: &AppState) -> serde_json::Value {
    let clock = state.store.clock();
    json!({ "now": clock.now(), "offsetSeconds": clock.offset() })
}

async fn config(State(state): State<AppState>) -> Response {
    let store = state.store.config();
    let millis = |d: std::time::Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    let body = json!({
        "version": env!("CARGO_PKG_VERSION"),
        "dataFile": state.settings.data_file,
        "persistent": state.store.is_persistent(),
        "seed": store.seed,
        "recoverableDays": store.recoverable_days,
        "recoveryLevel": recovery_level(store.recoverable_days),
        "deleteVisibilityDelayMs": millis(store.delete_visibility_delay),
        "recoverVisibilityDelayMs": millis(store.recover_visibility_delay),
        "purgeDelayMs": millis(store.purge_delay),
        "requireToken": state.settings.require_token.is_some(),
        "faults": state.faults.config(),
        "clock": clock_json(&state),
        "connections": state.connections.snapshot(),
        "apiVersions": crate::http::STABLE_API_VERSIONS,
    });
    json(body.to_string())
}

async fn faults(State(state): State<AppState>) -> Response {
    json(json!(state.faults.config()).to_string())
}

async fn set_faults(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let patch: FaultPatch = parse_json(&read_body(body)?)?;
    let config = state
        .faults
        .update(patch)
        .map_err(ApiError::bad_parameter)?;
    Ok(json(json!(config).to_string()))
}

async fn clock(State(state): State<AppState>) -> Response {
    json(clock_json(&state).to_string())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClockChange {
    advance_seconds: i64,
}

async fn advance_clock(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let change: ClockChange = parse_json(&read_body(body)?)?;
    state
        .store
        .advance_clock(change.advance_seconds)
        .map_err(storage)?;
    state.lifecycle.tick(&state).await;
    Ok(json(clock_json(&state).to_string()))
}

async fn events(State(state): State<AppState>) -> Response {
    json(state.lifecycle.events().snapshot().to_string())
}

async fn stats(State(state): State<AppState>) -> Response {
    json(state.stats.snapshot().to_string())
}

async fn reset_stats(State(state): State<AppState>) -> Response {
    state.stats.reset();
    StatusCode::NO_CONTENT.into_response()
}

async fn reset(State(state): State<AppState>) -> Result<Response, ApiError> {
    state.store.reset().map_err(storage)?;
    state.stats.reset();
    state.lifecycle.events().clear();
    Ok(StatusCode::NO_CONTENT.into_response())
}

//! The cryptographic operations of the keys plane (`sign`, `verify`, `encrypt`, `decrypt`,
//! `wrapkey`, `unwrapkey`), `release`, and `POST /rng`.
//!
//! An operation is refused, in this order, when the key (version) does not exist (404), when
//! `key_ops` does not allow it (403 `KeyOperationForbidden`, the reported body), when the
//! version is disabled (403 `KeyDisabled`), or, for sign, encrypt and wrapkey, outside its
//! `nbf`..`exp` window (403, our wording; decrypt, unwrap and verify work outside it, as the
//! docs say); then the request itself is checked (algorithm, lengths; 400).
//!
//! Paths name a version; an empty one (`/keys/{name}//sign`, which clients send for a key id
//! without version) means the latest, and so does `/keys/{name}/release`.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::json as body;

use crate::crypto::{self, b64url_encode, EncryptionAlgorithm, SignatureAlgorithm};
use crate::error::ApiError;
use crate::extract::{json, read_body, ObjectPath, VaultBase};
use crate::http::AppState;
use crate::objects::live_error;
use crate::plane::Object;
use crate::store::{KeyVersion, Record};

use super::model;

/// An operation on a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Sign,
    Verify,
    Encrypt,
    Decrypt,
    WrapKey,
    UnwrapKey,
}

impl Op {
    /// Whether the version must be inside its `nbf`..`exp` window: decrypt, unwrap and verify
    /// work outside it, to test a key before it is valid and to recover data after it expired
    /// (Microsoft Learn, "About keys": date-time controlled operations).
    fn needs_validity(self) -> bool {
        matches!(self, Op::Sign | Op::Encrypt | Op::WrapKey)
    }

    /// The `key_ops` entry that allows it, also its name in messages.
    fn name(self) -> &'static str {
        match self {
            Op::Sign => "sign",
            Op::Verify => "verify",
            Op::Encrypt => "encrypt",
            Op::Decrypt => "decrypt",
            Op::WrapKey => "wrapKey",
            Op::UnwrapKey => "unwrapKey",
        }
    }
}

/// The routes of the operations, `release` and `/rng`.
pub fn routes() -> Router<AppState> {
    let mut router = Router::new().route("/rng", post(random_bytes));
    for (segment, op) in [
        ("sign", Op::Sign),
        ("verify", Op::Verify),
        ("encrypt", Op::Encrypt),
        ("decrypt", Op::Decrypt),
        ("wrapkey", Op::WrapKey),
        ("unwrapkey", Op::UnwrapKey),
    ] {
        let handler = post(
            move |state: State<AppState>, base: VaultBase, path: ObjectPath, body| {
                operate(state, base, path, body, op)
            },
        );
        router = router
            .route(
                &format!("/keys/{{name}}/{{version}}/{segment}"),
                handler.clone(),
            )
            .route(&format!("/keys/{{name}}//{segment}"), handler);
    }
    router
        .route("/keys/{name}/{version}/release", post(release))
        .route("/keys/{name}//release", post(release))
        .route("/keys/{name}/release", post(release))
}

/// The version an operation runs on, once it is allowed to run now.
fn usable(state: &AppState, path: &ObjectPath, op: Op) -> Result<Record<KeyVersion>, ApiError> {
    let record = state
        .store
        .get::<KeyVersion>(&path.name, path.version.as_deref())
        .map_err(live_error::<KeyVersion>(path))?;
    let v = &record.version;
    if !v.key_ops.iter().any(|allowed| allowed == op.name()) {
        return Err(ApiError::operation_not_permitted(op.name()));
    }
    if !v.enabled {
        return Err(ApiError::disabled(Object::Key, op.name()));
    }
    if op.needs_validity() && !v.usable_at(state.store.clock().now()) {
        return Err(ApiError {
            inner_code: Some("KeyNotValid"),
            ..ApiError::new(
                StatusCode::FORBIDDEN,
                "Forbidden",
                format!(
                    "Operation {} is not allowed on a key that is not yet valid or has expired.",
                    op.name()
                ),
            )
        });
    }
    Ok(record)
}

async fn operate(
    State(state): State<AppState>,
    base: VaultBase,
    path: ObjectPath,
    body: Result<Bytes, BytesRejection>,
    op: Op,
) -> Result<Response, ApiError> {
    let body = read_body(body)?;
    let record = usable(&state, &path, op)?;
    let params = model::parse_operation(&body, op == Op::Verify)?;
    let vault = base.vault(&state);
    let kid = vault.key_id(&record.name, Some(&record.version.version));
    let pair = &record.version.pair;
    let with_kid = |e: crypto::CryptoError| ApiError::from(e.with_key_id(&kid));
    let value = match op {
        Op::Sign => {
            let alg = SignatureAlgorithm::parse(&params.alg)?;
            pair.sign(alg, &params.value).map_err(with_kid)?
        }
        Op::Verify => {
            let alg = SignatureAlgorithm::parse(&params.alg)?;
            let digest = params.digest.unwrap_or_default();
            let valid = pair.verify(alg, &digest, &params.value).map_err(with_kid)?;
            return Ok(json(body!({ "value": valid }).to_string()));
        }
        Op::Encrypt | Op::WrapKey => {
            let alg = EncryptionAlgorithm::parse(&params.alg)?;
            pair.encrypt(alg, &params.value).map_err(with_kid)?
        }
        Op::Decrypt | Op::UnwrapKey => {
            let alg = EncryptionAlgorithm::parse(&params.alg)?;
            pair.decrypt(alg, &params.value).map_err(with_kid)?
        }
    };
    Ok(json(
        body!({ "kid": kid, "value": b64url_encode(&value) }).to_string(),
    ))
}

/// `POST /keys/{name}/{version}/release`: the service releases an exportable key only to an
/// environment whose attestation token it can verify; the emulator has no attestation
/// service, so it answers as the service does for a token it cannot verify.
async fn release(
    State(state): State<AppState>,
    path: ObjectPath,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    #[derive(serde::Deserialize)]
    struct ReleaseIn {
        target: Option<String>,
    }
    let body = read_body(body)?;
    let record = state
        .store
        .get::<KeyVersion>(&path.name, path.version.as_deref())
        .map_err(live_error::<KeyVersion>(&path))?;
    let params: ReleaseIn = crate::model::parse_json(&body)?;
    if params.target.is_none_or(|t| t.is_empty()) {
        return Err(ApiError::bad_parameter(
            "The parameter 'target' is required.",
        ));
    }
    if !record.version.exportable {
        return Err(ApiError::bad_parameter(
            "AKV.SKR.1001: The key is not exportable, so it cannot be released.",
        ));
    }
    Err(ApiError::bad_parameter(
        "Target environment attestation statement cannot be verified.",
    ))
}

/// `POST /rng`: `count` (1..=128) random bytes.
async fn random_bytes(body: Result<Bytes, BytesRejection>) -> Result<Response, ApiError> {
    let count = model::parse_rng(&read_body(body)?)?;
    Ok(json(
        body!({ "value": b64url_encode(&crypto::random_bytes(count)) }).to_string(),
    ))
}

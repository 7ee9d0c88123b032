//! The keys plane: routes, and the handlers that are its own (create, import, get, update,
//! rotate, rotation policy; the cryptographic operations are in `ops.rs`). Delete, lists,
//! backup / restore and the deleted-keys collection are the shared handlers of `objects.rs`.
//!
//! Key generation runs on the blocking pool (an RSA-4096 key takes a while), so it never
//! stalls other requests.

mod model;
mod ops;
mod render;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;

use crate::crypto::{KeyPair, KeyType};
use crate::duration;
use crate::error::ApiError;
use crate::extract::{json, read_body, ObjectPath, VaultBase};
use crate::http::{AppState, MAX_BACKUP_BODY_BYTES};
use crate::objects::{self, live_error, Served};
use crate::render::Vault;
use crate::store::{DeletedRecord, KeyMeta, KeyVersion, Record, RotationPolicy, StoreError};

use model::{KeyProperties, KeySpec};

impl Served for KeyVersion {
    const BACKUP_PREFIX: &'static [u8] = b"&AzureKeyVaultKeyBackupV1.keyvault-emulator";

    fn bundle(vault: &Vault, record: &Record<Self>, _full: bool) -> String {
        vault.key_bundle(record)
    }

    fn deleted_bundle(vault: &Vault, deleted: &DeletedRecord<Self>) -> String {
        vault.deleted_key_bundle(deleted)
    }

    fn list(vault: &Vault, items: &[Record<Self>], versioned: bool, next: Option<&str>) -> String {
        vault.key_list(items, versioned, next)
    }

    fn deleted_list(vault: &Vault, items: &[DeletedRecord<Self>], next: Option<&str>) -> String {
        vault.deleted_key_list(items, next)
    }

    fn check_restored(&self) -> Result<(), ApiError> {
        model::check_restored_key(self)
    }

    fn check_restored_meta(meta: &KeyMeta) -> Result<(), ApiError> {
        model::check_restored_meta(meta)
    }
}

type K = KeyVersion;

/// The keys plane's routes.
pub fn routes() -> Router<AppState> {
    let restore = post(objects::restore::<K>).layer(DefaultBodyLimit::max(MAX_BACKUP_BODY_BYTES));
    Router::new()
        .route("/keys", get(objects::list::<K>))
        .route(
            "/keys/{name}",
            put(import_key)
                .get(get_key)
                .patch(update_key)
                .delete(objects::delete::<K>),
        )
        .route("/keys/{name}/", get(get_key).patch(update_key))
        .route("/keys/{name}/{version}", get(get_key).patch(update_key))
        // An emulated vault has no HSM to attest its keys: the answer is the key, without
        // `attributes.attestation`.
        .route("/keys/{name}/attestation", get(get_key))
        .route("/keys/{name}/{version}/attestation", get(get_key))
        .route("/keys/{name}/create", post(create_key))
        .route("/keys/{name}/rotate", post(rotate_key))
        .route(
            "/keys/{name}/rotationpolicy",
            get(get_rotation_policy).put(put_rotation_policy),
        )
        .route("/keys/{name}/versions", get(objects::list_versions::<K>))
        .route("/keys/{name}/backup", post(objects::backup::<K>))
        // A key may be called "restore": the other methods address it.
        .route(
            "/keys/restore",
            restore
                .put(import_key)
                .get(get_key)
                .patch(update_key)
                .delete(objects::delete::<K>),
        )
        .merge(ops::routes())
        .route("/deletedkeys", get(objects::list_deleted::<K>))
        .route(
            "/deletedkeys/{name}",
            get(objects::get_deleted::<K>).delete(objects::purge::<K>),
        )
        .route("/deletedkeys/{name}/recover", post(objects::recover::<K>))
}

/// A new key pair as `spec` asks, made on the blocking pool.
async fn generate(spec: KeySpec) -> Result<KeyPair, ApiError> {
    let pair = tokio::task::spawn_blocking(move || match spec {
        KeySpec::Rsa { bits, .. } => KeyPair::generate_rsa(bits, None),
        KeySpec::Ec { curve, .. } => KeyPair::generate_ec(curve),
    })
    .await
    .map_err(|_| ApiError::storage("key generation failed"))?;
    Ok(pair?)
}

/// The `expiryTime` of key `name`'s rotation policy, if it is live and has one.
fn policy_expiry(state: &AppState, name: &str) -> Option<duration::Duration> {
    let meta = state.store.meta::<K>(name).ok()?;
    duration::parse(meta.rotation_policy?.expiry_time.as_deref()?)
}

/// Adds a version holding `pair` to key `name`. Without an `exp` of its own, a new version of a
/// key with a rotation policy expires `expiryTime` after it is made, as the service does.
fn add_key(
    state: &AppState,
    path: &ObjectPath,
    kty: KeyType,
    pair: KeyPair,
    properties: KeyProperties,
) -> Result<Record<K>, ApiError> {
    let key_ops = properties.key_ops.unwrap_or_else(|| {
        kty.default_key_ops()
            .iter()
            .map(|op| (*op).to_owned())
            .collect()
    });
    let expiry = properties
        .expires
        .is_none()
        .then(|| policy_expiry(state, &path.name))
        .flatten();
    state
        .store
        .add_version(&path.name, |version, now| KeyVersion {
            version,
            kty,
            pair,
            key_ops,
            tags: properties.tags,
            enabled: properties.enabled.unwrap_or(true),
            not_before: properties.not_before,
            expires: properties
                .expires
                .or_else(|| expiry.and_then(|d| d.apply(now, 1))),
            created: now,
            updated: now,
            exportable: properties.exportable.unwrap_or(false),
            release_policy: properties.release_policy,
            rsa_crv: properties.rsa_crv,
        })
        .map_err(live_error::<K>(path))
}

/// `POST /keys/{name}/create`: a new key (or a new version of one) made here.
async fn create_key(
    State(state): State<AppState>,
    base: VaultBase,
    path: ObjectPath,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let (spec, properties) = model::parse_create(&read_body(body)?)?;
    let pair = generate(spec).await?;
    let record = add_key(&state, &path, spec.kty(), pair, properties)?;
    Ok(json(base.vault(&state).key_bundle(&record)))
}

/// `PUT /keys/{name}`: imports a JWK with its private parts as a new version.
async fn import_key(
    State(state): State<AppState>,
    base: VaultBase,
    path: ObjectPath,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let (jwk, hsm, properties) = model::parse_import(&read_body(body)?)?;
    let kty = KeyType::parse(jwk.kty.as_deref().unwrap_or_default())?;
    let pair = KeyPair::from_jwk(&jwk)?;
    let record = add_key(
        &state,
        &path,
        kty.with_hsm(hsm || kty.is_hsm()),
        pair,
        properties,
    )?;
    Ok(json(base.vault(&state).key_bundle(&record)))
}

/// `GET /keys/{name}[/][{version}]`: public parts only. A disabled key is still readable.
async fn get_key(
    State(state): State<AppState>,
    base: VaultBase,
    path: ObjectPath,
) -> Result<Response, ApiError> {
    let record = state
        .store
        .get::<K>(&path.name, path.version.as_deref())
        .map_err(live_error::<K>(&path))?;
    Ok(json(base.vault(&state).key_bundle(&record)))
}

/// `PATCH /keys/{name}[/][{version}]`: key_ops, attributes, tags, release policy.
async fn update_key(
    State(state): State<AppState>,
    base: VaultBase,
    path: ObjectPath,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let patch = model::parse_update(&read_body(body)?)?;
    if patch.release_policy.is_some() {
        let current = state
            .store
            .get::<K>(&path.name, path.version.as_deref())
            .map_err(live_error::<K>(&path))?;
        if current.version.release_policy.is_some_and(|p| p.immutable) {
            return Err(ApiError::bad_parameter(
                "AKV.SKR.1020: Immutable Key Release Policy cannot be modified.",
            ));
        }
    }
    let record = state
        .store
        .update::<K>(&path.name, path.version.as_deref(), |v| {
            if let Some(ops) = patch.key_ops {
                v.key_ops = ops;
            }
            if let Some(tags) = patch.tags {
                v.tags = Some(tags);
            }
            if let Some(enabled) = patch.enabled {
                v.enabled = enabled;
            }
            if let Some(nbf) = patch.not_before {
                v.not_before = Some(nbf);
            }
            if let Some(exp) = patch.expires {
                v.expires = Some(exp);
            }
            if let Some(policy) = patch.release_policy {
                v.release_policy = Some(policy);
            }
        })
        .map_err(live_error::<K>(&path))?;
    Ok(json(base.vault(&state).key_bundle(&record)))
}

/// Makes a new version of key `name` like its latest one (type, size, curve, key_ops, tags),
/// with `exp` from the rotation policy's `expiryTime`. Used by `rotate` and by the policy clock.
pub async fn rotate(state: &AppState, name: &str) -> Result<Record<K>, StoreError> {
    let old = state.store.get::<K>(name, None)?.version;
    let spec = match (old.pair.rsa_bits(), old.pair.curve()) {
        (Some(bits), _) => KeySpec::Rsa {
            bits,
            hsm: old.kty.is_hsm(),
        },
        (None, Some(curve)) => KeySpec::Ec {
            curve,
            hsm: old.kty.is_hsm(),
        },
        (None, None) => return Err(StoreError::NotFound),
    };
    let pair = generate(spec)
        .await
        .map_err(|e| StoreError::Storage(e.message))?;
    let expiry = policy_expiry(state, name);
    state.store.add_version(name, |version, now| KeyVersion {
        version,
        kty: old.kty,
        pair,
        key_ops: old.key_ops,
        tags: old.tags,
        enabled: true,
        not_before: None,
        expires: expiry.and_then(|d| d.apply(now, 1)),
        created: now,
        updated: now,
        exportable: old.exportable,
        release_policy: old.release_policy,
        rsa_crv: None,
    })
}

/// `POST /keys/{name}/rotate`: a new version now.
async fn rotate_key(
    State(state): State<AppState>,
    base: VaultBase,
    path: ObjectPath,
) -> Result<Response, ApiError> {
    let record = rotate(&state, &path.name)
        .await
        .map_err(live_error::<K>(&path))?;
    Ok(json(base.vault(&state).key_bundle(&record)))
}

/// `GET /keys/{name}/rotationpolicy`.
async fn get_rotation_policy(
    State(state): State<AppState>,
    base: VaultBase,
    path: ObjectPath,
) -> Result<Response, ApiError> {
    let meta = state
        .store
        .meta::<K>(&path.name)
        .map_err(live_error::<K>(&path))?;
    let vault = base.vault(&state);
    Ok(json(vault.rotation_policy(
        &path.name,
        meta.rotation_policy.as_ref(),
    )))
}

/// `PUT /keys/{name}/rotationpolicy`: replaces the policy; the clock applies it from now on.
async fn put_rotation_policy(
    State(state): State<AppState>,
    base: VaultBase,
    path: ObjectPath,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let (lifetime_actions, expiry_time) = model::parse_policy(&read_body(body)?)?;
    let now = state.store.clock().now();
    let previous = state
        .store
        .meta::<K>(&path.name)
        .map_err(live_error::<K>(&path))?;
    let created = previous.rotation_policy.map_or(now, |p| p.created);
    let policy = RotationPolicy {
        lifetime_actions,
        expiry_time,
        created,
        updated: now,
    };
    let meta = state
        .store
        .set_meta::<K>(
            &path.name,
            KeyMeta {
                rotation_policy: Some(policy),
            },
        )
        .map_err(live_error::<K>(&path))?;
    let vault = base.vault(&state);
    Ok(json(vault.rotation_policy(
        &path.name,
        meta.rotation_policy.as_ref(),
    )))
}

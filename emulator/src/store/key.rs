//! The keys plane's version type: a key pair with its `kty`, `key_ops` and attributes, and the
//! key's own data, its rotation policy. Key versions are persisted (and backed up) as one JSON
//! document holding the private JWK; the pair is parsed once, when loaded.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::sqlite::{json, DbError, Table};
use super::{Plane, Planes, Stored, Tags, Version};
use crate::crypto::{JsonWebKey, KeyPair, KeyType};
use crate::plane::Object;

/// A key's release policy, kept as sent (`data` is base64url text).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleasePolicy {
    #[serde(rename = "contentType")]
    pub content_type: String,
    pub immutable: bool,
    pub data: String,
}

/// One version of a key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(into = "StoredKey", try_from = "StoredKey")]
pub struct KeyVersion {
    /// 32 lowercase hex characters.
    pub version: String,
    pub kty: KeyType,
    pub pair: KeyPair,
    pub key_ops: Vec<String>,
    pub tags: Option<Tags>,
    pub enabled: bool,
    pub not_before: Option<i64>,
    pub expires: Option<i64>,
    pub created: i64,
    pub updated: i64,
    pub exportable: bool,
    pub release_policy: Option<ReleasePolicy>,
    /// The `crv` an RSA import carried, answered back as the service does.
    pub rsa_crv: Option<String>,
}

impl KeyVersion {
    /// Whether the version can be used at `now` (enabled, and within `nbf`..`exp`).
    pub fn usable_at(&self, now: i64) -> bool {
        self.enabled
            && self.not_before.is_none_or(|nbf| nbf <= now)
            && self.expires.is_none_or(|exp| now < exp)
    }
}

/// One `lifetimeActions` entry of a rotation policy: an action and when it happens (ISO 8601
/// durations, after creation or before expiry).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LifetimeAction {
    /// `Rotate` or `Notify`.
    pub action: String,
    pub time_after_create: Option<String>,
    pub time_before_expiry: Option<String>,
}

/// A key's rotation policy, as last set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RotationPolicy {
    pub lifetime_actions: Vec<LifetimeAction>,
    /// ISO 8601 duration: `exp` of versions the policy rotates in.
    pub expiry_time: Option<String>,
    pub created: i64,
    pub updated: i64,
}

/// What belongs to a key rather than to one of its versions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyMeta {
    /// `None` until a policy is set.
    #[serde(default)]
    pub rotation_policy: Option<RotationPolicy>,
}

impl Version for KeyVersion {
    type Meta = KeyMeta;
    const OBJECT: Object = Object::Key;

    fn id(&self) -> &str {
        &self.version
    }

    fn set_updated(&mut self, secs: i64) {
        self.updated = secs;
    }

    fn validity(&self) -> (Option<i64>, Option<i64>) {
        (self.not_before, self.expires)
    }

    fn created(&self) -> i64 {
        self.created
    }
}

impl Stored for KeyVersion {
    fn plane(planes: &Planes) -> &Plane<Self> {
        &planes.keys
    }

    fn plane_mut(planes: &mut Planes) -> &mut Plane<Self> {
        &mut planes.keys
    }
}

/// The persisted form of a [`KeyVersion`]: the private JWK instead of the parsed pair.
#[derive(Serialize, Deserialize)]
struct StoredKey {
    version: String,
    kty: String,
    key: JsonWebKey,
    key_ops: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tags: Option<Tags>,
    enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nbf: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exp: Option<i64>,
    created: i64,
    updated: i64,
    #[serde(default)]
    exportable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    release_policy: Option<ReleasePolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rsa_crv: Option<String>,
}

impl From<KeyVersion> for StoredKey {
    fn from(v: KeyVersion) -> Self {
        StoredKey {
            version: v.version,
            kty: v.kty.as_str().to_owned(),
            key: v.pair.private_jwk(),
            key_ops: v.key_ops,
            tags: v.tags,
            enabled: v.enabled,
            nbf: v.not_before,
            exp: v.expires,
            created: v.created,
            updated: v.updated,
            exportable: v.exportable,
            release_policy: v.release_policy,
            rsa_crv: v.rsa_crv,
        }
    }
}

impl TryFrom<StoredKey> for KeyVersion {
    type Error = String;

    fn try_from(s: StoredKey) -> Result<Self, String> {
        let kty = KeyType::parse(&s.kty).map_err(|e| e.message)?;
        let pair = KeyPair::from_jwk(&s.key).map_err(|e| e.message)?;
        if pair.is_rsa() != kty.is_rsa() {
            return Err(format!("a {} key holds other material", s.kty));
        }
        Ok(KeyVersion {
            version: s.version,
            kty,
            pair,
            key_ops: s.key_ops,
            tags: s.tags,
            enabled: s.enabled,
            not_before: s.nbf,
            expires: s.exp,
            created: s.created,
            updated: s.updated,
            exportable: s.exportable,
            release_policy: s.release_policy,
            rsa_crv: s.rsa_crv,
        })
    }
}

impl Table for KeyVersion {
    const OBJECTS: &'static str = "keys";
    const VERSIONS: &'static str = "key_versions";
    const HAS_META: bool = true;

    fn load_versions(conn: &Connection) -> Result<Vec<(String, Self)>, DbError> {
        let mut stmt = conn.prepare("SELECT key, data FROM key_versions ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let key: String = r.get(0)?;
            let data: String = r.get(1)?;
            let version: KeyVersion = serde_json::from_str(&data)
                .map_err(|e| DbError(format!("bad key version of {key}: {e}")))?;
            out.push((key, version));
        }
        Ok(out)
    }

    fn insert_version(&self, conn: &Connection, key: &str, seq: i64) -> Result<(), DbError> {
        conn.prepare_cached(
            "INSERT INTO key_versions (key, version, seq, data) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![key, self.version, seq, json(self)])?;
        Ok(())
    }

    fn update_version(&self, conn: &Connection, key: &str) -> Result<usize, DbError> {
        Ok(conn
            .prepare_cached("UPDATE key_versions SET data = ?3 WHERE key = ?1 AND version = ?2")?
            .execute(params![key, self.version, json(self)])?)
    }
}

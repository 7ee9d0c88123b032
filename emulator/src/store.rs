//! The vault's state: secrets, their versions, the clock and the version-id generator.
//!
//! Everything the HTTP layer may do to state goes through [`Store`]'s methods, so a later
//! persistence layer (SQLite via `--data`), soft delete and the `/_emulator/` clock can be added
//! behind this API without touching the handlers. Names are looked up case-insensitively (Key
//! Vault identifiers are case-insensitive) but keep the casing they were first created with.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

/// Tags of a secret version, as given by the caller.
pub type Tags = BTreeMap<String, String>;

/// One immutable-value version of a secret, with its mutable properties.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretVersion {
    /// 32 lowercase hex characters.
    pub version: String,
    pub value: String,
    pub content_type: Option<String>,
    pub tags: Option<Tags>,
    pub enabled: bool,
    pub not_before: Option<i64>,
    pub expires: Option<i64>,
    pub created: i64,
    pub updated: i64,
}

/// A secret version together with the secret's stored name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRecord {
    pub name: String,
    pub version: SecretVersion,
}

/// What a `PUT /secrets/{name}` sets; properties left out take their defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewSecret {
    pub value: String,
    pub content_type: Option<String>,
    pub tags: Option<Tags>,
    pub enabled: Option<bool>,
    pub not_before: Option<i64>,
    pub expires: Option<i64>,
}

/// What a `PATCH` changes; `None` leaves a property as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretPatch {
    pub content_type: Option<String>,
    pub tags: Option<Tags>,
    pub enabled: Option<bool>,
    pub not_before: Option<i64>,
    pub expires: Option<i64>,
}

/// Why a store operation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// No secret with that name, or no such version of it.
    NotFound,
}

/// Unix-seconds clock with an adjustable offset (for a later `/_emulator/` clock control).
#[derive(Debug, Default)]
pub struct Clock {
    offset_secs: AtomicI64,
}

impl Clock {
    /// Current time in Unix seconds, offset included.
    pub fn now(&self) -> i64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        real.saturating_add(self.offset_secs.load(Ordering::Relaxed))
    }

    /// Moves the clock forward (or back, if negative) by `secs`.
    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs, Ordering::Relaxed);
    }
}

#[derive(Debug)]
struct Secret {
    /// The casing the secret was first created with.
    name: String,
    /// In creation order: the last one is the latest.
    versions: Vec<SecretVersion>,
}

#[derive(Debug)]
struct Inner {
    rng: fastrand::Rng,
    /// Keyed by lower-cased name.
    secrets: HashMap<String, Secret>,
}

/// The vault state, safe to share between request handlers.
#[derive(Debug)]
pub struct Store {
    inner: Mutex<Inner>,
    clock: Clock,
}

impl Store {
    /// An empty vault; `seed` makes the version-id sequence reproducible.
    pub fn new(seed: Option<u64>) -> Self {
        let rng = seed.map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
        Store {
            inner: Mutex::new(Inner {
                rng,
                secrets: HashMap::new(),
            }),
            clock: Clock::default(),
        }
    }

    /// The clock every timestamp comes from.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Creates a new version of `name` (creating the secret if needed); it becomes the latest.
    pub fn set_secret(&self, name: &str, new: NewSecret) -> SecretRecord {
        let now = self.clock.now();
        let mut inner = self.lock();
        let Inner { rng, secrets } = &mut *inner;
        let secret = secrets
            .entry(name.to_ascii_lowercase())
            .or_insert_with(|| Secret {
                name: name.to_owned(),
                versions: Vec::new(),
            });
        let version = loop {
            let candidate = format!("{:032x}", rng.u128(..));
            if !secret.versions.iter().any(|v| v.version == candidate) {
                break candidate;
            }
        };
        let stored = SecretVersion {
            version,
            value: new.value,
            content_type: new.content_type,
            tags: new.tags,
            enabled: new.enabled.unwrap_or(true),
            not_before: new.not_before,
            expires: new.expires,
            created: now,
            updated: now,
        };
        secret.versions.push(stored.clone());
        SecretRecord {
            name: secret.name.clone(),
            version: stored,
        }
    }

    /// One version of `name`, or the latest one when `version` is `None`.
    pub fn get_secret(
        &self,
        name: &str,
        version: Option<&str>,
    ) -> Result<SecretRecord, StoreError> {
        let mut inner = self.lock();
        let (stored_name, found) = find(&mut inner, name, version)?;
        Ok(SecretRecord {
            name: stored_name,
            version: found.clone(),
        })
    }

    /// Applies `patch` to one version (the latest when `version` is `None`); bumps `updated`.
    pub fn update_secret(
        &self,
        name: &str,
        version: Option<&str>,
        patch: SecretPatch,
    ) -> Result<SecretRecord, StoreError> {
        let now = self.clock.now();
        let mut inner = self.lock();
        let (stored_name, found) = find(&mut inner, name, version)?;
        if let Some(content_type) = patch.content_type {
            found.content_type = Some(content_type);
        }
        if let Some(tags) = patch.tags {
            found.tags = Some(tags);
        }
        if let Some(enabled) = patch.enabled {
            found.enabled = enabled;
        }
        if let Some(nbf) = patch.not_before {
            found.not_before = Some(nbf);
        }
        if let Some(exp) = patch.expires {
            found.expires = Some(exp);
        }
        found.updated = now;
        Ok(SecretRecord {
            name: stored_name,
            version: found.clone(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a half-written entry behind (every
        // mutation above is a single push or field store), so a poisoned lock is still usable.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Finds a version by name (case-insensitive) and version id (case-insensitive), or the latest.
fn find<'a>(
    inner: &'a mut Inner,
    name: &str,
    version: Option<&str>,
) -> Result<(String, &'a mut SecretVersion), StoreError> {
    let secret = inner
        .secrets
        .get_mut(&name.to_ascii_lowercase())
        .ok_or(StoreError::NotFound)?;
    let found = match version {
        None => secret.versions.last_mut(),
        Some(v) => secret
            .versions
            .iter_mut()
            .find(|s| s.version.eq_ignore_ascii_case(v)),
    };
    found
        .map(|f| (secret.name.clone(), f))
        .ok_or(StoreError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(value: &str) -> NewSecret {
        NewSecret {
            value: value.into(),
            ..NewSecret::default()
        }
    }

    #[test]
    fn versions_are_32_lowercase_hex_and_reproducible_with_a_seed() {
        let a = Store::new(Some(7))
            .set_secret("s", new("v"))
            .version
            .version;
        let b = Store::new(Some(7))
            .set_secret("s", new("v"))
            .version
            .version;
        assert_eq!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c)));
    }

    #[test]
    fn latest_is_the_last_created_and_lookups_ignore_case() {
        let store = Store::new(None);
        let first = store.set_secret("MySecret", new("1"));
        let second = store.set_secret("mysecret", new("2"));
        let latest = store.get_secret("MYSECRET", None).unwrap();
        assert_eq!(latest.version, second.version);
        assert_eq!(latest.name, "MySecret");
        let upper = first.version.version.to_ascii_uppercase();
        assert_eq!(
            store
                .get_secret("mysecret", Some(&upper))
                .unwrap()
                .version
                .value,
            "1"
        );
        assert_eq!(store.get_secret("other", None), Err(StoreError::NotFound));
    }

    #[test]
    fn patch_changes_only_given_fields() {
        let store = Store::new(None);
        let created = store.set_secret(
            "s",
            NewSecret {
                content_type: Some("text/plain".into()),
                ..new("v")
            },
        );
        store.clock().advance(5);
        let patched = store
            .update_secret(
                "s",
                None,
                SecretPatch {
                    enabled: Some(false),
                    ..SecretPatch::default()
                },
            )
            .unwrap();
        assert!(!patched.version.enabled);
        assert_eq!(patched.version.content_type.as_deref(), Some("text/plain"));
        assert_eq!(patched.version.updated, created.version.updated + 5);
        assert_eq!(patched.version.created, created.version.created);
    }
}

//! The store's public types: the [`Version`] trait both planes implement, what goes in
//! (`NewSecret`, `SecretPatch`, `StoreConfig`), what comes out (`Record`, `DeletedRecord`,
//! `Backup`, `Page`), its errors and its clock.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::sqlite;
use crate::plane::Object;

/// One version of a stored object (a secret's or a key's): what the store needs to know of it.
pub trait Version: Clone + Debug + Send + 'static {
    /// What belongs to the object rather than to one version (a key's rotation policy).
    type Meta: Clone + Debug + Default + PartialEq + Send + Serialize + DeserializeOwned + 'static;
    /// The plane's kind of object.
    const OBJECT: Object;
    /// The 32-hex version id, lower-case.
    fn id(&self) -> &str;
    /// Sets the time of the last change (every PATCH bumps it).
    fn set_updated(&mut self, secs: i64);
    /// `nbf` and `exp`, Unix seconds.
    fn validity(&self) -> (Option<i64>, Option<i64>);
    /// When the version was made, Unix seconds.
    fn created(&self) -> i64;
}

/// Tags of a secret version, as given by the caller.
pub type Tags = BTreeMap<String, String>;

/// One immutable-value version of a secret, with its mutable properties.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

impl Version for SecretVersion {
    type Meta = ();
    const OBJECT: Object = Object::Secret;

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

/// A version together with its object's stored name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<V> {
    pub name: String,
    pub version: V,
}

/// A secret version with its secret's name.
pub type SecretRecord = Record<SecretVersion>;

/// The latest version of a soft-deleted object and when it was deleted / will be purged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletedRecord<V> {
    pub record: Record<V>,
    pub deleted_date: i64,
    pub scheduled_purge_date: i64,
}

/// Everything a backup carries: the name, every version in creation order, and the object's
/// own data (a key's rotation policy).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "V: Serialize", deserialize = "V: Deserialize<'de>"))]
pub struct Backup<V: Version> {
    pub name: String,
    pub versions: Vec<V>,
    #[serde(default)]
    pub meta: V::Meta,
}

/// A secret's backup.
pub type SecretBackup = Backup<SecretVersion>;

/// One page of a listing; `next` is the sort key the next page starts at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
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

/// Why a store operation failed. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// No such (live / deleted) object, or no such version of it.
    NotFound,
    /// The name belongs to a soft-deleted object: recover or purge it first.
    DeletedButRecoverable,
    /// A delete or purge of this name has not finished yet.
    BeingDeleted,
    /// A recover of this name has not finished yet.
    BeingRecovered,
    /// A restore found a live object with the same name.
    AlreadyExists,
    /// The database write failed.
    Storage(String),
    /// A clock move would leave `range` (the time it would show, when that fits in 64 bits).
    ClockOutOfRange {
        target: Option<i64>,
        range: (i64, i64),
    },
}

impl From<sqlite::DbError> for StoreError {
    fn from(e: sqlite::DbError) -> Self {
        StoreError::Storage(e.0)
    }
}

/// Soft-delete settings of the vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreConfig {
    /// Seeds version-id generation.
    pub seed: Option<u64>,
    /// Days a deleted secret stays recoverable (7..=90).
    pub recoverable_days: u32,
    /// After a DELETE, how long the secret is neither live nor visible as deleted.
    pub delete_visibility_delay: Duration,
    /// After a recover, how long the secret is not yet live again.
    pub recover_visibility_delay: Duration,
    /// After a purge, how long the name cannot be reused.
    pub purge_delay: Duration,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            seed: None,
            recoverable_days: 90,
            delete_visibility_delay: Duration::ZERO,
            recover_visibility_delay: Duration::ZERO,
            purge_delay: Duration::ZERO,
        }
    }
}

/// Unix-seconds clock with an adjustable offset (moved by `POST /_emulator/clock`).
#[derive(Debug, Default)]
pub struct Clock {
    offset_secs: AtomicI64,
}

impl Clock {
    fn real_now() -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0)
    }

    /// Current time in Unix seconds, offset included.
    pub fn now(&self) -> i64 {
        Self::real_now().saturating_add(self.offset())
    }

    /// Seconds the clock has been moved by.
    pub fn offset(&self) -> i64 {
        self.offset_secs.load(Ordering::Relaxed)
    }

    /// Moves the clock forward (or back, if negative) by `secs`, saturating at the ends of
    /// 64-bit time.
    pub fn advance(&self, secs: i64) {
        let _ = self
            .offset_secs
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                Some(offset.saturating_add(secs))
            });
    }

    /// Moves the clock by `secs` if the time it then shows is within `min..=max`; the new
    /// time, or else the time it would have shown (`None` when that is not even a 64-bit
    /// number) and nothing is changed.
    pub fn advance_within(&self, secs: i64, min: i64, max: i64) -> Result<i64, Option<i64>> {
        let real = Self::real_now();
        let mut offset = self.offset();
        loop {
            let moved = offset
                .checked_add(secs)
                .and_then(|o| Some((o, real.checked_add(o)?)));
            let (new_offset, target) = match moved {
                None => return Err(None),
                Some((_, target)) if !(min..=max).contains(&target) => return Err(Some(target)),
                Some(moved) => moved,
            };
            match self.offset_secs.compare_exchange(
                offset,
                new_offset,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return Ok(target),
                Err(current) => offset = current,
            }
        }
    }
}

//! The store's public types: what goes in (`NewSecret`, `SecretPatch`, `StoreConfig`), what
//! comes out (`SecretRecord`, `DeletedRecord`, `SecretBackup`, `Page`), its errors and its clock.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::sqlite;

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

/// A secret version together with the secret's stored name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRecord {
    pub name: String,
    pub version: SecretVersion,
}

/// The latest version of a soft-deleted secret and when it was deleted / will be purged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletedRecord {
    pub record: SecretRecord,
    pub deleted_date: i64,
    pub scheduled_purge_date: i64,
}

/// Everything a backup carries: the name and every version, in creation order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretBackup {
    pub name: String,
    pub versions: Vec<SecretVersion>,
}

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
    /// No such (live / deleted) secret, or no such version of it.
    NotFound,
    /// The name belongs to a soft-deleted secret: recover or purge it first.
    DeletedButRecoverable,
    /// A delete or purge of this name has not finished yet.
    BeingDeleted,
    /// A recover of this name has not finished yet.
    BeingRecovered,
    /// A restore found a live secret with the same name.
    AlreadyExists,
    /// The database write failed.
    Storage(String),
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
    /// Current time in Unix seconds, offset included.
    pub fn now(&self) -> i64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .unwrap_or(0);
        real.saturating_add(self.offset())
    }

    /// Seconds the clock has been moved by.
    pub fn offset(&self) -> i64 {
        self.offset_secs.load(Ordering::Relaxed)
    }

    /// Moves the clock forward (or back, if negative) by `secs`.
    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs, Ordering::Relaxed);
    }
}

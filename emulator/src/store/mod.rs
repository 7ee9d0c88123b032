//! The vault's state: secrets, their versions, soft delete, the clock and the version-id
//! generator.
//!
//! Everything the HTTP layer may do to state goes through [`Store`]'s methods. The state lives
//! in memory (a `BTreeMap` keyed by the upper-cased name, which is also the service's listing
//! order); with `--data FILE` every change is first committed to SQLite ([`sqlite`]) and only
//! then applied in memory, so an acknowledged write is on disk and a failed write changes
//! nothing. Reads never touch the database.
//!
//! Names are looked up case-insensitively (Key Vault identifiers are case-insensitive) but keep
//! the casing they were first created with.
//!
//! Soft delete follows the real service's eventual consistency: after a `DELETE` the secret is
//! neither live nor visible as deleted for `delete_visibility_delay`; after a recover it is not
//! yet live for `recover_visibility_delay`; after a purge the name cannot be reused for
//! `purge_delay`. These windows use the monotonic clock and are not persisted (a restart ends
//! them).

mod secret;
mod sqlite;
mod types;

pub use types::{
    Clock, DeletedRecord, NewSecret, Page, SecretBackup, SecretPatch, SecretRecord, SecretVersion,
    StoreConfig, StoreError, Tags,
};

use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use secret::{Now, Secret, Seen, State};

#[derive(Debug)]
struct Inner {
    rng: fastrand::Rng,
    /// Keyed by upper-cased name: the service's (case-insensitive) listing order.
    secrets: BTreeMap<String, Secret>,
    db: Option<sqlite::Db>,
}

/// The vault state, safe to share between request handlers.
#[derive(Debug)]
pub struct Store {
    inner: Mutex<Inner>,
    clock: Clock,
    config: StoreConfig,
}

/// The lookup and sort key of a name.
fn key_of(name: &str) -> String {
    name.to_ascii_uppercase()
}

fn deadline(now: Instant, delay: Duration) -> Option<Instant> {
    (!delay.is_zero()).then(|| now + delay)
}

impl Store {
    /// An empty in-memory vault.
    pub fn new(config: StoreConfig) -> Self {
        Self::with_db(config, None, Vec::new())
    }

    /// A vault kept in the SQLite database at `path` (created if missing), loaded into memory.
    pub fn open(config: StoreConfig, path: &Path) -> Result<Self, String> {
        let (db, loaded) = sqlite::Db::open(path).map_err(|e| e.0)?;
        let store = Self::with_db(config, Some(db), loaded);
        // Anything whose purge date passed while the emulator was down goes now.
        store.sweep().map_err(|e| format!("{e:?}"))?;
        Ok(store)
    }

    fn with_db(config: StoreConfig, db: Option<sqlite::Db>, loaded: Vec<sqlite::Loaded>) -> Self {
        let rng = config
            .seed
            .map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
        let secrets = loaded
            .into_iter()
            .map(|l| {
                let state = match l.deleted {
                    None => State::Live,
                    Some((deleted_date, scheduled_purge_date)) => State::Deleted {
                        deleted_date,
                        scheduled_purge_date,
                        visible_at: None,
                    },
                };
                (l.key, Secret::new(l.name, l.versions, state))
            })
            .collect();
        Store {
            inner: Mutex::new(Inner { rng, secrets, db }),
            clock: Clock::default(),
            config,
        }
    }

    /// The clock every timestamp comes from.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The soft-delete settings.
    pub fn config(&self) -> &StoreConfig {
        &self.config
    }

    /// True when state is kept in a database file.
    pub fn is_persistent(&self) -> bool {
        self.lock().db.is_some()
    }

    fn now(&self) -> Now {
        Now {
            secs: self.clock.now(),
            instant: Instant::now(),
        }
    }

    /// Creates a new version of `name` (creating the secret if needed); it becomes the latest.
    pub fn set_secret(&self, name: &str, new: NewSecret) -> Result<SecretRecord, StoreError> {
        let now = self.now();
        let key = key_of(name);
        let mut inner = self.lock();
        let Inner { rng, secrets, db } = &mut *inner;
        let existing = secrets.get(&key);
        let live = match existing.map(|s| s.seen(now)) {
            Some(Seen::Live) => existing,
            Some(Seen::Deleted) => return Err(StoreError::DeletedButRecoverable),
            Some(Seen::DeletePending | Seen::Purging) => return Err(StoreError::BeingDeleted),
            Some(Seen::Recovering) => return Err(StoreError::BeingRecovered),
            Some(Seen::Gone) | None => None,
        };
        let version = loop {
            let candidate = format!("{:032x}", rng.u128(..));
            if live.is_none_or(|s| s.find(Some(&candidate)).is_none()) {
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
            created: now.secs,
            updated: now.secs,
        };
        let stored_name = live.map_or_else(|| name.to_owned(), |s| s.name.clone());
        let mode = match (live, existing) {
            (Some(_), _) => sqlite::Existing::Live,
            (None, Some(_)) => sqlite::Existing::Stale,
            (None, None) => sqlite::Existing::None,
        };
        if let Some(db) = db {
            db.add_version(&key, &stored_name, mode, &stored)?;
        }
        let record = SecretRecord {
            name: stored_name.clone(),
            version: stored.clone(),
        };
        match secrets.get_mut(&key) {
            Some(secret) if mode == sqlite::Existing::Live => secret.push(stored),
            _ => {
                secrets.insert(key, Secret::new(stored_name, vec![stored], State::Live));
            }
        }
        Ok(record)
    }

    /// One version of a live secret, or its latest one when `version` is `None`.
    pub fn get_secret(
        &self,
        name: &str,
        version: Option<&str>,
    ) -> Result<SecretRecord, StoreError> {
        let now = self.now();
        let inner = self.lock();
        let secret = find(&inner.secrets, name, now, Seen::Live)?;
        let index = secret.find(version).ok_or(StoreError::NotFound)?;
        Ok(SecretRecord {
            name: secret.name.clone(),
            version: secret.versions[index].clone(),
        })
    }

    /// Applies `patch` to one version (the latest when `version` is `None`); bumps `updated`.
    pub fn update_secret(
        &self,
        name: &str,
        version: Option<&str>,
        patch: SecretPatch,
    ) -> Result<SecretRecord, StoreError> {
        let now = self.now();
        let key = key_of(name);
        let mut inner = self.lock();
        let index = {
            let secret = find(&inner.secrets, name, now, Seen::Live)?;
            secret.find(version).ok_or(StoreError::NotFound)?
        };
        let Inner { secrets, db, .. } = &mut *inner;
        let secret = secrets.get_mut(&key).ok_or(StoreError::NotFound)?;
        let mut updated = secret.versions[index].clone();
        if let Some(content_type) = patch.content_type {
            updated.content_type = Some(content_type);
        }
        if let Some(tags) = patch.tags {
            updated.tags = Some(tags);
        }
        if let Some(enabled) = patch.enabled {
            updated.enabled = enabled;
        }
        if let Some(nbf) = patch.not_before {
            updated.not_before = Some(nbf);
        }
        if let Some(exp) = patch.expires {
            updated.expires = Some(exp);
        }
        updated.updated = now.secs;
        if let Some(db) = db {
            db.update_version(&key, &updated)?;
        }
        secret.versions[index] = updated.clone();
        Ok(SecretRecord {
            name: secret.name.clone(),
            version: updated,
        })
    }

    /// Live secrets (their latest versions) in name order, starting at the sort key `from`.
    pub fn list_secrets(&self, from: Option<&str>, max: usize) -> Page<SecretRecord> {
        let now = self.now();
        let inner = self.lock();
        page(&inner.secrets, from, max, |s| {
            (s.seen(now) == Seen::Live).then(|| s.latest()).flatten()
        })
    }

    /// Every version of a live secret, sorted by version id, starting at the version `from`.
    /// A name that is not live has no versions (an empty list, as the service answers).
    pub fn list_versions(&self, name: &str, from: Option<&str>, max: usize) -> Page<SecretRecord> {
        let now = self.now();
        let inner = self.lock();
        let Ok(secret) = find(&inner.secrets, name, now, Seen::Live) else {
            return Page {
                items: Vec::new(),
                next: None,
            };
        };
        let mut sorted: Vec<&SecretVersion> = secret.versions.iter().collect();
        sorted.sort_unstable_by(|a, b| a.version.cmp(&b.version));
        let from = from.map(str::to_ascii_lowercase);
        let mut items = Vec::new();
        let mut next = None;
        for v in sorted {
            if from.as_deref().is_some_and(|f| v.version.as_str() < f) {
                continue;
            }
            if items.len() == max {
                next = Some(v.version.to_ascii_uppercase());
                break;
            }
            items.push(SecretRecord {
                name: secret.name.clone(),
                version: v.clone(),
            });
        }
        Page { items, next }
    }

    /// Soft-deletes a live secret; it stays recoverable for `recoverable_days`.
    pub fn delete_secret(&self, name: &str) -> Result<DeletedRecord, StoreError> {
        let now = self.now();
        let key = key_of(name);
        let mut inner = self.lock();
        find(&inner.secrets, name, now, Seen::Live)?;
        let deleted_date = now.secs;
        let scheduled_purge_date =
            deleted_date.saturating_add(i64::from(self.config.recoverable_days) * 86_400);
        if let Some(db) = &mut inner.db {
            db.set_deleted(&key, Some((deleted_date, scheduled_purge_date)))?;
        }
        let secret = inner.secrets.get_mut(&key).ok_or(StoreError::NotFound)?;
        secret.state = State::Deleted {
            deleted_date,
            scheduled_purge_date,
            visible_at: deadline(now.instant, self.config.delete_visibility_delay),
        };
        secret.deleted_record().ok_or(StoreError::NotFound)
    }

    /// A soft-deleted secret, once its deletion is visible.
    pub fn get_deleted(&self, name: &str) -> Result<DeletedRecord, StoreError> {
        let now = self.now();
        let inner = self.lock();
        find(&inner.secrets, name, now, Seen::Deleted)?
            .deleted_record()
            .ok_or(StoreError::NotFound)
    }

    /// Visible soft-deleted secrets in name order, starting at the sort key `from`.
    pub fn list_deleted(&self, from: Option<&str>, max: usize) -> Page<DeletedRecord> {
        let now = self.now();
        let inner = self.lock();
        page(&inner.secrets, from, max, |s| {
            (s.seen(now) == Seen::Deleted)
                .then(|| s.deleted_record())
                .flatten()
        })
    }

    /// Brings a soft-deleted secret back with all its versions; returns its latest version.
    pub fn recover(&self, name: &str) -> Result<SecretRecord, StoreError> {
        let now = self.now();
        let key = key_of(name);
        let mut inner = self.lock();
        find(&inner.secrets, name, now, Seen::Deleted)?;
        if let Some(db) = &mut inner.db {
            db.set_deleted(&key, None)?;
        }
        let secret = inner.secrets.get_mut(&key).ok_or(StoreError::NotFound)?;
        secret.state = match deadline(now.instant, self.config.recover_visibility_delay) {
            Some(visible_at) => State::Recovering { visible_at },
            None => State::Live,
        };
        secret.latest().ok_or(StoreError::NotFound)
    }

    /// Permanently removes a soft-deleted secret.
    pub fn purge(&self, name: &str) -> Result<(), StoreError> {
        let now = self.now();
        let key = key_of(name);
        let mut inner = self.lock();
        match inner.secrets.get(&key).map(|s| s.seen(now)) {
            Some(Seen::Deleted) => {}
            Some(Seen::DeletePending) => return Err(StoreError::BeingDeleted),
            _ => return Err(StoreError::NotFound),
        }
        if let Some(db) = &mut inner.db {
            db.remove(&key)?;
        }
        match deadline(now.instant, self.config.purge_delay) {
            Some(until) => {
                if let Some(secret) = inner.secrets.get_mut(&key) {
                    secret.versions.clear();
                    secret.index.clear();
                    secret.state = State::Purging { until };
                }
            }
            None => {
                inner.secrets.remove(&key);
            }
        }
        Ok(())
    }

    /// Everything needed to restore a live secret elsewhere.
    pub fn backup(&self, name: &str) -> Result<SecretBackup, StoreError> {
        let now = self.now();
        let inner = self.lock();
        let secret = find(&inner.secrets, name, now, Seen::Live)?;
        Ok(SecretBackup {
            name: secret.name.clone(),
            versions: secret.versions.clone(),
        })
    }

    /// Recreates a secret from a backup, with its versions, ids, attributes and tags.
    pub fn restore(&self, backup: SecretBackup) -> Result<SecretRecord, StoreError> {
        let now = self.now();
        let key = key_of(&backup.name);
        let mut inner = self.lock();
        let existing = inner.secrets.get(&key).map(|s| s.seen(now));
        match existing {
            Some(Seen::Live) => return Err(StoreError::AlreadyExists),
            Some(Seen::Deleted) => return Err(StoreError::DeletedButRecoverable),
            Some(Seen::DeletePending | Seen::Purging) => return Err(StoreError::BeingDeleted),
            Some(Seen::Recovering) => return Err(StoreError::BeingRecovered),
            Some(Seen::Gone) | None => {}
        }
        if backup.versions.is_empty() {
            return Err(StoreError::NotFound);
        }
        if let Some(db) = &mut inner.db {
            db.insert_secret(&key, &backup.name, &backup.versions)?;
        }
        let secret = Secret::new(backup.name, backup.versions, State::Live);
        let latest = secret.latest().ok_or(StoreError::NotFound)?;
        inner.secrets.insert(key, secret);
        Ok(latest)
    }

    /// Moves the clock by `secs` and purges what is past its scheduled purge date.
    pub fn advance_clock(&self, secs: i64) -> Result<i64, StoreError> {
        self.clock.advance(secs);
        self.sweep()?;
        Ok(self.clock.now())
    }

    /// Drops every secret whose scheduled purge date has passed or whose purge has finished.
    pub fn sweep(&self) -> Result<(), StoreError> {
        let now = self.now();
        let mut inner = self.lock();
        let gone: Vec<String> = inner
            .secrets
            .iter()
            .filter(|(_, s)| s.seen(now) == Seen::Gone)
            .map(|(k, _)| k.clone())
            .collect();
        for key in gone {
            if let Some(db) = &mut inner.db {
                db.remove(&key)?;
            }
            inner.secrets.remove(&key);
        }
        Ok(())
    }

    /// Empties the vault (and its database).
    pub fn reset(&self) -> Result<(), StoreError> {
        let mut inner = self.lock();
        if let Some(db) = &mut inner.db {
            db.clear()?;
        }
        inner.secrets.clear();
        Ok(())
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every mutation is applied after its database write succeeded, with single stores
        // and pushes, so a panic while holding the lock cannot leave a half-applied change:
        // a poisoned lock is still usable.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The secret called `name`, if it is in state `seen` now (live, or visibly soft-deleted).
fn find<'a>(
    secrets: &'a BTreeMap<String, Secret>,
    name: &str,
    now: Now,
    seen: Seen,
) -> Result<&'a Secret, StoreError> {
    secrets
        .get(&key_of(name))
        .filter(|s| s.seen(now) == seen)
        .ok_or(StoreError::NotFound)
}

/// Up to `max` items from the secrets at or after the sort key `from`; `next` is the key of the
/// first item that did not fit.
fn page<T>(
    secrets: &BTreeMap<String, Secret>,
    from: Option<&str>,
    max: usize,
    mut item: impl FnMut(&Secret) -> Option<T>,
) -> Page<T> {
    let start = from.map_or(Bound::Unbounded, Bound::Included);
    let mut items = Vec::new();
    let mut next = None;
    for (key, secret) in secrets.range::<str, _>((start, Bound::Unbounded)) {
        let Some(found) = item(secret) else {
            continue;
        };
        if items.len() == max {
            next = Some(key.clone());
            break;
        }
        items.push(found);
    }
    Page { items, next }
}

#[cfg(test)]
mod tests;

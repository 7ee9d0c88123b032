//! The vault's state: two planes of versioned objects (secrets and keys), soft delete, the
//! clock and the version-id generator.
//!
//! Everything the HTTP layer may do to state goes through [`Store`]'s methods, generic over the
//! plane's version type ([`SecretVersion`], [`KeyVersion`]): both planes share one life cycle.
//! The state lives in memory (per plane a `BTreeMap` keyed by the upper-cased name, which is
//! also the service's listing order); with `--data FILE` every change is first committed to
//! SQLite ([`sqlite`]) and only then applied in memory, so an acknowledged write is on disk and
//! a failed write changes nothing. Reads never touch the database.
//!
//! Names are looked up case-insensitively (Key Vault identifiers are case-insensitive) but keep
//! the casing they were first created with.
//!
//! Soft delete follows the real service's eventual consistency: after a `DELETE` the object is
//! neither live nor visible as deleted for `delete_visibility_delay`; after a recover it is not
//! yet live for `recover_visibility_delay`; after a purge the name cannot be reused for
//! `purge_delay`. These windows use the monotonic clock and are not persisted (a restart ends
//! them).

mod key;
mod object;
mod sqlite;
mod types;

pub use key::{KeyMeta, KeyVersion, LifetimeAction, ReleasePolicy, RotationPolicy};
pub use sqlite::DbError;
pub use types::{
    Backup, Clock, DeletedRecord, NewSecret, Page, Record, SecretBackup, SecretPatch, SecretRecord,
    SecretVersion, StoreConfig, StoreError, Tags, Version,
};

use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::Path;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use object::{Now, Object, Seen, State};

use crate::plane;

/// A version `add_version` just stored (create, import, set, rotate; not restore): what the
/// `*NewVersionCreated` events carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewVersion {
    pub object: plane::Object,
    pub name: String,
    pub version: String,
    pub not_before: Option<i64>,
    pub expires: Option<i64>,
    /// When it was stored (the emulator clock).
    pub time: i64,
}

/// Told of every new version, after the store has released its lock.
struct Observer(Box<dyn Fn(NewVersion) + Send + Sync>);

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Observer")
    }
}

/// The objects of one plane, keyed by upper-cased name.
#[derive(Debug)]
pub struct Plane<V: Version> {
    objects: BTreeMap<String, Object<V>>,
}

impl<V: Version> Default for Plane<V> {
    fn default() -> Self {
        Plane {
            objects: BTreeMap::new(),
        }
    }
}

/// Every plane of the vault.
#[derive(Debug, Default)]
pub struct Planes {
    secrets: Plane<SecretVersion>,
    keys: Plane<KeyVersion>,
}

/// A version type the store keeps a plane of, and how that plane is persisted.
pub trait Stored: Version + sqlite::Table {
    #[doc(hidden)]
    fn plane(planes: &Planes) -> &Plane<Self>;
    #[doc(hidden)]
    fn plane_mut(planes: &mut Planes) -> &mut Plane<Self>;
}

impl Stored for SecretVersion {
    fn plane(planes: &Planes) -> &Plane<Self> {
        &planes.secrets
    }

    fn plane_mut(planes: &mut Planes) -> &mut Plane<Self> {
        &mut planes.secrets
    }
}

#[derive(Debug)]
struct Inner {
    rng: fastrand::Rng,
    planes: Planes,
    db: Option<sqlite::Db>,
}

/// The vault state, safe to share between request handlers.
#[derive(Debug)]
pub struct Store {
    inner: Mutex<Inner>,
    clock: Clock,
    config: StoreConfig,
    observer: OnceLock<Observer>,
    /// Seals backup blobs: kept in the database, or random per process without one.
    backup_key: [u8; 32],
}

/// The lookup and sort key of a name.
fn key_of(name: &str) -> String {
    name.to_ascii_uppercase()
}

fn deadline(now: Instant, delay: Duration) -> Option<Instant> {
    (!delay.is_zero()).then(|| now + delay)
}

fn load<V: Stored>(loaded: Vec<sqlite::Loaded<V>>) -> Plane<V> {
    let objects = loaded
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
            (l.key, Object::new(l.name, l.versions, state, l.meta))
        })
        .collect();
    Plane { objects }
}

impl Store {
    /// An empty in-memory vault (with a new random backup key).
    pub fn new(config: StoreConfig) -> Self {
        Self::with_db(config, None, Planes::default(), crate::backup::new_key())
    }

    /// A vault kept in the SQLite database at `path` (created if missing), loaded into memory.
    /// The error says what failed (the caller names the file).
    pub fn open(config: StoreConfig, path: &Path) -> Result<Self, String> {
        let mut db = sqlite::Db::open(path).map_err(|e| e.0)?;
        let planes = Planes {
            secrets: load(db.load().map_err(|e| e.0)?),
            keys: load(db.load().map_err(|e| e.0)?),
        };
        let backup_key = db.backup_key(crate::backup::new_key).map_err(|e| e.0)?;
        let store = Self::with_db(config, Some(db), planes, backup_key);
        // Anything whose purge date passed while the emulator was down goes now.
        store.sweep().map_err(|e| match e {
            StoreError::Storage(detail) => detail,
            other => format!("{other:?}"),
        })?;
        Ok(store)
    }

    fn with_db(
        config: StoreConfig,
        db: Option<sqlite::Db>,
        planes: Planes,
        backup_key: [u8; 32],
    ) -> Self {
        let rng = config
            .seed
            .map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
        Store {
            inner: Mutex::new(Inner { rng, planes, db }),
            clock: Clock::default(),
            config,
            observer: OnceLock::new(),
            backup_key,
        }
    }

    /// The key backup blobs are sealed with (`backup.rs`).
    pub fn backup_key(&self) -> &[u8; 32] {
        &self.backup_key
    }

    /// Calls `observer` with every version stored from now on (once set, it stays).
    pub fn observe(&self, observer: impl Fn(NewVersion) + Send + Sync + 'static) {
        let _ = self.observer.set(Observer(Box::new(observer)));
    }

    /// Calls `visit` with the name, latest version and object data of every live object of a
    /// plane, in name order, under the store's lock (so `visit` must not call the store).
    pub fn visit_latest<V: Stored>(&self, mut visit: impl FnMut(&str, &V, &V::Meta)) {
        let now = self.now();
        let inner = self.lock();
        for object in V::plane(&inner.planes).objects.values() {
            if object.seen(now) == Seen::Live {
                if let Some(latest) = object.versions.last() {
                    visit(&object.name, latest, &object.meta);
                }
            }
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

    /// Creates a new version of `name` (creating the object if needed); it becomes the latest.
    /// `make` builds it from a fresh version id and the current time.
    pub fn add_version<V: Stored>(
        &self,
        name: &str,
        make: impl FnOnce(String, i64) -> V,
    ) -> Result<Record<V>, StoreError> {
        let now = self.now();
        let key = key_of(name);
        let mut inner = self.lock();
        let Inner { rng, planes, db } = &mut *inner;
        let objects = &mut V::plane_mut(planes).objects;
        let existing = objects.get(&key);
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
        let stored = make(version, now.secs);
        let stored_name = live.map_or_else(|| name.to_owned(), |s| s.name.clone());
        let mode = match (live, existing) {
            (Some(_), _) => sqlite::Existing::Live,
            (None, Some(_)) => sqlite::Existing::Stale,
            (None, None) => sqlite::Existing::None,
        };
        if let Some(db) = db {
            db.add_version(&key, &stored_name, mode, &stored)?;
        }
        let record = Record {
            name: stored_name.clone(),
            version: stored.clone(),
        };
        match objects.get_mut(&key) {
            Some(object) if mode == sqlite::Existing::Live => object.push(stored),
            _ => {
                let object =
                    Object::new(stored_name, vec![stored], State::Live, V::Meta::default());
                objects.insert(key, object);
            }
        }
        drop(inner);
        if let Some(Observer(observe)) = self.observer.get() {
            let (not_before, expires) = record.version.validity();
            observe(NewVersion {
                object: V::OBJECT,
                name: record.name.clone(),
                version: record.version.id().to_owned(),
                not_before,
                expires,
                time: now.secs,
            });
        }
        Ok(record)
    }

    /// Creates a new version of a secret; it becomes the latest.
    pub fn set_secret(&self, name: &str, new: NewSecret) -> Result<SecretRecord, StoreError> {
        self.add_version(name, |version, now| SecretVersion {
            version,
            value: new.value,
            content_type: new.content_type,
            tags: new.tags,
            enabled: new.enabled.unwrap_or(true),
            not_before: new.not_before,
            expires: new.expires,
            created: now,
            updated: now,
        })
    }

    /// One version of a live object, or its latest one when `version` is `None`.
    pub fn get<V: Stored>(
        &self,
        name: &str,
        version: Option<&str>,
    ) -> Result<Record<V>, StoreError> {
        let now = self.now();
        let inner = self.lock();
        let object = find(V::plane(&inner.planes), name, now, Seen::Live)?;
        let index = object.find(version).ok_or(StoreError::NotFound)?;
        object.record(index).ok_or(StoreError::NotFound)
    }

    /// Changes one version (the latest when `version` is `None`) with `patch`; bumps `updated`.
    pub fn update<V: Stored>(
        &self,
        name: &str,
        version: Option<&str>,
        patch: impl FnOnce(&mut V),
    ) -> Result<Record<V>, StoreError> {
        let now = self.now();
        let key = key_of(name);
        let mut inner = self.lock();
        let Inner { planes, db, .. } = &mut *inner;
        let objects = &mut V::plane_mut(planes).objects;
        let index = {
            let object = find_in(objects, name, now, Seen::Live)?;
            object.find(version).ok_or(StoreError::NotFound)?
        };
        let object = objects.get_mut(&key).ok_or(StoreError::NotFound)?;
        let mut updated = object.versions[index].clone();
        patch(&mut updated);
        updated.set_updated(now.secs);
        if let Some(db) = db {
            db.update_version(&key, &updated)?;
        }
        object.versions[index] = updated.clone();
        Ok(Record {
            name: object.name.clone(),
            version: updated,
        })
    }

    /// Applies a `PATCH` to one version of a secret (the latest when `version` is `None`).
    pub fn update_secret(
        &self,
        name: &str,
        version: Option<&str>,
        patch: SecretPatch,
    ) -> Result<SecretRecord, StoreError> {
        self.update(name, version, |v: &mut SecretVersion| {
            if let Some(content_type) = patch.content_type {
                v.content_type = Some(content_type);
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
        })
    }

    /// Live objects (their latest versions) in name order, starting at the sort key `from`.
    pub fn list<V: Stored>(&self, from: Option<&str>, max: usize) -> Page<Record<V>> {
        let now = self.now();
        let inner = self.lock();
        page(V::plane(&inner.planes), from, max, |s| {
            (s.seen(now) == Seen::Live).then(|| s.latest()).flatten()
        })
    }

    /// Every version of a live object, sorted by version id, starting at the version `from`.
    /// A name that is not live has no versions (an empty list, as the service answers).
    pub fn list_versions<V: Stored>(
        &self,
        name: &str,
        from: Option<&str>,
        max: usize,
    ) -> Page<Record<V>> {
        let now = self.now();
        let inner = self.lock();
        let Ok(object) = find(V::plane(&inner.planes), name, now, Seen::Live) else {
            return Page {
                items: Vec::new(),
                next: None,
            };
        };
        let mut sorted: Vec<&V> = object.versions.iter().collect();
        sorted.sort_unstable_by(|a, b| a.id().cmp(b.id()));
        let from = from.map(str::to_ascii_lowercase);
        let mut items = Vec::new();
        let mut next = None;
        for v in sorted {
            if from.as_deref().is_some_and(|f| v.id() < f) {
                continue;
            }
            if items.len() == max {
                next = Some(v.id().to_ascii_uppercase());
                break;
            }
            items.push(Record {
                name: object.name.clone(),
                version: v.clone(),
            });
        }
        Page { items, next }
    }

    /// Soft-deletes a live object; it stays recoverable for `recoverable_days`.
    pub fn delete<V: Stored>(&self, name: &str) -> Result<DeletedRecord<V>, StoreError> {
        let now = self.now();
        let key = key_of(name);
        let mut inner = self.lock();
        let Inner { planes, db, .. } = &mut *inner;
        let objects = &mut V::plane_mut(planes).objects;
        find_in(objects, name, now, Seen::Live)?;
        let deleted_date = now.secs;
        let scheduled_purge_date =
            deleted_date.saturating_add(i64::from(self.config.recoverable_days) * 86_400);
        if let Some(db) = db {
            db.set_deleted::<V>(&key, Some((deleted_date, scheduled_purge_date)))?;
        }
        let object = objects.get_mut(&key).ok_or(StoreError::NotFound)?;
        object.state = State::Deleted {
            deleted_date,
            scheduled_purge_date,
            visible_at: deadline(now.instant, self.config.delete_visibility_delay),
        };
        object.deleted_record().ok_or(StoreError::NotFound)
    }

    /// A soft-deleted object, once its deletion is visible.
    pub fn get_deleted<V: Stored>(&self, name: &str) -> Result<DeletedRecord<V>, StoreError> {
        let now = self.now();
        let inner = self.lock();
        find(V::plane(&inner.planes), name, now, Seen::Deleted)?
            .deleted_record()
            .ok_or(StoreError::NotFound)
    }

    /// Visible soft-deleted objects in name order, starting at the sort key `from`.
    pub fn list_deleted<V: Stored>(
        &self,
        from: Option<&str>,
        max: usize,
    ) -> Page<DeletedRecord<V>> {
        let now = self.now();
        let inner = self.lock();
        page(V::plane(&inner.planes), from, max, |s| {
            (s.seen(now) == Seen::Deleted)
                .then(|| s.deleted_record())
                .flatten()
        })
    }

    /// Brings a soft-deleted object back with all its versions; returns its latest version.
    pub fn recover<V: Stored>(&self, name: &str) -> Result<Record<V>, StoreError> {
        let now = self.now();
        let key = key_of(name);
        let mut inner = self.lock();
        let Inner { planes, db, .. } = &mut *inner;
        let objects = &mut V::plane_mut(planes).objects;
        find_in(objects, name, now, Seen::Deleted)?;
        if let Some(db) = db {
            db.set_deleted::<V>(&key, None)?;
        }
        let object = objects.get_mut(&key).ok_or(StoreError::NotFound)?;
        object.state = match deadline(now.instant, self.config.recover_visibility_delay) {
            Some(visible_at) => State::Recovering { visible_at },
            None => State::Live,
        };
        object.latest().ok_or(StoreError::NotFound)
    }

    /// Permanently removes a soft-deleted object.
    pub fn purge<V: Stored>(&self, name: &str) -> Result<(), StoreError> {
        let now = self.now();
        let key = key_of(name);
        let mut inner = self.lock();
        let Inner { planes, db, .. } = &mut *inner;
        let objects = &mut V::plane_mut(planes).objects;
        match objects.get(&key).map(|s| s.seen(now)) {
            Some(Seen::Deleted) => {}
            Some(Seen::DeletePending) => return Err(StoreError::BeingDeleted),
            _ => return Err(StoreError::NotFound),
        }
        if let Some(db) = db {
            db.remove::<V>(&key)?;
        }
        match deadline(now.instant, self.config.purge_delay) {
            Some(until) => {
                if let Some(object) = objects.get_mut(&key) {
                    object.versions.clear();
                    object.index.clear();
                    object.meta = V::Meta::default();
                    object.state = State::Purging { until };
                }
            }
            None => {
                objects.remove(&key);
            }
        }
        Ok(())
    }

    /// Everything needed to restore a live object elsewhere.
    pub fn backup<V: Stored>(&self, name: &str) -> Result<Backup<V>, StoreError> {
        let now = self.now();
        let inner = self.lock();
        let object = find(V::plane(&inner.planes), name, now, Seen::Live)?;
        Ok(Backup {
            name: object.name.clone(),
            versions: object.versions.clone(),
            meta: object.meta.clone(),
        })
    }

    /// Recreates an object from a backup, with its versions, ids, attributes and tags.
    pub fn restore<V: Stored>(&self, backup: Backup<V>) -> Result<Record<V>, StoreError> {
        let now = self.now();
        let key = key_of(&backup.name);
        let mut inner = self.lock();
        let Inner { planes, db, .. } = &mut *inner;
        let objects = &mut V::plane_mut(planes).objects;
        match objects.get(&key).map(|s| s.seen(now)) {
            Some(Seen::Live) => return Err(StoreError::AlreadyExists),
            Some(Seen::Deleted) => return Err(StoreError::DeletedButRecoverable),
            Some(Seen::DeletePending | Seen::Purging) => return Err(StoreError::BeingDeleted),
            Some(Seen::Recovering) => return Err(StoreError::BeingRecovered),
            Some(Seen::Gone) | None => {}
        }
        if backup.versions.is_empty() {
            return Err(StoreError::NotFound);
        }
        if let Some(db) = db {
            db.insert_object(&key, &backup.name, &backup.versions, &backup.meta)?;
        }
        let object = Object::new(backup.name, backup.versions, State::Live, backup.meta);
        let latest = object.latest().ok_or(StoreError::NotFound)?;
        objects.insert(key, object);
        Ok(latest)
    }

    /// The object data of a live object (a key's rotation policy).
    pub fn meta<V: Stored>(&self, name: &str) -> Result<V::Meta, StoreError> {
        let now = self.now();
        let inner = self.lock();
        Ok(find(V::plane(&inner.planes), name, now, Seen::Live)?
            .meta
            .clone())
    }

    /// Replaces the object data of a live object.
    pub fn set_meta<V: Stored>(&self, name: &str, meta: V::Meta) -> Result<V::Meta, StoreError> {
        let now = self.now();
        let key = key_of(name);
        let mut inner = self.lock();
        let Inner { planes, db, .. } = &mut *inner;
        let objects = &mut V::plane_mut(planes).objects;
        find_in(objects, name, now, Seen::Live)?;
        if let Some(db) = db {
            db.set_meta::<V>(&key, &meta)?;
        }
        let object = objects.get_mut(&key).ok_or(StoreError::NotFound)?;
        object.meta = meta.clone();
        Ok(meta)
    }

    /// The times the clock may be moved to: every date written from it — `created`,
    /// `updated`, `deletedDate` and `scheduledPurgeDate` (now + the retention) — must be a
    /// date of years 1 to 9999, the range of the service's (.NET) dates and of the `nbf`/`exp`
    /// it accepts.
    pub fn clock_range(&self) -> (i64, i64) {
        let retention = i64::from(self.config.recoverable_days) * 86_400;
        (
            crate::model::MIN_UNIX_TIME,
            crate::model::MAX_UNIX_TIME - retention,
        )
    }

    /// Moves the clock by `secs` and purges what is past its scheduled purge date. A move
    /// outside [`Store::clock_range`] changes nothing.
    pub fn advance_clock(&self, secs: i64) -> Result<i64, StoreError> {
        let (min, max) = self.clock_range();
        self.clock
            .advance_within(secs, min, max)
            .map_err(|target| StoreError::ClockOutOfRange {
                target,
                range: (min, max),
            })?;
        self.sweep()?;
        Ok(self.clock.now())
    }

    /// Drops every object whose scheduled purge date has passed or whose purge has finished.
    pub fn sweep(&self) -> Result<(), StoreError> {
        let mut inner = self.lock();
        self.sweep_plane::<SecretVersion>(&mut inner)?;
        self.sweep_plane::<KeyVersion>(&mut inner)
    }

    fn sweep_plane<V: Stored>(&self, inner: &mut Inner) -> Result<(), StoreError> {
        let now = self.now();
        let Inner { planes, db, .. } = inner;
        let objects = &mut V::plane_mut(planes).objects;
        let gone: Vec<String> = objects
            .iter()
            .filter(|(_, s)| s.seen(now) == Seen::Gone)
            .map(|(k, _)| k.clone())
            .collect();
        for key in gone {
            if let Some(db) = db {
                db.remove::<V>(&key)?;
            }
            objects.remove(&key);
        }
        Ok(())
    }

    /// Empties the vault (and its database).
    pub fn reset(&self) -> Result<(), StoreError> {
        let mut inner = self.lock();
        if let Some(db) = &mut inner.db {
            db.clear()?;
        }
        inner.planes = Planes::default();
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

/// The object called `name` in `plane`, if it is in state `seen` now.
fn find<'a, V: Version>(
    plane: &'a Plane<V>,
    name: &str,
    now: Now,
    seen: Seen,
) -> Result<&'a Object<V>, StoreError> {
    find_in(&plane.objects, name, now, seen)
}

fn find_in<'a, V: Version>(
    objects: &'a BTreeMap<String, Object<V>>,
    name: &str,
    now: Now,
    seen: Seen,
) -> Result<&'a Object<V>, StoreError> {
    objects
        .get(&key_of(name))
        .filter(|s| s.seen(now) == seen)
        .ok_or(StoreError::NotFound)
}

/// Up to `max` items from the objects at or after the sort key `from`; `next` is the key of the
/// first item that did not fit.
fn page<V: Version, T>(
    plane: &Plane<V>,
    from: Option<&str>,
    max: usize,
    mut item: impl FnMut(&Object<V>) -> Option<T>,
) -> Page<T> {
    let start = from.map_or(Bound::Unbounded, Bound::Included);
    let mut items = Vec::new();
    let mut next = None;
    for (key, object) in plane.objects.range::<str, _>((start, Bound::Unbounded)) {
        let Some(found) = item(object) else {
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

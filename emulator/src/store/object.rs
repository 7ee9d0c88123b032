//! One stored object (a secret or a key): its versions, where it is in its life cycle (live,
//! soft-deleted, recovering, purging) and how that looks from outside at a given moment.
//! [`Store`](super::Store) keeps one per name and plane and moves it between states.

use std::collections::HashMap;
use std::time::Instant;

use super::{DeletedRecord, Record, Version};

/// Where an object is in its life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    Live,
    /// Soft-deleted; not listed as deleted before `visible_at`.
    Deleted {
        deleted_date: i64,
        scheduled_purge_date: i64,
        visible_at: Option<Instant>,
    },
    /// Recovered, but not live before `visible_at`.
    Recovering {
        visible_at: Instant,
    },
    /// Purged (no versions left); the name is blocked until `until`.
    Purging {
        until: Instant,
    },
}

/// How an object looks from outside at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Seen {
    Live,
    Deleted,
    DeletePending,
    Recovering,
    Purging,
    /// Purged, or past its scheduled purge date: as if it never existed.
    Gone,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Now {
    pub(super) secs: i64,
    pub(super) instant: Instant,
}

#[derive(Debug)]
pub(super) struct Object<V: Version> {
    /// The casing the object was first created with.
    pub(super) name: String,
    /// In creation order: the last one is the latest.
    pub(super) versions: Vec<V>,
    /// Version id → position in `versions`, so an object with many versions stays O(1) per call.
    pub(super) index: HashMap<String, usize>,
    pub(super) state: State,
    /// What belongs to the object rather than to a version (a key's rotation policy).
    pub(super) meta: V::Meta,
}

impl<V: Version> Object<V> {
    pub(super) fn new(name: String, versions: Vec<V>, state: State, meta: V::Meta) -> Self {
        let index = versions
            .iter()
            .enumerate()
            .map(|(i, v)| (v.id().to_owned(), i))
            .collect();
        Object {
            name,
            versions,
            index,
            state,
            meta,
        }
    }

    pub(super) fn push(&mut self, version: V) {
        self.index
            .insert(version.id().to_owned(), self.versions.len());
        self.versions.push(version);
    }

    pub(super) fn seen(&self, now: Now) -> Seen {
        match self.state {
            State::Live => Seen::Live,
            State::Deleted {
                scheduled_purge_date,
                ..
            } if scheduled_purge_date <= now.secs => Seen::Gone,
            State::Deleted {
                visible_at: Some(t),
                ..
            } if now.instant < t => Seen::DeletePending,
            State::Deleted { .. } => Seen::Deleted,
            State::Recovering { visible_at } if now.instant < visible_at => Seen::Recovering,
            State::Recovering { .. } => Seen::Live,
            State::Purging { until } if now.instant < until => Seen::Purging,
            State::Purging { .. } => Seen::Gone,
        }
    }

    pub(super) fn record(&self, index: usize) -> Option<Record<V>> {
        self.versions.get(index).map(|v| Record {
            name: self.name.clone(),
            version: v.clone(),
        })
    }

    pub(super) fn latest(&self) -> Option<Record<V>> {
        self.record(self.versions.len().checked_sub(1)?)
    }

    pub(super) fn deleted_record(&self) -> Option<DeletedRecord<V>> {
        let State::Deleted {
            deleted_date,
            scheduled_purge_date,
            ..
        } = self.state
        else {
            return None;
        };
        Some(DeletedRecord {
            record: self.latest()?,
            deleted_date,
            scheduled_purge_date,
        })
    }

    pub(super) fn find(&self, version: Option<&str>) -> Option<usize> {
        match version {
            None => self.versions.len().checked_sub(1),
            // Stored ids are lower-case; requests may use either case.
            Some(v) if v.bytes().any(|b| b.is_ascii_uppercase()) => {
                self.index.get(&v.to_ascii_lowercase()).copied()
            }
            Some(v) => self.index.get(v).copied(),
        }
    }
}

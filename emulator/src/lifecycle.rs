//! What the emulator clock sets off: rotation policies that rotate, and the Key Vault events
//! (`*NewVersionCreated`, `*NearExpiry`, `*Expired`) handed to [`Events`].
//!
//! [`Lifecycle::tick`] runs every second and right after the clock is moved
//! (`POST /_emulator/clock`), so a 90-day policy can be tested in a second:
//! - a key whose policy has a `Rotate` action gets a new version once the clock passes the
//!   trigger (`timeAfterCreate` after its latest version was made, or `timeBeforeExpiry`
//!   before that version's `exp`), with `exp` from the policy's `expiryTime`. One move of the
//!   clock past several periods makes one new version (whose own trigger is then in the future);
//! - the latest version of a secret or key raises `NearExpiry` once the clock is within 30 days
//!   of its `exp` (for a key, its policy's `Notify` `timeBeforeExpiry` when it has one) and
//!   `Expired` once the clock passes `exp`, each once per version and emulator run.
//!
//! New versions (create, import, set, rotate) are reported by the store as they are stored.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::duration;
use crate::events::{Event, EventKind, Events, NEAR_EXPIRY_SECONDS};
use crate::http::AppState;
use crate::keys;
use crate::plane::Object;
use crate::store::{KeyMeta, KeyVersion, NewVersion, RotationPolicy, SecretVersion, Store, Stored};

/// How often the clock's effects are checked while nothing moves it.
const TICK: Duration = Duration::from_secs(1);

/// The policy clock and the event source.
#[derive(Debug, Clone)]
pub struct Lifecycle {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    events: Events,
    /// `http://host:port`: the vault URL events name (the listening address).
    vault_url: String,
    /// (object, upper-cased name, version, event) already raised.
    fired: Mutex<HashSet<(Object, String, String, EventKind)>>,
    /// One tick at a time, so a due rotation happens once.
    ticking: tokio::sync::Mutex<()>,
}

impl Lifecycle {
    /// Sets up the event source; new versions stored in `store` are published from now on.
    pub fn new(events: Events, vault_url: String, store: &Store) -> Lifecycle {
        let lifecycle = Lifecycle {
            inner: Arc::new(Inner {
                events,
                vault_url,
                fired: Mutex::new(HashSet::new()),
                ticking: tokio::sync::Mutex::new(()),
            }),
        };
        let observer = lifecycle.clone();
        store.observe(move |new: NewVersion| {
            observer.publish(
                new.object,
                EventKind::NewVersionCreated,
                &new.name,
                &new.version,
                (new.not_before, new.expires),
                new.time,
            );
        });
        lifecycle
    }

    /// The event publisher (for the management API).
    pub fn events(&self) -> &Events {
        &self.inner.events
    }

    /// Starts event delivery and the once-a-second tick on the current runtime.
    pub fn start(&self, state: AppState) {
        self.inner.events.start();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(TICK).await;
                state.lifecycle.tick(&state).await;
            }
        });
    }

    fn publish(
        &self,
        object: Object,
        kind: EventKind,
        name: &str,
        version: &str,
        (not_before, expires): (Option<i64>, Option<i64>),
        time: i64,
    ) {
        self.inner.events.publish(Event {
            object_type: object,
            kind,
            vault_url: self.inner.vault_url.clone(),
            name: name.to_owned(),
            version: version.to_owned(),
            not_before,
            expires,
            time,
        });
    }

    /// Applies what is due at the clock's current time: rotations first, then expiry events.
    pub async fn tick(&self, state: &AppState) {
        let _one_at_a_time = self.inner.ticking.lock().await;
        let now = state.store.clock().now();
        let mut due = Vec::new();
        state
            .store
            .visit_latest::<KeyVersion>(|name, latest, meta: &KeyMeta| {
                if let Some(policy) = &meta.rotation_policy {
                    if rotation_due(policy, latest, now) {
                        due.push(name.to_owned());
                    }
                }
            });
        for name in due {
            // A key deleted meanwhile is simply not rotated.
            let _ = keys::rotate(state, &name).await;
        }
        self.expiry_events::<SecretVersion>(&state.store, now, |_| NEAR_EXPIRY_SECONDS);
        self.expiry_events::<KeyVersion>(&state.store, now, |meta: &KeyMeta| {
            meta.rotation_policy
                .as_ref()
                .and_then(notify_before_expiry)
                .unwrap_or(NEAR_EXPIRY_SECONDS)
        });
    }

    fn expiry_events<V: Stored>(
        &self,
        store: &Store,
        now: i64,
        near_expiry_window: impl Fn(&V::Meta) -> i64,
    ) {
        let mut raised = Vec::new();
        store.visit_latest::<V>(|name, latest, meta| {
            let (nbf, exp) = latest.validity();
            let Some(exp) = exp else { return };
            let kind = if now >= exp {
                EventKind::Expired
            } else if now >= exp.saturating_sub(near_expiry_window(meta)) {
                EventKind::NearExpiry
            } else {
                return;
            };
            raised.push((
                name.to_owned(),
                latest.id().to_owned(),
                (nbf, Some(exp)),
                kind,
            ));
        });
        let mut fired = self
            .inner
            .fired
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for (name, version, validity, kind) in raised {
            // An expired version that never was near expiry (the clock jumped) raises both.
            let kinds: &[EventKind] = match kind {
                EventKind::Expired => &[EventKind::NearExpiry, EventKind::Expired],
                _ => &[kind],
            };
            for &kind in kinds {
                let key = (V::OBJECT, name.to_ascii_uppercase(), version.clone(), kind);
                if fired.insert(key) {
                    self.publish(V::OBJECT, kind, &name, &version, validity, now);
                }
            }
        }
    }
}

/// Whether a `Rotate` action of `policy` is due for `latest` at `now`.
fn rotation_due(policy: &RotationPolicy, latest: &KeyVersion, now: i64) -> bool {
    policy
        .lifetime_actions
        .iter()
        .filter(|a| a.action == "Rotate")
        .any(|a| {
            let at = match (&a.time_after_create, &a.time_before_expiry) {
                (Some(after), _) => duration::parse(after).and_then(|d| d.apply(latest.created, 1)),
                (None, Some(before)) => latest
                    .expires
                    .and_then(|exp| duration::parse(before).and_then(|d| d.apply(exp, -1))),
                (None, None) => None,
            };
            at.is_some_and(|at| now >= at)
        })
}

/// How long before `exp` the policy's `Notify` action fires, in seconds.
fn notify_before_expiry(policy: &RotationPolicy) -> Option<i64> {
    let action = policy
        .lifetime_actions
        .iter()
        .find(|a| a.action == "Notify")?;
    let d = duration::parse(action.time_before_expiry.as_deref()?)?;
    // Relative to a fixed point: a month-long window is as long as the calendar makes it.
    const EPOCH_2000: i64 = 946_684_800;
    d.apply(EPOCH_2000, 1).map(|t| t - EPOCH_2000)
}

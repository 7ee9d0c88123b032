//! Key Vault Event Grid events and their delivery to `--event-webhook` URLs.
//!
//! The store decides *when* an event happens (a new version, the clock passing `exp - 30 days`
//! or `exp`) and calls [`Events::publish`]; this module renders the event exactly as Key Vault
//! publishes it through Event Grid (`schema.rs`), keeps the last [`LOG_CAPACITY`] events for
//! `GET /_emulator/events` ([`Events::snapshot`]) and POSTs each one to every webhook the way an
//! Event Grid webhook subscription does (`delivery.rs`):
//!
//! - one event per request, as a JSON array of one event (Event Grid's default, no batching);
//! - headers `Content-Type: application/json; charset=utf-8`, `aeg-event-type: Notification`,
//!   `aeg-subscription-name`, `aeg-delivery-count` (0 on the first attempt), `aeg-data-version`,
//!   `aeg-metadata-version`, `aeg-output-event-id`;
//! - 200 … 204 is delivered; 400, 401, 403 and 413 are not retried (dropped: there is no
//!   dead-letter storage); anything else, a connection error or no answer within the timeout
//!   is retried after `retry_delay`, doubled each time up to `max_retry_delay`, until
//!   `max_attempts` attempts were made, then dropped. Every outcome is counted.
//!
//! Deliberate differences from Event Grid (for the README):
//! - no subscription validation handshake: webhooks come from the command line and receive
//!   `Notification`s only;
//! - plain `http://` only (Event Grid requires `https://`);
//! - a faster, configurable retry schedule (default 1 s doubling to 30 s, 30 attempts ≈ 12.5
//!   minutes) instead of 10 s … 24 h; no event time-to-live, no dead-lettering, no "probation";
//! - per webhook, events are delivered one at a time **in order**: a failing event delays the
//!   ones after it (Event Grid does not guarantee order; in order is easier to test against and
//!   is an order Event Grid could produce);
//! - at-least-once, in memory: pending deliveries are lost when the emulator stops;
//! - `aeg-subscription-name` is `KEYVAULT-EMULATOR-<n>` for the n-th `--event-webhook`.
//!
//! [`Events`] is cheap to clone; [`Events::publish`] never blocks on the network and never
//! fails. Delivery runs in one task per webhook (spawned by [`Events::start`]), so a slow or
//! dead webhook delays only its own queue, never requests or the other webhooks.

mod delivery;
mod schema;
mod webhook;

use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use hyper::body::Bytes;
use serde_json::{json, Value};
use tokio::sync::Notify;

use delivery::{backoff, delivery_headers, Outcome};
pub use schema::{
    format_event_time, vault_name, Event, EventKind, Object, DATA_VERSION, METADATA_VERSION,
    NEAR_EXPIRY_SECONDS,
};
pub use webhook::{parse_webhook, WebhookUrl};

/// How many recent events `snapshot` keeps (the oldest go first).
pub const LOG_CAPACITY: usize = 1000;
/// How many events may wait for one webhook; beyond that new events are dropped (and counted)
/// for that webhook.
pub const PENDING_CAPACITY: usize = 10_000;

/// Where and how to deliver events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventConfig {
    /// `--event-webhook` URLs, validated with [`parse_webhook`].
    pub webhooks: Vec<WebhookUrl>,
    /// Wait after the first failed attempt; doubled after each further one.
    pub retry_delay: Duration,
    /// The longest wait between attempts.
    pub max_retry_delay: Duration,
    /// Attempts per event and webhook, the first included (Event Grid: 1 … 30, default 30).
    /// 0 is taken as 1.
    pub max_attempts: u32,
    /// Connect + response time allowed per attempt (Event Grid waits 30 s).
    pub timeout: Duration,
    /// Seed for event ids (`--seed`); `None` draws them from the OS.
    pub seed: Option<u64>,
}

impl Default for EventConfig {
    fn default() -> Self {
        EventConfig {
            webhooks: Vec::new(),
            retry_delay: Duration::from_secs(1),
            max_retry_delay: Duration::from_secs(30),
            max_attempts: 30,
            timeout: Duration::from_secs(30),
            seed: None,
        }
    }
}

/// The emulator's event publisher. Cheap to clone (all clones share the log and the queues).
#[derive(Clone)]
pub struct Events {
    inner: Arc<Inner>,
}

struct Inner {
    config: EventConfig,
    hooks: Vec<Hook>,
    log: Mutex<Log>,
    started: AtomicBool,
}

struct Log {
    /// The last events, each the JSON object as sent.
    /// The last events with their ids, rendered only when asked for (publishing stays cheap
    /// when no webhook is configured).
    recent: VecDeque<(u128, Event)>,
    published: u64,
    rng: fastrand::Rng,
}

struct Hook {
    url: WebhookUrl,
    subscription_name: String,
    state: Mutex<HookState>,
    wake: Notify,
}

#[derive(Default)]
struct HookState {
    queue: VecDeque<Queued>,
    next_seq: u64,
    delivered: u64,
    failed_attempts: u64,
    dropped: u64,
    last_error: Option<String>,
}

#[derive(Clone)]
struct Queued {
    seq: u64,
    id: Arc<str>,
    /// `[<event>]`.
    body: Bytes,
}

/// Locks, ignoring poisoning: the data stays consistent (no invariant spans a panic point),
/// and the emulator must never panic.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Events {
    /// Sets up the log and one (idle) queue per webhook; spawns nothing until [`start`](Self::start).
    pub fn new(config: EventConfig) -> Events {
        let hooks = config
            .webhooks
            .iter()
            .enumerate()
            .map(|(i, url)| Hook {
                url: url.clone(),
                subscription_name: format!("KEYVAULT-EMULATOR-{}", i + 1),
                state: Mutex::new(HookState::default()),
                wake: Notify::new(),
            })
            .collect();
        let rng = config
            .seed
            .map_or_else(fastrand::Rng::new, fastrand::Rng::with_seed);
        Events {
            inner: Arc::new(Inner {
                config,
                hooks,
                log: Mutex::new(Log {
                    recent: VecDeque::new(),
                    published: 0,
                    rng,
                }),
                started: AtomicBool::new(false),
            }),
        }
    }

    /// The settings it was made with.
    pub fn config(&self) -> &EventConfig {
        &self.inner.config
    }

    /// Spawns one delivery task per webhook on the current tokio runtime. Call it once the
    /// server runs; later calls do nothing. Outside a runtime it does nothing (and can be
    /// called again from inside one). Events published before are delivered then.
    pub fn start(&self) {
        if self.inner.hooks.is_empty() || self.inner.started.swap(true, Ordering::SeqCst) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.inner.started.store(false, Ordering::SeqCst);
            return;
        };
        for index in 0..self.inner.hooks.len() {
            runtime.spawn(deliver_forever(self.inner.clone(), index));
        }
    }

    /// Records `event` (with a fresh GUID as its `id`) and queues it for every webhook.
    /// Returns at once; never fails.
    pub fn publish(&self, event: Event) {
        // The id's random bits: the GUID text is made only when the event is sent or shown.
        let id_bits = {
            let mut log = lock(&self.inner.log);
            let id_bits = log.rng.u128(..);
            if log.recent.len() == LOG_CAPACITY {
                log.recent.pop_front();
            }
            log.published += 1;
            if self.inner.hooks.is_empty() {
                log.recent.push_back((id_bits, event));
                return;
            }
            log.recent.push_back((id_bits, event.clone()));
            id_bits
        };
        let id: Arc<str> = crate::guid::guid(id_bits).into();
        let body = Bytes::from(format!("[{}]", event.to_event_grid_json(&id)));
        for hook in &self.inner.hooks {
            {
                let mut state = lock(&hook.state);
                if state.queue.len() >= PENDING_CAPACITY {
                    state.dropped += 1;
                    state.last_error = Some("too many pending events".into());
                    continue;
                }
                let seq = state.next_seq;
                state.next_seq += 1;
                state.queue.push_back(Queued {
                    seq,
                    id: id.clone(),
                    body: body.clone(),
                });
            }
            hook.wake.notify_one();
        }
    }

    /// For `GET /_emulator/events`:
    /// `{"published": n, "events": [<event as sent>, …oldest first, at most 1000],
    ///   "webhooks": [{"url", "subscriptionName", "delivered", "failedAttempts", "pending",
    ///   "dropped", "lastError"}], "delivery": {"maxAttempts", "retryDelayMs",
    ///   "maxRetryDelayMs", "timeoutMs"}}`.
    /// `pending` includes the event being delivered; `lastError` is the last failed attempt's
    /// reason (`"HTTP 500"`, `"cannot connect: …"`, `"no response within … ms"`) or `null`.
    pub fn snapshot(&self) -> Value {
        let (published, events) = {
            let log = lock(&self.inner.log);
            let events: Vec<Value> = log
                .recent
                .iter()
                .map(|(id_bits, event)| {
                    let json = event.to_event_grid_json(&crate::guid::guid(*id_bits));
                    serde_json::from_str(&json).unwrap_or(Value::Null)
                })
                .collect();
            (log.published, events)
        };
        let webhooks: Vec<Value> = self
            .inner
            .hooks
            .iter()
            .map(|hook| {
                let state = lock(&hook.state);
                json!({
                    "url": hook.url.url,
                    "subscriptionName": hook.subscription_name,
                    "delivered": state.delivered,
                    "failedAttempts": state.failed_attempts,
                    "pending": state.queue.len(),
                    "dropped": state.dropped,
                    "lastError": state.last_error,
                })
            })
            .collect();
        let millis = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        let config = &self.inner.config;
        json!({
            "published": published,
            "events": events,
            "webhooks": webhooks,
            "delivery": {
                "maxAttempts": config.max_attempts.max(1),
                "retryDelayMs": millis(config.retry_delay),
                "maxRetryDelayMs": millis(config.max_retry_delay),
                "timeoutMs": millis(config.timeout),
            },
        })
    }

    /// Empties the event log and zeroes the counters (e.g. for `POST /_emulator/reset`).
    /// Pending deliveries carry on.
    pub fn clear(&self) {
        {
            let mut log = lock(&self.inner.log);
            log.recent.clear();
            log.published = 0;
        }
        for hook in &self.inner.hooks {
            let mut state = lock(&hook.state);
            state.delivered = 0;
            state.failed_attempts = 0;
            state.dropped = 0;
            state.last_error = None;
        }
    }
}

impl Default for Events {
    /// No webhooks: events are only logged.
    fn default() -> Self {
        Events::new(EventConfig::default())
    }
}

impl fmt::Debug for Events {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Events")
            .field("config", &self.inner.config)
            .field("started", &self.inner.started.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// One webhook's delivery loop: the oldest pending event is attempted until it is delivered
/// or given up, then the next; idle while nothing is pending. Runs until the runtime stops.
async fn deliver_forever(inner: Arc<Inner>, index: usize) {
    let Some(hook) = inner.hooks.get(index) else {
        return;
    };
    let config = &inner.config;
    let max_attempts = config.max_attempts.max(1);
    loop {
        let next = lock(&hook.state).queue.front().cloned();
        let Some(item) = next else {
            // A `notify_one` that came before this wait left a permit: nothing is missed.
            hook.wake.notified().await;
            continue;
        };
        let mut attempts = 0u32;
        loop {
            let headers = delivery_headers(&hook.subscription_name, &item.id, attempts);
            let outcome =
                delivery::post(&hook.url, &headers, item.body.clone(), config.timeout).await;
            attempts += 1;
            let retry = {
                let mut state = lock(&hook.state);
                match outcome {
                    Outcome::Delivered => {
                        state.delivered += 1;
                        remove_head(&mut state, item.seq);
                    }
                    Outcome::Retry(error) if attempts < max_attempts => {
                        state.failed_attempts += 1;
                        state.last_error = Some(error);
                    }
                    Outcome::Retry(error) | Outcome::GiveUp(error) => {
                        state.failed_attempts += 1;
                        state.dropped += 1;
                        state.last_error = Some(error);
                        remove_head(&mut state, item.seq);
                    }
                }
                // Still at the head: not done with it yet.
                state.queue.front().is_some_and(|q| q.seq == item.seq)
            };
            if !retry {
                break;
            }
            let wait = backoff(config.retry_delay, config.max_retry_delay, attempts);
            tokio::time::sleep(wait).await;
        }
    }
}

fn remove_head(state: &mut HookState, seq: u64) {
    if state.queue.front().is_some_and(|q| q.seq == seq) {
        state.queue.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(n: u32) -> Event {
        Event {
            object_type: Object::Secret,
            kind: EventKind::NewVersionCreated,
            vault_url: "http://127.0.0.1:8443".into(),
            name: format!("s{n}"),
            version: format!("{n:032x}"),
            not_before: None,
            expires: None,
            time: 1_700_000_000 + i64::from(n),
        }
    }

    #[test]
    fn the_log_keeps_the_last_thousand() {
        let events = Events::default();
        for n in 0..1005 {
            events.publish(event(n));
        }
        let snapshot = events.snapshot();
        assert_eq!(snapshot["published"], 1005);
        let logged = snapshot["events"].as_array().unwrap();
        assert_eq!(logged.len(), LOG_CAPACITY);
        assert_eq!(logged[0]["subject"], "s5");
        assert_eq!(logged[999]["subject"], "s1004");
        assert_eq!(snapshot["webhooks"], json!([]));
        events.clear();
        assert_eq!(events.snapshot()["events"], json!([]));
        assert_eq!(events.snapshot()["published"], 0);
    }

    #[test]
    fn seeded_ids_repeat_and_differ_per_event() {
        let config = EventConfig {
            seed: Some(42),
            ..EventConfig::default()
        };
        let ids = |events: &Events| -> Vec<Value> {
            events.snapshot()["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].clone())
                .collect()
        };
        let (a, b) = (Events::new(config.clone()), Events::new(config));
        for events in [&a, &b] {
            events.publish(event(1));
            events.publish(event(2));
        }
        assert_eq!(ids(&a), ids(&b));
        assert_ne!(ids(&a)[0], ids(&a)[1]);
    }

    #[test]
    fn queues_fill_before_start_and_outside_a_runtime() {
        let config = EventConfig {
            webhooks: vec![parse_webhook("http://127.0.0.1:9/").unwrap()],
            ..EventConfig::default()
        };
        let events = Events::new(config);
        events.start(); // no runtime: nothing happens, no panic
        for n in 0..3 {
            events.publish(event(n));
        }
        let hook = &events.snapshot()["webhooks"][0];
        assert_eq!(hook["pending"], 3);
        assert_eq!(hook["subscriptionName"], "KEYVAULT-EMULATOR-1");
        assert_eq!(hook["url"], "http://127.0.0.1:9/");
        assert!(!events.inner.started.load(Ordering::SeqCst));
        assert!(format!("{events:?}").contains("started: false"));
    }
}

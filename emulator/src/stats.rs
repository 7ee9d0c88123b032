//! Request counters for `GET /_emulator/stats`: data-plane requests by `METHOD /route` (the
//! route template, e.g. `PUT /secrets/{name}`) and by status, plus injected faults and dropped
//! connections. Management requests are not counted, so a client test can prove that "no
//! request reached the server".

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use serde::Serialize;

#[derive(Debug, Default, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Counts {
    requests: u64,
    /// Method → route template → count.
    #[serde(skip)]
    routes: BTreeMap<String, BTreeMap<String, u64>>,
    by_status: BTreeMap<u16, u64>,
    faults: u64,
    dropped: u64,
}

/// What a request ended as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A response with this status (an injected failure included).
    Status(u16),
    /// An injected failure with this status.
    Fault(u16),
    /// The connection was closed without a response.
    Dropped,
}

/// The counters, shared by all connections.
#[derive(Debug, Default)]
pub struct Stats {
    inner: Mutex<Counts>,
}

/// Label of requests that matched no route.
pub const UNMATCHED: &str = "(unmatched)";

impl Stats {
    /// Counts one data-plane request; `route` is the matched route template.
    pub fn record(&self, method: &str, route: &str, outcome: Outcome) {
        let mut counts = self.lock();
        counts.requests += 1;
        let routes = match counts.routes.get_mut(method) {
            Some(routes) => routes,
            None => counts.routes.entry(method.to_owned()).or_default(),
        };
        match routes.get_mut(route) {
            Some(n) => *n += 1,
            None => {
                routes.insert(route.to_owned(), 1);
            }
        }
        match outcome {
            Outcome::Status(status) => *counts.by_status.entry(status).or_default() += 1,
            Outcome::Fault(status) => {
                counts.faults += 1;
                *counts.by_status.entry(status).or_default() += 1;
            }
            Outcome::Dropped => counts.dropped += 1,
        }
    }

    /// `{"requests","byRoute":{"PUT /secrets/{name}":n},"byStatus":{"200":n},"faults","dropped"}`.
    pub fn snapshot(&self) -> serde_json::Value {
        let counts = self.lock().clone();
        let by_route: BTreeMap<String, u64> = counts
            .routes
            .iter()
            .flat_map(|(method, routes)| {
                routes
                    .iter()
                    .map(move |(route, n)| (format!("{method} {route}"), *n))
            })
            .collect();
        let mut value = serde_json::to_value(&counts).unwrap_or_default();
        value["byRoute"] = serde_json::to_value(by_route).unwrap_or_default();
        value
    }

    /// Sets every counter to zero.
    pub fn reset(&self) {
        *self.lock() = Counts::default();
    }

    fn lock(&self) -> MutexGuard<'_, Counts> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_route_and_status() {
        let stats = Stats::default();
        stats.record("PUT", "/secrets/{name}", Outcome::Status(200));
        stats.record("PUT", "/secrets/{name}", Outcome::Fault(429));
        stats.record("GET", UNMATCHED, Outcome::Dropped);
        let snap = stats.snapshot();
        assert_eq!(snap["requests"], 3);
        assert_eq!(snap["byRoute"]["PUT /secrets/{name}"], 2);
        assert_eq!(snap["byRoute"]["GET (unmatched)"], 1);
        assert_eq!(snap["byStatus"]["200"], 1);
        assert_eq!(snap["byStatus"]["429"], 1);
        assert_eq!(
            (snap["faults"].clone(), snap["dropped"].clone()),
            (1.into(), 1.into())
        );
        stats.reset();
        assert_eq!(stats.snapshot()["requests"], 0);
    }
}

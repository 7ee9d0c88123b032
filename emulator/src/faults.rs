//! Fault injection: a data-plane request fails with probability `faultRate` (with one of
//! `faultStatuses`) or has its connection closed without any response with probability
//! `dropRate`. The decision is made in the middleware before the request reaches a handler,
//! so a faulted request never changes state. With `--seed` the sequence of decisions is
//! reproducible (for a given order of requests).
//!
//! Bodies: 429 is the service's throttling error as reported from a real exception dump
//! (`Throttled`, no `Retry-After` unless `--retry-after` asks for one); the other statuses use
//! codes of our own choosing (no real sample exists).

use std::sync::{Mutex, MutexGuard};

use axum::http::header::{HeaderValue, RETRY_AFTER};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// Statuses used when none are configured.
pub const DEFAULT_STATUSES: &[u16] = &[429, 503];

/// The fault settings, as flags and `/_emulator/faults` set them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultConfig {
    /// Probability (0..=1) that a request fails with one of `fault_statuses`.
    pub fault_rate: f64,
    /// Statuses an injected failure picks from (uniformly).
    pub fault_statuses: Vec<u16>,
    /// `Retry-After` seconds on injected 429s; `None` (or 0) sends no header, like the service.
    pub retry_after: Option<u64>,
    /// Probability (0..=1) that a request's connection is closed without a response.
    pub drop_rate: f64,
}

impl Default for FaultConfig {
    fn default() -> Self {
        FaultConfig {
            fault_rate: 0.0,
            fault_statuses: DEFAULT_STATUSES.to_vec(),
            retry_after: None,
            drop_rate: 0.0,
        }
    }
}

impl FaultConfig {
    /// Checks rates and statuses; the message names the bad field.
    pub fn validate(&self) -> Result<(), String> {
        for (name, rate) in [("faultRate", self.fault_rate), ("dropRate", self.drop_rate)] {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("{name} must be a number from 0 to 1, not {rate}"));
            }
        }
        if self.fault_statuses.is_empty() {
            return Err("faultStatuses must not be empty".into());
        }
        if let Some(s) = self
            .fault_statuses
            .iter()
            .find(|s| !(400..=599).contains(*s))
        {
            return Err(format!("faultStatuses: {s} is not a 4xx or 5xx status"));
        }
        Ok(())
    }
}

/// A change to the fault settings (`PUT /_emulator/faults`); absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultPatch {
    pub fault_rate: Option<f64>,
    pub fault_statuses: Option<Vec<u16>>,
    /// 0 removes the header.
    pub retry_after: Option<u64>,
    pub drop_rate: Option<f64>,
    /// Restarts the decision sequence from this seed.
    pub seed: Option<u64>,
}

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Pass,
    /// Close the connection without a response.
    Drop,
    /// Answer with this status.
    Fail(u16),
}

#[derive(Debug)]
struct Inner {
    config: FaultConfig,
    rng: fastrand::Rng,
}

/// The fault injector shared by all connections.
#[derive(Debug)]
pub struct Faults {
    inner: Mutex<Inner>,
}

/// Keeps the fault sequence independent of the version-id sequence for the same seed.
fn fault_rng(seed: Option<u64>) -> fastrand::Rng {
    seed.map_or_else(fastrand::Rng::new, |s| {
        fastrand::Rng::with_seed(s ^ 0x6661_756c_7473)
    })
}

impl Faults {
    pub fn new(config: FaultConfig, seed: Option<u64>) -> Self {
        Faults {
            inner: Mutex::new(Inner {
                config,
                rng: fault_rng(seed),
            }),
        }
    }

    /// Decides the fate of the next data-plane request.
    pub fn decide(&self) -> Decision {
        let mut inner = self.lock();
        let Inner { config, rng } = &mut *inner;
        if config.drop_rate > 0.0 && rng.f64() < config.drop_rate {
            return Decision::Drop;
        }
        if config.fault_rate > 0.0 && rng.f64() < config.fault_rate {
            let i = rng.usize(..config.fault_statuses.len());
            return Decision::Fail(config.fault_statuses[i]);
        }
        Decision::Pass
    }

    /// The current settings.
    pub fn config(&self) -> FaultConfig {
        self.lock().config.clone()
    }

    /// Applies `patch` if the result is valid; returns the new settings.
    pub fn update(&self, patch: FaultPatch) -> Result<FaultConfig, String> {
        let mut inner = self.lock();
        let mut config = inner.config.clone();
        if let Some(rate) = patch.fault_rate {
            config.fault_rate = rate;
        }
        if let Some(statuses) = patch.fault_statuses {
            config.fault_statuses = statuses;
        }
        if let Some(secs) = patch.retry_after {
            config.retry_after = (secs > 0).then_some(secs);
        }
        if let Some(rate) = patch.drop_rate {
            config.drop_rate = rate;
        }
        config.validate()?;
        inner.config = config.clone();
        if let Some(seed) = patch.seed {
            inner.rng = fault_rng(Some(seed));
        }
        Ok(config)
    }

    /// The response of an injected failure.
    pub fn response(&self, status: u16) -> Response {
        let retry_after = self.lock().config.retry_after;
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        let error = match status.as_u16() {
            429 => ApiError::new(
                status,
                "Throttled",
                "Request was not processed because too many requests were received. Reason: \
                 VaultRequestTypeLimitReached",
            ),
            500 => ApiError::new(
                status,
                "InternalServerError",
                "Internal server error (injected by keyvault-emulator).",
            ),
            502 => ApiError::new(
                status,
                "BadGateway",
                "Bad gateway (injected by keyvault-emulator).",
            ),
            503 => ApiError::new(
                status,
                "ServiceUnavailable",
                "The service is temporarily unavailable (injected by keyvault-emulator).",
            ),
            504 => ApiError::new(
                status,
                "GatewayTimeout",
                "Gateway timeout (injected by keyvault-emulator).",
            ),
            _ => ApiError::new(
                status,
                "InjectedFault",
                "A fault injected by keyvault-emulator.",
            ),
        };
        let mut response = error.into_response();
        if status == StatusCode::TOO_MANY_REQUESTS {
            if let Some(secs) = retry_after {
                response
                    .headers_mut()
                    .insert(RETRY_AFTER, HeaderValue::from(secs));
            }
        }
        response
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decisions(faults: &Faults, n: usize) -> Vec<Decision> {
        (0..n).map(|_| faults.decide()).collect()
    }

    #[test]
    fn seeded_sequences_repeat_and_rates_hold() {
        let config = FaultConfig {
            fault_rate: 0.3,
            drop_rate: 0.1,
            ..FaultConfig::default()
        };
        let a = decisions(&Faults::new(config.clone(), Some(9)), 2000);
        let b = decisions(&Faults::new(config, Some(9)), 2000);
        assert_eq!(a, b);
        let drops = a.iter().filter(|d| **d == Decision::Drop).count();
        let fails = a.iter().filter(|d| matches!(d, Decision::Fail(_))).count();
        assert!((140..=260).contains(&drops), "{drops}");
        assert!((440..=640).contains(&fails), "{fails}");
        assert!(a.iter().all(|d| matches!(
            d,
            Decision::Pass | Decision::Drop | Decision::Fail(429 | 503)
        )));
        let none = Faults::new(FaultConfig::default(), None);
        assert!(decisions(&none, 100).iter().all(|d| *d == Decision::Pass));
    }

    #[test]
    fn updates_are_validated_and_partial() {
        let faults = Faults::new(FaultConfig::default(), Some(1));
        let updated = faults
            .update(FaultPatch {
                fault_rate: Some(1.0),
                fault_statuses: Some(vec![500]),
                retry_after: Some(3),
                ..FaultPatch::default()
            })
            .unwrap();
        assert_eq!(updated.retry_after, Some(3));
        assert_eq!(updated.drop_rate, 0.0);
        assert_eq!(faults.decide(), Decision::Fail(500));
        for bad in [
            FaultPatch {
                fault_rate: Some(1.5),
                ..FaultPatch::default()
            },
            FaultPatch {
                drop_rate: Some(-0.1),
                ..FaultPatch::default()
            },
            FaultPatch {
                fault_statuses: Some(vec![]),
                ..FaultPatch::default()
            },
            FaultPatch {
                fault_statuses: Some(vec![200]),
                ..FaultPatch::default()
            },
        ] {
            assert!(faults.update(bad).is_err());
        }
        assert_eq!(faults.config(), updated);
    }

    #[test]
    fn throttling_carries_retry_after_only_when_asked() {
        let faults = Faults::new(FaultConfig::default(), None);
        let plain = faults.response(429);
        assert_eq!(plain.status(), 429);
        assert!(plain.headers().get(RETRY_AFTER).is_none());
        faults
            .update(FaultPatch {
                retry_after: Some(2),
                ..FaultPatch::default()
            })
            .unwrap();
        assert_eq!(faults.response(429).headers()[RETRY_AFTER], "2");
        assert!(faults.response(503).headers().get(RETRY_AFTER).is_none());
    }
}

//! Sending an operation: vault URL and api-version, the challenge handshake, the token cache,
//! retries.
//!
//! The handshake is the one the official SDKs use: the first request goes out without a token
//! and without a body; the service answers 401 with a challenge naming the token's resource and
//! tenant; the client verifies the resource, asks the credential, and sends the real request.
//! Later requests reuse the challenge and the cached token. A token is refreshed in the
//! background once it is within two minutes of expiry, and waited for only within 30 seconds.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use super::challenge::{self, Challenge};
use super::error::{Error, Result};
use super::request::{service_error, HttpRequest, HttpResponse, Method, Operation};
use super::retry::{self, RetryOptions};
use super::vault_url::VaultUrl;

/// Within this many milliseconds of expiry a token is refreshed in the background.
pub const TOKEN_REFRESH_MARGIN_MS: f64 = 120_000.0;
/// Within this many milliseconds of expiry a token is no longer used: calls wait for a new one.
pub const TOKEN_MIN_VALIDITY_MS: f64 = 30_000.0;

#[derive(Debug, Clone, PartialEq)]
pub struct AccessToken {
    pub token: String,
    /// Milliseconds since the epoch; `None` when the credential did not say (then not cached).
    pub expires_on_ms: Option<f64>,
}

/// What the platform provides to one call: a transport, the credential, timers, a clock.
pub trait Host {
    fn send(&self, request: HttpRequest) -> impl Future<Output = Result<HttpResponse>>;
    /// Asks the credential for a token for `challenge.scope` (with its tenant and claims).
    /// Concurrent calls for the same challenge share one credential call. The future owns
    /// what it needs, so it can outlive the call that started it (background refresh).
    fn get_token(&self, challenge: &Challenge) -> impl Future<Output = Result<AccessToken>> + 'static;
    /// Runs a task on its own (a background token refresh).
    fn spawn(&self, task: impl Future<Output = ()> + 'static);
    /// Waits; fails early when the call is aborted.
    fn sleep(&self, ms: f64) -> impl Future<Output = Result<()>>;
    fn now_ms(&self) -> f64;
    /// Uniform in [0, 1), for backoff jitter.
    fn random(&self) -> f64;
    /// The call was aborted: nothing more is sent for it.
    fn aborted(&self) -> bool;
}

#[derive(Debug, Clone)]
pub struct Config {
    pub vault: VaultUrl,
    pub api_version: String,
    pub verify_challenge_resource: bool,
    pub retry: RetryOptions,
    /// The `User-Agent` header (sent as `x-ms-useragent` by the browser transport, since
    /// browsers do not let a page set `User-Agent`).
    pub user_agent: String,
}

/// `keyvault-keys-wasm/<version>`, after the caller's prefix if any.
pub fn user_agent(prefix: Option<&str>) -> String {
    let ours = concat!("keyvault-keys-wasm/", env!("CARGO_PKG_VERSION"));
    match prefix {
        Some(p) if !p.is_empty() => format!("{p} {ours}"),
        _ => ours.to_string(),
    }
}

struct CachedToken {
    token: String,
    expires_on_ms: f64,
    scope: String,
    tenant_id: Option<String>,
}

#[derive(Default)]
struct AuthState {
    challenge: Option<Challenge>,
    token: Option<CachedToken>,
    refreshing: bool,
}

impl AuthState {
    fn store(&mut self, challenge: &Challenge, at: &AccessToken) {
        self.token = at.expires_on_ms.filter(|e| e.is_finite()).map(|expires_on_ms| CachedToken {
            token: at.token.clone(),
            expires_on_ms,
            scope: challenge.scope.clone(),
            tenant_id: challenge.tenant_id.clone(),
        });
    }
}

pub struct Pipeline {
    pub config: Config,
    state: Rc<RefCell<AuthState>>,
}

/// How one attempt ended, for the retry loop.
enum Attempt {
    Response(HttpResponse),
    NoResponse(Error),
}

impl Pipeline {
    pub fn new(config: Config) -> Self {
        Pipeline { config, state: Rc::default() }
    }

    fn request(&self, op: &Operation, token: Option<&str>) -> HttpRequest {
        let sep = if op.path.contains('?') { '&' } else { '?' };
        let url = if op.path.contains("api-version=") {
            format!("{}{}", self.config.vault.origin, op.path)
        } else {
            format!("{}{}{sep}api-version={}", self.config.vault.origin, op.path, self.config.api_version)
        };
        let mut headers =
            vec![("accept", "application/json".to_string()), ("user-agent", self.config.user_agent.clone())];
        // Without a token the request is only the challenge probe: no body goes out before the
        // client knows whom it is talking to.
        let body = token.and(op.body.clone());
        if body.is_some() {
            headers.push(("content-type", "application/json".to_string()));
        }
        if let Some(t) = token {
            headers.push(("authorization", format!("Bearer {t}")));
        }
        HttpRequest { method: op.method, url, headers, body }
    }

    /// Parses and verifies a challenge; only a verified challenge is remembered, and never
    /// with its one-off CAE claims. A CAE challenge names no resource: it asks for the claims
    /// on a token for the challenge already known.
    fn accept_challenge(&self, response: &HttpResponse) -> Result<Challenge> {
        let Some(header) = response.header("www-authenticate") else {
            return Err(service_error(response));
        };
        let known = self.state.borrow().challenge.clone();
        if let (Some(known), Some(claims)) = (known, challenge::cae_claims(header)) {
            if challenge::parse(header, None).is_err() {
                return Ok(Challenge { claims: Some(claims), ..known });
            }
        }
        let verify = self.config.verify_challenge_resource.then_some(self.config.vault.host.as_str());
        let challenge = challenge::parse(header, verify)?;
        self.state.borrow_mut().challenge = Some(Challenge { claims: None, ..challenge.clone() });
        Ok(challenge)
    }

    /// A token for `challenge`, and whether it came from the cache.
    async fn token<H: Host>(&self, host: &H, challenge: &Challenge) -> Result<(String, bool)> {
        if challenge.claims.is_none() {
            let now = host.now_ms();
            let cached = {
                let state = self.state.borrow();
                state
                    .token
                    .as_ref()
                    .filter(|t| t.scope == challenge.scope && t.tenant_id == challenge.tenant_id)
                    .map(|t| (t.token.clone(), t.expires_on_ms - now))
            };
            if let Some((token, left)) = cached {
                if left > TOKEN_REFRESH_MARGIN_MS {
                    return Ok((token, true));
                }
                if left > TOKEN_MIN_VALIDITY_MS {
                    self.refresh_in_background(host, challenge);
                    return Ok((token, true));
                }
            }
        }
        let at = host.get_token(challenge).await?;
        if at.token.is_empty() {
            return Err(Error::auth("the credential returned an empty token"));
        }
        self.state.borrow_mut().store(challenge, &at);
        Ok((at.token, false))
    }

    fn refresh_in_background<H: Host>(&self, host: &H, challenge: &Challenge) {
        if std::mem::replace(&mut self.state.borrow_mut().refreshing, true) {
            return;
        }
        let state = self.state.clone();
        let fetch = host.get_token(challenge);
        let challenge = challenge.clone();
        host.spawn(async move {
            let result = fetch.await;
            let mut state = state.borrow_mut();
            state.refreshing = false;
            // A failure is not reported here: the token in hand is still good, and the call
            // that finally needs a new one asks again and reports what goes wrong.
            if let Some(at) = result.ok().filter(|at| !at.token.is_empty()) {
                state.store(&challenge, &at);
            }
        });
    }

    /// One attempt, including the challenge handshake: the service's answer, whatever its
    /// status, or the failure that prevented one.
    async fn attempt<H: Host>(&self, host: &H, op: &Operation) -> Result<Attempt> {
        let no_response = |e: Error| match e {
            Error::Transport { .. } => Ok(Attempt::NoResponse(e)),
            other => Err(other),
        };
        let known = self.state.borrow().challenge.clone();
        let challenge = match known {
            Some(c) => c,
            None => {
                let probe = match host.send(self.request(op, None)).await {
                    Ok(r) => r,
                    Err(e) => return no_response(e),
                };
                if probe.status != 401 {
                    return Ok(Attempt::Response(probe));
                }
                self.accept_challenge(&probe)?
            }
        };
        let (token, from_cache) = self.token(host, &challenge).await?;
        let response = match host.send(self.request(op, Some(&token))).await {
            Ok(r) => r,
            Err(e) => return no_response(e),
        };
        if response.status != 401 || response.header("www-authenticate").is_none() {
            return Ok(Attempt::Response(response));
        }
        // The token was refused. One more try is worth it when the token was an old one, or
        // when the service now asks for something else (another tenant, CAE claims).
        let renewed = self.accept_challenge(&response)?;
        if !(from_cache || renewed != challenge) {
            return Ok(Attempt::Response(response));
        }
        self.state.borrow_mut().token = None;
        let (token, _) = self.token(host, &renewed).await?;
        match host.send(self.request(op, Some(&token))).await {
            Ok(r) => Ok(Attempt::Response(r)),
            Err(e) => no_response(e),
        }
    }

    /// Sends `op`, retrying transient failures, and returns the successful response or the
    /// error the service answered with.
    pub async fn send<H: Host>(&self, host: &H, op: &Operation) -> Result<HttpResponse> {
        let started = host.now_ms();
        let mut retry = 0;
        loop {
            let outcome = self.attempt(host, op).await?;
            let (response, failure) = match outcome {
                Attempt::Response(r) if r.is_success() => return Ok(r),
                Attempt::Response(r) => (Some(r), None),
                Attempt::NoResponse(e) => (None, Some(e)),
            };
            let now = host.now_ms();
            let delay = if host.aborted() {
                None
            } else {
                retry::delay_before_retry(&self.config.retry, retry, response.as_ref(), now - started, now, host.random())
            };
            let Some(delay) = delay else {
                return Err(match (response, failure) {
                    (Some(r), _) => service_error(&r),
                    (None, Some(e)) => e,
                    (None, None) => Error::Transport { message: "no response".into() },
                });
            };
            host.sleep(delay).await?;
            retry += 1;
        }
    }

    /// The operation for a page's `nextLink` (or a caller's continuation token). It must point at
    /// this vault: a token is never sent to another origin.
    pub fn next_page(&self, next_link: &str) -> Result<Operation> {
        let refuse = || Error::range_error(format!("continuationToken is not a page link of {}", self.config.vault.origin));
        let after_scheme = next_link.find("://").ok_or_else(refuse)? + 3;
        let path_at = next_link[after_scheme..].find('/').map(|i| i + after_scheme).ok_or_else(refuse)?;
        let origin = VaultUrl::parse(&next_link[..path_at], true).map_err(|_| refuse())?;
        if origin.origin != self.config.vault.origin || next_link[path_at..].contains(['#', ' ']) {
            return Err(refuse());
        }
        Ok(Operation { method: Method::Get, path: next_link[path_at..].to_string(), body: None })
    }
}

//! Sending an operation: vault URL and api-version, the challenge handshake, the token cache,
//! retries. A state machine with no I/O of its own: the host sends, sleeps and asks the
//! credential when an [`Action`] says so, and reports back what happened. So the same rules run
//! natively in tests and in the wasm module, and no future, timer or promise lives in Rust.
//!
//! The handshake is the one the official SDKs use: the first request goes out without a token
//! and without a body; the service answers 401 with a challenge naming the token's resource and
//! tenant; the client verifies the resource, asks the credential, and sends the real request.
//! Later requests reuse the challenge and the cached token. A token is refreshed in the
//! background once it is within two minutes of expiry, and waited for only within 30 seconds.
//!
//! The token's text never enters the core: the host keeps it. The core keeps what the rules
//! need: for which challenge the cached token is, and until when it is good.

use super::challenge::{self, Challenge};
use super::error::Error;
use super::retry::{self, Outcome, RetryOptions, TransportFailure};
use super::text::{concat, find};
use super::vault_url::VaultUrl;

/// Within this many milliseconds of expiry a token is refreshed in the background.
pub const TOKEN_REFRESH_MARGIN_MS: f64 = 120_000.0;
/// Within this many milliseconds of expiry a token is no longer used: calls wait for a new one.
pub const TOKEN_MIN_VALIDITY_MS: f64 = 30_000.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Patch,
    Post,
    Delete,
}

/// One operation, before the pipeline adds the api-version and the host adds the vault, the
/// headers and the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub method: Method,
    /// Starts with `/`, may carry a query. Built only from validated names and versions, so it
    /// needs no escaping.
    pub path: String,
    pub body: Option<String>,
}

/// The parts of a response the pipeline reads.
#[derive(Debug, Clone, Copy, Default)]
pub struct Response<'a> {
    pub status: u16,
    pub www_authenticate: Option<&'a str>,
    pub retry_after: Option<&'a str>,
    pub retry_after_ms: Option<&'a str>,
    pub x_ms_retry_after_ms: Option<&'a str>,
}

impl Response<'_> {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Which token a request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// None, and no body either: the challenge probe.
    None,
    /// The cached token (just obtained, if the previous action was [`Action::Token`]: the host
    /// caches that one now).
    Cached,
    /// The token just obtained for this call, which is not cached (it named no expiry).
    Own,
}

/// How a call ended without a result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The service's answer (the last response the host reported) is the error.
    Service,
    /// No response arrived (the last failure the host reported is the error), and the host
    /// said why. Final at once when the failure is not transient; else the retries ran out.
    Transport(TransportFailure),
    /// The authentication challenge could not be used.
    Authentication(String),
    /// The host reported something the call was not waiting for (a host bug).
    OutOfOrder,
}

/// What the host does next for a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send [`Call::method`] to [`Call::path`], with [`Call::body`] unless `auth` is
    /// [`Auth::None`]; then report [`Pipeline::on_response`] or [`Pipeline::on_transport_failure`].
    /// With `refresh`, also ask the credential for a new token for [`Pipeline::refreshing`] in
    /// the background, and report it with [`Pipeline::on_refreshed`].
    Send {
        auth: Auth,
        refresh: bool,
    },
    /// Ask the credential for a token for [`Call::challenge`], then report
    /// [`Pipeline::on_token`] (a credential failure ends the call).
    Token,
    /// Wait this many milliseconds, then report [`Pipeline::on_slept`].
    Sleep(u64),
    /// The last response is the result.
    Done,
    Fail(Failure),
}

#[derive(Debug, Clone)]
enum State {
    Probe,
    Token {
        challenge: Challenge,
        after_refusal: bool,
    },
    Sent {
        challenge: Challenge,
        from_cache: bool,
        after_refusal: bool,
    },
    Sleeping,
    Finished,
}

/// One operation in flight.
#[derive(Debug, Clone)]
pub struct Call {
    method: Method,
    path: String,
    body: Option<String>,
    retry: u32,
    started_ms: f64,
    state: State,
}

impl Call {
    pub fn method(&self) -> Method {
        self.method
    }

    /// The path and query, api-version included.
    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn body(&self) -> Option<&str> {
        self.body.as_deref()
    }

    /// The challenge to ask the credential for, while the call waits for a token.
    pub fn challenge(&self) -> Option<&Challenge> {
        match &self.state {
            State::Token { challenge, .. } => Some(challenge),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub vault: VaultUrl,
    pub api_version: String,
    pub verify_challenge_resource: bool,
    pub retry: RetryOptions,
    /// The `User-Agent` header.
    pub user_agent: String,
}

/// `keyvault-keys-wasm/<version>`, after the caller's prefix if any.
pub fn user_agent(prefix: Option<&str>) -> String {
    let ours = concat!("keyvault-keys-wasm/", env!("CARGO_PKG_VERSION"));
    match prefix {
        Some(p) if !p.is_empty() => concat(&[p, " ", ours]),
        _ => ours.to_string(),
    }
}

/// What the core knows of the cached token; the host holds its text.
#[derive(Debug, Clone)]
struct CachedToken {
    expires_on_ms: f64,
    scope: String,
    tenant_id: Option<String>,
}

impl CachedToken {
    fn new(challenge: &Challenge, expires_on_ms: f64) -> Option<Self> {
        expires_on_ms.is_finite().then(|| CachedToken {
            expires_on_ms,
            scope: challenge.scope.clone(),
            tenant_id: challenge.tenant_id.clone(),
        })
    }
}

/// A client's pipeline: its configuration and what it has learned (challenge, token).
pub struct Pipeline {
    pub config: Config,
    challenge: Option<Challenge>,
    token: Option<CachedToken>,
    refreshing: Option<Challenge>,
    /// xorshift64 state, for backoff jitter.
    random: u64,
}

impl Pipeline {
    /// `seed` makes the backoff jitter; any value works.
    pub fn new(config: Config, seed: u64) -> Self {
        Pipeline {
            config,
            challenge: None,
            token: None,
            refreshing: None,
            random: seed | 1,
        }
    }

    /// Uniform in [0, 1).
    fn next_random(&mut self) -> f64 {
        let mut x = self.random;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.random = x;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Starts `op` at `now_ms`.
    pub fn start(&mut self, op: Operation, now_ms: f64) -> (Call, Action) {
        let path = if find(&op.path, "api-version=").is_some() {
            op.path
        } else {
            let sep = if op.path.contains('?') { "&" } else { "?" };
            concat(&[&op.path, sep, "api-version=", &self.config.api_version])
        };
        let mut call = Call {
            method: op.method,
            path,
            body: op.body,
            retry: 0,
            started_ms: now_ms,
            state: State::Finished,
        };
        let action = self.attempt(&mut call, now_ms);
        (call, action)
    }

    fn attempt(&mut self, call: &mut Call, now_ms: f64) -> Action {
        match self.challenge.clone() {
            Some(challenge) => self.with_token(call, challenge, false, now_ms),
            None => {
                call.state = State::Probe;
                Action::Send {
                    auth: Auth::None,
                    refresh: false,
                }
            }
        }
    }

    /// Sends with the cached token if it is good for `challenge`, or asks for one.
    fn with_token(
        &mut self,
        call: &mut Call,
        challenge: Challenge,
        after_refusal: bool,
        now_ms: f64,
    ) -> Action {
        let cached = self
            .token
            .as_ref()
            .filter(|t| {
                challenge.claims.is_none()
                    && t.scope == challenge.scope
                    && t.tenant_id == challenge.tenant_id
            })
            .map(|t| t.expires_on_ms - now_ms);
        match cached {
            Some(left) if left > TOKEN_MIN_VALIDITY_MS => {
                let refresh = left <= TOKEN_REFRESH_MARGIN_MS && self.refreshing.is_none();
                if refresh {
                    self.refreshing = Some(challenge.clone());
                }
                call.state = State::Sent {
                    challenge,
                    from_cache: true,
                    after_refusal,
                };
                Action::Send {
                    auth: Auth::Cached,
                    refresh,
                }
            }
            _ => {
                call.state = State::Token {
                    challenge,
                    after_refusal,
                };
                Action::Token
            }
        }
    }

    /// The challenge a background refresh (an [`Action::Send`] with `refresh`) is for.
    pub fn refreshing(&self) -> Option<&Challenge> {
        self.refreshing.as_ref()
    }

    /// The credential answered a background refresh: with a token good until `expires_on_ms`
    /// (`NaN` when it named no expiry, or failed). Returns whether the host caches the new token.
    /// A failure is not reported: the token in hand is still good, and the call that finally
    /// needs a new one asks again and reports what goes wrong.
    pub fn on_refreshed(&mut self, expires_on_ms: f64) -> bool {
        let Some(challenge) = self.refreshing.take() else {
            return false;
        };
        match CachedToken::new(&challenge, expires_on_ms) {
            Some(t) => {
                self.token = Some(t);
                true
            }
            None => false,
        }
    }

    /// The credential gave a token for the call's challenge, good until `expires_on_ms` (`NaN`
    /// when it named no expiry: then it is used for this call only).
    pub fn on_token(&mut self, call: &mut Call, expires_on_ms: f64) -> Action {
        let State::Token {
            challenge,
            after_refusal,
        } = std::mem::replace(&mut call.state, State::Finished)
        else {
            return out_of_order(call);
        };
        let cached = CachedToken::new(&challenge, expires_on_ms);
        let auth = if cached.is_some() {
            Auth::Cached
        } else {
            Auth::Own
        };
        if cached.is_some() {
            self.token = cached;
        }
        call.state = State::Sent {
            challenge,
            from_cache: false,
            after_refusal,
        };
        Action::Send {
            auth,
            refresh: false,
        }
    }

    /// Parses and verifies a challenge; only a verified challenge is remembered, and never
    /// with its one-off CAE claims. A CAE challenge names no resource: it asks for the claims
    /// on a token for the challenge already known.
    fn accept_challenge(&mut self, response: &Response) -> Result<Challenge, Failure> {
        let Some(header) = response.www_authenticate else {
            return Err(Failure::Service);
        };
        if let (Some(known), Some(claims)) = (&self.challenge, challenge::cae_claims(header)) {
            if challenge::parse(header, None).is_err() {
                return Ok(Challenge {
                    claims: Some(claims),
                    ..known.clone()
                });
            }
        }
        let verify = self
            .config
            .verify_challenge_resource
            .then_some(self.config.vault.host.as_str());
        let challenge = challenge::parse(header, verify)
            .map_err(|e: Error| Failure::Authentication(e.message().into()))?;
        self.challenge = Some(Challenge {
            claims: None,
            ..challenge.clone()
        });
        Ok(challenge)
    }

    /// The service answered the request the last [`Action::Send`] asked for.
    pub fn on_response(&mut self, call: &mut Call, response: &Response, now_ms: f64) -> Action {
        match std::mem::replace(&mut call.state, State::Finished) {
            State::Probe => {
                if response.status != 401 {
                    return self.answered(call, response, now_ms);
                }
                match self.accept_challenge(response) {
                    Ok(challenge) => self.with_token(call, challenge, false, now_ms),
                    Err(failure) => Action::Fail(failure),
                }
            }
            State::Sent {
                challenge,
                from_cache,
                after_refusal,
            } => {
                if response.status != 401 || response.www_authenticate.is_none() || after_refusal {
                    return self.answered(call, response, now_ms);
                }
                // The token was refused. One more try is worth it when the token was an old
                // one, or when the service now asks for something else (another tenant, CAE
                // claims).
                let renewed = match self.accept_challenge(response) {
                    Ok(c) => c,
                    Err(failure) => return Action::Fail(failure),
                };
                if !(from_cache || renewed != challenge) {
                    return self.answered(call, response, now_ms);
                }
                self.token = None;
                self.with_token(call, renewed, true, now_ms)
            }
            _ => out_of_order(call),
        }
    }

    /// The request the last [`Action::Send`] asked for got no response, for the reason `failure`
    /// (the host's classification of its transport's error).
    pub fn on_transport_failure(
        &mut self,
        call: &mut Call,
        failure: TransportFailure,
        now_ms: f64,
    ) -> Action {
        match call.state {
            State::Probe | State::Sent { .. } => {
                self.outcome(call, Outcome::NoResponse(failure), now_ms)
            }
            _ => out_of_order(call),
        }
    }

    /// The wait the last [`Action::Sleep`] asked for is over.
    pub fn on_slept(&mut self, call: &mut Call, now_ms: f64) -> Action {
        if !matches!(call.state, State::Sleeping) {
            return out_of_order(call);
        }
        call.retry += 1;
        self.attempt(call, now_ms)
    }

    /// A response that ends the try: the result, or an error to retry or fail with.
    fn answered(&mut self, call: &mut Call, response: &Response, now_ms: f64) -> Action {
        if response.is_success() {
            call.state = State::Finished;
            return Action::Done;
        }
        self.outcome(call, Outcome::Answered(response), now_ms)
    }

    /// A try that failed: a retry after a wait, or the call's failure.
    fn outcome(&mut self, call: &mut Call, outcome: Outcome, now_ms: f64) -> Action {
        let random = self.next_random();
        let elapsed = now_ms - call.started_ms;
        match retry::delay_before_retry(
            &self.config.retry,
            call.retry,
            outcome,
            elapsed,
            now_ms,
            random,
        ) {
            Some(ms) => {
                call.state = State::Sleeping;
                Action::Sleep(ms.ceil() as u64)
            }
            None => {
                call.state = State::Finished;
                Action::Fail(match outcome {
                    Outcome::Answered(_) => Failure::Service,
                    Outcome::NoResponse(f) => Failure::Transport(f),
                })
            }
        }
    }

    /// The operation for a page's `nextLink` (or a caller's continuation token). It must point at
    /// this vault: a token is never sent to another origin.
    pub fn next_page(&self, next_link: &str) -> Result<Operation, Error> {
        let refuse = || {
            Error::range_error(concat(&[
                "continuationToken is not a page link of ",
                &self.config.vault.origin,
            ]))
        };
        let after_scheme = find(next_link, "://").ok_or_else(refuse)? + 3;
        let path_at = next_link
            .get(after_scheme..)
            .and_then(|rest| rest.find('/'))
            .map(|i| i + after_scheme)
            .ok_or_else(refuse)?;
        let (origin, path) = next_link.split_at_checked(path_at).ok_or_else(refuse)?;
        let origin = VaultUrl::parse(origin, true).map_err(|_| refuse())?;
        if origin.origin != self.config.vault.origin || path.contains(['#', ' ']) {
            return Err(refuse());
        }
        Ok(Operation {
            method: Method::Get,
            path: path.to_string(),
            body: None,
        })
    }
}

/// A report that does not fit the call's state: a host bug. The call ends rather than guess.
fn out_of_order(call: &mut Call) -> Action {
    call.state = State::Finished;
    Action::Fail(Failure::OutOfOrder)
}

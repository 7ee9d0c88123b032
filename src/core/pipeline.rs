//! Sending an operation: vault URL and api-version, the challenge handshake, the token cache.
//!
//! The handshake is the one the official SDKs use: the first request goes out without a token
//! and without a body; the service answers 401 with a challenge naming the token's resource and
//! tenant; the client verifies the resource, asks the credential, and sends the real request.
//! Later requests reuse the challenge and the cached token.

use std::cell::RefCell;
use std::future::Future;

use super::challenge::{self, Challenge};
use super::error::{Error, Result};
use super::request::{service_error, HttpRequest, HttpResponse, Operation};
use super::vault_url::VaultUrl;

/// A token is not used when it expires within this many milliseconds.
pub const TOKEN_REFRESH_MARGIN_MS: f64 = 120_000.0;

#[derive(Debug, Clone, PartialEq)]
pub struct AccessToken {
    pub token: String,
    /// Milliseconds since the epoch; `None` when the credential did not say (then not cached).
    pub expires_on_ms: Option<f64>,
}

/// What the platform provides: a transport, the credential, and a clock.
pub trait Host {
    fn send(&self, request: HttpRequest) -> impl Future<Output = Result<HttpResponse>>;
    /// Asks the credential for a token for `challenge.scope` (with its tenant and claims).
    /// Concurrent calls for the same challenge should share one credential call.
    fn get_token(&self, challenge: &Challenge) -> impl Future<Output = Result<AccessToken>>;
    fn now_ms(&self) -> f64;
}

#[derive(Debug, Clone)]
pub struct Config {
    pub vault: VaultUrl,
    pub api_version: String,
    pub verify_challenge_resource: bool,
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
}

pub struct Pipeline {
    pub config: Config,
    state: RefCell<AuthState>,
}

impl Pipeline {
    pub fn new(config: Config) -> Self {
        Pipeline { config, state: RefCell::default() }
    }

    fn request(&self, op: &Operation, token: Option<&str>) -> HttpRequest {
        let sep = if op.path.contains('?') { '&' } else { '?' };
        let url = if op.path.contains("api-version=") {
            format!("{}{}", self.config.vault.origin, op.path)
        } else {
            format!("{}{}{sep}api-version={}", self.config.vault.origin, op.path, self.config.api_version)
        };
        let mut headers = vec![("accept", "application/json".to_string())];
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

    /// Parses and verifies a challenge; only a verified challenge is remembered.
    fn accept_challenge(&self, response: HttpResponse) -> Result<Challenge> {
        let Some(header) = response.header("www-authenticate") else {
            return Err(response.into_result().err().unwrap_or_else(|| Error::auth("unexpected 401")));
        };
        let verify = self.config.verify_challenge_resource.then_some(self.config.vault.host.as_str());
        let challenge = challenge::parse(header, verify)?;
        self.state.borrow_mut().challenge = Some(challenge.clone());
        Ok(challenge)
    }

    fn cached_token(&self, challenge: &Challenge, now_ms: f64) -> Option<String> {
        let state = self.state.borrow();
        let t = state.token.as_ref()?;
        let usable = t.scope == challenge.scope
            && t.tenant_id == challenge.tenant_id
            && now_ms < t.expires_on_ms - TOKEN_REFRESH_MARGIN_MS;
        usable.then(|| t.token.clone())
    }

    /// A token for `challenge`, and whether it came from the cache.
    async fn token<H: Host>(&self, host: &H, challenge: &Challenge) -> Result<(String, bool)> {
        if challenge.claims.is_none() {
            if let Some(t) = self.cached_token(challenge, host.now_ms()) {
                return Ok((t, true));
            }
        }
        let at = host.get_token(challenge).await?;
        if at.token.is_empty() {
            return Err(Error::auth("the credential returned an empty token"));
        }
        self.state.borrow_mut().token = at.expires_on_ms.filter(|e| e.is_finite()).map(|expires_on_ms| CachedToken {
            token: at.token.clone(),
            expires_on_ms,
            scope: challenge.scope.clone(),
            tenant_id: challenge.tenant_id.clone(),
        });
        Ok((at.token, false))
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
        Ok(Operation { method: super::request::Method::Get, path: next_link[path_at..].to_string(), body: None })
    }

    /// Sends `op` and returns the successful response, or the error the service answered with.
    pub async fn send<H: Host>(&self, host: &H, op: &Operation) -> Result<HttpResponse> {
        let known = self.state.borrow().challenge.clone();
        let challenge = match known {
            Some(c) => c,
            None => {
                let probe = host.send(self.request(op, None)).await?;
                if probe.status != 401 {
                    return probe.into_result();
                }
                self.accept_challenge(probe)?
            }
        };
        let (token, from_cache) = self.token(host, &challenge).await?;
        let response = host.send(self.request(op, Some(&token))).await?;
        if response.status != 401 || response.header("www-authenticate").is_none() {
            return response.into_result();
        }
        // The token was refused. One more try is worth it when the token was an old one, or
        // when the service now asks for something else (another tenant, CAE claims).
        let refused = service_error(&response);
        let renewed = self.accept_challenge(response)?;
        if from_cache || renewed != challenge {
            self.state.borrow_mut().token = None;
            let (token, _) = self.token(host, &renewed).await?;
            return host.send(self.request(op, Some(&token))).await?.into_result();
        }
        Err(refused)
    }
}

//! Whole secrets-plane operations against a scripted host (no network): the host does what the
//! pipeline's actions say, as `js/pipeline.mjs` does, and the tests check what went out.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::VecDeque;

use keyvault_keys_wasm::core::challenge::Challenge;
use keyvault_keys_wasm::core::duration::{unix_seconds, Duration};
use keyvault_keys_wasm::core::error::Result;
use keyvault_keys_wasm::core::listing::Listing;
use keyvault_keys_wasm::core::pipeline::{
    user_agent, Action, Auth, Call, Config, Failure, Method, Response,
};
use keyvault_keys_wasm::core::retry::{RetryOptions, TransportFailure};
use keyvault_keys_wasm::core::secrets::{SecretOptions, SecretsClient};
use keyvault_keys_wasm::core::vault_url::VaultUrl;
use keyvault_keys_wasm::core::Error;

const CHALLENGE: &str = r#"Bearer authorization="https://login.microsoftonline.com/tenant-a", resource="https://vault.azure.net""#;

/// A scripted answer: a status with headers, or no response at all (and why).
enum Scripted {
    Answer(u16, Vec<(&'static str, String)>),
    NoResponse(TransportFailure),
}

#[derive(Debug, Clone, PartialEq)]
struct Sent {
    method: Method,
    path: String,
    body: Option<String>,
    /// The token the request carried.
    token: Option<String>,
}

/// How a call ended, as the host sees it.
#[derive(Debug, PartialEq)]
enum Outcome {
    /// The last response is the result.
    Done,
    Failed(Failure),
}

/// The host: scripted responses, a settable clock, the credential (which numbers its tokens),
/// and a record of requests, credential calls and waits.
#[derive(Default)]
struct Script {
    responses: VecDeque<Scripted>,
    sent: Vec<Sent>,
    token_calls: Vec<Challenge>,
    /// What the credential says about its tokens' expiry (`NaN`: nothing).
    token_expiry: Option<f64>,
    now: f64,
    slept: Vec<f64>,
    /// The cached token's text, which the core never sees.
    cached: Option<String>,
    /// A background refresh the core asked for, not yet answered.
    refresh: Option<Challenge>,
}

impl Script {
    fn respond(&mut self, status: u16, headers: &[(&'static str, &str)]) {
        self.responses.push_back(Scripted::Answer(
            status,
            headers.iter().map(|(n, v)| (*n, v.to_string())).collect(),
        ));
    }
    fn unauthorized(&mut self, challenge: &str) {
        self.respond(401, &[("www-authenticate", challenge)]);
    }
    fn ok(&mut self) {
        self.respond(200, &[]);
    }
    fn fail(&mut self) {
        self.fail_with(TransportFailure::Connection);
    }
    fn fail_with(&mut self, failure: TransportFailure) {
        self.responses.push_back(Scripted::NoResponse(failure));
    }
    fn new_token(&mut self, challenge: Challenge) -> String {
        self.token_calls.push(challenge);
        format!("token-{}", self.token_calls.len())
    }
    fn expiry(&self) -> f64 {
        self.token_expiry.unwrap_or(f64::NAN)
    }

    /// Drives one started call to its end.
    fn run(&mut self, client: &mut SecretsClient, started: Result<(Call, Action)>) -> Outcome {
        let (mut call, mut action) = started.expect("the operation should start");
        let p = &mut client.pipeline;
        let mut own = None;
        loop {
            action = match action {
                Action::Send { auth, refresh } => {
                    if refresh {
                        self.refresh = p.refreshing().cloned();
                        assert!(self.refresh.is_some(), "a refresh names its challenge");
                    }
                    let token = match auth {
                        Auth::None => None,
                        Auth::Cached => self.cached.clone(),
                        Auth::Own => own.clone(),
                    };
                    assert!(
                        auth == Auth::None || token.is_some(),
                        "a token is in hand when one is asked for"
                    );
                    let body = if auth == Auth::None {
                        None
                    } else {
                        call.body().map(str::to_string)
                    };
                    self.sent.push(Sent {
                        method: call.method(),
                        path: call.path().to_string(),
                        body,
                        token,
                    });
                    let next = self
                        .responses
                        .pop_front()
                        .unwrap_or(Scripted::NoResponse(TransportFailure::Connection));
                    match next {
                        Scripted::NoResponse(failure) => {
                            p.on_transport_failure(&mut call, failure, self.now)
                        }
                        Scripted::Answer(status, headers) => {
                            let get = |name: &str| {
                                headers
                                    .iter()
                                    .find(|(n, _)| *n == name)
                                    .map(|(_, v)| v.as_str())
                            };
                            let response = Response {
                                status,
                                www_authenticate: get("www-authenticate"),
                                retry_after: get("retry-after"),
                                retry_after_ms: get("retry-after-ms"),
                                x_ms_retry_after_ms: get("x-ms-retry-after-ms"),
                            };
                            p.on_response(&mut call, &response, self.now)
                        }
                    }
                }
                Action::Token => {
                    let challenge = call
                        .challenge()
                        .expect("a token action names its challenge")
                        .clone();
                    let token = self.new_token(challenge);
                    let next = p.on_token(&mut call, self.expiry());
                    match next {
                        Action::Send {
                            auth: Auth::Cached, ..
                        } => self.cached = Some(token),
                        _ => own = Some(token),
                    }
                    next
                }
                Action::Sleep(ms) => {
                    self.slept.push(ms as f64);
                    self.now += ms as f64;
                    p.on_slept(&mut call, self.now)
                }
                Action::Done => return Outcome::Done,
                Action::Fail(f) => return Outcome::Failed(f),
            }
        }
    }

    /// Answers the pending background refresh.
    fn finish_refresh(&mut self, client: &mut SecretsClient) {
        let challenge = self.refresh.take().expect("a refresh was asked for");
        let token = self.new_token(challenge);
        if client.pipeline.on_refreshed(self.expiry()) {
            self.cached = Some(token);
        }
    }
}

fn config(verify: bool) -> Config {
    Config {
        vault: VaultUrl::parse("https://myvault.vault.azure.net", false).unwrap(),
        api_version: "2025-07-01".into(),
        verify_challenge_resource: verify,
        retry: RetryOptions::default(),
        user_agent: user_agent(None),
    }
}

fn client() -> SecretsClient {
    SecretsClient::new(config(true), 7)
}

fn set(client: &mut SecretsClient, now: f64) -> Result<(Call, Action)> {
    client.set("k", "secret-value", &SecretOptions::default(), now)
}

impl Script {
    /// A `set` at the host's clock, run to its end.
    fn set(&mut self, client: &mut SecretsClient) -> Outcome {
        let started = set(client, self.now);
        self.run(client, started)
    }
}

/// A host and a client after a first `set` with its handshake (probe, challenge, token-1).
fn signed_in(token_expiry: Option<f64>) -> (Script, SecretsClient) {
    let mut host = Script {
        token_expiry,
        ..Default::default()
    };
    host.unauthorized(CHALLENGE);
    host.ok();
    let mut c = client();
    assert_eq!(host.set(&mut c), Outcome::Done);
    (host, c)
}

#[test]
fn first_request_is_a_bodiless_probe_then_the_real_one() {
    let mut host = Script {
        token_expiry: Some(3_600_000.0),
        ..Default::default()
    };
    host.unauthorized(CHALLENGE);
    host.ok();
    let mut c = client();
    assert_eq!(host.set(&mut c), Outcome::Done);

    assert_eq!(host.sent.len(), 2);
    assert_eq!(
        (host.sent[0].body.as_deref(), host.sent[0].token.as_deref()),
        (None, None),
        "the probe carries no body and no token"
    );
    assert_eq!(host.sent[0].path, "/secrets/k?api-version=2025-07-01");
    assert_eq!(host.sent[0].method, Method::Put);
    assert!(host.sent[1]
        .body
        .as_deref()
        .unwrap()
        .contains("secret-value"));
    assert_eq!(host.sent[1].token.as_deref(), Some("token-1"));
    assert_eq!(
        host.token_calls[0].scope,
        "https://vault.azure.net/.default"
    );
    assert_eq!(host.token_calls[0].tenant_id.as_deref(), Some("tenant-a"));
    assert_eq!(
        user_agent(Some("myapp/1.0")),
        format!("myapp/1.0 keyvault-keys-wasm/{}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn token_is_refreshed_in_the_background_near_expiry_and_awaited_only_at_the_end() {
    let (mut host, mut c) = signed_in(Some(600_000.0));

    host.now = 479_999.0;
    host.ok();
    host.set(&mut c);
    assert_eq!(
        host.token_calls.len(),
        1,
        "fresh: no new token, no new probe"
    );
    assert!(host.refresh.is_none());
    assert_eq!(host.sent.len(), 3);

    // Within two minutes of expiry: the old token still goes out, a refresh starts on the side.
    host.now = 480_001.0;
    host.ok();
    host.ok();
    host.set(&mut c);
    assert!(host.refresh.is_some(), "a refresh was asked for");
    let started = set(&mut c, host.now);
    let (_, second) = started.as_ref().unwrap().clone();
    assert_eq!(
        second,
        Action::Send {
            auth: Auth::Cached,
            refresh: false
        },
        "one refresh, not one per call"
    );
    host.run(&mut c, started);
    assert_eq!(host.sent[3].token.as_deref(), Some("token-1"));
    host.token_expiry = Some(1_200_000.0);
    host.finish_refresh(&mut c);
    assert_eq!(host.token_calls.len(), 2);
    host.ok();
    host.set(&mut c);
    assert_eq!(
        host.sent[5].token.as_deref(),
        Some("token-2"),
        "the refreshed token is used next"
    );

    // Within 30 s of expiry (and nothing refreshed): the call waits for a new token.
    let (mut late, mut c) = signed_in(Some(100_000.0));
    late.now = 70_001.0;
    late.ok();
    late.set(&mut c);
    assert_eq!(late.token_calls.len(), 2);
    assert_eq!(late.sent[2].token.as_deref(), Some("token-2"));
    assert!(late.refresh.is_none());
}

#[test]
fn a_failed_refresh_keeps_the_token_in_hand() {
    let mut host = Script {
        token_expiry: Some(600_000.0),
        ..Default::default()
    };
    host.unauthorized(CHALLENGE);
    host.ok();
    host.ok();
    let mut c = client();
    host.set(&mut c);
    host.now = 500_000.0;
    host.set(&mut c);
    assert!(
        !c.pipeline.on_refreshed(f64::NAN),
        "a failed refresh caches nothing"
    );
    host.ok();
    let started = set(&mut c, host.now);
    let (_, action) = started.as_ref().unwrap().clone();
    assert_eq!(
        action,
        Action::Send {
            auth: Auth::Cached,
            refresh: true
        },
        "the next call may try again"
    );
    host.run(&mut c, started);
    assert_eq!(host.sent.last().unwrap().token.as_deref(), Some("token-1"));
}

#[test]
fn token_without_expiry_is_not_cached() {
    let mut host = Script::default();
    host.unauthorized(CHALLENGE);
    host.ok();
    host.ok();
    let mut c = client();
    for _ in 0..2 {
        assert_eq!(host.set(&mut c), Outcome::Done);
    }
    assert_eq!(host.token_calls.len(), 2);
    assert_eq!(host.sent.len(), 3, "but the challenge is remembered");
    assert_eq!(host.sent[2].token.as_deref(), Some("token-2"));
}

#[test]
fn rejected_challenge_resource_leaves_nothing_behind() {
    let mut host = Script::default();
    let evil = r#"Bearer authorization="https://login.microsoftonline.com/t", resource="https://evil.example""#;
    host.unauthorized(evil);
    let mut c = client();
    let started = set(&mut c, 0.0);
    match host.run(&mut c, started) {
        Outcome::Failed(Failure::Authentication(m)) => {
            assert!(m.contains("https://evil.example"), "{m}")
        }
        other => panic!("{other:?}"),
    }
    assert!(host.token_calls.is_empty(), "no token was requested");

    // The next request starts over with a probe: no token, no body.
    host.unauthorized(CHALLENGE);
    host.ok();
    host.set(&mut c);
    assert_eq!(
        (host.sent[1].token.as_deref(), host.sent[1].body.as_deref()),
        (None, None)
    );
}

#[test]
fn verification_can_be_disabled_for_emulators() {
    let mut host = Script::default();
    host.unauthorized(CHALLENGE);
    host.ok();
    let config = Config {
        vault: VaultUrl::parse("http://127.0.0.1:8080", true).unwrap(),
        api_version: "7.5".into(),
        verify_challenge_resource: false,
        ..config(false)
    };
    let mut c = SecretsClient::new(config, 1);
    assert_eq!(host.set(&mut c), Outcome::Done);
    assert_eq!(host.sent[1].path, "/secrets/k?api-version=7.5");
}

#[test]
fn refused_cached_token_is_replaced_once() {
    let (mut host, mut c) = signed_in(Some(3_600_000.0));

    // The cached token is refused (revoked): one new token, one resend.
    host.unauthorized(CHALLENGE);
    host.ok();
    assert_eq!(host.set(&mut c), Outcome::Done);
    assert_eq!(host.token_calls.len(), 2);
    assert_eq!(host.sent[3].token.as_deref(), Some("token-2"));

    // A new tenant in the challenge forces a token for that tenant.
    host.unauthorized(&CHALLENGE.replace("tenant-a", "tenant-b"));
    host.ok();
    host.set(&mut c);
    assert_eq!(host.token_calls[2].tenant_id.as_deref(), Some("tenant-b"));
}

#[test]
fn a_fresh_token_refused_is_the_services_error_not_a_loop() {
    let mut host = Script::default();
    host.unauthorized(CHALLENGE);
    host.unauthorized(CHALLENGE);
    let mut c = client();
    assert_eq!(host.set(&mut c), Outcome::Failed(Failure::Service));
    assert_eq!(host.sent.len(), 2);
}

#[test]
fn service_errors_pass_through_without_retries() {
    let mut host = Script::default();
    host.unauthorized(CHALLENGE);
    host.respond(403, &[]);
    let mut c = client();
    let started = c.get("k", None, 0.0);
    assert_eq!(host.run(&mut c, started), Outcome::Failed(Failure::Service));
    for status in [400, 404, 409, 501] {
        host.respond(status, &[]);
        let started = set(&mut c, 0.0);
        assert_eq!(
            host.run(&mut c, started),
            Outcome::Failed(Failure::Service),
            "{status}"
        );
    }
    assert!(host.slept.is_empty());
}

#[test]
fn transient_failures_are_retried_with_backoff() {
    let mut host = Script::default();
    host.unauthorized(CHALLENGE);
    host.respond(503, &[]);
    host.fail();
    host.respond(429, &[]); // the real service's 429: no Retry-After
    host.respond(500, &[("retry-after", "3")]);
    host.respond(429, &[("retry-after-ms", "150")]);
    host.ok();
    let mut c = client();
    assert_eq!(host.set(&mut c), Outcome::Done);
    // Backoff doubles from 800 ms with ±20% jitter; a service's delay is honoured exactly.
    let slept = &host.slept;
    assert_eq!(slept.len(), 5);
    for (i, base) in [800.0, 1_600.0, 3_200.0].iter().enumerate() {
        assert!(
            slept[i] >= base * 0.8 && slept[i] <= base * 1.2 + 1.0,
            "wait {i}: {}",
            slept[i]
        );
    }
    assert_eq!(&slept[3..], &[3_000.0, 150.0]);
    assert_eq!(host.sent.len(), 7);
    assert!(
        host.sent[1..].iter().all(|r| r.body.is_some()),
        "every retry carries the body"
    );
}

#[test]
fn retries_stop_at_the_limit_or_the_budget() {
    let mut host = Script::default();
    host.unauthorized(CHALLENGE);
    for _ in 0..20 {
        host.fail();
    }
    let limited = Config {
        retry: RetryOptions {
            max_retries: 3,
            retry_delay_ms: 10.0,
            ..RetryOptions::default()
        },
        ..config(true)
    };
    let mut c = SecretsClient::new(limited, 3);
    let started = set(&mut c, 0.0);
    assert_eq!(
        host.run(&mut c, started),
        Outcome::Failed(Failure::Transport(TransportFailure::Connection))
    );
    assert_eq!(
        host.sent.len(),
        1 + 4,
        "probe, then the first try and 3 retries"
    );

    // No retry is scheduled once 60 s have passed since the call began (the default), though
    // the last wait may end after that.
    let mut budget = Script::default();
    budget.unauthorized(CHALLENGE);
    for _ in 0..20 {
        budget.respond(503, &[("retry-after", "25")]);
    }
    let mut c = client();
    let started = set(&mut c, 0.0);
    assert_eq!(
        budget.run(&mut c, started),
        Outcome::Failed(Failure::Service)
    );
    assert_eq!(
        budget.slept,
        vec![25_000.0, 25_000.0, 25_000.0],
        "the third is scheduled at 50 s; at 75 s the budget has passed"
    );

    let mut shorter = Script::default();
    shorter.unauthorized(CHALLENGE);
    for _ in 0..20 {
        shorter.respond(503, &[("retry-after", "25")]);
    }
    let shorter_budget = Config {
        retry: RetryOptions {
            max_retry_elapsed_ms: 30_000.0,
            ..RetryOptions::default()
        },
        ..config(true)
    };
    let mut c = SecretsClient::new(shorter_budget, 3);
    let started = set(&mut c, 0.0);
    assert_eq!(
        shorter.run(&mut c, started),
        Outcome::Failed(Failure::Service)
    );
    assert_eq!(shorter.slept, vec![25_000.0, 25_000.0]);
}

/// A `set` after the handshake, answered 503 with `Retry-After: retry_after` and then 200,
/// under `retry`: what the host waited.
fn waits_for_retry_after(retry: RetryOptions, retry_after: &str) -> (Outcome, Vec<f64>) {
    let mut host = Script::default();
    host.unauthorized(CHALLENGE);
    host.respond(503, &[("retry-after", retry_after)]);
    host.ok();
    let mut c = SecretsClient::new(
        Config {
            retry,
            ..config(true)
        },
        3,
    );
    // The first answer arrives a little after the call began.
    let started = set(&mut c, 0.0);
    host.now = 150.0;
    let outcome = host.run(&mut c, started);
    (outcome, host.slept)
}

#[test]
fn a_retry_after_of_a_minute_or_more_waits_at_most_max_retry_delay_ms() {
    let patient = RetryOptions {
        max_retry_delay_ms: 120_000.0,
        ..RetryOptions::default()
    };
    assert_eq!(
        waits_for_retry_after(patient.clone(), "61"),
        (Outcome::Done, vec![61_000.0]),
        "under the cap: as asked"
    );
    assert_eq!(
        waits_for_retry_after(patient, "1000000000"),
        (Outcome::Done, vec![120_000.0]),
        "capped"
    );
    for asked in ["60", "61", "1000000000"] {
        assert_eq!(
            waits_for_retry_after(RetryOptions::default(), asked),
            (Outcome::Done, vec![60_000.0]),
            "the defaults cap it at 60 s: {asked}"
        );
    }
    let quick = RetryOptions {
        max_retry_delay_ms: 50.0,
        ..RetryOptions::default()
    };
    assert_eq!(
        waits_for_retry_after(quick, "61"),
        (Outcome::Done, vec![50.0])
    );
}

#[test]
fn a_failure_another_try_cannot_mend_is_final_at_once() {
    for failure in [
        TransportFailure::Request,
        TransportFailure::Response,
        TransportFailure::Tls,
    ] {
        let (mut host, mut c) = signed_in(Some(3_600_000.0));
        host.fail_with(failure);
        host.ok();
        assert_eq!(
            host.set(&mut c),
            Outcome::Failed(Failure::Transport(failure))
        );
        assert!(host.slept.is_empty(), "{failure:?}: no wait");
        assert_eq!(host.sent.len(), 3, "{failure:?}: handshake, then one try");
    }
    // The probe too: a challenge that cannot be read is not asked again.
    let mut host = Script::default();
    host.fail_with(TransportFailure::Response);
    assert_eq!(
        host.set(&mut client()),
        Outcome::Failed(Failure::Transport(TransportFailure::Response))
    );
    assert_eq!(host.sent.len(), 1);

    // A connection that failed is tried again.
    let (mut host, mut c) = signed_in(Some(3_600_000.0));
    host.fail_with(TransportFailure::Connection);
    host.ok();
    assert_eq!(host.set(&mut c), Outcome::Done);
    assert_eq!(host.slept.len(), 1);
}

#[test]
fn dates_after_2038_are_sent_as_64_bit_seconds() {
    // 2038-01-19T03:14:08Z (one past i32::MAX) and 2100-01-01T00:00:00Z.
    let (nbf, exp) = (2_147_483_648.0, 4_102_444_800.0);
    assert_eq!(unix_seconds(nbf), 2_147_483_648);
    assert_eq!(unix_seconds(exp), 4_102_444_800);
    let options = SecretOptions {
        not_before: Some(unix_seconds(nbf)),
        expires_on: Some(unix_seconds(exp)),
        ..SecretOptions::default()
    };
    let (mut host, mut c) = signed_in(Some(3_600_000.0));
    host.ok();
    let started = c.set("k", "v", &options, host.now);
    assert_eq!(host.run(&mut c, started), Outcome::Done);
    host.ok();
    let started = c.update("k", None, &options, host.now);
    assert_eq!(host.run(&mut c, started), Outcome::Done);
    let attributes = r#""attributes":{"nbf":2147483648,"exp":4102444800}"#;
    assert_eq!(
        host.sent[2].body.as_deref(),
        Some(format!(r#"{{"value":"v",{attributes}}}"#).as_str())
    );
    assert_eq!(
        host.sent[3].body.as_deref(),
        Some(format!("{{{attributes}}}").as_str())
    );

    // rotateKey's expiry arithmetic across the boundary: 2038-01-01 + P30D.
    let p30d = Duration::parse("P30D").unwrap();
    assert_eq!(p30d.add_to(2_145_916_800), 2_148_508_800);
    // And a year well past it: 2100-01-31 + P1M is the last day of February.
    let p1m = Duration::parse("P1M").unwrap();
    assert_eq!(p1m.add_to(4_105_036_800), 4_107_456_000);
}

#[test]
fn cae_challenge_gets_a_token_with_the_claims_once() {
    let (mut host, mut c) = signed_in(Some(3_600_000.0));

    let cae = r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZX19fQ==""#;
    host.unauthorized(cae);
    host.ok();
    assert_eq!(host.set(&mut c), Outcome::Done);
    assert_eq!(host.token_calls.len(), 2);
    assert_eq!(
        host.token_calls[1].claims.as_deref(),
        Some("eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZX19fQ=="),
        "as sent: the host decodes them for the credential"
    );
    assert_eq!(host.sent[3].token.as_deref(), Some("token-2"));

    // The claims were for that one token: the next call uses the cache.
    host.ok();
    host.set(&mut c);
    assert_eq!(host.token_calls.len(), 2);
}

#[test]
fn next_links_must_stay_on_the_vault() {
    let mut c = client();
    // The real service writes the default port into nextLink.
    let link =
        "https://myvault.vault.azure.net:443/secrets?api-version=7.3&$skiptoken=abc&maxresults=5";
    let mut host = Script::default();
    host.unauthorized(CHALLENGE);
    host.ok();
    let started = c.list(Listing::Items, None, None, Some(link), 0.0);
    host.run(&mut c, started);
    assert_eq!(
        host.sent[1].path, "/secrets?api-version=7.3&$skiptoken=abc&maxresults=5",
        "the link's own api-version is kept"
    );
    for bad in [
        "https://evil.example/secrets?api-version=7.3",
        "http://myvault.vault.azure.net/secrets",
        "https://myvault.vault.azure.net.evil.example/secrets",
        "https://myvault.vault.azure.net:8443/secrets",
        "/secrets?x",
        "garbage",
    ] {
        assert!(
            matches!(
                c.list(Listing::Items, None, None, Some(bad), 0.0),
                Err(Error::Argument { .. })
            ),
            "{bad}"
        );
    }
}

#[test]
fn reports_out_of_order_end_the_call() {
    let mut c = client();
    let (mut call, action) = set(&mut c, 0.0).unwrap();
    assert_eq!(
        action,
        Action::Send {
            auth: Auth::None,
            refresh: false
        }
    );
    assert_eq!(
        c.pipeline.on_token(&mut call, 1.0),
        Action::Fail(Failure::OutOfOrder)
    );
    assert_eq!(
        c.pipeline.on_slept(&mut call, 1.0),
        Action::Fail(Failure::OutOfOrder)
    );
    assert_eq!(
        c.pipeline.on_response(
            &mut call,
            &Response {
                status: 200,
                ..Default::default()
            },
            1.0
        ),
        Action::Fail(Failure::OutOfOrder)
    );
}

//! The challenge handshake and token cache, against a scripted host (no network).
#![cfg(not(target_arch = "wasm32"))]

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use keyvault_keys_wasm::core::challenge::Challenge;
use keyvault_keys_wasm::core::model::KeyOptions;
use keyvault_keys_wasm::core::pipeline::{AccessToken, Config, Host, Pipeline};
use keyvault_keys_wasm::core::request::{self, HttpRequest, HttpResponse};
use keyvault_keys_wasm::core::retry::RetryOptions;
use keyvault_keys_wasm::core::vault_url::VaultUrl;
use keyvault_keys_wasm::core::Error;

const CHALLENGE: &str = r#"Bearer authorization="https://login.microsoftonline.com/tenant-a", resource="https://vault.azure.net""#;

/// The scripted host's futures are always ready, so polling once is enough.
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("a scripted future was pending"),
    }
}

/// A scripted host: responses (or transport failures) in order, a settable clock, a record of
/// requests, credential calls, sleeps and spawned tasks.
#[derive(Default)]
struct ScriptState {
    responses: RefCell<VecDeque<Result<HttpResponse, Error>>>,
    sent: RefCell<Vec<HttpRequest>>,
    token_calls: RefCell<Vec<Challenge>>,
    token_expiry: Cell<Option<f64>>,
    now: Cell<f64>,
    slept: RefCell<Vec<f64>>,
    spawned: RefCell<Vec<Pin<Box<dyn Future<Output = ()>>>>>,
    aborted: Cell<bool>,
}

#[derive(Default, Clone)]
struct Script(Rc<ScriptState>);

impl std::ops::Deref for Script {
    type Target = ScriptState;
    fn deref(&self) -> &ScriptState {
        &self.0
    }
}

impl Script {
    fn respond(&self, status: u16, challenge: Option<&str>, body: &str) {
        let headers = challenge.map(|c| vec![("www-authenticate", c.to_string())]).unwrap_or_default();
        self.responses.borrow_mut().push_back(Ok(HttpResponse { status, headers, body: body.into() }));
    }
    fn fail(&self) {
        self.responses.borrow_mut().push_back(Err(Error::Transport { message: "connection reset".into() }));
    }
    fn respond_with(&self, status: u16, headers: &[(&'static str, &str)]) {
        let headers = headers.iter().map(|(n, v)| (*n, v.to_string())).collect();
        self.responses.borrow_mut().push_back(Ok(HttpResponse { status, headers, body: String::new() }));
    }
    fn run_spawned(&self) {
        let tasks: Vec<_> = self.spawned.borrow_mut().drain(..).collect();
        for t in tasks {
            block_on(t);
        }
    }
    fn unauthorized(&self, challenge: &str) {
        self.respond(401, Some(challenge), r#"{"error":{"code":"Unauthorized","message":"AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token."}}"#);
    }
    fn ok(&self) {
        self.respond(200, None, r#"{"value":"v","id":"https://v.vault.azure.net/secrets/k/62909adf7f044dc8b1838da90306af40"}"#);
    }
    fn auth_of(&self, i: usize) -> Option<String> {
        self.sent.borrow()[i].headers.iter().find(|(n, _)| *n == "authorization").map(|(_, v)| v.clone())
    }
}

impl Host for Script {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, Error> {
        self.sent.borrow_mut().push(request);
        self.responses.borrow_mut().pop_front().unwrap_or(Err(Error::Transport { message: "no scripted response".into() }))
    }
    fn get_token(&self, challenge: &Challenge) -> impl Future<Output = Result<AccessToken, Error>> + 'static {
        let me = self.clone();
        let challenge = challenge.clone();
        async move {
            me.token_calls.borrow_mut().push(challenge);
            let n = me.token_calls.borrow().len();
            Ok(AccessToken { token: format!("token-{n}"), expires_on_ms: me.token_expiry.get() })
        }
    }
    fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        self.spawned.borrow_mut().push(Box::pin(task));
    }
    async fn sleep(&self, ms: f64) -> Result<(), Error> {
        self.slept.borrow_mut().push(ms);
        self.now.set(self.now.get() + ms);
        Ok(())
    }
    fn now_ms(&self) -> f64 {
        self.now.get()
    }
    fn random(&self) -> f64 {
        0.5
    }
    fn aborted(&self) -> bool {
        self.aborted.get()
    }
}

fn pipeline(verify: bool) -> Pipeline {
    Pipeline::new(Config {
        vault: VaultUrl::parse("https://myvault.vault.azure.net", false).unwrap(),
        api_version: "2025-07-01".into(),
        verify_challenge_resource: verify,
        retry: RetryOptions::default(),
        user_agent: "test".into(),
    })
}

fn set_op() -> request::Operation {
    request::set_key("k", "secret-value", &KeyOptions::default()).unwrap()
}

#[test]
fn first_request_is_a_bodiless_probe_then_the_real_one() {
    let host = Script::default();
    host.token_expiry.set(Some(3_600_000.0));
    host.unauthorized(CHALLENGE);
    host.ok();
    let p = pipeline(true);
    block_on(p.send(&host, &set_op())).unwrap();

    let sent = host.sent.borrow();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].body, None, "the probe carries no body");
    assert_eq!(host.auth_of(0), None, "the probe carries no token");
    assert_eq!(sent[0].url, "https://myvault.vault.azure.net/secrets/k?api-version=2025-07-01");
    assert!(sent.iter().all(|r| r.headers.contains(&("user-agent", "test".to_string()))));
    assert_eq!(
        keyvault_keys_wasm::core::pipeline::user_agent(Some("myapp/1.0")),
        format!("myapp/1.0 keyvault-keys-wasm/{}", env!("CARGO_PKG_VERSION"))
    );
    assert!(sent[1].body.as_deref().unwrap().contains("secret-value"));
    drop(sent);
    assert_eq!(host.auth_of(1).as_deref(), Some("Bearer token-1"));
    let calls = host.token_calls.borrow();
    assert_eq!(calls[0].scope, "https://vault.azure.net/.default");
    assert_eq!(calls[0].tenant_id.as_deref(), Some("tenant-a"));
}

#[test]
fn token_is_refreshed_in_the_background_near_expiry_and_awaited_only_at_the_end() {
    let host = Script::default();
    host.token_expiry.set(Some(600_000.0));
    host.unauthorized(CHALLENGE);
    host.ok();
    let p = pipeline(true);
    block_on(p.send(&host, &set_op())).unwrap();

    host.now.set(479_999.0);
    host.ok();
    block_on(p.send(&host, &set_op())).unwrap();
    assert_eq!(host.token_calls.borrow().len(), 1, "fresh: no new token, no new probe");
    assert!(host.spawned.borrow().is_empty());
    assert_eq!(host.sent.borrow().len(), 3);

    // Within two minutes of expiry: the old token still goes out, a refresh starts on the side.
    host.now.set(480_001.0);
    host.ok();
    host.ok();
    block_on(p.send(&host, &set_op())).unwrap();
    block_on(p.send(&host, &set_op())).unwrap();
    assert_eq!(host.auth_of(3).as_deref(), Some("Bearer token-1"));
    assert_eq!(host.spawned.borrow().len(), 1, "one refresh, not one per call");
    host.run_spawned();
    assert_eq!(host.token_calls.borrow().len(), 2);
    host.token_expiry.set(Some(1_200_000.0));
    host.ok();
    block_on(p.send(&host, &set_op())).unwrap();
    assert_eq!(host.auth_of(5).as_deref(), Some("Bearer token-2"), "the refreshed token is used next");

    // Within 30 s of expiry (and nothing refreshed): the call waits for a new token.
    let late = Script::default();
    late.token_expiry.set(Some(100_000.0));
    late.unauthorized(CHALLENGE);
    late.ok();
    let p = pipeline(true);
    block_on(p.send(&late, &set_op())).unwrap();
    late.now.set(70_001.0);
    late.ok();
    block_on(p.send(&late, &set_op())).unwrap();
    assert_eq!(late.token_calls.borrow().len(), 2);
    assert_eq!(late.auth_of(2).as_deref(), Some("Bearer token-2"));
    assert!(late.spawned.borrow().is_empty());
}

#[test]
fn token_without_expiry_is_not_cached() {
    let host = Script::default();
    host.unauthorized(CHALLENGE);
    host.ok();
    host.ok();
    let p = pipeline(true);
    block_on(p.send(&host, &set_op())).unwrap();
    block_on(p.send(&host, &set_op())).unwrap();
    assert_eq!(host.token_calls.borrow().len(), 2);
    assert_eq!(host.sent.borrow().len(), 3, "but the challenge is remembered");
}

#[test]
fn rejected_challenge_resource_leaves_nothing_behind() {
    let host = Script::default();
    let evil = r#"Bearer authorization="https://login.microsoftonline.com/t", resource="https://evil.example""#;
    host.unauthorized(evil);
    let p = pipeline(true);
    let err = block_on(p.send(&host, &set_op())).unwrap_err();
    assert!(matches!(&err, Error::Authentication { message, .. } if message.contains("https://evil.example")), "{err:?}");
    assert!(host.token_calls.borrow().is_empty(), "no token was requested");

    // The next request starts over with a probe: no token, no body.
    host.unauthorized(CHALLENGE);
    host.ok();
    block_on(p.send(&host, &set_op())).unwrap();
    assert_eq!(host.auth_of(1), None);
    assert_eq!(host.sent.borrow()[1].body, None);
}

#[test]
fn verification_can_be_disabled_for_emulators() {
    let host = Script::default();
    host.unauthorized(CHALLENGE);
    host.ok();
    let p = Pipeline::new(Config {
        vault: VaultUrl::parse("http://127.0.0.1:8080", true).unwrap(),
        api_version: "7.5".into(),
        verify_challenge_resource: false,
        retry: RetryOptions::default(),
        user_agent: "test".into(),
    });
    block_on(p.send(&host, &set_op())).unwrap();
    assert_eq!(host.sent.borrow()[1].url, "http://127.0.0.1:8080/secrets/k?api-version=7.5");
}

#[test]
fn refused_cached_token_is_replaced_once() {
    let host = Script::default();
    host.token_expiry.set(Some(3_600_000.0));
    host.unauthorized(CHALLENGE);
    host.ok();
    let p = pipeline(true);
    block_on(p.send(&host, &set_op())).unwrap();

    // The cached token is refused (revoked): one new token, one resend.
    host.unauthorized(CHALLENGE);
    host.ok();
    block_on(p.send(&host, &set_op())).unwrap();
    assert_eq!(host.token_calls.borrow().len(), 2);
    assert_eq!(host.auth_of(3).as_deref(), Some("Bearer token-2"));

    // A new tenant in the challenge forces a token for that tenant.
    host.unauthorized(&CHALLENGE.replace("tenant-a", "tenant-b"));
    host.ok();
    block_on(p.send(&host, &set_op())).unwrap();
    assert_eq!(host.token_calls.borrow()[2].tenant_id.as_deref(), Some("tenant-b"));
}

#[test]
fn a_fresh_token_refused_is_the_services_error_not_a_loop() {
    let host = Script::default();
    host.unauthorized(CHALLENGE);
    host.unauthorized(CHALLENGE);
    let p = pipeline(true);
    let err = block_on(p.send(&host, &set_op())).unwrap_err();
    assert!(matches!(err, Error::Service { status: 401, ref code, .. } if code.as_deref() == Some("Unauthorized")), "{err:?}");
    assert_eq!(host.sent.borrow().len(), 2);
}

#[test]
fn service_errors_pass_through_without_retries() {
    let host = Script::default();
    host.unauthorized(CHALLENGE);
    host.respond(403, None, r#"{"error":{"code":"Forbidden","message":"Operation get is not allowed on a disabled secret.","innererror":{"code":"SecretDisabled"}}}"#);
    let p = pipeline(true);
    let err = block_on(p.send(&host, &request::get_key("k", None).unwrap())).unwrap_err();
    assert!(matches!(err, Error::Service { status: 403, ref code, .. } if code.as_deref() == Some("Forbidden")));
    for status in [400, 404, 409] {
        host.respond(status, None, "{}");
        assert!(matches!(block_on(p.send(&host, &set_op())), Err(Error::Service { status: s, .. }) if s == status));
    }
    assert!(host.slept.borrow().is_empty());
}

#[test]
fn transient_failures_are_retried_with_backoff() {
    let host = Script::default();
    host.unauthorized(CHALLENGE);
    host.respond_with(503, &[]);
    host.fail();
    host.respond_with(429, &[]); // the real service's 429: no Retry-After
    host.respond_with(500, &[("retry-after", "3")]);
    host.respond_with(429, &[("retry-after-ms", "150")]);
    host.ok();
    let p = pipeline(true);
    let r = block_on(p.send(&host, &set_op())).unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(*host.slept.borrow(), vec![800.0, 1_600.0, 3_200.0, 3_000.0, 150.0]);
    let sent = host.sent.borrow();
    assert_eq!(sent.len(), 7);
    assert!(sent[1..].iter().all(|r| r.body.is_some()), "every retry carries the body");
}

#[test]
fn retries_stop_at_the_limit_the_budget_or_an_abort() {
    let host = Script::default();
    host.unauthorized(CHALLENGE);
    for _ in 0..20 {
        host.fail();
    }
    let p = Pipeline::new(Config {
        retry: RetryOptions { max_retries: 3, retry_delay_ms: 10.0, ..RetryOptions::default() },
        ..pipeline(true).config
    });
    assert!(matches!(block_on(p.send(&host, &set_op())), Err(Error::Transport { .. })));
    assert_eq!(host.sent.borrow().len(), 1 + 4, "probe, then the first try and 3 retries");

    let budget = Script::default();
    budget.unauthorized(CHALLENGE);
    for _ in 0..20 {
        budget.respond_with(503, &[("retry-after", "25")]);
    }
    let p = pipeline(true);
    assert!(matches!(block_on(p.send(&budget, &set_op())), Err(Error::Service { status: 503, .. })));
    assert_eq!(*budget.slept.borrow(), vec![25_000.0, 25_000.0], "a third wait would pass the 60 s budget");

    let aborted = Script::default();
    aborted.unauthorized(CHALLENGE);
    aborted.respond_with(503, &[]);
    aborted.aborted.set(true);
    assert!(block_on(pipeline(true).send(&aborted, &set_op())).is_err());
    assert!(aborted.slept.borrow().is_empty(), "no backoff after an abort");
}

#[test]
fn cae_challenge_gets_a_token_with_the_claims_once() {
    let host = Script::default();
    host.token_expiry.set(Some(3_600_000.0));
    host.unauthorized(CHALLENGE);
    host.ok();
    let p = pipeline(true);
    block_on(p.send(&host, &set_op())).unwrap();

    let cae = r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZX19fQ==""#;
    host.respond(401, Some(cae), "{}");
    host.ok();
    block_on(p.send(&host, &set_op())).unwrap();
    let calls = host.token_calls.borrow();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[1].claims.as_deref(), Some(r#"{"access_token":{"nbf":{"essential":true}}}"#));
    drop(calls);
    assert_eq!(host.auth_of(3).as_deref(), Some("Bearer token-2"));

    // The claims were for that one token: the next call uses the cache.
    host.ok();
    block_on(p.send(&host, &set_op())).unwrap();
    assert_eq!(host.token_calls.borrow().len(), 2);
}

#[test]
fn next_links_must_stay_on_the_vault() {
    let p = pipeline(true);
    // The real service writes the default port into nextLink.
    let op = p.next_page("https://myvault.vault.azure.net:443/secrets?api-version=7.3&$skiptoken=abc&maxresults=5").unwrap();
    assert_eq!(op.path, "/secrets?api-version=7.3&$skiptoken=abc&maxresults=5");
    for bad in [
        "https://evil.example/secrets?api-version=7.3",
        "http://myvault.vault.azure.net/secrets",
        "https://myvault.vault.azure.net.evil.example/secrets",
        "https://myvault.vault.azure.net:8443/secrets",
        "/secrets?x",
        "garbage",
    ] {
        assert!(matches!(p.next_page(bad), Err(Error::Argument { .. })), "{bad}");
    }

    let host = Script::default();
    host.unauthorized(CHALLENGE);
    host.ok();
    block_on(p.send(&host, &op)).unwrap();
    assert_eq!(
        host.sent.borrow()[1].url,
        "https://myvault.vault.azure.net/secrets?api-version=7.3&$skiptoken=abc&maxresults=5",
        "the link's own api-version is kept, not doubled"
    );
    host.ok();
    block_on(p.send(&host, &request::list_keys(Some(5)).unwrap())).unwrap();
    assert_eq!(host.sent.borrow()[2].url, "https://myvault.vault.azure.net/secrets?maxresults=5&api-version=2025-07-01");
}

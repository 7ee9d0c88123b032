//! The core's `Host` on JavaScript: the caller's credential, a transport, timers, `Date.now()`.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::core::challenge::Challenge;
use crate::core::pipeline::{AccessToken, Host};
use crate::core::request::{HttpRequest, HttpResponse, RESPONSE_HEADERS};
use crate::core::{Cause, Error};

/// Larger responses are refused unread (a Key Vault response is at most a few hundred KB).
pub const MAX_RESPONSE_BYTES: usize = 16 << 20;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, which Node 18+ and every browser have; `window` is not assumed.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(request: &web_sys::Request) -> Promise;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
}

thread_local! {
    /// `delay(ms, signal)` of `js/abort.mjs`: the package's one abortable sleep.
    static DELAY: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Registers the package's `delay(ms, signal)` (see `__registerHost`).
pub fn register_delay(delay: Function) {
    DELAY.with(|d| *d.borrow_mut() = Some(delay));
}

/// A token source: `{ getToken(scopes, options) }` or a plain function with the same signature.
pub enum Credential {
    Function(Function),
    Object(JsValue, Function),
}

impl Credential {
    pub fn from_js(v: &JsValue) -> Result<Self, Error> {
        if let Some(f) = v.dyn_ref::<Function>() {
            return Ok(Credential::Function(f.clone()));
        }
        if v.is_object() {
            if let Ok(f) = Reflect::get(v, &"getToken".into()).and_then(|f| f.dyn_into::<Function>()) {
                return Ok(Credential::Object(v.clone(), f));
            }
        }
        Err(Error::type_error(
            "credential must be a TokenCredential ({ getToken(scopes, options) }) or a function returning a token",
        ))
    }

    fn call(&self, scopes: &JsValue, options: &JsValue) -> Result<JsValue, JsValue> {
        match self {
            Credential::Function(f) => f.call2(&JsValue::UNDEFINED, scopes, options),
            Credential::Object(this, f) => f.call2(this, scopes, options),
        }
    }
}

fn message_of(e: &JsValue) -> String {
    let msg = Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string());
    let text = msg.or_else(|| e.as_string()).unwrap_or_else(|| "unknown error".into());
    crate::core::vault_url::shorten(&text)
}

fn auth_failure(message: String, cause: JsValue) -> Error {
    Error::Authentication { message, cause: Some(Cause(Rc::new(cause))) }
}

/// A credential's answer: a token string, or `{ token, expiresOnTimestamp }`.
fn access_token(v: &JsValue) -> Result<AccessToken, Error> {
    if let Some(token) = v.as_string() {
        return Ok(AccessToken { token, expires_on_ms: None });
    }
    if v.is_object() {
        if let Some(token) = Reflect::get(v, &"token".into()).ok().and_then(|t| t.as_string()) {
            let expires = Reflect::get(v, &"expiresOnTimestamp".into()).ok().and_then(|e| e.as_f64());
            return Ok(AccessToken { token, expires_on_ms: expires });
        }
    }
    Err(Error::auth("the credential returned neither a token string nor { token, expiresOnTimestamp }"))
}

/// The credential, and the one call to it in flight, shared by every request that needs the
/// same token (and by a background refresh).
struct TokenSource {
    credential: Credential,
    pending: RefCell<Option<(Challenge, Promise)>>,
}

impl TokenSource {
    fn start_call(&self, challenge: &Challenge) -> Result<Promise, Error> {
        let scopes = Array::of1(&JsValue::from_str(&challenge.scope));
        let options = Object::new();
        let set = |k: &str, v: JsValue| Reflect::set(&options, &k.into(), &v);
        let _ = set("enableCae", true.into());
        if let Some(t) = &challenge.tenant_id {
            let _ = set("tenantId", t.into());
        }
        if let Some(c) = &challenge.claims {
            let _ = set("claims", c.into());
        }
        match self.credential.call(&scopes, &options) {
            Ok(v) => Ok(Promise::resolve(&v)),
            Err(e) => Err(auth_failure(format!("the credential threw: {}", message_of(&e)), e)),
        }
    }

    async fn get_token(self: Rc<Self>, challenge: Challenge) -> Result<AccessToken, Error> {
        let shared = self.pending.borrow().as_ref().filter(|(c, _)| *c == challenge).map(|(_, p)| p.clone());
        let promise = match shared {
            Some(p) => p,
            None => {
                let p = self.start_call(&challenge)?;
                *self.pending.borrow_mut() = Some((challenge, p.clone()));
                p
            }
        };
        let result = JsFuture::from(promise.clone()).await;
        {
            let mut pending = self.pending.borrow_mut();
            if pending.as_ref().is_some_and(|(_, p)| Object::is(p, &promise)) {
                *pending = None;
            }
        }
        match result {
            Ok(v) => access_token(&v),
            Err(e) => Err(auth_failure(format!("the credential failed to provide a token: {}", message_of(&e)), e)),
        }
    }
}

pub struct JsHost {
    tokens: Rc<TokenSource>,
    /// `{ sendRequest(request) }`; `None` means the global `fetch`.
    http_client: Option<(JsValue, Function)>,
}

impl JsHost {
    pub fn new(credential: Credential, http_client: &JsValue) -> Result<Self, Error> {
        let http_client = if http_client.is_undefined() || http_client.is_null() {
            None
        } else {
            let send = Reflect::get(http_client, &"sendRequest".into())
                .ok()
                .and_then(|f| f.dyn_into::<Function>().ok())
                .ok_or_else(|| Error::type_error("options.httpClient must have a sendRequest(request) method"))?;
            Some((http_client.clone(), send))
        };
        Ok(JsHost { tokens: Rc::new(TokenSource { credential, pending: RefCell::new(None) }), http_client })
    }

    async fn send_custom(
        &self,
        client: &JsValue,
        send: &Function,
        req: HttpRequest,
        signal: Option<&web_sys::AbortSignal>,
    ) -> Result<HttpResponse, JsValue> {
        let r = Object::new();
        let headers = Object::new();
        for (name, value) in &req.headers {
            Reflect::set(&headers, &(*name).into(), &value.into())?;
        }
        Reflect::set(&r, &"method".into(), &req.method.as_str().into())?;
        Reflect::set(&r, &"url".into(), &req.url.as_str().into())?;
        Reflect::set(&r, &"headers".into(), &headers)?;
        if let Some(body) = &req.body {
            Reflect::set(&r, &"body".into(), &body.into())?;
        }
        if let Some(signal) = signal {
            Reflect::set(&r, &"abortSignal".into(), signal)?;
        }
        let res = JsFuture::from(Promise::resolve(&send.call1(client, &r)?)).await?;
        let status = Reflect::get(&res, &"status".into())?.as_f64().unwrap_or(0.0);
        let body = Reflect::get(&res, &"bodyAsText".into())?.as_string().unwrap_or_default();
        let raw_headers = Reflect::get(&res, &"headers".into())?;
        let getter = Reflect::get(&raw_headers, &"get".into()).ok().and_then(|g| g.dyn_into::<Function>().ok());
        let mut headers = Vec::new();
        for name in RESPONSE_HEADERS {
            let v = match &getter {
                Some(get) => get.call1(&raw_headers, &name.into())?,
                None if raw_headers.is_object() => Reflect::get(&raw_headers, &name.into())?,
                None => JsValue::UNDEFINED,
            };
            if let Some(v) = v.as_string() {
                headers.push((name, v));
            }
        }
        let status = if (100.0..=599.0).contains(&status) { status as u16 } else { 0 };
        Ok(HttpResponse { status, headers, body })
    }

    async fn send_fetch(&self, req: HttpRequest, signal: Option<&web_sys::AbortSignal>) -> Result<HttpResponse, JsValue> {
        let init = web_sys::RequestInit::new();
        init.set_signal(signal);
        // A redirect is never followed: the Authorization header must not reach another origin.
        init.set_redirect(web_sys::RequestRedirect::Manual);
        init.set_method(req.method.as_str());
        let headers = web_sys::Headers::new()?;
        for (name, value) in &req.headers {
            // Browsers do not let a page set User-Agent; Azure services read this one instead.
            headers.set(if *name == "user-agent" { "x-ms-useragent" } else { name }, value)?;
        }
        init.set_headers(&headers);
        if let Some(body) = &req.body {
            init.set_body(&JsValue::from_str(body));
        }
        let request = web_sys::Request::new_with_str_and_init(&req.url, &init)?;
        let response: web_sys::Response = JsFuture::from(global_fetch(&request)).await?.dyn_into()?;
        if response.type_() == web_sys::ResponseType::Opaqueredirect {
            return Err(js_sys::Error::new("the vault answered with a redirect, which is not followed").into());
        }
        let body = JsFuture::from(response.text()?).await?.as_string().unwrap_or_default();
        let mut out = Vec::new();
        for name in RESPONSE_HEADERS {
            if let Some(v) = response.headers().get(name)? {
                out.push((name, v));
            }
        }
        Ok(HttpResponse { status: response.status(), headers: out, body })
    }
}

/// The host for one call: the client's host plus the call's abort signal and per-try timeout.
pub struct CallHost<'a> {
    pub host: &'a JsHost,
    pub signal: Option<web_sys::AbortSignal>,
    pub try_timeout_ms: Option<f64>,
}

impl CallHost<'_> {
    /// The signal for one try: the call's, and the try timeout's.
    fn try_signal(&self) -> Option<web_sys::AbortSignal> {
        let timeout = self.try_timeout_ms.map(web_sys::AbortSignal::timeout_with_f64);
        match (&self.signal, timeout) {
            (Some(call), Some(t)) => Some(web_sys::AbortSignal::any(&Array::of2(call, &t))),
            (call, t) => t.or_else(|| call.clone()),
        }
    }
}

impl Host for CallHost<'_> {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, Error> {
        let target = format!("{} {}", req.method.as_str(), req.url.split('?').next().unwrap_or(""));
        let signal = self.try_signal();
        let result = match &self.host.http_client {
            Some((client, send)) => self.host.send_custom(client, send, req, signal.as_ref()).await,
            None => self.host.send_fetch(req, signal.as_ref()).await,
        };
        let response = result.map_err(|e| {
            // fetch's TypeError says only "fetch failed"; the reason is in its cause.
            let cause = Reflect::get(&e, &"cause".into()).ok().filter(|c| c.is_object());
            let detail = cause.map(|c| format!(" ({})", message_of(&c))).unwrap_or_default();
            Error::Transport { message: format!("{target} failed: {}{detail}", message_of(&e)) }
        })?;
        if response.status == 0 {
            return Err(Error::Transport { message: format!("{target} failed: the transport gave no HTTP status") });
        }
        if response.body.len() > MAX_RESPONSE_BYTES {
            return Err(Error::Parse {
                status: response.status,
                message: format!("{target}: the response is larger than {MAX_RESPONSE_BYTES} bytes"),
                request_id: response.request_id().map(str::to_string),
            });
        }
        Ok(response)
    }

    fn get_token(&self, challenge: &Challenge) -> impl Future<Output = Result<AccessToken, Error>> + 'static {
        self.host.tokens.clone().get_token(challenge.clone())
    }

    fn spawn(&self, task: impl Future<Output = ()> + 'static) {
        wasm_bindgen_futures::spawn_local(task);
    }

    /// The package's `delay`, which leaves neither a timer nor a listener behind in any outcome.
    /// Unregistered (the wasm module used bare, in its own tests) a plain timer, which an abort
    /// does not cut short; the abort is then seen before the next try.
    async fn sleep(&self, ms: f64) -> Result<(), Error> {
        let delay = DELAY.with(|d| d.borrow().clone());
        let promise = match delay {
            Some(delay) => {
                let signal = self.signal.as_ref().map_or(JsValue::UNDEFINED, |s| s.clone().into());
                delay.call2(&JsValue::UNDEFINED, &ms.into(), &signal).map(|p| Promise::resolve(&p))
            }
            None => Ok(Promise::new(&mut |resolve, _| {
                set_timeout(&resolve, ms);
            })),
        };
        let promise = promise.map_err(|_| Error::Aborted)?;
        JsFuture::from(promise).await.map(|_| ()).map_err(|_| Error::Aborted)?;
        if self.aborted() {
            return Err(Error::Aborted);
        }
        Ok(())
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn random(&self) -> f64 {
        js_sys::Math::random()
    }

    fn aborted(&self) -> bool {
        self.signal.as_ref().is_some_and(|s| s.aborted())
    }
}

//! The core's `Host` on JavaScript: the caller's credential, a transport, and `Date.now()`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::core::challenge::Challenge;
use crate::core::pipeline::{AccessToken, Host};
use crate::core::request::{HttpRequest, HttpResponse, RESPONSE_HEADERS};
use crate::core::{Cause, Error};



#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, which Node 18+ and every browser have; `window` is not assumed.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(request: &web_sys::Request) -> Promise;
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

pub struct JsHost {
    credential: Credential,
    /// `{ sendRequest(request) }`; `None` means the global `fetch`.
    http_client: Option<(JsValue, Function)>,
    /// The credential call in flight, shared by every request that needs the same token.
    pending_token: RefCell<Option<(Challenge, Promise)>>,
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
        Ok(JsHost { credential, http_client, pending_token: RefCell::new(None) })
    }

    fn start_token_call(&self, challenge: &Challenge) -> Result<Promise, Error> {
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

    async fn send_custom(
        &self,
        client: &JsValue,
        send: &Function,
        req: HttpRequest,
        signal: &JsValue,
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
        if !signal.is_undefined() {
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

    async fn send_fetch(&self, req: HttpRequest, signal: &JsValue) -> Result<HttpResponse, JsValue> {
        let init = web_sys::RequestInit::new();
        if let Some(signal) = signal.dyn_ref::<web_sys::AbortSignal>() {
            init.set_signal(Some(signal));
        }
        init.set_method(req.method.as_str());
        let headers = web_sys::Headers::new()?;
        for (name, value) in &req.headers {
            headers.set(name, value)?;
        }
        init.set_headers(&headers);
        if let Some(body) = &req.body {
            init.set_body(&JsValue::from_str(body));
        }
        let request = web_sys::Request::new_with_str_and_init(&req.url, &init)?;
        let response: web_sys::Response = JsFuture::from(global_fetch(&request)).await?.dyn_into()?;
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

/// The host for one call: the client's host plus the call's abort signal.
pub struct CallHost<'a> {
    pub host: &'a JsHost,
    /// An `AbortSignal`, or `undefined`.
    pub signal: JsValue,
}

impl Host for CallHost<'_> {
    async fn send(&self, req: HttpRequest) -> Result<HttpResponse, Error> {
        let target = format!("{} {}", req.method.as_str(), req.url.split('?').next().unwrap_or(""));
        let result = match &self.host.http_client {
            Some((client, send)) => self.host.send_custom(client, send, req, &self.signal).await,
            None => self.host.send_fetch(req, &self.signal).await,
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
        Ok(response)
    }

    async fn get_token(&self, challenge: &Challenge) -> Result<AccessToken, Error> {
        self.host.get_token(challenge).await
    }

    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }
}

impl JsHost {
    async fn get_token(&self, challenge: &Challenge) -> Result<AccessToken, Error> {
        let shared = self
            .pending_token
            .borrow()
            .as_ref()
            .filter(|(c, _)| c == challenge)
            .map(|(_, p)| p.clone());
        let promise = match shared {
            Some(p) => p,
            None => {
                let p = self.start_token_call(challenge)?;
                *self.pending_token.borrow_mut() = Some((challenge.clone(), p.clone()));
                p
            }
        };
        let result = JsFuture::from(promise.clone()).await;
        {
            let mut pending = self.pending_token.borrow_mut();
            if pending.as_ref().is_some_and(|(_, p)| js_sys::Object::is(p, &promise)) {
                *pending = None;
            }
        }
        match result {
            Ok(v) => access_token(&v),
            Err(e) => Err(auth_failure(format!("the credential failed to provide a token: {}", message_of(&e)), e)),
        }
    }
}


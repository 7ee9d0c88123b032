//! `KeyClient`: each method checks its JavaScript arguments, runs the core, converts the result.
//! Methods return Promises and never throw synchronously: argument errors reject the Promise.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::future_to_promise;

use crate::core::duration::Duration;
use crate::core::model::{
    parse_backup, parse_deleted_key, parse_deleted_page, parse_key, parse_properties, parse_properties_page,
};
use crate::core::pipeline::{user_agent, Config, Pipeline};
use crate::core::request::{self, HttpResponse, Operation};
use crate::core::retry::RetryOptions;
use crate::core::validate;
use crate::core::vault_url::VaultUrl;
use crate::core::Error;

use super::convert;
use super::error::to_js;
use super::host::{CallHost, Credential, JsHost};

/// The newest stable REST api-version.
pub const DEFAULT_SERVICE_VERSION: &str = "2025-07-01";

struct Inner {
    pipeline: Pipeline,
    host: JsHost,
}

impl Inner {
    /// Sends `op` with this call's abort signal.
    async fn send(&self, op: &Operation, signal: JsValue) -> Result<HttpResponse, Error> {
        let host = CallHost {
            host: &self.host,
            signal: signal.dyn_into().ok(),
            try_timeout_ms: self.pipeline.config.retry.try_timeout_ms,
        };
        self.pipeline.send(&host, op).await
    }

    /// The first page of a listing, or the page a continuation token names.
    async fn page(&self, first: Result<Operation, Error>, token: &JsValue, signal: JsValue) -> Result<HttpResponse, Error> {
        // The arguments are checked even when a token names the page.
        let first = first?;
        let op = match convert::opt_string_arg(token, "continuationToken")? {
            Some(link) => self.pipeline.next_page(&link)?,
            None => first,
        };
        self.send(&op, signal).await
    }
}

#[wasm_bindgen]
pub struct KeyClient {
    inner: Rc<Inner>,
}

/// Runs `f` to completion as a Promise. The future owns what it uses (an `Rc` of the client),
/// so a call in flight never holds a borrow of the JavaScript object. Boxed, so every method
/// shares one Promise adapter instead of a copy each in the module.
fn spawn(f: impl Future<Output = Result<JsValue, Error>> + 'static) -> Promise {
    let f: Pin<Box<dyn Future<Output = Result<JsValue, Error>>>> = Box::pin(f);
    future_to_promise(async move { f.await.map_err(to_js) })
}

fn new_client(vault_url: &JsValue, credential: &JsValue, options: &JsValue, default_http: &JsValue) -> Result<Inner, Error> {
    let url = convert::string(vault_url, "vaultUrl")?;
    let credential = Credential::from_js(credential)?;
    let o = convert::options(options, "options")?;
    let get_bool = |k| o.as_ref().map_or(Ok(None), |o| convert::opt_bool(o, k, "options"));
    let allow_insecure = get_bool("allowInsecureConnection")?.unwrap_or(false);
    let disable_verification = get_bool("disableChallengeResourceVerification")?.unwrap_or(false);
    let api_version = match &o {
        Some(o) => convert::opt_string(o, "serviceVersion", "options")?,
        None => None,
    }
    .unwrap_or_else(|| DEFAULT_SERVICE_VERSION.to_string());
    validate::service_version(&api_version)?;
    let http_client = match &o {
        Some(o) => convert::get(o, "httpClient", "options")?,
        None => JsValue::UNDEFINED,
    };
    let http_client = if http_client.is_undefined() { default_http.clone() } else { http_client };
    let host = JsHost::new(credential, &http_client)?;
    let retry = match &o {
        Some(o) => convert::retry_options(&convert::get(o, "retryOptions", "options")?)?,
        None => RetryOptions::default(),
    };
    let vault = VaultUrl::parse(&url, allow_insecure)?;
    let prefix = match &o {
        Some(o) => match convert::options(&convert::get(o, "userAgentOptions", "options")?, "options.userAgentOptions")? {
            Some(ua) => convert::opt_string(&ua, "userAgentPrefix", "options.userAgentOptions")?,
            None => None,
        },
        None => None,
    };
    if let Some(p) = &prefix {
        validate::user_agent_prefix(p)?;
    }
    let user_agent = user_agent(prefix.as_deref());
    let config = Config { vault, api_version, verify_challenge_resource: !disable_verification, retry, user_agent };
    Ok(Inner { pipeline: Pipeline::new(config), host })
}

/// `ms` plus an ISO-8601 duration (`P30D`), calendar-correct; the JS layer's expiry arithmetic.
#[wasm_bindgen(js_name = __addDuration)]
pub fn add_duration(ms: f64, duration: JsValue) -> Result<f64, JsValue> {
    let text = convert::string(&duration, "duration").map_err(to_js)?;
    let d = Duration::parse(&text).map_err(to_js)?;
    let secs = validate::unix_seconds(ms).ok_or_else(|| to_js(Error::range_error("invalid time")))?;
    let ms_part = ms - (secs as f64) * 1000.0;
    Ok(d.add_to(secs) as f64 * 1000.0 + ms_part)
}

#[wasm_bindgen]
impl KeyClient {
    /// `new KeyClient(vaultUrl, credential, options?)`; throws `TypeError`/`RangeError`.
    /// `defaultHttpClient` is the entry point's transport (node:http in Node), used when
    /// `options.httpClient` is not given; without either, the global `fetch`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        vault_url: JsValue,
        credential: JsValue,
        options: JsValue,
        default_http_client: JsValue,
    ) -> Result<KeyClient, JsValue> {
        let inner = new_client(&vault_url, &credential, &options, &default_http_client).map_err(to_js)?;
        Ok(KeyClient { inner: Rc::new(inner) })
    }

    /// The vault URL requests go to, normalised (`https://name.vault.azure.net`).
    #[wasm_bindgen(getter, js_name = vaultUrl)]
    pub fn vault_url(&self) -> String {
        self.inner.pipeline.config.vault.origin.clone()
    }

    /// `setKey(name, value, options?)`: a new version holding `value` and exactly these options.
    #[wasm_bindgen(js_name = setKey)]
    pub fn set_key(&self, name: JsValue, value: JsValue, options: JsValue, signal: JsValue) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            let name = convert::string(&name, "name")?;
            let value = convert::string(&value, "value")?;
            let options = convert::key_options(&options)?;
            let response = inner.send(&request::set_key(&name, &value, &options)?, signal).await?;
            let key = parse_key(response.status, &response.body, response.request_id())?;
            Ok(convert::key_vault_key(key))
        })
    }

    /// `getKey(name, { version }?)`: the latest version, or the one named.
    #[wasm_bindgen(js_name = getKey)]
    pub fn get_key(&self, name: JsValue, options: JsValue, signal: JsValue) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            let name = convert::string(&name, "name")?;
            let version = match convert::options(&options, "options")? {
                Some(o) => convert::opt_string(&o, "version", "options")?,
                None => None,
            };
            let response = inner.send(&request::get_key(&name, version.as_deref())?, signal).await?;
            let key = parse_key(response.status, &response.body, response.request_id())?;
            Ok(convert::key_vault_key(key))
        })
    }

    /// `updateKeyProperties(name, version?, options?)` (the overloads are resolved in
    /// `js/client.mjs`): changes only the given properties of that version or the latest one,
    /// never the value.
    #[wasm_bindgen(js_name = updateKeyProperties)]
    pub fn update_key_properties(&self, name: JsValue, version: JsValue, options: JsValue, signal: JsValue) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            let name = convert::string(&name, "name")?;
            let version = convert::opt_string_arg(&version, "version")?;
            let options = convert::key_options(&options)?;
            let op = request::update_key_properties(&name, version.as_deref(), &options)?;
            let response = inner.send(&op, signal).await?;
            let props = parse_properties(response.status, &response.body, response.request_id())?;
            Ok(convert::key_properties(props))
        })
    }

    /// One page of `GET /secrets`: `{ items: KeyProperties[], continuationToken? }`.
    #[wasm_bindgen(js_name = listPropertiesOfKeysPage)]
    pub fn list_properties_of_keys_page(&self, continuation_token: JsValue, max_page_size: JsValue, signal: JsValue) -> Promise {
        let first = convert::page_size(&max_page_size).and_then(request::list_keys);
        self.page(first, continuation_token, signal, read_properties_page)
    }

    /// One page of `GET /secrets/{name}/versions`.
    #[wasm_bindgen(js_name = listPropertiesOfKeyVersionsPage)]
    pub fn list_properties_of_key_versions_page(
        &self,
        name: JsValue,
        continuation_token: JsValue,
        max_page_size: JsValue,
        signal: JsValue,
    ) -> Promise {
        let first = convert::string(&name, "name")
            .and_then(|name| request::list_key_versions(&name, convert::page_size(&max_page_size)?));
        self.page(first, continuation_token, signal, read_properties_page)
    }

    /// One page of `GET /deletedsecrets`.
    #[wasm_bindgen(js_name = listDeletedKeysPage)]
    pub fn list_deleted_keys_page(&self, continuation_token: JsValue, max_page_size: JsValue, signal: JsValue) -> Promise {
        let first = convert::page_size(&max_page_size).and_then(request::list_deleted_keys);
        self.page(first, continuation_token, signal, |r| {
            Ok(convert::deleted_page(parse_deleted_page(r.status, &r.body, r.request_id())?))
        })
    }

    /// `DELETE /secrets/{name}`: starts a deletion; the JS poller waits for it.
    #[wasm_bindgen(js_name = deleteKey)]
    pub fn delete_key(&self, name: JsValue, signal: JsValue) -> Promise {
        self.named(name, signal, request::delete_key, read_deleted_key)
    }

    #[wasm_bindgen(js_name = getDeletedKey)]
    pub fn get_deleted_key(&self, name: JsValue, signal: JsValue) -> Promise {
        self.named(name, signal, request::get_deleted_key, read_deleted_key)
    }

    /// `POST /deletedsecrets/{name}/recover`: starts a recovery; the JS poller waits for it.
    #[wasm_bindgen(js_name = recoverDeletedKey)]
    pub fn recover_deleted_key(&self, name: JsValue, signal: JsValue) -> Promise {
        self.named(name, signal, request::recover_deleted_key, read_properties)
    }

    #[wasm_bindgen(js_name = purgeDeletedKey)]
    pub fn purge_deleted_key(&self, name: JsValue, signal: JsValue) -> Promise {
        self.named(name, signal, request::purge_deleted_key, |_| Ok(JsValue::UNDEFINED))
    }

    /// `POST /secrets/{name}/backup` as a `Uint8Array`.
    #[wasm_bindgen(js_name = backupKey)]
    pub fn backup_key(&self, name: JsValue, signal: JsValue) -> Promise {
        self.named(name, signal, request::backup_key, |r| {
            Ok(js_sys::Uint8Array::from(parse_backup(r.status, &r.body, r.request_id())?.as_slice()).into())
        })
    }

    #[wasm_bindgen(js_name = restoreKeyBackup)]
    pub fn restore_key_backup(&self, backup: JsValue, signal: JsValue) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            let bytes = convert::bytes(&backup, "backup")?;
            read_properties(inner.send(&request::restore_key(&bytes)?, signal).await?)
        })
    }
}

/// How a method reads the service's answer into its JavaScript result.
type Read = fn(HttpResponse) -> Result<JsValue, Error>;

fn read_properties(r: HttpResponse) -> Result<JsValue, Error> {
    Ok(convert::key_properties(parse_properties(r.status, &r.body, r.request_id())?))
}

fn read_deleted_key(r: HttpResponse) -> Result<JsValue, Error> {
    Ok(convert::deleted_key(parse_deleted_key(r.status, &r.body, r.request_id())?))
}

fn read_properties_page(r: HttpResponse) -> Result<JsValue, Error> {
    Ok(convert::properties_page(parse_properties_page(r.status, &r.body, r.request_id())?))
}

// The shapes most methods share. Plain function pointers rather than generics: one compiled
// future serves every method of a shape, which keeps the module small.
impl KeyClient {
    /// A method on one key: its name, the operation for it, and how to read the answer.
    fn named(&self, name: JsValue, signal: JsValue, op: fn(&str) -> Result<Operation, Error>, read: Read) -> Promise {
        let inner = self.inner.clone();
        spawn(async move {
            let name = convert::string(&name, "name")?;
            read(inner.send(&op(&name)?, signal).await?)
        })
    }

    /// A page of a listing: the first page's operation, or the page the token names.
    fn page(&self, first: Result<Operation, Error>, token: JsValue, signal: JsValue, read: Read) -> Promise {
        let inner = self.inner.clone();
        spawn(async move { read(inner.page(first, &token, signal).await?) })
    }
}

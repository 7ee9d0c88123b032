//! The only JavaScript boundary, and a thin one: flat arguments in, one core operation, the
//! next action out as one string. `js/pipeline.mjs` drives the actions (send, token, sleep) and
//! `js/client.mjs` checks the JavaScript types of arguments first, so everything that arrives
//! here is already a string, a number or a boolean. Nothing here imports from JavaScript.
//!
//! One `Core` serves one plane (keys or secrets, chosen at `configure`); the operations of
//! the other plane answer `FO`.
//!
//! Every export returns one number (or nothing): on Node 20 an export returning several values
//! (as a `String` return does: pointer and length) costs about 0.6 ms of compile at startup
//! each. Text comes back through [`Core::emit`]: the bytes stay in the core's buffer, and the
//! number says where (read by `Wasm` in `js/pipeline.mjs`).
//!
//! An action is one string, its first character saying what to do:
//! - `S` + auth (`0` none, `1` cached, `2` own, `3` cached and refresh in the background) +
//!   method (`G` GET, `U` PUT, `A` PATCH, `P` POST, `D` DELETE) + path, then `\n` + body when
//!   the request has one (never with auth `0`);
//! - `T` + scope `\n` tenant `\n` claims: get a token;
//! - `W` + milliseconds: wait;
//! - `D`: done, the last response is the result;
//! - `F` + kind + message: failed; kind `S` the last response is the service's error, `N` no
//!   response arrived (then `T` when the failure was transient and the retries ran out, `P`
//!   when it was final at once), `A` an authentication error, `R` a `RangeError` (a bad
//!   argument), `O` the call was driven out of order.

use wasm_bindgen::prelude::*;

use crate::core::duration::Duration;
use crate::core::error::Result;
#[cfg(feature = "keys")]
use crate::core::keys::{
    self, CreateKey, CryptoOp, ImportKey, KeyAttributes, KeysClient, ReleasePolicy,
};
use crate::core::listing::Listing;
use crate::core::pipeline::{
    user_agent, Action, Auth, Call, Config, Failure, Method, Pipeline, Response,
};
use crate::core::retry::{RetryOptions, TransportFailure};
#[cfg(feature = "secrets")]
use crate::core::secrets::{self, SecretOptions, SecretsClient};
use crate::core::text::{concat, int};
use crate::core::vault_url::VaultUrl;
use crate::core::{validate, Error};

/// talc instead of the default dlmalloc: 7.1 KB less wasm (2.8 KB gzip), measured.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The newest stable REST api-version.
pub const DEFAULT_SERVICE_VERSION: &str = "2025-07-01";

/// `F` + kind + message for an error the core decided.
fn error_action(e: &Error) -> String {
    let kind = match e {
        Error::Argument { .. } => "FR",
        Error::Authentication { .. } => "FA",
    };
    concat(&[kind, e.message()])
}

/// The plane a [`Core`] serves, chosen at [`Core::configure`].
enum Plane {
    #[cfg(feature = "secrets")]
    Secrets(SecretsClient),
    #[cfg(feature = "keys")]
    Keys(KeysClient),
}

impl Plane {
    fn pipeline(&mut self) -> &mut Pipeline {
        match self {
            #[cfg(feature = "secrets")]
            Plane::Secrets(c) => &mut c.pipeline,
            #[cfg(feature = "keys")]
            Plane::Keys(c) => &mut c.pipeline,
        }
    }

    fn config(&self) -> &Config {
        match self {
            #[cfg(feature = "secrets")]
            Plane::Secrets(c) => &c.pipeline.config,
            #[cfg(feature = "keys")]
            Plane::Keys(c) => &c.pipeline.config,
        }
    }
}

/// A call the host made on the other plane: the host never does, so it is out of order.
const WRONG_PLANE: &str = "FO";

#[cfg(not(any(feature = "secrets", feature = "keys")))]
compile_error!("build with the `secrets` feature, the `keys` feature, or both");

/// A client of one plane and its calls in flight, by the ids the host gives them.
#[wasm_bindgen]
pub struct Core {
    /// `None` until [`Core::configure`] succeeds.
    client: Option<Plane>,
    calls: Vec<Option<Call>>,
    /// The text of the last answer, read by the host before its next call.
    out: String,
}

/// Where bytes lie in the wasm memory, as one number: `pointer * 2^21 + length`. Exact in an
/// f64 (53 bits) for any 32-bit pointer and lengths under 2 MiB, far above any action's size.
fn locate(bytes: &[u8]) -> f64 {
    (bytes.as_ptr() as usize as f64) * 2_097_152.0 + bytes.len() as f64
}

/// `Some(true)`, `Some(false)` or `None` from 1, 0 or anything else.
fn tri(v: u32) -> Option<bool> {
    match v {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

/// Unix seconds from a number the host has checked is an integer, or absent.
fn seconds(v: Option<f64>) -> Option<i64> {
    v.map(crate::core::duration::unix_seconds)
}

#[wasm_bindgen]
impl Core {
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Core {
        Core {
            client: None,
            calls: Vec::new(),
            out: String::new(),
        }
    }

    /// Keeps `text` until the next call and says where it is.
    fn emit(&mut self, text: String) -> f64 {
        self.out = text;
        locate(self.out.as_bytes())
    }

    /// Sets the client up for the keys plane (`keys`) or the secrets plane: 0 when it is, else
    /// a `RangeError`'s message for a bad vault URL, api-version or user-agent prefix. Retry
    /// numbers are checked by the host; absent ones take the defaults. `seed` (any number)
    /// seeds the backoff jitter.
    #[allow(clippy::too_many_arguments)]
    pub fn configure(
        &mut self,
        keys: bool,
        vault_url: &str,
        allow_insecure: bool,
        verify_challenge_resource: bool,
        service_version: Option<String>,
        user_agent_prefix: Option<String>,
        max_retries: Option<u32>,
        retry_delay_ms: Option<f64>,
        max_retry_delay_ms: Option<f64>,
        max_retry_elapsed_ms: Option<f64>,
        seed: f64,
    ) -> f64 {
        let config = (|| -> Result<Config> {
            let api_version = service_version.unwrap_or_else(|| DEFAULT_SERVICE_VERSION.into());
            validate::service_version(&api_version)?;
            if let Some(p) = &user_agent_prefix {
                validate::user_agent_prefix(p)?;
            }
            let defaults = RetryOptions::default();
            let retry = RetryOptions {
                max_retries: max_retries.unwrap_or(defaults.max_retries),
                retry_delay_ms: retry_delay_ms.unwrap_or(defaults.retry_delay_ms),
                max_retry_delay_ms: max_retry_delay_ms.unwrap_or(defaults.max_retry_delay_ms),
                max_retry_elapsed_ms: max_retry_elapsed_ms.unwrap_or(defaults.max_retry_elapsed_ms),
            };
            Ok(Config {
                vault: VaultUrl::parse(vault_url, allow_insecure)?,
                api_version,
                verify_challenge_resource,
                retry,
                user_agent: user_agent(user_agent_prefix.as_deref()),
            })
        })();
        match config {
            Ok(config) => {
                let seed = seed.to_bits();
                self.client = Some(match keys {
                    #[cfg(feature = "keys")]
                    true => Plane::Keys(KeysClient::new(config, seed)),
                    #[cfg(feature = "secrets")]
                    false => Plane::Secrets(SecretsClient::new(config, seed)),
                    #[allow(unreachable_patterns)]
                    _ => return self.emit("this build of the core serves the other plane".into()),
                });
                0.0
            }
            Err(e) => self.emit(e.message().to_string()),
        }
    }

    /// The vault's origin, normalised (`https://name.vault.azure.net`), then `\n`, then the
    /// `User-Agent`.
    pub fn identity(&mut self) -> f64 {
        let text = match &self.client {
            Some(c) => concat(&[&c.config().vault.origin, "\n", &c.config().user_agent]),
            None => String::new(),
        };
        self.emit(text)
    }

    /// Keeps a started call under `id` (a small integer the host reuses once a call is over)
    /// and encodes its first action.
    fn begin(
        &mut self,
        id: u32,
        start: impl FnOnce(&mut Plane) -> Option<Result<(Call, Action)>>,
    ) -> f64 {
        let Some(started) = self.client.as_mut().and_then(start) else {
            return self.emit(WRONG_PLANE.into());
        };
        let (call, action) = match started {
            Ok(started) => started,
            Err(e) => return self.emit(error_action(&e)),
        };
        let text = encode(&call, &action);
        if !matches!(action, Action::Done | Action::Fail(_)) {
            let i = id as usize;
            if self.calls.len() <= i {
                self.calls.resize_with(i + 1, || None);
            }
            self.calls[i] = Some(call);
        }
        self.emit(text)
    }

    /// Runs `step` on call `id`, encodes the next action, and forgets the call once it is over.
    fn step(&mut self, id: u32, step: impl FnOnce(&mut Pipeline, &mut Call) -> Action) -> f64 {
        let slot = self.calls.get_mut(id as usize);
        let (Some(client), Some(slot)) = (self.client.as_mut(), slot) else {
            return self.emit("FO".into());
        };
        let Some(call) = slot.as_mut() else {
            return self.emit("FO".into());
        };
        let action = step(client.pipeline(), call);
        let text = encode(call, &action);
        if matches!(action, Action::Done | Action::Fail(_)) {
            *slot = None;
        }
        self.emit(text)
    }

    /// `GET /secrets/{name}[/{version}]` or `GET /keys/{name}[/{version}]`.
    pub fn get(&mut self, id: u32, now: f64, name: &str, version: Option<String>) -> f64 {
        let version = version.as_deref();
        self.begin(id, |p| {
            Some(match p {
                #[cfg(feature = "secrets")]
                Plane::Secrets(c) => c.get(name, version, now),
                #[cfg(feature = "keys")]
                Plane::Keys(c) => c.get(name, version, now),
            })
        })
    }

    /// 0 delete, 1 get deleted, 2 recover, 3 purge, 4 backup; keys also 5 rotate, 6 get the
    /// rotation policy.
    pub fn named(&mut self, id: u32, now: f64, which: u32, name: &str) -> f64 {
        self.begin(id, |p| {
            Some(match p {
                #[cfg(feature = "secrets")]
                Plane::Secrets(c) => {
                    let which = match which {
                        0 => secrets::Named::Delete,
                        1 => secrets::Named::GetDeleted,
                        2 => secrets::Named::Recover,
                        3 => secrets::Named::Purge,
                        _ => secrets::Named::Backup,
                    };
                    c.named(which, name, now)
                }
                #[cfg(feature = "keys")]
                Plane::Keys(c) => {
                    let which = match which {
                        0 => keys::Named::Delete,
                        1 => keys::Named::GetDeleted,
                        2 => keys::Named::Recover,
                        3 => keys::Named::Purge,
                        4 => keys::Named::Backup,
                        5 => keys::Named::Rotate,
                        _ => keys::Named::GetRotationPolicy,
                    };
                    c.named(which, name, now)
                }
            })
        })
    }

    /// One page: 0 secrets, 1 versions of `name`, 2 deleted secrets.
    pub fn list(
        &mut self,
        id: u32,
        now: f64,
        which: u32,
        name: Option<String>,
        max_page_size: Option<u32>,
        continuation_token: Option<String>,
    ) -> f64 {
        let which = match which {
            0 => Listing::Items,
            1 => Listing::Versions,
            _ => Listing::Deleted,
        };
        let (name, token) = (name.as_deref(), continuation_token.as_deref());
        self.begin(id, |p| {
            Some(match p {
                #[cfg(feature = "secrets")]
                Plane::Secrets(c) => c.list(which, name, max_page_size, token, now),
                #[cfg(feature = "keys")]
                Plane::Keys(c) => c.list(which, name, max_page_size, token, now),
            })
        })
    }

    /// `POST /secrets/restore` or `POST /keys/restore` of a backup given as base64url.
    pub fn restore(&mut self, id: u32, now: f64, backup: &str) -> f64 {
        self.begin(id, |p| {
            Some(match p {
                #[cfg(feature = "secrets")]
                Plane::Secrets(c) => c.restore(backup, now),
                #[cfg(feature = "keys")]
                Plane::Keys(c) => c.restore(backup, now),
            })
        })
    }

    /// The response to the last `S` action of call `id`; a header is passed only if present.
    #[allow(clippy::too_many_arguments)]
    pub fn answer(
        &mut self,
        id: u32,
        now: f64,
        status: u32,
        www_authenticate: Option<String>,
        retry_after: Option<String>,
        retry_after_ms: Option<String>,
        x_ms_retry_after_ms: Option<String>,
    ) -> f64 {
        let response = Response {
            status: status.min(999) as u16,
            www_authenticate: www_authenticate.as_deref(),
            retry_after: retry_after.as_deref(),
            retry_after_ms: retry_after_ms.as_deref(),
            x_ms_retry_after_ms: x_ms_retry_after_ms.as_deref(),
        };
        self.step(id, |p, call| p.on_response(call, &response, now))
    }

    /// The last `S` action of call `id` got no response, for the reason `kind`: 0 the
    /// connection failed (or the host cannot tell), 1 the request could not be sent as built,
    /// 2 the response could not be read, 3 the TLS handshake failed, 4 the host name was not
    /// resolved.
    pub fn failed(&mut self, id: u32, now: f64, kind: u32) -> f64 {
        let failure = match kind {
            1 => TransportFailure::Request,
            2 => TransportFailure::Response,
            3 => TransportFailure::Tls,
            4 => TransportFailure::Name,
            _ => TransportFailure::Connection,
        };
        self.step(id, |p, call| p.on_transport_failure(call, failure, now))
    }

    /// The credential gave call `id` a token good until `expires_on` (ms; `NaN` if unknown).
    pub fn token(&mut self, id: u32, expires_on: f64) -> f64 {
        self.step(id, |p, call| p.on_token(call, expires_on))
    }

    /// The wait of the last `W` action of call `id` is over.
    pub fn slept(&mut self, id: u32, now: f64) -> f64 {
        self.step(id, |p, call| p.on_slept(call, now))
    }

    /// Call `id` is abandoned (aborted, or its credential failed).
    pub fn end(&mut self, id: u32) {
        if let Some(slot) = self.calls.get_mut(id as usize) {
            *slot = None;
        }
    }

    /// The challenge of the background refresh an `S3` action asked for: scope `\n` tenant.
    #[wasm_bindgen(js_name = refreshChallenge)]
    pub fn refresh_challenge(&mut self) -> f64 {
        let text = match self.client.as_mut().and_then(|c| c.pipeline().refreshing()) {
            Some(c) => concat(&[&c.scope, "\n", c.tenant_id.as_deref().unwrap_or("")]),
            None => String::new(),
        };
        self.emit(text)
    }

    /// A background refresh ended with a token good until `expires_on` (`NaN` if it failed or
    /// named no expiry). True when the host caches the new token.
    pub fn refreshed(&mut self, expires_on: f64) -> bool {
        self.client
            .as_mut()
            .is_some_and(|c| c.pipeline().on_refreshed(expires_on))
    }

    /// `ms` plus an ISO-8601 duration (`P30D`), calendar-correct: the expiry arithmetic of
    /// `rotateKey` and `listPropertiesOfKeysNearExpiry`. `NaN` for a bad duration, whose
    /// message is then at [`Core::last_text`].
    #[wasm_bindgen(js_name = addDuration)]
    pub fn add_duration(&mut self, ms: f64, duration: &str) -> f64 {
        match Duration::parse(duration) {
            Ok(d) => {
                let secs = (ms / 1000.0).floor();
                d.add_to(crate::core::duration::unix_seconds(secs)) as f64 * 1000.0
                    + (ms - secs * 1000.0)
            }
            Err(e) => {
                self.emit(e.message().to_string());
                f64::NAN
            }
        }
    }

    /// Where the text of the last answer is (after `addDuration` returned `NaN`).
    #[wasm_bindgen(js_name = lastText)]
    pub fn last_text(&self) -> f64 {
        locate(self.out.as_bytes())
    }
}

#[cfg(feature = "secrets")]
#[wasm_bindgen]
impl Core {
    /// [`Core::begin`] of a secrets-plane operation.
    fn secrets(
        &mut self,
        id: u32,
        start: impl FnOnce(&mut SecretsClient) -> Result<(Call, Action)>,
    ) -> f64 {
        self.begin(id, |p| match p {
            #[cfg(feature = "secrets")]
            Plane::Secrets(c) => Some(start(c)),
            #[cfg(feature = "keys")]
            Plane::Keys(_) => None,
        })
    }

    /// `PUT /secrets/{name}` (`update` false: `text` is the value) or `PATCH
    /// /secrets/{name}[/{version}]` (`update` true: `text` is the version, if any). `enabled`
    /// is 0, 1, or 2 for absent; dates are Unix seconds; tags are name, value, name, value...
    #[allow(clippy::too_many_arguments)]
    pub fn write(
        &mut self,
        id: u32,
        now: f64,
        update: bool,
        name: &str,
        text: Option<String>,
        content_type: Option<String>,
        enabled: u32,
        not_before: Option<f64>,
        expires_on: Option<f64>,
        tags: Option<Vec<String>>,
    ) -> f64 {
        let options = SecretOptions {
            content_type: content_type.as_deref(),
            enabled: tri(enabled),
            not_before: seconds(not_before),
            expires_on: seconds(expires_on),
            tags: tags.as_deref(),
        };
        self.secrets(id, |c| {
            if update {
                c.update(name, text.as_deref(), &options, now)
            } else {
                c.set(name, text.as_deref().unwrap_or(""), &options, now)
            }
        })
    }
}

#[cfg(feature = "keys")]
#[wasm_bindgen]
impl Core {
    /// [`Core::begin`] of a keys-plane operation.
    fn keys(
        &mut self,
        id: u32,
        start: impl FnOnce(&mut KeysClient) -> Result<(Call, Action)>,
    ) -> f64 {
        self.begin(id, |p| match p {
            #[cfg(feature = "keys")]
            Plane::Keys(c) => Some(start(c)),
            #[cfg(feature = "secrets")]
            Plane::Secrets(_) => None,
        })
    }

    /// `POST /keys/{name}/create` (`import` false: `kty` and the sizes apply) or `PUT
    /// /keys/{name}` (`import` true: `jwk` is the key as name, value pairs). Tri-states
    /// (`enabled`, `exportable`, `hsm`, `policy_immutable`) are 0, 1, or 2 for absent; dates are
    /// Unix seconds; tags are name, value pairs; `policy` is the release policy's base64url.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = writeKey)]
    pub fn write_key(
        &mut self,
        id: u32,
        now: f64,
        import: bool,
        name: &str,
        kty: &str,
        key_size: Option<u32>,
        public_exponent: Option<u32>,
        curve: Option<String>,
        jwk: Option<Vec<String>>,
        hsm: u32,
        key_ops: Option<Vec<String>>,
        enabled: u32,
        not_before: Option<f64>,
        expires_on: Option<f64>,
        exportable: u32,
        tags: Option<Vec<String>>,
        policy: Option<String>,
        policy_content_type: Option<String>,
        policy_immutable: u32,
    ) -> f64 {
        let attributes = key_attributes(enabled, not_before, expires_on, exportable);
        let release_policy = release_policy(&policy, &policy_content_type, policy_immutable);
        let (key_ops, tags) = (key_ops.as_deref(), tags.as_deref());
        self.keys(id, |c| {
            if import {
                let key = ImportKey {
                    jwk: jwk.as_deref().unwrap_or(&[]),
                    key_ops,
                    hsm: tri(hsm),
                    attributes,
                    tags,
                    release_policy,
                };
                c.import(name, &key, now)
            } else {
                let key = CreateKey {
                    kty,
                    key_size,
                    public_exponent,
                    curve: curve.as_deref(),
                    key_ops,
                    attributes,
                    tags,
                    release_policy,
                };
                c.create(name, &key, now)
            }
        })
    }

    /// `PATCH /keys/{name}[/{version}]`: as [`Core::write_key`], without the key itself.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = updateKey)]
    pub fn update_key(
        &mut self,
        id: u32,
        now: f64,
        name: &str,
        version: Option<String>,
        key_ops: Option<Vec<String>>,
        enabled: u32,
        not_before: Option<f64>,
        expires_on: Option<f64>,
        tags: Option<Vec<String>>,
        policy: Option<String>,
        policy_content_type: Option<String>,
        policy_immutable: u32,
    ) -> f64 {
        let attributes = key_attributes(enabled, not_before, expires_on, 2);
        let release_policy = release_policy(&policy, &policy_content_type, policy_immutable);
        self.keys(id, |c| {
            c.update(
                name,
                version.as_deref(),
                key_ops.as_deref(),
                &attributes,
                tags.as_deref(),
                release_policy.as_ref(),
                now,
            )
        })
    }

    /// `PUT /keys/{name}/rotationpolicy`: `actions` are triples of action, timeAfterCreate,
    /// timeBeforeExpiry (one of the two empty).
    #[wasm_bindgen(js_name = rotationPolicy)]
    pub fn rotation_policy(
        &mut self,
        id: u32,
        now: f64,
        name: &str,
        expires_in: Option<String>,
        actions: Vec<String>,
    ) -> f64 {
        self.keys(id, |c| {
            c.update_rotation_policy(name, expires_in.as_deref(), &actions, now)
        })
    }

    /// `POST /keys/{name}[/{version}]/release`.
    #[allow(clippy::too_many_arguments)]
    pub fn release(
        &mut self,
        id: u32,
        now: f64,
        name: &str,
        version: Option<String>,
        target: &str,
        nonce: Option<String>,
        enc: Option<String>,
    ) -> f64 {
        self.keys(id, |c| {
            c.release(
                name,
                version.as_deref(),
                target,
                nonce.as_deref(),
                enc.as_deref(),
                now,
            )
        })
    }

    /// `GET /keys/{name}[/{version}]/attestation`.
    pub fn attestation(&mut self, id: u32, now: f64, name: &str, version: Option<String>) -> f64 {
        self.keys(id, |c| c.attestation(name, version.as_deref(), now))
    }

    /// `POST /rng`.
    #[wasm_bindgen(js_name = randomBytes)]
    pub fn random_bytes(&mut self, id: u32, now: f64, count: u32) -> f64 {
        self.keys(id, |c| c.random_bytes(count, now))
    }

    /// A cryptographic operation: `which` 0 encrypt, 1 decrypt, 2 wrapKey, 3 unwrapKey, 4 sign
    /// (`value` the input; `iv`, `aad`, `tag` as they apply), 5 verify (`value` the digest,
    /// `iv` the signature). Binary inputs are base64url.
    #[allow(clippy::too_many_arguments)]
    pub fn crypto(
        &mut self,
        id: u32,
        now: f64,
        which: u32,
        name: &str,
        version: Option<String>,
        alg: &str,
        value: &str,
        iv: Option<String>,
        aad: Option<String>,
        tag: Option<String>,
    ) -> f64 {
        let version = version.as_deref();
        let Some(op) = crypto_op(which) else {
            let signature = iv.unwrap_or_default();
            return self.keys(id, |c| c.verify(name, version, alg, value, &signature, now));
        };
        self.keys(id, |c| {
            c.crypto(
                name,
                version,
                op,
                alg,
                value,
                iv.as_deref(),
                aad.as_deref(),
                tag.as_deref(),
                now,
            )
        })
    }

    /// Checks a cryptographic operation's algorithm and inputs, those given (arguments as in
    /// [`Core::crypto`]), before anything else happens: 0, or a `RangeError`'s message.
    #[wasm_bindgen(js_name = checkCrypto)]
    pub fn check_crypto(
        &mut self,
        which: u32,
        alg: &str,
        value: Option<String>,
        iv: Option<String>,
        aad: Option<String>,
        tag: Option<String>,
    ) -> f64 {
        let (value, iv) = (value.as_deref(), iv.as_deref());
        let checked = match crypto_op(which) {
            Some(op) => keys::check_crypto(op, alg, value, iv, aad.as_deref(), tag.as_deref()),
            None => keys::check_verify(alg, value, iv),
        };
        match checked {
            Ok(()) => 0.0,
            Err(e) => self.emit(e.message().to_string()),
        }
    }
}

/// A key's attributes from the host's numbers: tri-states (0, 1, 2 for absent) and Unix seconds.
#[cfg(feature = "keys")]
fn key_attributes(
    enabled: u32,
    not_before: Option<f64>,
    expires_on: Option<f64>,
    exportable: u32,
) -> KeyAttributes {
    KeyAttributes {
        enabled: tri(enabled),
        not_before: seconds(not_before),
        expires_on: seconds(expires_on),
        exportable: tri(exportable),
    }
}

/// A release policy when its data (base64url) is given.
#[cfg(feature = "keys")]
fn release_policy<'a>(
    data: &'a Option<String>,
    content_type: &'a Option<String>,
    immutable: u32,
) -> Option<ReleasePolicy<'a>> {
    data.as_deref().map(|data| ReleasePolicy {
        data,
        content_type: content_type.as_deref(),
        immutable: tri(immutable),
    })
}

/// 0 encrypt, 1 decrypt, 2 wrapKey, 3 unwrapKey, 4 sign; `None` (any other) verify.
#[cfg(feature = "keys")]
fn crypto_op(which: u32) -> Option<CryptoOp> {
    match which {
        0 => Some(CryptoOp::Encrypt),
        1 => Some(CryptoOp::Decrypt),
        2 => Some(CryptoOp::WrapKey),
        3 => Some(CryptoOp::UnwrapKey),
        4 => Some(CryptoOp::Sign),
        _ => None,
    }
}

/// The action as the host reads it (see the module's documentation).
fn encode(call: &Call, action: &Action) -> String {
    match action {
        Action::Send { auth, refresh } => {
            let auth = match (auth, refresh) {
                (Auth::None, _) => "0",
                (Auth::Cached, false) => "1",
                (Auth::Own, _) => "2",
                (Auth::Cached, true) => "3",
            };
            let method = match call.method() {
                Method::Get => "G",
                Method::Put => "U",
                Method::Patch => "A",
                Method::Post => "P",
                Method::Delete => "D",
            };
            let body = if auth == "0" { None } else { call.body() };
            match body {
                Some(body) => concat(&["S", auth, method, call.path(), "\n", body]),
                None => concat(&["S", auth, method, call.path()]),
            }
        }
        Action::Token => match call.challenge() {
            Some(c) => concat(&[
                "T",
                &c.scope,
                "\n",
                c.tenant_id.as_deref().unwrap_or(""),
                "\n",
                c.claims.as_deref().unwrap_or(""),
            ]),
            None => "FO".into(),
        },
        Action::Sleep(ms) => concat(&["W", &int(*ms as i64)]),
        Action::Done => "D".into(),
        Action::Fail(Failure::Service) => "FS".into(),
        Action::Fail(Failure::Transport(f)) if f.is_transient() => "FNT".into(),
        Action::Fail(Failure::Transport(_)) => "FNP".into(),
        Action::Fail(Failure::Authentication(m)) => concat(&["FA", m]),
        Action::Fail(Failure::OutOfOrder) => "FO".into(),
    }
}

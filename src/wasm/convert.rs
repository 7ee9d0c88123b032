//! JavaScript values in and out: argument checking by type, Dates, tags, result objects.
//! Dates are converted here and nowhere else.

use js_sys::{Array, Date, Object, Reflect};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

use crate::core::model::{DeletedKey, KeyOptions, KeyProperties, KeyVaultKey, Page, Tags};
use crate::core::retry::RetryOptions;
use crate::core::validate::unix_seconds;
use crate::core::vault_url::quoted;
use crate::core::{Error, Error as E};

type Result<T> = std::result::Result<T, Error>;

/// A number as JavaScript prints it (Rust's float formatting would cost the module ~15 KB).
fn js_number(n: f64) -> String {
    String::from(js_sys::Number::from(n).to_string_with_radix(10).unwrap_or_else(|_| "NaN".into()))
}

fn type_name(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else if Array::is_array(v) {
        "an array".into()
    } else {
        v.js_typeof().as_string().unwrap_or_default()
    }
}

pub fn string(v: &JsValue, what: &str) -> Result<String> {
    v.as_string().ok_or_else(|| E::type_error(format!("{what} must be a string, not {}", type_name(v))))
}

fn is_absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// A string argument that may be left out (`undefined`/`null`).
pub fn opt_string_arg(v: &JsValue, what: &str) -> Result<Option<String>> {
    if is_absent(v) {
        return Ok(None);
    }
    string(v, what).map(Some)
}

/// `maxPageSize`: an integer 1-25, or absent.
pub fn page_size(v: &JsValue) -> Result<Option<u32>> {
    if is_absent(v) {
        return Ok(None);
    }
    let n = v
        .as_f64()
        .ok_or_else(|| E::type_error(format!("maxPageSize must be a number, not {}", type_name(v))))?;
    if n.fract() != 0.0 || !(1.0..=25.0).contains(&n) {
        return Err(E::range_error(format!("maxPageSize must be an integer from 1 to 25, not {}", js_number(n))));
    }
    Ok(Some(n as u32))
}

/// Bytes from a `Uint8Array` (or any other typed-array view of bytes).
pub fn bytes(v: &JsValue, what: &str) -> Result<Vec<u8>> {
    v.dyn_ref::<js_sys::Uint8Array>()
        .map(|a| a.to_vec())
        .ok_or_else(|| E::type_error(format!("{what} must be a Uint8Array, not {}", type_name(v))))
}

/// An options bag: `undefined`/`null` mean "none"; anything but a plain object is refused.
pub fn options(v: &JsValue, what: &str) -> Result<Option<Object>> {
    if is_absent(v) {
        return Ok(None);
    }
    if !v.is_object() || Array::is_array(v) || v.is_function() {
        return Err(E::type_error(format!("{what} must be an object, not {}", type_name(v))));
    }
    Ok(Some(v.clone().unchecked_into()))
}

/// `obj[key]`, with a throwing getter reported as a bad argument rather than escaping.
pub fn get(obj: &Object, key: &str, what: &str) -> Result<JsValue> {
    Reflect::get(obj, &JsValue::from_str(key)).map_err(|_| E::type_error(format!("{what}.{key} could not be read")))
}

pub fn opt_string(obj: &Object, key: &str, what: &str) -> Result<Option<String>> {
    let v = get(obj, key, what)?;
    if is_absent(&v) {
        return Ok(None);
    }
    string(&v, &format!("{what}.{key}")).map(Some)
}

pub fn opt_bool(obj: &Object, key: &str, what: &str) -> Result<Option<bool>> {
    let v = get(obj, key, what)?;
    if is_absent(&v) {
        return Ok(None);
    }
    v.as_bool()
        .map(Some)
        .ok_or_else(|| E::type_error(format!("{what}.{key} must be a boolean, not {}", type_name(&v))))
}

/// A non-negative number option (milliseconds, counts), at most `max`.
fn opt_number(obj: &Object, key: &str, what: &str, max: f64, integer: bool) -> Result<Option<f64>> {
    let v = get(obj, key, what)?;
    if is_absent(&v) {
        return Ok(None);
    }
    let n = v
        .as_f64()
        .ok_or_else(|| E::type_error(format!("{what}.{key} must be a number, not {}", type_name(&v))))?;
    if !(0.0..=max).contains(&n) || (integer && n.fract() != 0.0) {
        let kind = if integer { "an integer" } else { "a number" };
        return Err(E::range_error(format!("{what}.{key} must be {kind} from 0 to {}, not {}", js_number(max), js_number(n))));
    }
    Ok(Some(n))
}

/// `retryOptions { maxRetries, retryDelayInMs, maxRetryDelayInMs, tryTimeoutInMs }`.
pub fn retry_options(v: &JsValue) -> Result<RetryOptions> {
    let mut r = RetryOptions::default();
    let Some(o) = options(v, "options.retryOptions")? else {
        return Ok(r);
    };
    let what = "options.retryOptions";
    const DAY_MS: f64 = 86_400_000.0;
    if let Some(n) = opt_number(&o, "maxRetries", what, 100.0, true)? {
        r.max_retries = n as u32;
    }
    if let Some(n) = opt_number(&o, "retryDelayInMs", what, DAY_MS, false)? {
        r.retry_delay_ms = n;
    }
    if let Some(n) = opt_number(&o, "maxRetryDelayInMs", what, DAY_MS, false)? {
        r.max_retry_delay_ms = n;
    }
    if let Some(n) = opt_number(&o, "tryTimeoutInMs", what, DAY_MS, false)? {
        if n == 0.0 {
            return Err(E::range_error(format!("{what}.tryTimeoutInMs must be more than 0")));
        }
        r.try_timeout_ms = Some(n);
    }
    Ok(r)
}

/// A `Date` option as Unix seconds.
fn opt_date(obj: &Object, key: &str, what: &str) -> Result<Option<i64>> {
    let v = get(obj, key, what)?;
    if is_absent(&v) {
        return Ok(None);
    }
    let date = v
        .dyn_ref::<Date>()
        .ok_or_else(|| E::type_error(format!("{what}.{key} must be a Date, not {}", type_name(&v))))?;
    unix_seconds(date.get_time())
        .map(Some)
        .ok_or_else(|| E::range_error(format!("{what}.{key} is an invalid Date")))
}

/// Tags: a plain object (not a Map, not an array) whose values are strings.
fn opt_tags(obj: &Object, key: &str, what: &str) -> Result<Option<Tags>> {
    let v = get(obj, key, what)?;
    if is_absent(&v) {
        return Ok(None);
    }
    let bad_type = || E::type_error(format!("{what}.{key} must be a plain object of strings, not {}", type_name(&v)));
    if !v.is_object() || Array::is_array(&v) {
        return Err(bad_type());
    }
    let tags: &Object = v.unchecked_ref();
    let proto = Object::get_prototype_of(tags);
    if !(proto.is_null() || proto == Object::get_prototype_of(&Object::new())) {
        return Err(bad_type());
    }
    let mut out = Vec::new();
    for entry in Object::entries(tags).iter() {
        let pair: Array = entry.unchecked_into();
        let name = pair.get(0).as_string().unwrap_or_default();
        let value = pair.get(1);
        let value = value.as_string().ok_or_else(|| {
            E::type_error(format!("{what}.{key}[{}] must be a string, not {}", quoted(&name), type_name(&value)))
        })?;
        out.push((name, value));
    }
    Ok(Some(out))
}

/// The options of `setKey` and `updateKeyProperties`.
pub fn key_options(v: &JsValue) -> Result<KeyOptions> {
    let Some(o) = options(v, "options")? else {
        return Ok(KeyOptions::default());
    };
    Ok(KeyOptions {
        content_type: opt_string(&o, "contentType", "options")?,
        enabled: opt_bool(&o, "enabled", "options")?,
        not_before: opt_date(&o, "notBefore", "options")?,
        expires_on: opt_date(&o, "expiresOn", "options")?,
        tags: opt_tags(&o, "tags", "options")?,
    })
}

// ---- results -------------------------------------------------------------------------------

fn put(target: &Object, key: &str, value: JsValue) {
    // Data properties on a fresh plain object: cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), &value);
}

fn date(seconds: Option<i64>) -> JsValue {
    match seconds {
        Some(s) => Date::new(&JsValue::from_f64(s as f64 * 1000.0)).into(),
        None => JsValue::UNDEFINED,
    }
}

fn opt<T: Into<JsValue>>(v: Option<T>) -> JsValue {
    v.map(Into::into).unwrap_or(JsValue::UNDEFINED)
}

pub fn key_properties(p: KeyProperties) -> JsValue {
    key_properties_object(p).into()
}

// The result object is built by one JavaScript call rather than a property set per field: each
// crossing of the boundary costs, and results are built on every request.
#[wasm_bindgen(inline_js = r#"
const date = (s) => (s === undefined ? undefined : new Date(s * 1000));
export function keyProperties(id, name, vaultUrl, version, enabled, nbf, exp, created, updated,
                              recoveryLevel, recoverableDays, contentType, tagList, managed) {
  const tags = {};
  for (let i = 0; i < tagList.length; i += 2) {
    // defineProperty, not assignment: a tag named "__proto__" stays an ordinary tag.
    Object.defineProperty(tags, tagList[i], { value: tagList[i + 1], enumerable: true, writable: true, configurable: true });
  }
  return {
    id, name, vaultUrl, version, enabled,
    notBefore: date(nbf), expiresOn: date(exp), createdOn: date(created), updatedOn: date(updated),
    recoveryLevel, recoverableDays, contentType, tags, managed,
  };
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = keyProperties)]
    #[allow(clippy::too_many_arguments)]
    fn make_key_properties(
        id: String,
        name: String,
        vault_url: String,
        version: Option<String>,
        enabled: Option<bool>,
        nbf: Option<f64>,
        exp: Option<f64>,
        created: Option<f64>,
        updated: Option<f64>,
        recovery_level: Option<String>,
        recoverable_days: Option<f64>,
        content_type: Option<String>,
        tags: Vec<String>,
        managed: Option<bool>,
    ) -> Object;
}

fn key_properties_object(p: KeyProperties) -> Object {
    let secs = |s: Option<i64>| s.map(|s| s as f64);
    let tags = p.tags.into_iter().flat_map(|(k, v)| [k, v]).collect();
    make_key_properties(
        p.id,
        p.name,
        p.vault_url,
        // List items name no version: undefined, as in the official SDKs.
        Some(p.version).filter(|v| !v.is_empty()),
        p.enabled,
        secs(p.not_before),
        secs(p.expires_on),
        secs(p.created_on),
        secs(p.updated_on),
        p.recovery_level,
        p.recoverable_days.map(|d| d as f64),
        p.content_type,
        tags,
        p.managed,
    )
}

/// `DeletedKey`: `{ name, properties, recoveryId, deletedOn, scheduledPurgeDate }`; the three
/// deletion fields are also on `properties`, as in the official SDKs.
pub fn deleted_key(d: DeletedKey) -> JsValue {
    let o = Object::new();
    put(&o, "name", d.properties.name.as_str().into());
    let props = key_properties_object(d.properties);
    for target in [&o, &props] {
        put(target, "recoveryId", opt(d.recovery_id.clone()));
        put(target, "deletedOn", date(d.deleted_on));
        put(target, "scheduledPurgeDate", date(d.scheduled_purge_date));
    }
    put(&o, "properties", props.into());
    o.into()
}

fn page<T>(p: Page<T>, item: fn(T) -> JsValue) -> JsValue {
    let o = Object::new();
    let items: Array = p.items.into_iter().map(item).collect();
    put(&o, "items", items.into());
    put(&o, "continuationToken", opt(p.next_link));
    o.into()
}

pub fn properties_page(p: Page<KeyProperties>) -> JsValue {
    page(p, key_properties)
}

pub fn deleted_page(p: Page<DeletedKey>) -> JsValue {
    page(p, deleted_key)
}

pub fn key_vault_key(k: KeyVaultKey) -> JsValue {
    let o = Object::new();
    put(&o, "name", k.name.into());
    put(&o, "value", k.value.into());
    put(&o, "properties", key_properties(k.properties));
    o.into()
}

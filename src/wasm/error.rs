//! Core errors become JavaScript errors here, and only here.
//!
//! `js/errors.mjs` defines `KeyVaultError` and `AuthenticationError`; the package's entry points
//! register them (`__registerHost`), so `instanceof` works for users. Without registration (the
//! wasm module used bare, as in the wasm-bindgen tests) the same fields are set on a plain
//! `Error` with the same `name`.

use std::cell::RefCell;

use js_sys::{Error as JsError, Function, Object, RangeError, Reflect, TypeError};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::{ArgError, Error};

/// The public error classes, registered by the package's entry points.
struct Classes {
    key_vault: Function,
    authentication: Function,
    abort: Function,
}

thread_local! {
    static CLASSES: RefCell<Option<Classes>> = const { RefCell::new(None) };
}

/// Called once by the package's entry points with `{ KeyVaultError, AuthenticationError,
/// AbortError, delay }`: the public error classes, and the package's one abortable sleep.
#[wasm_bindgen(js_name = __registerHost)]
pub fn register_host(host: JsValue) {
    let get = |k: &str| Reflect::get(&host, &k.into()).ok().and_then(|f| f.dyn_into::<Function>().ok());
    if let (Some(key_vault), Some(authentication), Some(abort)) =
        (get("KeyVaultError"), get("AuthenticationError"), get("AbortError"))
    {
        CLASSES.with(|c| *c.borrow_mut() = Some(Classes { key_vault, authentication, abort }));
    }
    if let Some(delay) = get("delay") {
        super::host::register_delay(delay);
    }
}

fn set(target: &Object, key: &str, value: JsValue) {
    // Setting a data property on an object this module just created cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), &value);
}

fn opt_str(s: Option<String>) -> JsValue {
    s.map(|s| JsValue::from_str(&s)).unwrap_or(JsValue::UNDEFINED)
}

/// Builds `new Class(message, details)` with a registered class, or a plain `Error` carrying
/// `name` and the details as own properties.
fn construct(pick: fn(&Classes) -> Function, name: &str, message: &str, details: Object) -> JsValue {
    let registered = CLASSES.with(|c| c.borrow().as_ref().map(pick));
    if let Some(class) = registered {
        let args = js_sys::Array::of2(&JsValue::from_str(message), &details);
        if let Ok(err) = Reflect::construct(&class, &args) {
            return err;
        }
    }
    let err = JsError::new(message);
    err.set_name(name);
    let _ = Object::assign(&err, &details);
    err.into()
}

pub fn to_js(err: Error) -> JsValue {
    let details = Object::new();
    match err {
        Error::Argument { kind: ArgError::Type, message } => TypeError::new(&message).into(),
        Error::Argument { kind: ArgError::Range, message } => RangeError::new(&message).into(),
        Error::Service { status, code, message, request_id } => {
            set(&details, "statusCode", status.into());
            set(&details, "code", opt_str(code));
            set(&details, "requestId", opt_str(request_id));
            construct(|c| c.key_vault.clone(), "KeyVaultError", &message, details)
        }
        Error::Parse { status, message, request_id } => {
            set(&details, "statusCode", status.into());
            set(&details, "code", "PARSE_ERROR".into());
            set(&details, "requestId", opt_str(request_id));
            construct(|c| c.key_vault.clone(), "KeyVaultError", &message, details)
        }
        Error::Transport { message } => {
            set(&details, "code", "REQUEST_SEND_ERROR".into());
            construct(|c| c.key_vault.clone(), "KeyVaultError", &message, details)
        }
        Error::Aborted => construct(|c| c.abort.clone(), "AbortError", "The operation was aborted.", details),
        Error::Authentication { message, cause } => {
            if let Some(cause) = cause.and_then(|c| c.0.downcast_ref::<JsValue>().cloned()) {
                set(&details, "cause", cause);
            }
            construct(|c| c.authentication.clone(), "AuthenticationError", &message, details)
        }
    }
}

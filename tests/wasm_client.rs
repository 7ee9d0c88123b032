//! The wasm `KeyClient` against the emulator, in Node (`wasm-pack test --node`) and headless
//! Chromium (`WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome`).
//! `KEYVAULT_EMULATOR_URL` is read at compile time: the test scripts start the emulator first.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Date, Function, Object, Promise, Reflect};
use keyvault_keys_wasm::wasm::KeyClient;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

// A run-time failure with a message, not a compile error: the file must still build (and lint)
// where no emulator is running.
#[allow(clippy::option_env_unwrap)]
fn emulator() -> &'static str {
    option_env!("KEYVAULT_EMULATOR_URL").expect("KEYVAULT_EMULATOR_URL must be set when the tests are built")
}

/// A JavaScript value from source text, for test fixtures.
fn js(src: &str) -> JsValue {
    Function::new_no_args(&format!("return ({src});")).call0(&JsValue::UNDEFINED).unwrap()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", (js_sys::Math::random() * 1e12) as u64)
}

fn emulator_options() -> JsValue {
    js("{ allowInsecureConnection: true, disableChallengeResourceVerification: true }")
}

fn client_with(credential: JsValue) -> KeyClient {
    KeyClient::new(emulator().into(), credential, emulator_options(), JsValue::UNDEFINED).unwrap()
}

fn client() -> KeyClient {
    client_with(js("async () => 'test-token'"))
}

async fn ok(p: Promise) -> JsValue {
    JsFuture::from(p).await.expect("the call should succeed")
}

async fn err(p: Promise) -> JsValue {
    JsFuture::from(p).await.expect_err("the call should fail")
}

fn error_name(e: &JsValue) -> String {
    get(e, "name").as_string().unwrap_or_default()
}

#[wasm_bindgen_test]
async fn set_and_get_with_every_option() {
    let c = client();
    let name = unique("full");
    let options = js(
        "{ contentType: 'application/json', enabled: true, expiresOn: new Date(Date.UTC(2100, 0, 1)),
           notBefore: new Date(Date.UTC(2020, 5, 1, 12, 0, 0)), tags: { project: 'test-cluster', owner: 'jmclane' } }",
    );
    let key = ok(c.set_key(name.clone().into(), "{\"k\":\"v\"}".into(), options, JsValue::UNDEFINED)).await;
    assert_eq!(get(&key, "name").as_string().unwrap(), name);
    assert_eq!(get(&key, "value").as_string().unwrap(), "{\"k\":\"v\"}");
    let p = get(&key, "properties");
    let version = get(&p, "version").as_string().unwrap();
    assert_eq!(version.len(), 32);
    assert!(get(&p, "id").as_string().unwrap().ends_with(&format!("/secrets/{name}/{version}")));
    assert_eq!(get(&p, "vaultUrl").as_string().unwrap(), emulator());
    assert_eq!(get(&p, "contentType").as_string().unwrap(), "application/json");
    assert_eq!(get(&p, "enabled").as_bool(), Some(true));
    let expires: Date = get(&p, "expiresOn").dyn_into().expect("expiresOn is a Date");
    assert_eq!(expires.get_time(), 4_102_444_800_000.0, "a date past 2038 round-trips exactly");
    let nbf: Date = get(&p, "notBefore").dyn_into().unwrap();
    assert_eq!(nbf.get_time(), 1_591_012_800_000.0);
    assert!(get(&p, "createdOn").is_instance_of::<Date>());
    assert!(get(&p, "updatedOn").is_instance_of::<Date>());
    assert_eq!(get(&p, "recoverableDays").as_f64(), Some(90.0));
    assert!(get(&p, "recoveryLevel").is_string());
    let tags = get(&p, "tags");
    assert_eq!(Object::get_prototype_of(&tags), Object::get_prototype_of(&Object::new()), "a plain object");
    assert_eq!(get(&tags, "owner").as_string().unwrap(), "jmclane");

    let latest = ok(c.get_key(name.clone().into(), JsValue::UNDEFINED, JsValue::UNDEFINED)).await;
    assert_eq!(get(&get(&latest, "properties"), "version").as_string().unwrap(), version);
    let by_version = ok(c.get_key(name.into(), js(&format!("{{ version: '{version}' }}")), JsValue::UNDEFINED)).await;
    assert_eq!(get(&by_version, "value").as_string().unwrap(), "{\"k\":\"v\"}");
}

#[wasm_bindgen_test]
async fn each_set_is_a_new_version_that_carries_nothing_over() {
    let c = client();
    let name = unique("versions");
    let first = ok(c.set_key(name.clone().into(), "one".into(), js("{ contentType: 'text/plain', tags: { a: '1' } }"), JsValue::UNDEFINED)).await;
    let second = ok(c.set_key(name.clone().into(), "two".into(), JsValue::UNDEFINED, JsValue::UNDEFINED)).await;
    let (p1, p2) = (get(&first, "properties"), get(&second, "properties"));
    assert_ne!(get(&p1, "version").as_string(), get(&p2, "version").as_string());
    assert!(get(&p2, "contentType").is_undefined(), "contentType not carried over");
    assert_eq!(Object::keys(get(&p2, "tags").unchecked_ref::<Object>()).length(), 0, "tags not carried over");
    let v1 = get(&p1, "version").as_string().unwrap();
    let old = ok(c.get_key(name.into(), js(&format!("{{ version: '{v1}' }}")), JsValue::UNDEFINED)).await;
    assert_eq!(get(&old, "value").as_string().unwrap(), "one");
}

#[wasm_bindgen_test]
async fn update_properties_by_version_and_latest() {
    let c = client();
    let name = unique("update");
    let key = ok(c.set_key(name.clone().into(), "v".into(), js("{ contentType: 'text/plain', tags: { keep: 'x' } }"), JsValue::UNDEFINED)).await;
    let version = get(&get(&key, "properties"), "version");

    let props = ok(c.update_key_properties(name.clone().into(), version.clone(), js("{ tags: { newTag: 'n' } }"), JsValue::UNDEFINED)).await;
    assert!(get(&props, "value").is_undefined(), "properties carry no value");
    assert_eq!(get(&props, "contentType").as_string().unwrap(), "text/plain", "unchanged fields stay");
    assert_eq!(get(&get(&props, "tags"), "newTag").as_string().unwrap(), "n");

    let props = ok(c.update_key_properties(name.clone().into(), JsValue::UNDEFINED, js("{ contentType: 'application/json' }"), JsValue::UNDEFINED)).await;
    assert_eq!(get(&props, "version"), version, "the two-argument form updates the latest version");
    assert_eq!(get(&props, "contentType").as_string().unwrap(), "application/json");

    let again = ok(c.get_key(name.into(), JsValue::UNDEFINED, JsValue::UNDEFINED)).await;
    assert_eq!(get(&again, "value").as_string().unwrap(), "v", "the value never changes");
}

#[wasm_bindgen_test]
async fn disabled_version_is_the_services_403() {
    let c = client();
    let name = unique("disabled");
    let key = ok(c.set_key(name.clone().into(), "v".into(), JsValue::UNDEFINED, JsValue::UNDEFINED)).await;
    let version = get(&get(&key, "properties"), "version");
    let props = ok(c.update_key_properties(name.clone().into(), version.clone(), js("{ enabled: false }"), JsValue::UNDEFINED)).await;
    assert_eq!(get(&props, "enabled").as_bool(), Some(false));

    let e = err(c.get_key(name.into(), js(&format!("{{ version: '{}' }}", version.as_string().unwrap())), JsValue::UNDEFINED)).await;
    assert!(e.is_instance_of::<js_sys::Error>());
    assert_eq!(error_name(&e), "KeyVaultError");
    assert_eq!(get(&e, "statusCode").as_f64(), Some(403.0));
    assert_eq!(get(&e, "code").as_string().unwrap(), "Forbidden");
    assert!(get(&e, "requestId").is_string());
    assert!(get(&e, "message").as_string().unwrap().contains("disabled"));
}

#[wasm_bindgen_test]
async fn missing_key_is_secret_not_found() {
    let e = err(client().get_key(unique("missing").into(), JsValue::UNDEFINED, JsValue::UNDEFINED)).await;
    assert_eq!(get(&e, "statusCode").as_f64(), Some(404.0));
    assert_eq!(get(&e, "code").as_string().unwrap(), "SecretNotFound");
}

#[wasm_bindgen_test]
async fn challenge_asks_the_credential_for_the_vault_scope() {
    js("globalThis.__kvTokenCalls = []");
    let credential = js("{ getToken(scopes, options) { globalThis.__kvTokenCalls.push({ scopes, options, self: this }); \
                         return Promise.resolve({ token: 'tok', expiresOnTimestamp: Date.now() + 3600e3 }); } }");
    let c = client_with(credential.clone());
    let name = unique("challenge");
    // Concurrent first calls: one credential call between them.
    let calls = Array::new();
    for i in 0..5 {
        calls.push(&c.set_key(name.clone().into(), format!("v{i}").into(), JsValue::UNDEFINED, JsValue::UNDEFINED));
    }
    ok(Promise::all(&calls)).await;
    ok(c.get_key(name.into(), JsValue::UNDEFINED, JsValue::UNDEFINED)).await;
    let log: Array = js("globalThis.__kvTokenCalls").unchecked_into();
    assert_eq!(log.length(), 1, "one getToken for five concurrent calls and a later one");
    let call = log.get(0);
    assert_eq!(get(&call, "self"), credential, "getToken is called on its object");
    let scopes: Array = get(&call, "scopes").unchecked_into();
    assert_eq!(scopes.get(0).as_string().unwrap(), "https://vault.azure.net/.default");
    let options = get(&call, "options");
    assert_eq!(get(&options, "tenantId").as_string().unwrap(), "72f988bf-86f1-41af-91ab-2d7cd011db47");
    assert_eq!(get(&options, "enableCae").as_bool(), Some(true));
}

#[wasm_bindgen_test]
async fn challenge_resource_is_verified_before_any_token() {
    js("globalThis.__kvVerified = 0");
    let credential = js("async () => { globalThis.__kvVerified++; return 'tok'; }");
    let c = KeyClient::new(emulator().into(), credential, js("{ allowInsecureConnection: true }"), JsValue::UNDEFINED).unwrap();
    let e = err(c.set_key(unique("verify").into(), "v".into(), JsValue::UNDEFINED, JsValue::UNDEFINED)).await;
    assert_eq!(error_name(&e), "AuthenticationError");
    assert!(get(&e, "message").as_string().unwrap().contains("vault.azure.net"));
    assert_eq!(js("globalThis.__kvVerified").as_f64(), Some(0.0), "no token was requested");
}

#[wasm_bindgen_test]
async fn failing_credential_is_an_authentication_error_with_its_cause() {
    let c = client_with(js("async () => { throw new Error('no login session'); }"));
    let e = err(c.set_key(unique("cred").into(), "v".into(), JsValue::UNDEFINED, JsValue::UNDEFINED)).await;
    assert_eq!(error_name(&e), "AuthenticationError");
    assert!(get(&e, "message").as_string().unwrap().contains("no login session"));
    assert_eq!(get(&get(&e, "cause"), "message").as_string().unwrap(), "no login session");
}

#[wasm_bindgen_test]
async fn bad_arguments_reject_before_any_request() {
    js("globalThis.__kvSent = 0");
    let http = js("{ sendRequest() { globalThis.__kvSent++; return Promise.reject(new Error('sent')); } }");
    let c = KeyClient::new(emulator().into(), js("() => 't'"), emulator_options(), http).unwrap();
    let u = JsValue::UNDEFINED;
    let v32 = "0123456789abcdef0123456789abcdef";
    let cases: Vec<(&str, Promise)> = vec![
        ("TypeError", c.set_key(u.clone(), "v".into(), u.clone(), JsValue::UNDEFINED)),
        ("TypeError", c.set_key(js("42"), "v".into(), u.clone(), JsValue::UNDEFINED)),
        ("RangeError", c.set_key("".into(), "v".into(), u.clone(), JsValue::UNDEFINED)),
        ("RangeError", c.set_key("../x".into(), "v".into(), u.clone(), JsValue::UNDEFINED)),
        ("RangeError", c.set_key("%2e%2e".into(), "v".into(), u.clone(), JsValue::UNDEFINED)),
        ("RangeError", c.set_key("a".repeat(128).into(), "v".into(), u.clone(), JsValue::UNDEFINED)),
        ("TypeError", c.set_key("k".into(), js("{}"), u.clone(), JsValue::UNDEFINED)),
        ("RangeError", c.set_key("k".into(), "x".repeat(25 * 1024 + 1).into(), u.clone(), JsValue::UNDEFINED)),
        ("TypeError", c.set_key("k".into(), "v".into(), "options".into(), JsValue::UNDEFINED)),
        ("TypeError", c.set_key("k".into(), "v".into(), js("{ enabled: 'yes' }"), JsValue::UNDEFINED)),
        ("TypeError", c.set_key("k".into(), "v".into(), js("{ expiresOn: '2030-01-01' }"), JsValue::UNDEFINED)),
        ("RangeError", c.set_key("k".into(), "v".into(), js("{ expiresOn: new Date('nope') }"), JsValue::UNDEFINED)),
        ("TypeError", c.set_key("k".into(), "v".into(), js("{ tags: new Map([['a', 'b']]) }"), JsValue::UNDEFINED)),
        ("TypeError", c.set_key("k".into(), "v".into(), js("{ tags: { a: 1 } }"), JsValue::UNDEFINED)),
        ("RangeError", c.set_key("k".into(), "v".into(), js("{ contentType: 'x'.repeat(256) }"), JsValue::UNDEFINED)),
        ("RangeError", c.set_key("k".into(), "v".into(), js("Object.fromEntries(Array.from({length: 1}, () => ['tags', Object.fromEntries(Array.from({length: 16}, (_, i) => ['t' + i, 'v']))]))"), JsValue::UNDEFINED)),
        ("RangeError", c.get_key("k".into(), js("{ version: '../../x' }"), JsValue::UNDEFINED)),
        ("TypeError", c.get_key("k".into(), js("{ version: 5 }"), JsValue::UNDEFINED)),
        ("RangeError", c.update_key_properties("k".into(), "abc".into(), u.clone(), JsValue::UNDEFINED)),
        ("TypeError", c.update_key_properties("k".into(), js("{}"), js("{}"), JsValue::UNDEFINED)),
        ("TypeError", c.update_key_properties("k".into(), v32.into(), js("{ tags: [] }"), JsValue::UNDEFINED)),
    ];
    for (i, (want, p)) in cases.into_iter().enumerate() {
        let e = err(p).await;
        assert_eq!(error_name(&e), want, "case {i}: {:?}", get(&e, "message"));
    }
    assert_eq!(js("globalThis.__kvSent").as_f64(), Some(0.0), "nothing reached the transport");

    // The client still works afterwards.
    let good = client();
    ok(good.set_key(unique("after").into(), "v".into(), u, JsValue::UNDEFINED)).await;
}

#[wasm_bindgen_test]
fn constructor_refuses_bad_arguments_synchronously() {
    let cred = js("() => 't'");
    let u = JsValue::UNDEFINED;
    let name = |r: Result<KeyClient, JsValue>| error_name(&r.err().expect("should throw"));
    assert_eq!(name(KeyClient::new(u.clone(), cred.clone(), u.clone(), u.clone())), "TypeError");
    assert_eq!(name(KeyClient::new("not a url".into(), cred.clone(), u.clone(), u.clone())), "RangeError");
    assert_eq!(name(KeyClient::new(emulator().into(), cred.clone(), u.clone(), u.clone())), "RangeError", "http needs allowInsecureConnection");
    assert_eq!(name(KeyClient::new("https://v.vault.azure.net".into(), js("{}"), u.clone(), u.clone())), "TypeError");
    assert_eq!(name(KeyClient::new("https://v.vault.azure.net".into(), cred.clone(), js("{ serviceVersion: 7 }"), u.clone())), "TypeError");
    assert_eq!(name(KeyClient::new("https://v.vault.azure.net".into(), cred.clone(), js("{ httpClient: {} }"), u.clone())), "TypeError");
    let c = KeyClient::new("https://MyVault.vault.azure.net/".into(), cred, u.clone(), u).unwrap();
    assert_eq!(c.vault_url(), "https://myvault.vault.azure.net");
}

//! The keys plane over real HTTP: every route answers as the service does (bodies, ids,
//! defaults, errors), private key material never leaves the emulator, and the cryptography is
//! real: what the emulator signs verifies with the public key it answers (checked here with the
//! RustCrypto crates directly), and what is encrypted with that public key it decrypts.
//!
//! Every request goes through [`call`], which fails the test if any answer carries a private
//! part of a key (`d`, `p`, `q`, `dp`, `dq`, `qi`, `k`) anywhere in its body.

#[path = "../common/mod.rs"]
mod common;

mod bad_requests;
mod lifecycle;
mod objects;
mod operations;
mod rotation;

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::{Resp, TestServer, API, TOKEN};
use keyvault_emulator::{Config, StoreConfig};
use rand_core::OsRng;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, Oaep, Pkcs1v15Encrypt, Pkcs1v15Sign, Pss, RsaPrivateKey, RsaPublicKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256, Sha384, Sha512};

const API_7_3: &str = "api-version=7.3";
const RSA_OPS: [&str; 6] = [
    "encrypt",
    "decrypt",
    "sign",
    "verify",
    "wrapKey",
    "unwrapKey",
];
const EC_OPS: [&str; 2] = ["sign", "verify"];
const PRIVATE_PARTS: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "k"];
const DAY: i64 = 86_400;

fn assert_public_only(what: &str, value: &Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                assert!(
                    !PRIVATE_PARTS.contains(&key.as_str()),
                    "{what}: private part '{key}' in an answer"
                );
                // Tag names are data.
                if key != "tags" {
                    assert_public_only(what, v);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| assert_public_only(what, v)),
        _ => {}
    }
}

/// Any data-plane request; its answer must not carry private key material.
fn call(server: &TestServer, method: &str, path: &str, body: Option<&Value>) -> Resp {
    let body = body.map(Value::to_string);
    let resp = server.request(
        method,
        path,
        &[
            ("authorization", TOKEN),
            ("content-type", "application/json"),
        ],
        body.as_deref(),
    );
    if let Ok(value) = serde_json::from_str::<Value>(&resp.body) {
        assert_public_only(&format!("{method} {path}"), &value);
    }
    resp
}

/// A request that must answer 200; its JSON body.
fn ok(server: &TestServer, method: &str, path: &str, body: Option<&Value>) -> Value {
    let resp = call(server, method, path, body);
    assert_eq!(resp.status, 200, "{method} {path}: {}", resp.body);
    resp.json()
}

/// `POST /keys/{name}/create` that must succeed.
fn create(server: &TestServer, name: &str, body: Value) -> Value {
    ok(
        server,
        "POST",
        &format!("/keys/{name}/create?{API}"),
        Some(&body),
    )
}

/// Checks an error answer: status, the service's body shape (`code`, `message`, optional
/// `innererror.code`, nothing else), code and inner code. Returns the message.
fn error(resp: &Resp, status: u16, code: &str, inner: Option<&str>) -> String {
    assert_eq!(resp.status, status, "{}", resp.body);
    assert_eq!(
        resp.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let body = resp.json();
    let error = body["error"].as_object().expect("error object");
    let mut fields: Vec<&str> = error.keys().map(String::as_str).collect();
    fields.sort_unstable();
    match inner {
        Some(inner) => {
            assert_eq!(fields, ["code", "innererror", "message"], "{}", resp.body);
            assert_eq!(body["error"]["innererror"], json!({ "code": inner }));
        }
        None => assert_eq!(fields, ["code", "message"], "{}", resp.body),
    }
    assert_eq!(body.as_object().unwrap().len(), 1, "{}", resp.body);
    assert_eq!(body["error"]["code"], code, "{}", resp.body);
    body["error"]["message"]
        .as_str()
        .expect("message")
        .to_owned()
}

fn kid(bundle: &Value) -> String {
    bundle["key"]["kid"].as_str().expect("kid").to_owned()
}

fn version_of(bundle: &Value) -> String {
    kid(bundle).rsplit('/').next().unwrap().to_owned()
}

/// The path of a `kid` on this server (`/keys/{name}/{version}`).
fn path_of(server: &TestServer, kid: &str) -> String {
    kid.strip_prefix(&server.url)
        .unwrap_or_else(|| panic!("{kid} is not on {}", server.url))
        .to_owned()
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unb64(value: &Value) -> Vec<u8> {
    URL_SAFE_NO_PAD
        .decode(value.as_str().expect("base64url string"))
        .expect("base64url")
}

/// The digest a client sends with `alg` (the hash of `message`).
fn digest(alg: &str, message: &[u8]) -> Vec<u8> {
    match &alg[2..] {
        "256" | "256K" => Sha256::digest(message).to_vec(),
        "384" => Sha384::digest(message).to_vec(),
        "512" => Sha512::digest(message).to_vec(),
        other => panic!("alg {other}"),
    }
}

/// `POST {key path}/{op}` with `body`; the answer's decoded `value` (and its `kid`).
fn operate(server: &TestServer, key: &str, op: &str, body: Value) -> (String, Vec<u8>) {
    let answer = ok(server, "POST", &format!("{key}/{op}?{API}"), Some(&body));
    let fields: Vec<&String> = answer.as_object().unwrap().keys().collect();
    assert_eq!(fields, ["kid", "value"], "{answer}");
    (
        answer["kid"].as_str().unwrap().to_owned(),
        unb64(&answer["value"]),
    )
}

fn verify(server: &TestServer, key: &str, alg: &str, digest: &[u8], signature: &[u8]) -> bool {
    let body = json!({"alg": alg, "digest": b64(digest), "value": b64(signature)});
    let answer = ok(server, "POST", &format!("{key}/verify?{API}"), Some(&body));
    assert_eq!(answer.as_object().unwrap().len(), 1, "{answer}");
    answer["value"].as_bool().expect("verify answers a bool")
}

/// The RSA public key of a bundle.
fn rsa_public(bundle: &Value) -> RsaPublicKey {
    let n = BigUint::from_bytes_be(&unb64(&bundle["key"]["n"]));
    let e = BigUint::from_bytes_be(&unb64(&bundle["key"]["e"]));
    RsaPublicKey::new(n, e).expect("RSA public key")
}

/// Verifies an RSA signature with the RustCrypto `rsa` crate.
fn rsa_verifies(key: &RsaPublicKey, alg: &str, digest: &[u8], signature: &[u8]) -> bool {
    match alg {
        "RS256" => key.verify(Pkcs1v15Sign::new::<Sha256>(), digest, signature),
        "RS384" => key.verify(Pkcs1v15Sign::new::<Sha384>(), digest, signature),
        "RS512" => key.verify(Pkcs1v15Sign::new::<Sha512>(), digest, signature),
        "PS256" => key.verify(Pss::new::<Sha256>(), digest, signature),
        "PS384" => key.verify(Pss::new::<Sha384>(), digest, signature),
        "PS512" => key.verify(Pss::new::<Sha512>(), digest, signature),
        other => panic!("alg {other}"),
    }
    .is_ok()
}

/// Verifies a raw `r || s` ECDSA signature over a digest with the curve's RustCrypto crate.
fn ec_verifies(bundle: &Value, digest: &[u8], signature: &[u8]) -> bool {
    macro_rules! on {
        ($krate:ident) => {{
            use $krate::ecdsa::signature::hazmat::PrehashVerifier;
            let mut sec1 = vec![4u8];
            sec1.extend(unb64(&bundle["key"]["x"]));
            sec1.extend(unb64(&bundle["key"]["y"]));
            let key = $krate::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).expect("point");
            $krate::ecdsa::Signature::from_slice(signature)
                .is_ok_and(|s| key.verify_prehash(digest, &s).is_ok())
        }};
    }
    match bundle["key"]["crv"].as_str().expect("crv") {
        "P-256" => on!(p256),
        "P-384" => on!(p384),
        "P-521" => on!(p521),
        "P-256K" => on!(k256),
        other => panic!("crv {other}"),
    }
}

/// The emulator's clock, Unix seconds.
fn clock_now(server: &TestServer) -> i64 {
    let resp = server.manage("GET", "/_emulator/clock", None);
    resp.json()["now"].as_i64().expect("now")
}

/// Moves the emulator's clock to `target` (Unix seconds).
fn set_clock(server: &TestServer, target: i64) {
    let advance = target - clock_now(server);
    let resp = server.manage(
        "POST",
        "/_emulator/clock",
        Some(&json!({ "advanceSeconds": advance }).to_string()),
    );
    assert_eq!(resp.status, 200, "{}", resp.body);
}

/// A JWK with every private part of `key`.
fn rsa_jwk(key: &RsaPrivateKey) -> Value {
    json!({
        "kty": "RSA",
        "n": b64(&key.n().to_bytes_be()),
        "e": b64(&key.e().to_bytes_be()),
        "d": b64(&key.d().to_bytes_be()),
        "p": b64(&key.primes()[0].to_bytes_be()),
        "q": b64(&key.primes()[1].to_bytes_be()),
        "dp": b64(&key.dp().unwrap().to_bytes_be()),
        "dq": b64(&key.dq().unwrap().to_bytes_be()),
        "qi": b64(&key.crt_coefficient().unwrap().to_bytes_be()),
    })
}

/// A P-256 JWK with its private part, and the key.
fn p256_jwk() -> (Value, p256::SecretKey) {
    let secret = p256::SecretKey::random(&mut OsRng);
    let point =
        p256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(&secret.public_key(), false);
    let jwk = json!({
        "kty": "EC",
        "crv": "P-256",
        "x": b64(point.x().unwrap()),
        "y": b64(point.y().unwrap()),
        "d": b64(&secret.to_bytes()),
    });
    (jwk, secret)
}

/// The positions of `fields` (as `"name":`) in `text` are increasing: the service's order.
fn assert_order(text: &str, fields: &[&str]) {
    let positions: Vec<usize> = fields
        .iter()
        .map(|f| {
            text.find(&format!("\"{f}\":"))
                .unwrap_or_else(|| panic!("no {f} in {text}"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "{fields:?} in {text}"
    );
}

fn attribute_names(bundle: &Value) -> Vec<String> {
    let mut names: Vec<String> = bundle["attributes"]
        .as_object()
        .expect("attributes")
        .keys()
        .cloned()
        .collect();
    names.sort_unstable();
    names
}

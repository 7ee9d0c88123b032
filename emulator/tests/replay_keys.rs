//! Replays every call of the real-service keys recordings in `tests/recordings/`
//! (`KeyVaultKeyClient.*`: Azure SDK for C++ live tests, api-version 7.3; see
//! `recordings/SOURCES.md`) against a fresh emulator per file and compares, call by call, as
//! `replay.rs` does for secrets: the status, the error body, every JSON field path with its JSON
//! type, the `kid` / `recoveryId` / policy `id` / `nextLink` URL shapes with the host
//! normalised, and the response headers. Beyond shapes it compares the values that do not
//! depend on the key material or the clock: `kty`, `key_ops`, `crv`, `e`, the modulus length,
//! `enabled`, `nbf` / `exp` given by the caller, the recovery level and days, tags, and the
//! rotation policy; a rotated version's `exp − created` must be the recorded one (P48M).
//!
//! Request bodies are not recorded; each is rebuilt from the recorded response: a create from
//! `kty`, the key size (from the modulus length) or curve, `key_ops` (left out when they are the
//! type's default, so the emulator's defaults are compared too), attributes and tags; an import
//! sends a fresh key of the recorded type and size (the material cannot match, so `n`/`x`/`y`
//! are compared by shape and length only); a rotation policy sends the recorded policy without
//! the default `Notify` action (the service adds that back). Recorded version ids are mapped to
//! the emulator's as they appear. A recorded `$skiptoken` request follows the emulator's own
//! previous `nextLink`; the recorded vault held other tests' keys, so list items are checked as a
//! subset of the recorded shapes and a page the emulator's vault does not have is skipped.
//!
//! One known drift: the service added `attributes.exportable` to api-version 7.3 answers between
//! the 2021 recordings (none) and the 2022-09 one (`RecoverOperationResumeToken`, service
//! 1.9.538.1: `"exportable":false`). The emulator answers 7.3 as the 2021 recordings do, so
//! that one path is left out of the comparison on both sides ([`LATER_7_3_FIELDS`]).

mod common;
mod replay_support;

use std::collections::HashMap;
use std::time::Duration;

use common::TestServer;
use keyvault_emulator::crypto::{b64url_decode, Curve, KeyPair, KeyType};
use keyvault_emulator::{Config, StoreConfig};
use replay_support::{
    compare_headers, compare_page, normalize_url, recordings, replay_path, send, shape_of,
    version_in, Call, Shape,
};
use serde_json::{json, Map, Value};

/// Field paths (suffixes) the service answers on api-version 7.3 since 2022 but not in the
/// 2021 recordings; compared on neither side.
const LATER_7_3_FIELDS: &[&str] = &[".attributes.exportable"];

/// Values that depend neither on the key material nor on the clock (JSON pointers).
const STABLE_VALUES: &[&str] = &[
    "/key/kty",
    "/key/key_ops",
    "/key/crv",
    "/key/e",
    "/attributes/enabled",
    "/attributes/recoveryLevel",
    "/attributes/recoverableDays",
    "/tags",
];

fn comparable(shape: Shape) -> Shape {
    shape
        .into_iter()
        .filter(|(path, _)| !LATER_7_3_FIELDS.iter().any(|f| path.ends_with(f)))
        .collect()
}

/// Whether `ops` are the type's default `key_ops` (left out of a rebuilt body, so that the
/// emulator's defaults are compared with the recorded ones).
fn is_default_ops(kty: &str, ops: &Value) -> bool {
    KeyType::parse(kty).is_ok_and(|kty| *ops == json!(kty.default_key_ops()))
}

/// Modulus length in bits of a recorded RSA key.
fn modulus_bits(key: &Value) -> Option<u32> {
    let n = b64url_decode(key["n"].as_str()?)?;
    u32::try_from(n.len() * 8).ok()
}

/// `attributes` (enabled, nbf, exp) and `tags` of a recorded bundle, into `body`.
fn properties_into(body: &mut Map<String, Value>, recorded: &Value) {
    let mut attributes = Map::new();
    for field in ["enabled", "nbf", "exp"] {
        if let Some(v) = recorded["attributes"].get(field) {
            attributes.insert(field.into(), v.clone());
        }
    }
    body.insert("attributes".into(), Value::Object(attributes));
    if let Some(tags) = recorded.get("tags") {
        body.insert("tags".into(), tags.clone());
    }
}

/// A fresh private JWK of the recorded key's type and size (or curve), with the recorded
/// `key_ops` and any `crv` the recorded answer echoes.
fn fresh_key(recorded: &Value) -> Value {
    let kty = recorded["kty"].as_str().expect("kty");
    let pair = if kty.starts_with("RSA") {
        KeyPair::generate_rsa(modulus_bits(recorded).expect("n"), None).expect("RSA key")
    } else {
        let crv = Curve::parse(recorded["crv"].as_str().expect("crv")).expect("curve");
        KeyPair::generate_ec(crv).expect("EC key")
    };
    let mut jwk = serde_json::to_value(pair.private_jwk()).expect("JWK");
    jwk["key_ops"] = recorded["key_ops"].clone();
    if let Some(crv) = recorded.get("crv") {
        jwk["crv"] = crv.clone();
    }
    jwk
}

/// The request body the recorded response implies (bodies are not recorded).
fn body_for(
    method: &str,
    path: &str,
    recorded: &Value,
    last_backup: Option<&str>,
) -> Option<String> {
    let route = path.split('?').next().unwrap_or(path);
    let mut body = Map::new();
    match method {
        "POST" if route.ends_with("/create") => {
            let key = &recorded["key"];
            let kty = key["kty"].as_str().expect("kty");
            body.insert("kty".into(), json!(kty));
            match modulus_bits(key) {
                Some(bits) => body.insert("key_size".into(), json!(bits)),
                None => body.insert("crv".into(), key["crv"].clone()),
            };
            if !is_default_ops(kty, &key["key_ops"]) {
                body.insert("key_ops".into(), key["key_ops"].clone());
            }
            properties_into(&mut body, recorded);
        }
        "PUT" if route.ends_with("/rotationpolicy") => {
            let default_notify =
                json!({"trigger":{"timeBeforeExpiry":"P30D"},"action":{"type":"Notify"}});
            let actions: Vec<Value> = recorded["lifetimeActions"]
                .as_array()
                .expect("lifetimeActions")
                .iter()
                .filter(|a| **a != default_notify)
                .cloned()
                .collect();
            body.insert("lifetimeActions".into(), Value::Array(actions));
            let mut attributes = Map::new();
            if let Some(expiry) = recorded["attributes"].get("expiryTime") {
                attributes.insert("expiryTime".into(), expiry.clone());
            }
            body.insert("attributes".into(), Value::Object(attributes));
        }
        "PUT" => {
            body.insert("key".into(), fresh_key(&recorded["key"]));
            properties_into(&mut body, recorded);
        }
        "PATCH" => {
            let key = &recorded["key"];
            if !is_default_ops(key["kty"].as_str().expect("kty"), &key["key_ops"]) {
                body.insert("key_ops".into(), key["key_ops"].clone());
            }
            properties_into(&mut body, recorded);
        }
        "POST" if route == "/keys/restore" => {
            body.insert(
                "value".into(),
                json!(last_backup.expect("a backup before the restore")),
            );
        }
        _ => return None,
    }
    Some(Value::Object(body).to_string())
}

struct Replay<'a> {
    file: &'a str,
    server: TestServer,
    versions: HashMap<String, String>,
    last_next_link: Option<String>,
    last_backup: Option<String>,
    /// The last body sent, by method and path.
    sent: HashMap<String, String>,
    compared: usize,
    skipped: Vec<String>,
}

impl Replay<'_> {
    fn call(&mut self, index: usize, record: &Value) {
        let call = Call::of(record);
        let (method, status, recorded) = (call.method, call.status, &call.body);
        let at = format!("{} #{index}: {method} {}", self.file, call.url);
        let Some(path) = replay_path(
            call.url,
            &self.server,
            self.last_next_link.as_deref(),
            &self.versions,
        ) else {
            self.skipped.push(format!(
                "{at}: a page of the recorded vault, which held other tests' keys"
            ));
            return;
        };
        // An error answer says nothing about the body: send what this route was last sent.
        let route = format!("{method} {}", path.split('?').next().unwrap_or(&path));
        let body = if status >= 400 {
            self.sent.get(&route).cloned()
        } else {
            body_for(method, &path, recorded, self.last_backup.as_deref())
        };
        if let Some(body) = &body {
            self.sent.insert(route, body.clone());
        }
        let resp = send(&self.server, &call, &path, body.as_deref());
        assert_eq!(resp.status, status, "{at}: {}", resp.body);
        compare_headers(&at, call.response, &resp, call.client_id);
        assert_public_only(&at, &resp.body);

        let ours: Value = if resp.body.is_empty() {
            Value::Null
        } else {
            resp.json()
        };
        if status >= 400 {
            assert_eq!(&ours, recorded, "{at}: error body");
        } else if recorded.get("nextLink").is_some() {
            assert!(
                !ours["value"].as_array().unwrap().is_empty(),
                "{at}: {ours}"
            );
            self.last_next_link = compare_page(&at, recorded, &ours, "kid", LATER_7_3_FIELDS);
        } else if recorded.get("lifetimeActions").is_some() {
            compare_policy(&at, recorded, &ours);
        } else if recorded.get("key").is_some() {
            self.compare_key(&at, &path, recorded, &ours);
        } else if !recorded.is_null() {
            // The backup result: `{"value": <blob>}`.
            assert_eq!(shape_of(&ours), shape_of(recorded), "{at}");
        } else {
            assert!(ours.is_null(), "{at}: {ours}");
        }
        if path.contains("/backup") {
            self.last_backup = ours["value"].as_str().map(str::to_owned);
        }
        self.compared += 1;
    }

    /// A key bundle or deleted key bundle: the same field paths and types, the same ids (host
    /// normalised), the stable values; learns the mapping from recorded to emulator versions.
    fn compare_key(&mut self, at: &str, path: &str, recorded: &Value, ours: &Value) {
        assert_eq!(
            comparable(shape_of(ours)),
            comparable(shape_of(recorded)),
            "{at}: fields\nours {ours}\nrecorded {recorded}"
        );
        let kid = |v: &Value| v["key"]["kid"].as_str().map(str::to_owned);
        let (recorded_kid, our_kid) = (kid(recorded).expect("kid"), kid(ours).expect("kid"));
        assert_eq!(
            normalize_url(&our_kid),
            normalize_url(&recorded_kid),
            "{at}: kid"
        );
        if let (Some(r), Some(o)) = (recorded["recoveryId"].as_str(), ours["recoveryId"].as_str()) {
            assert_eq!(normalize_url(o), normalize_url(r), "{at}: recoveryId");
        }
        if let (Some(r), Some(o)) = (version_in(&recorded_kid), version_in(&our_kid)) {
            let known = self
                .versions
                .entry(r.to_owned())
                .or_insert_with(|| o.to_owned());
            assert_eq!(known, o, "{at}: version {r} maps to one emulator version");
        }
        for pointer in STABLE_VALUES {
            assert_eq!(
                ours.pointer(pointer),
                recorded.pointer(pointer),
                "{at}: {pointer}"
            );
        }
        assert_eq!(
            modulus_bits(&ours["key"]),
            modulus_bits(&recorded["key"]),
            "{at}: modulus"
        );
        for coordinate in ["x", "y"] {
            let len = |v: &Value| {
                v["key"][coordinate]
                    .as_str()
                    .map(|c| b64url_decode(c).expect("base64url").len())
            };
            assert_eq!(len(ours), len(recorded), "{at}: {coordinate}");
        }
        let times = |v: &Value| {
            let a = &v["attributes"];
            (a["created"].as_i64(), a["nbf"].as_i64(), a["exp"].as_i64())
        };
        let ((our_created, our_nbf, our_exp), (rec_created, rec_nbf, rec_exp)) =
            (times(ours), times(recorded));
        if path
            .split('?')
            .next()
            .is_some_and(|route| route.ends_with("/rotate"))
        {
            // exp comes from the policy's expiryTime (P48M), counted from the new version's
            // creation: the same span as recorded (any 48 months hold one 29 February).
            let span = |created: Option<i64>, exp: Option<i64>| Some(exp? - created?);
            assert_eq!(
                span(our_created, our_exp),
                span(rec_created, rec_exp),
                "{at}: exp"
            );
        } else {
            assert_eq!((our_nbf, our_exp), (rec_nbf, rec_exp), "{at}: nbf/exp");
        }
        if let (Some(deleted), Some(purge)) = (
            ours["deletedDate"].as_i64(),
            ours["scheduledPurgeDate"].as_i64(),
        ) {
            let recorded_gap = recorded["scheduledPurgeDate"].as_i64().unwrap()
                - recorded["deletedDate"].as_i64().unwrap();
            assert_eq!(purge - deleted, recorded_gap, "{at}: retention");
        }
    }
}

/// A rotation policy: the same shape, id (host normalised), actions and expiry.
fn compare_policy(at: &str, recorded: &Value, ours: &Value) {
    assert_eq!(
        shape_of(ours),
        shape_of(recorded),
        "{at}: fields\nours {ours}\nrecorded {recorded}"
    );
    assert_eq!(
        normalize_url(ours["id"].as_str().expect("id")),
        normalize_url(recorded["id"].as_str().expect("id")),
        "{at}: id"
    );
    assert_eq!(ours["lifetimeActions"], recorded["lifetimeActions"], "{at}");
    assert_eq!(
        ours["attributes"]["expiryTime"], recorded["attributes"]["expiryTime"],
        "{at}"
    );
}

/// No private key part (`d`, `p`, `q`, `dp`, `dq`, `qi`, `k`) anywhere in a body.
fn assert_public_only(at: &str, body: &str) {
    fn walk(at: &str, value: &Value) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    assert!(
                        !["d", "p", "q", "dp", "dq", "qi", "k"].contains(&key.as_str()),
                        "{at}: private part {key}"
                    );
                    walk(at, v);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(at, v)),
            _ => {}
        }
    }
    if let Ok(value) = serde_json::from_str::<Value>(body) {
        walk(at, &value);
    }
}

#[test]
fn the_emulator_answers_every_recorded_keys_call_like_the_service() {
    let files = recordings("KeyVaultKeyClient.");
    assert_eq!(
        files.len(),
        16,
        "{:?}",
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    let (mut total, mut compared, mut skipped) = (0, 0, Vec::new());
    for (name, records) in &files {
        let mut replay = Replay {
            file: name,
            server: TestServer::start_with(Config {
                store: StoreConfig {
                    delete_visibility_delay: Duration::from_millis(150),
                    recover_visibility_delay: Duration::from_millis(150),
                    ..StoreConfig::default()
                },
                ..Config::default()
            }),
            versions: HashMap::new(),
            last_next_link: None,
            last_backup: None,
            sent: HashMap::new(),
            compared: 0,
            skipped: Vec::new(),
        };
        for (i, record) in records.iter().enumerate() {
            replay.call(i, record);
        }
        assert!(replay.compared > 0, "{name}");
        total += records.len();
        compared += replay.compared;
        skipped.extend(replay.skipped);
    }
    // The third page of GetPropertiesOfKeysAllPages exists only in the recorded vault (it held
    // other tests' keys: 59 items where this replay creates 50); every other call is compared.
    assert_eq!(
        (total, compared, skipped.len()),
        (209, 208, 1),
        "{skipped:#?}"
    );
    assert!(
        skipped[0].contains("GetPropertiesOfKeysAllPages"),
        "{skipped:?}"
    );
}

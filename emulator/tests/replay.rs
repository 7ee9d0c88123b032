//! Replays every call of the real-service secrets recordings in `tests/recordings/`
//! (`KeyVaultSecretClientTest.*`: Azure SDK for C++ live tests, api-version 7.3; see
//! `recordings/SOURCES.md`; the keys recordings are `replay_keys.rs`'s) against a fresh emulator and
//! compares, call by call: the status, the error code / inner code / message, the set of JSON
//! field paths with their JSON types (so times must be integers), the shapes of `id`,
//! `recoveryId` and `nextLink` URLs with the host normalised, and the response headers.
//!
//! Request bodies are not recorded, so a PUT / PATCH body is rebuilt from the recorded
//! response. Recorded version ids are mapped to the emulator's as they appear; a recorded
//! `$skiptoken` request follows the emulator's own previous `nextLink` (the recorded vault held
//! other secrets, so its pages differ: list items are checked as a subset of the recorded
//! shapes). Where the recording shows the service's eventual consistency (404 right after a
//! DELETE or a recover, then 200), the emulator runs with short visibility windows and the
//! call is repeated until the recorded status comes, as the C++ poller did.

mod common;
mod replay_support;

use std::collections::HashMap;
use std::time::Duration;

use common::TestServer;
use keyvault_emulator::{Config, StoreConfig};
use replay_support::{
    compare_headers, compare_page, normalize_url, recordings, replay_path, send, shape_of,
    url_shape, version_in, Call,
};
use serde_json::{json, Map, Value};

/// The request body the recorded response implies (bodies are not recorded).
fn body_for(
    method: &str,
    path: &str,
    recorded: &Value,
    last_backup: Option<&str>,
) -> Option<String> {
    let mut body = Map::new();
    match method {
        "PUT" => {
            body.insert("value".into(), recorded["value"].clone());
        }
        "PATCH" => {}
        "POST" if path.starts_with("/secrets/restore") => {
            return Some(
                json!({ "value": last_backup.expect("a backup before the restore") }).to_string(),
            );
        }
        _ => return None,
    }
    for field in ["contentType", "tags"] {
        if let Some(v) = recorded.get(field) {
            body.insert(field.into(), v.clone());
        }
    }
    let mut attributes = Map::new();
    for field in ["enabled", "nbf", "exp"] {
        if let Some(v) = recorded["attributes"].get(field) {
            attributes.insert(field.into(), v.clone());
        }
    }
    body.insert("attributes".into(), Value::Object(attributes));
    Some(Value::Object(body).to_string())
}

struct Replay<'a> {
    file: &'a str,
    server: TestServer,
    versions: HashMap<String, String>,
    last_next_link: Option<String>,
    last_backup: Option<String>,
    compared: usize,
    skipped: usize,
}

impl Replay<'_> {
    fn call(&mut self, index: usize, record: &Value) {
        let call = Call::of(record);
        let at = format!("{} #{index}: {} {}", self.file, call.method, call.url);
        let Some(path) = replay_path(
            call.url,
            &self.server,
            self.last_next_link.as_deref(),
            &self.versions,
        ) else {
            // The recorded vault had more secrets than this replay creates.
            self.skipped += 1;
            return;
        };
        let (method, status, recorded_body) = (call.method, call.status, &call.body);
        let body = body_for(method, &path, recorded_body, self.last_backup.as_deref());
        let resp = send(&self.server, &call, &path, body.as_deref());
        assert_eq!(resp.status, status, "{at}: {}", resp.body);
        compare_headers(&at, call.response, &resp, call.client_id);

        let ours: Value = if resp.body.is_empty() {
            Value::Null
        } else {
            resp.json()
        };
        if status >= 400 {
            assert_eq!(&ours, recorded_body, "{at}: error body");
        } else if recorded_body.get("nextLink").is_some() {
            self.last_next_link = compare_page(&at, recorded_body, &ours, "id", &[]);
        } else if !recorded_body.is_null() {
            self.compare_object(&at, recorded_body, &ours);
        } else {
            assert!(ours.is_null(), "{at}: {ours}");
        }
        if let Some(blob) = ours
            .get("value")
            .and_then(Value::as_str)
            .filter(|_| path.contains("/backup"))
        {
            self.last_backup = Some(blob.to_owned());
        }
        self.compared += 1;
    }

    /// A bundle: the same field paths and types, the same ids (host normalised); learns the
    /// mapping from recorded to emulator version ids.
    fn compare_object(&mut self, at: &str, recorded: &Value, ours: &Value) {
        if recorded.get("id").is_some() || recorded.get("recoveryId").is_some() {
            assert_eq!(
                shape_of(ours),
                shape_of(recorded),
                "{at}: fields\nours {ours}\nrecorded {recorded}"
            );
        } else {
            // The backup result: `{"value": <blob>}`.
            assert_eq!(shape_of(ours), shape_of(recorded), "{at}");
            return;
        }
        for field in ["id", "recoveryId"] {
            if let (Some(r), Some(o)) = (recorded[field].as_str(), ours[field].as_str()) {
                assert_eq!(normalize_url(o), normalize_url(r), "{at}: {field}");
            }
        }
        if let (Some(r), Some(o)) = (
            recorded["id"].as_str().and_then(version_in),
            ours["id"].as_str().and_then(version_in),
        ) {
            let known = self
                .versions
                .entry(r.to_owned())
                .or_insert_with(|| o.to_owned());
            assert_eq!(known, o, "{at}: version {r} maps to one emulator version");
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

#[test]
fn the_emulator_answers_every_recorded_call_like_the_service() {
    let files = recordings("KeyVaultSecretClientTest.");
    assert_eq!(
        files.len(),
        7,
        "{:?}",
        files.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    let (mut compared, mut skipped) = (0, 0);
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
            compared: 0,
            skipped: 0,
        };
        for (i, record) in records.iter().enumerate() {
            replay.call(i, record);
        }
        assert!(replay.compared > 0, "{name}");
        compared += replay.compared;
        skipped += replay.skipped;
    }
    // 5 of the 7 recorded pages of TestGetPropertiesOfSecret exist only in the recorded vault
    // (it held other tests' secrets); every other recorded call is compared.
    assert_eq!((compared, skipped), (114, 5));
}

#[test]
fn url_normalisation() {
    assert_eq!(
        normalize_url(
            "https://cpp-recordings.vault.azure.net:443/secrets?api-version=7.3&$skiptoken=abc"
        ),
        "{vault}/secrets?api-version=7.3&$skiptoken={token}"
    );
    assert_eq!(
        normalize_url("http://127.0.0.1:4000/secrets/N/62909adf7f044dc8b1838da90306af40"),
        "{vault}/secrets/N/{version}"
    );
    assert_eq!(
        url_shape("https://v.vault.azure.net/secrets/Name"),
        "{vault}/secrets/{name}"
    );
}

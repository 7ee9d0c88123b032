//! `--data FILE`: every acknowledged write survives `kill -9` of the real binary.
#![cfg(unix)] // SIGKILL through `Child::kill`, and `kill -TERM`

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_keyvault-emulator");
const API: &str = "api-version=7.5";

struct Emulator {
    child: Child,
    url: String,
    agent: ureq::Agent,
}

impl Emulator {
    fn start(data: &Path) -> Emulator {
        let mut child = Command::new(BIN)
            .args(["--port", "0", "--data"])
            .arg(data)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn emulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read first line");
        let url = line
            .trim()
            .strip_prefix("keyvault-emulator listening on ")
            .unwrap_or_else(|| panic!("first line: {line:?}"))
            .to_owned();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        Emulator { child, url, agent }
    }

    /// A data-plane call; the answer's URLs say `http://vault` instead of this run's address.
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.url))
            .header("authorization", "Bearer t")
            .header("content-type", "application/json");
        let result = match body {
            Some(body) => self
                .agent
                .run(request.body(body.to_string()).expect("request")),
            None => self.agent.run(request.body(()).expect("request")),
        };
        let mut response = result.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status().as_u16();
        let text = response.body_mut().read_to_string().expect("body");
        // The port changes on restart; ids are compared without it.
        let text = text.replace(&self.url, "http://vault");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// SIGKILL: no chance to flush or close anything.
    fn kill_9(mut self) {
        self.child.kill().expect("kill -9");
        self.child.wait().expect("wait");
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn temp_db(label: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!(
        "kv-emulator-{label}-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = dir.join("vault.db");
    (dir, db)
}

#[test]
fn acknowledged_writes_survive_kill_9() {
    let (dir, db) = temp_db("kill9");
    let emulator = Emulator::start(&db);
    let mut expected = Vec::new();
    for i in 0..40 {
        let name = format!("Durable{i}");
        for v in 0..=(i % 3) {
            let body = json!({"value": format!("{name}-{v}"), "tags": {"i": i.to_string()}});
            let (status, bundle) =
                emulator.call("PUT", &format!("/secrets/{name}?{API}"), Some(body));
            assert_eq!(status, 200);
            expected.push((name.clone(), bundle));
        }
    }
    let (status, patched) = emulator.call(
        "PATCH",
        &format!("/secrets/Durable0?{API}"),
        Some(json!({"contentType": "patched", "attributes": {"enabled": false}})),
    );
    assert_eq!(status, 200);
    let (status, deleted) = emulator.call("DELETE", &format!("/secrets/Durable1?{API}"), None);
    assert_eq!(status, 200);
    emulator.kill_9();

    let emulator = Emulator::start(&db);
    for (name, bundle) in &expected {
        let version = bundle["id"].as_str().unwrap().rsplit('/').next().unwrap();
        let (status, got) = emulator.call("GET", &format!("/secrets/{name}/{version}?{API}"), None);
        match name.as_str() {
            "Durable0" => assert_eq!(status, 403, "disabled by the PATCH"),
            "Durable1" => assert_eq!(status, 404, "deleted"),
            _ => assert_eq!((status, &got), (200, bundle), "{name}/{version}"),
        }
    }
    let (_, versions) = emulator.call("GET", &format!("/secrets/Durable5/versions?{API}"), None);
    assert_eq!(versions["value"].as_array().unwrap().len(), 3);
    let (_, latest) = emulator.call("GET", &format!("/secrets/Durable5?{API}"), None);
    assert_eq!(latest["value"], "Durable5-2");
    let (status, still_deleted) =
        emulator.call("GET", &format!("/deletedsecrets/Durable1?{API}"), None);
    assert_eq!((status, still_deleted), (200, deleted));
    let (_, re_enabled) = emulator.call(
        "PATCH",
        &format!("/secrets/Durable0?{API}"),
        Some(json!({"attributes": {"enabled": true}})),
    );
    assert_eq!(re_enabled["contentType"], patched["contentType"]);
    let (_, listed) = emulator.call("GET", &format!("/secrets?{API}&maxresults=25"), None);
    assert!(
        listed["nextLink"].is_string(),
        "39 live secrets span two pages"
    );
    drop(emulator);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_second_emulator_cannot_open_the_same_file() {
    let (dir, db) = temp_db("lock");
    let first = Emulator::start(&db);
    let second = Command::new(BIN)
        .args(["--port", "0", "--data"])
        .arg(&db)
        .output()
        .expect("run");
    assert!(!second.status.success());
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains("locked"), "{stderr}");
    assert!(second.stdout.is_empty(), "never announced itself");
    drop(first);
    let _ = std::fs::remove_dir_all(&dir);
}

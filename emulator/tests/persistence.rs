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

// --- keys -------------------------------------------------------------------------------------

mod keys {
    use super::*;

    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use rand_core::OsRng;
    use rsa::traits::{PrivateKeyParts, PublicKeyParts};
    use rsa::{BigUint, Oaep, Pkcs1v15Sign, Pss, RsaPrivateKey, RsaPublicKey};
    use sha2::{Digest, Sha256, Sha384};

    fn b64(bytes: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(bytes)
    }

    fn unb64(value: &Value) -> Vec<u8> {
        URL_SAFE_NO_PAD
            .decode(value.as_str().expect("base64url"))
            .expect("base64url")
    }

    fn ok(emulator: &Emulator, method: &str, path: &str, body: Option<Value>) -> Value {
        let (status, answer) = emulator.call(method, &format!("{path}?{API}"), body);
        assert_eq!(status, 200, "{method} {path}: {answer}");
        answer
    }

    fn key_path(bundle: &Value) -> String {
        bundle["key"]["kid"]
            .as_str()
            .expect("kid")
            .strip_prefix("http://vault")
            .expect("vault URL")
            .to_owned()
    }

    fn rsa_public(bundle: &Value) -> RsaPublicKey {
        let n = BigUint::from_bytes_be(&unb64(&bundle["key"]["n"]));
        let e = BigUint::from_bytes_be(&unb64(&bundle["key"]["e"]));
        RsaPublicKey::new(n, e).expect("RSA public key")
    }

    fn p384_verifies(bundle: &Value, digest: &[u8], signature: &[u8]) -> bool {
        use p384::ecdsa::signature::hazmat::PrehashVerifier;
        let mut sec1 = vec![4u8];
        sec1.extend(unb64(&bundle["key"]["x"]));
        sec1.extend(unb64(&bundle["key"]["y"]));
        let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).expect("point");
        let signature = p384::ecdsa::Signature::from_slice(signature).expect("signature");
        key.verify_prehash(digest, &signature).is_ok()
    }

    /// `alg` signature of `digest` by the key version at `path`.
    fn sign(emulator: &Emulator, path: &str, alg: &str, digest: &[u8]) -> Vec<u8> {
        let body = json!({"alg": alg, "value": b64(digest)});
        unb64(&ok(emulator, "POST", &format!("{path}/sign"), Some(body))["value"])
    }

    fn verifies(emulator: &Emulator, path: &str, alg: &str, digest: &[u8], sig: &[u8]) -> bool {
        let body = json!({"alg": alg, "digest": b64(digest), "value": b64(sig)});
        ok(emulator, "POST", &format!("{path}/verify"), Some(body))["value"] == true
    }

    /// Every read a client can make of the keys plane, to compare across a restart.
    fn snapshot(emulator: &Emulator, names: &[&str]) -> Vec<(String, u16, Value)> {
        let mut reads = vec![format!("/keys?{API}"), format!("/deletedkeys?{API}")];
        for name in names {
            for what in ["", "/versions", "/rotationpolicy"] {
                reads.push(format!("/keys/{name}{what}?{API}"));
            }
            reads.push(format!("/deletedkeys/{name}?{API}"));
            let (_, versions) = emulator.call("GET", &format!("/keys/{name}/versions?{API}"), None);
            for item in versions["value"].as_array().into_iter().flatten() {
                let kid = item["kid"].as_str().unwrap();
                reads.push(format!(
                    "{}?{API}",
                    kid.strip_prefix("http://vault").unwrap()
                ));
            }
        }
        reads
            .into_iter()
            .map(|path| {
                let (status, body) = emulator.call("GET", &path, None);
                (path, status, body)
            })
            .collect()
    }

    #[test]
    fn keys_versions_policies_and_material_survive_kill_9() {
        let (dir, db) = temp_db("keys-kill9");
        let emulator = Emulator::start(&db);
        let rsa = ok(
            &emulator,
            "POST",
            "/keys/DurableRsa/create",
            Some(json!({"kty": "RSA", "tags": {"a": "1"}})),
        );
        let ec = ok(
            &emulator,
            "POST",
            "/keys/DurableEc/create",
            Some(json!({"kty": "EC-HSM", "crv": "P-384"})),
        );
        let private = RsaPrivateKey::new(&mut OsRng, 2048).expect("RSA key");
        let jwk = json!({
            "kty": "RSA",
            "key_ops": ["sign", "decrypt"],
            "n": b64(&private.n().to_bytes_be()),
            "e": b64(&private.e().to_bytes_be()),
            "d": b64(&private.d().to_bytes_be()),
            "p": b64(&private.primes()[0].to_bytes_be()),
            "q": b64(&private.primes()[1].to_bytes_be()),
        });
        let imported = ok(
            &emulator,
            "PUT",
            "/keys/DurableImported",
            Some(json!({"key": jwk, "Hsm": true})),
        );
        ok(
            &emulator,
            "PATCH",
            "/keys/DurableEc",
            Some(
                json!({"key_ops": ["sign", "verify"], "tags": {"b": "2"}, "attributes": {"exp": 2_000_000_000}}),
            ),
        );
        ok(
            &emulator,
            "POST",
            "/keys/DurableOff/create",
            Some(json!({"kty": "EC"})),
        );
        ok(
            &emulator,
            "PATCH",
            "/keys/DurableOff",
            Some(json!({"attributes": {"enabled": false}})),
        );
        let policy = json!({"lifetimeActions": [{"trigger": {"timeAfterCreate": "P18M"}, "action": {"type": "Rotate"}}],
                            "attributes": {"expiryTime": "P48M"}});
        ok(
            &emulator,
            "PUT",
            "/keys/DurableRsa/rotationpolicy",
            Some(policy),
        );
        let rotated = ok(&emulator, "POST", "/keys/DurableRsa/rotate", None);
        assert!(rotated["attributes"]["exp"].is_i64(), "{rotated}");
        ok(
            &emulator,
            "POST",
            "/keys/DurableGone/create",
            Some(json!({"kty": "EC"})),
        );
        ok(&emulator, "DELETE", "/keys/DurableGone", None);

        // Signatures made before the kill.
        let d256 = Sha256::digest(b"before the kill").to_vec();
        let d384 = Sha384::digest(b"before the kill").to_vec();
        let rsa_sig = sign(&emulator, &key_path(&rsa), "PS256", &d256);
        let rotated_sig = sign(&emulator, &key_path(&rotated), "RS256", &d256);
        let ec_sig = sign(&emulator, &key_path(&ec), "ES384", &d384);
        let names = [
            "DurableRsa",
            "DurableEc",
            "DurableImported",
            "DurableOff",
            "DurableGone",
        ];
        let before = snapshot(&emulator, &names);
        emulator.kill_9();

        let emulator = Emulator::start(&db);
        let after = snapshot(&emulator, &names);
        assert_eq!(before.len(), after.len());
        for (b, a) in before.iter().zip(&after) {
            assert_eq!(b, a, "{}", b.0);
        }
        let statuses: Vec<u16> = after.iter().map(|(_, s, _)| *s).collect();
        assert!(
            statuses.contains(&404),
            "DurableGone is deleted: {statuses:?}"
        );
        let (status, gone) = emulator.call("GET", &format!("/deletedkeys/DurableGone?{API}"), None);
        assert_eq!(status, 200, "{gone}");
        let (_, off) = emulator.call("GET", &format!("/keys/DurableOff?{API}"), None);
        assert_eq!(off["attributes"]["enabled"], false);
        let (_, versions) = emulator.call("GET", &format!("/keys/DurableRsa/versions?{API}"), None);
        assert_eq!(versions["value"].as_array().unwrap().len(), 2);
        let (_, got_policy) = emulator.call(
            "GET",
            &format!("/keys/DurableRsa/rotationpolicy?{API}"),
            None,
        );
        assert_eq!(got_policy["attributes"]["expiryTime"], "P48M");

        // The private material is back: old signatures verify, new ones verify with the public
        // keys read before the kill, the imported key decrypts.
        assert!(verifies(
            &emulator,
            &key_path(&rsa),
            "PS256",
            &d256,
            &rsa_sig
        ));
        assert!(verifies(
            &emulator,
            &key_path(&rotated),
            "RS256",
            &d256,
            &rotated_sig
        ));
        assert!(verifies(&emulator, &key_path(&ec), "ES384", &d384, &ec_sig));
        let d256 = Sha256::digest(b"after the restart").to_vec();
        let d384 = Sha384::digest(b"after the restart").to_vec();
        let sig = sign(&emulator, &key_path(&rsa), "PS256", &d256);
        assert!(rsa_public(&rsa)
            .verify(Pss::new::<Sha256>(), &d256, &sig)
            .is_ok());
        let sig = sign(&emulator, "/keys/DurableRsa/", "RS256", &d256);
        assert!(rsa_public(&rotated)
            .verify(Pkcs1v15Sign::new::<Sha256>(), &d256, &sig)
            .is_ok());
        let sig = sign(&emulator, &key_path(&ec), "ES384", &d384);
        assert!(p384_verifies(&ec, &d384, &sig));
        let sig = sign(&emulator, &key_path(&imported), "RS256", &d256);
        assert!(private
            .to_public_key()
            .verify(Pkcs1v15Sign::new::<Sha256>(), &d256, &sig)
            .is_ok());
        let ciphertext = private
            .to_public_key()
            .encrypt(&mut OsRng, Oaep::new::<Sha256>(), b"secret")
            .unwrap();
        let body = json!({"alg": "RSA-OAEP-256", "value": b64(&ciphertext)});
        let plain = ok(
            &emulator,
            "POST",
            &format!("{}/decrypt", key_path(&imported)),
            Some(body),
        );
        assert_eq!(unb64(&plain["value"]), b"secret");

        // Writes after the restart go on where the file left off.
        let third = ok(&emulator, "POST", "/keys/DurableRsa/rotate", None);
        let (_, versions) = emulator.call("GET", &format!("/keys/DurableRsa/versions?{API}"), None);
        assert_eq!(versions["value"].as_array().unwrap().len(), 3, "{third}");
        ok(&emulator, "POST", "/deletedkeys/DurableGone/recover", None);
        emulator.kill_9();
        let emulator = Emulator::start(&db);
        let (status, _) = emulator.call("GET", &format!("/keys/DurableGone?{API}"), None);
        assert_eq!(status, 200, "recovered after a second kill");
        drop(emulator);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The schema of the secrets-only emulator (schema version 1), as it wrote its files.
    const SCHEMA_V1: &str = "
        CREATE TABLE secrets (
            key TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            deleted_date INTEGER,
            scheduled_purge_date INTEGER
        ) WITHOUT ROWID;
        CREATE TABLE versions (
            seq INTEGER PRIMARY KEY,
            key TEXT NOT NULL,
            version TEXT NOT NULL,
            value TEXT NOT NULL,
            content_type TEXT,
            tags TEXT,
            enabled INTEGER NOT NULL,
            nbf INTEGER,
            exp INTEGER,
            created INTEGER NOT NULL,
            updated INTEGER NOT NULL,
            UNIQUE (key, version)
        );
        PRAGMA user_version = 1;
    ";

    #[test]
    fn a_secrets_only_database_opens_and_gains_the_keys_and_settings_tables() {
        let (dir, db) = temp_db("schema-v1");
        {
            let conn = rusqlite::Connection::open(&db).expect("open");
            conn.execute_batch(SCHEMA_V1).expect("v1 schema");
            conn.execute_batch(
                "INSERT INTO secrets VALUES ('OLD', 'Old', NULL, NULL);
                 INSERT INTO versions VALUES (1, 'OLD', '0123456789abcdef0123456789abcdef',
                     'from v1', 'text/plain', '{\"t\":\"v\"}', 1, NULL, 1900000000,
                     1700000000, 1700000001);",
            )
            .expect("v1 rows");
        }
        let emulator = Emulator::start(&db);
        let (status, old) = emulator.call("GET", &format!("/secrets/Old?{API}"), None);
        assert_eq!(status, 200, "{old}");
        assert_eq!(old["value"], "from v1");
        assert_eq!(
            old["id"],
            "http://vault/secrets/Old/0123456789abcdef0123456789abcdef"
        );
        assert_eq!(old["tags"], json!({"t": "v"}));
        assert_eq!(old["attributes"]["exp"], 1_900_000_000);
        let key = ok(
            &emulator,
            "POST",
            "/keys/New/create",
            Some(json!({"kty": "EC"})),
        );
        let (status, _) = emulator.call(
            "PUT",
            &format!("/secrets/Old?{API}"),
            Some(json!({"value": "v2"})),
        );
        assert_eq!(status, 200);
        emulator.kill_9();

        let emulator = Emulator::start(&db);
        let (_, got) = emulator.call("GET", &format!("/keys/New?{API}"), None);
        assert_eq!(got, key);
        let (_, versions) = emulator.call("GET", &format!("/secrets/Old/versions?{API}"), None);
        assert_eq!(versions["value"].as_array().unwrap().len(), 2);
        drop(emulator);

        let conn = rusqlite::Connection::open(&db).expect("open");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("user_version");
        assert_eq!(version, 3);
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            tables,
            ["key_versions", "keys", "secrets", "settings", "versions"]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! The keys plane's operations: exact requests, and refusals before anything is sent.

use super::*;
use crate::core::test_support::{config, request};

const V: &str = "62909adf7f044dc8b1838da90306af40";

fn client() -> KeysClient {
    KeysClient::new(config(), 1)
}

/// The request, its body checked to be JSON.
fn sent(r: Result<(Call, Action)>) -> (Method, String, String) {
    let (method, path, body) = request(r);
    let body = body.expect("a body");
    serde_json::from_str::<serde_json::Value>(&body)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    (method, path, body)
}

fn owned(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn versioned(path: &str) -> String {
    format!("{path}?api-version=7.5")
}

#[test]
fn create_bodies() {
    let mut c = client();
    let ops = owned(&["sign", "verify"]);
    let tags = owned(&["env", "\"prod\""]);
    let rsa = CreateKey {
        kty: "RSA-HSM",
        key_size: Some(3072),
        public_exponent: Some(65537),
        key_ops: Some(&ops),
        attributes: KeyAttributes {
            enabled: Some(true),
            not_before: Some(-1),
            expires_on: Some(4_102_444_800),
            exportable: Some(true),
        },
        tags: Some(&tags),
        release_policy: Some(ReleasePolicy {
            data: "eyJhbnlPZiI6W119",
            content_type: Some("application/json; charset=utf-8"),
            immutable: Some(false),
        }),
        ..Default::default()
    };
    assert_eq!(
        sent(c.create("k", &rsa, 0.0)),
        (
            Method::Post,
            versioned("/keys/k/create"),
            concat(&[
                r#"{"kty":"RSA-HSM","key_size":3072,"public_exponent":65537,"key_ops":["sign","verify"],"#,
                r#""attributes":{"enabled":true,"nbf":-1,"exp":4102444800,"exportable":true},"tags":{"env":"\"prod\""},"#,
                r#""release_policy":{"contentType":"application/json; charset=utf-8","immutable":false,"data":"eyJhbnlPZiI6W119"}}"#,
            ])
        )
    );
    let ec = CreateKey {
        kty: "EC",
        curve: Some("P-256K"),
        key_ops: Some(&[]),
        ..Default::default()
    };
    assert_eq!(
        sent(c.create("k", &ec, 0.0)).2,
        r#"{"kty":"EC","crv":"P-256K","key_ops":[]}"#
    );
    let oct = CreateKey {
        kty: "oct-HSM",
        key_size: Some(256),
        release_policy: Some(ReleasePolicy {
            data: "e30",
            content_type: None,
            immutable: Some(true),
        }),
        ..Default::default()
    };
    assert_eq!(
        sent(c.create("k", &oct, 0.0)).2,
        r#"{"kty":"oct-HSM","key_size":256,"release_policy":{"immutable":true,"data":"e30"}}"#
    );
    let bare = CreateKey {
        kty: "RSA",
        ..Default::default()
    };
    assert_eq!(sent(c.create("k", &bare, 0.0)).2, r#"{"kty":"RSA"}"#);
}

#[test]
fn import_bodies() {
    let mut c = client();
    // Given in any order; sent in the JWK's order, `t` as `key_hsm`.
    let jwk = owned(&[
        "e", "AQAB", "n", "nKAw-_", "kty", "RSA", "d", "GeQ=", "p", "v1je", "q", "0Yv-", "dp",
        "ZGnm", "dq", "dtpk", "qi", "Y9KD", "crv", "P-521", "t", "AAEC",
    ]);
    let ops = owned(&["encrypt"]);
    let tags = owned(&["purpose", "unit test"]);
    let key = ImportKey {
        jwk: &jwk,
        key_ops: Some(&ops),
        hsm: Some(true),
        attributes: KeyAttributes {
            exportable: Some(false),
            ..Default::default()
        },
        tags: Some(&tags),
        release_policy: None,
    };
    assert_eq!(
        sent(c.import("ImportSoftKeyTest", &key, 0.0)),
        (
            Method::Put,
            versioned("/keys/ImportSoftKeyTest"),
            concat(&[
                r#"{"key":{"kty":"RSA","key_ops":["encrypt"],"n":"nKAw-_","e":"AQAB","d":"GeQ=","#,
                r#""dp":"ZGnm","dq":"dtpk","qi":"Y9KD","p":"v1je","q":"0Yv-","crv":"P-521","key_hsm":"AAEC"},"#,
                r#""Hsm":true,"attributes":{"exportable":false},"tags":{"purpose":"unit test"}}"#,
            ])
        )
    );
    let ec = owned(&[
        "kty", "EC", "crv", "P-256", "x", "f83O", "y", "x_FE", "d", "870M",
    ]);
    let key = ImportKey {
        jwk: &ec,
        ..Default::default()
    };
    assert_eq!(
        sent(c.import("k", &key, 0.0)).2,
        r#"{"key":{"kty":"EC","d":"870M","crv":"P-256","x":"f83O","y":"x_FE"}}"#
    );
    let oct = owned(&["k", "GawgguFyGrWKav7AX4VKUg", "kty", "oct-HSM"]);
    let key = ImportKey {
        jwk: &oct,
        release_policy: Some(ReleasePolicy {
            data: "e30",
            content_type: None,
            immutable: None,
        }),
        ..Default::default()
    };
    assert_eq!(
        sent(c.import("k", &key, 0.0)).2,
        r#"{"key":{"kty":"oct-HSM","k":"GawgguFyGrWKav7AX4VKUg"},"release_policy":{"data":"e30"}}"#
    );
}

#[test]
fn get_and_update() {
    let mut c = client();
    assert_eq!(
        request(c.get("k", Some(V), 0.0)),
        (Method::Get, versioned(&format!("/keys/k/{V}")), None)
    );
    assert_eq!(
        request(c.get("k", None, 0.0)),
        (Method::Get, versioned("/keys/k"), None)
    );
    let ops = owned(&["wrapKey", "unwrapKey"]);
    let tags = owned(&["a", ""]);
    let attributes = KeyAttributes {
        enabled: Some(false),
        ..Default::default()
    };
    let policy = ReleasePolicy {
        data: "e30",
        content_type: None,
        immutable: None,
    };
    assert_eq!(
        sent(c.update(
            "k",
            Some(V),
            Some(&ops),
            &attributes,
            Some(&tags),
            Some(&policy),
            0.0
        )),
        (
            Method::Patch,
            versioned(&format!("/keys/k/{V}")),
            r#"{"key_ops":["wrapKey","unwrapKey"],"attributes":{"enabled":false},"tags":{"a":""},"release_policy":{"data":"e30"}}"#.into()
        )
    );
    let none = KeyAttributes::default();
    assert_eq!(
        sent(c.update("k", None, None, &none, None, None, 0.0)),
        (Method::Patch, versioned("/keys/k"), "{}".into())
    );
}

#[test]
fn listings_and_named_operations() {
    let mut c = client();
    for (listing, name, size, path) in [
        (Listing::Items, None, Some(25), "/keys?maxresults=25"),
        (Listing::Items, None, None, "/keys"),
        (
            Listing::Versions,
            Some("k"),
            Some(1),
            "/keys/k/versions?maxresults=1",
        ),
        (Listing::Deleted, None, Some(3), "/deletedkeys?maxresults=3"),
    ] {
        let expected = if path.contains('?') {
            format!("{path}&api-version=7.5")
        } else {
            versioned(path)
        };
        assert_eq!(
            request(c.list(listing, name, size, None, 0.0)),
            (Method::Get, expected, None)
        );
    }
    let next = "https://v.vault.azure.net:443/keys?api-version=7.5&$skiptoken=abc&maxresults=3";
    assert_eq!(
        request(c.list(Listing::Items, None, None, Some(next), 0.0)).1,
        "/keys?api-version=7.5&$skiptoken=abc&maxresults=3"
    );
    for (which, method, path) in [
        (Named::Delete, Method::Delete, "/keys/k"),
        (Named::GetDeleted, Method::Get, "/deletedkeys/k"),
        (Named::Recover, Method::Post, "/deletedkeys/k/recover"),
        (Named::Purge, Method::Delete, "/deletedkeys/k"),
        (Named::Backup, Method::Post, "/keys/k/backup"),
        (Named::Rotate, Method::Post, "/keys/k/rotate"),
        (
            Named::GetRotationPolicy,
            Method::Get,
            "/keys/k/rotationpolicy",
        ),
    ] {
        assert_eq!(
            request(c.named(which, "k", 0.0)),
            (method, versioned(path), None)
        );
    }
}

#[test]
fn restore_rng_and_release() {
    let mut c = client();
    assert_eq!(
        sent(c.restore("JkF6dXJlS2V5VmF1bHRLZXlCYWNrdXBWMS5taWNyb3NvZnQuY29t", 0.0)),
        (
            Method::Post,
            versioned("/keys/restore"),
            r#"{"value":"JkF6dXJlS2V5VmF1bHRLZXlCYWNrdXBWMS5taWNyb3NvZnQuY29t"}"#.into()
        )
    );
    for n in [1, 128] {
        assert_eq!(
            sent(c.random_bytes(n, 0.0)),
            (
                Method::Post,
                versioned("/rng"),
                format!(r#"{{"count":{n}}}"#)
            )
        );
    }
    assert_eq!(
        sent(c.release(
            "k",
            Some(V),
            "eyJ0.eyJ1.c2ln",
            Some("n\"1"),
            Some("RSA_AES_KEY_WRAP_256"),
            0.0
        )),
        (
            Method::Post,
            versioned(&format!("/keys/k/{V}/release")),
            r#"{"target":"eyJ0.eyJ1.c2ln","nonce":"n\"1","enc":"RSA_AES_KEY_WRAP_256"}"#.into()
        )
    );
    assert_eq!(
        sent(c.release("k", Some(V), "t", None, None, 0.0)).2,
        r#"{"target":"t"}"#
    );
    // Without a version: the latest, by the spec's optional segment.
    assert_eq!(
        sent(c.release("k", None, "t", None, None, 0.0)).1,
        versioned("/keys/k/release")
    );
}

#[test]
fn attestation() {
    let mut c = client();
    assert_eq!(
        request(c.attestation("k", Some(V), 0.0)),
        (
            Method::Get,
            versioned(&format!("/keys/k/{V}/attestation")),
            None
        )
    );
    assert_eq!(
        request(c.attestation("k", None, 0.0)).1,
        versioned("/keys/k/attestation")
    );
    assert!(c.attestation("k", Some("x"), 0.0).is_err());
    assert!(c.attestation("k/x", None, 0.0).is_err());
}

#[test]
fn versionless_cryptography_sends_an_empty_segment() {
    let mut c = client();
    let sign = c.crypto(
        "k",
        None,
        CryptoOp::Sign,
        "RS256",
        "AQID",
        None,
        None,
        None,
        0.0,
    );
    assert_eq!(sent(sign).1, versioned("/keys/k//sign"));
    let verify = c.verify("k", None, "ES256", "AQID", "AQID", 0.0);
    assert_eq!(sent(verify).1, versioned("/keys/k//verify"));
}

#[test]
fn rotation_policies() {
    let mut c = client();
    let actions = owned(&["rotate", "P90D", "", "NOTIFY", "", "P30D"]);
    assert_eq!(
        sent(c.update_rotation_policy("k", Some("P2Y"), &actions, 0.0)),
        (
            Method::Put,
            versioned("/keys/k/rotationpolicy"),
            concat(&[
                r#"{"lifetimeActions":[{"trigger":{"timeAfterCreate":"P90D"},"action":{"type":"Rotate"}},"#,
                r#"{"trigger":{"timeBeforeExpiry":"P30D"},"action":{"type":"Notify"}}],"#,
                r#""attributes":{"expiryTime":"P2Y"}}"#,
            ])
        )
    );
    assert_eq!(
        sent(c.update_rotation_policy("k", None, &[], 0.0)).2,
        r#"{"lifetimeActions":[],"attributes":{}}"#
    );
    let rotate_before = owned(&["Rotate", "", "PT48H"]);
    assert_eq!(
        sent(c.update_rotation_policy("k", Some("P1Y10D"), &rotate_before, 0.0)).2,
        r#"{"lifetimeActions":[{"trigger":{"timeBeforeExpiry":"PT48H"},"action":{"type":"Rotate"}}],"attributes":{"expiryTime":"P1Y10D"}}"#
    );
}

#[test]
fn cryptographic_operations() {
    let mut c = client();
    let path = |op: &str| versioned(&format!("/keys/k/{V}/{op}"));
    assert_eq!(
        sent(c.crypto(
            "k",
            Some(V),
            CryptoOp::Sign,
            "ES256K",
            "AQID",
            None,
            None,
            None,
            0.0
        )),
        (
            Method::Post,
            path("sign"),
            r#"{"alg":"ES256K","value":"AQID"}"#.into()
        )
    );
    assert_eq!(
        sent(c.verify("k", Some(V), "PS512", "AQID", "BAUG", 0.0)),
        (
            Method::Post,
            path("verify"),
            r#"{"alg":"PS512","digest":"AQID","value":"BAUG"}"#.into()
        )
    );
    for (op, segment, alg) in [
        (CryptoOp::Encrypt, "encrypt", "RSA-OAEP-256"),
        (CryptoOp::Decrypt, "decrypt", "RSA1_5"),
        (CryptoOp::WrapKey, "wrapkey", "A256KW"),
        (CryptoOp::UnwrapKey, "unwrapkey", "RSA-OAEP"),
    ] {
        assert_eq!(
            sent(c.crypto("k", Some(V), op, alg, "AQID", None, None, None, 0.0)),
            (
                Method::Post,
                path(segment),
                format!(r#"{{"alg":"{alg}","value":"AQID"}}"#)
            )
        );
    }
    let gcm = |c: &mut KeysClient, op, iv, aad, tag| {
        sent(c.crypto("k", Some(V), op, "A256GCM", "AQID", iv, aad, tag, 0.0)).2
    };
    assert_eq!(
        gcm(
            &mut c,
            CryptoOp::Decrypt,
            Some("AAAA"),
            Some(""),
            Some("BBBB")
        ),
        r#"{"alg":"A256GCM","value":"AQID","iv":"AAAA","aad":"","tag":"BBBB"}"#
    );
    assert_eq!(
        gcm(&mut c, CryptoOp::Encrypt, None, Some("Y3R4"), None),
        r#"{"alg":"A256GCM","value":"AQID","aad":"Y3R4"}"#
    );
    assert_eq!(
        sent(c.crypto(
            "k",
            Some(V),
            CryptoOp::Encrypt,
            "A128CBCPAD",
            "AQID",
            Some("AAAAAAAAAAAAAAAAAAAAAA=="),
            None,
            None,
            0.0
        ))
        .2,
        r#"{"alg":"A128CBCPAD","value":"AQID","iv":"AAAAAAAAAAAAAAAAAAAAAA=="}"#
    );
}

#[test]
fn base64url_text() {
    for ok in ["AQID", "AQI", "AQ", "AQ==", "AQI=", "-_-_", "abcdABCD0189"] {
        assert!(base64url("x", ok).is_ok(), "{ok}");
    }
    for bad in [
        "A", "AQIDB", "AQ=", "A===", "AQ===", "A=Q=", "AQ+/", "AQ ID", "é", "AQID\n",
    ] {
        assert!(base64url("x", bad).is_err(), "{bad}");
    }
    assert!(base64url("x", "").is_ok() && bytes("x", "").is_err());
    let secret = "c2VjcmV0+key";
    let message = bytes("jwk.d", secret).unwrap_err().message().to_string();
    assert_eq!(
        message,
        r#"jwk.d must be base64url (A-Z, a-z, 0-9, '-', '_'); it has "+" at 8"#
    );
    assert!(!message.contains("c2Vj"), "the text itself is never quoted");
}

#[test]
fn messages_say_what_is_wrong() {
    let mut c = client();
    let message = |r: Result<(Call, Action)>| r.unwrap_err().message().to_string();
    let rsa = CreateKey {
        kty: "rsa",
        ..Default::default()
    };
    assert_eq!(
        message(c.create("k", &rsa, 0.0)),
        r#"keyType must be one of RSA, RSA-HSM, EC, EC-HSM, oct, oct-HSM: "rsa""#
    );
    let small = CreateKey {
        kty: "RSA",
        key_size: Some(1024),
        ..Default::default()
    };
    assert_eq!(
        message(c.create("k", &small, 0.0)),
        "keySize of an RSA key must be 2048, 3072 or 4096, not 1024"
    );
    assert_eq!(
        message(c.crypto("k", Some(V), CryptoOp::WrapKey, "A128GCM", "AQID", None, None, None, 0.0)),
        "algorithm for wrapKey must be one of RSA1_5, RSA-OAEP, RSA-OAEP-256, A128KW, A192KW, A256KW, CKM_AES_KEY_WRAP, CKM_AES_KEY_WRAP_PAD: \"A128GCM\""
    );
    let kid = owned(&["kty", "RSA", "kid", "x"]);
    let key = ImportKey {
        jwk: &kid,
        ..Default::default()
    };
    assert_eq!(
        message(c.import("k", &key, 0.0)),
        r#"jwk member "kid" is not one of kty, n, e, d, dp, dq, qi, p, q, crv, x, y, k, t (keyOps are given separately)"#
    );
    let actions = owned(&["Rotate", "P1X", ""]);
    assert_eq!(
        message(c.update_rotation_policy("k", None, &actions, 0.0)),
        r#"lifetimeActions[0].timeAfterCreate is not an ISO-8601 duration such as P30D or PT12H: "P1X""#
    );
}

#[test]
fn refuses_bad_arguments_before_anything_is_sent() {
    let mut c = client();
    let create = |kty, key_size, public_exponent, curve| CreateKey {
        kty,
        key_size,
        public_exponent,
        curve,
        ..Default::default()
    };
    let policy = |data| ReleasePolicy {
        data,
        content_type: None,
        immutable: None,
    };
    let with_policy = |data| CreateKey {
        kty: "RSA",
        release_policy: Some(policy(data)),
        ..Default::default()
    };
    let bad_ops = owned(&["sign", "fly"]);
    let case_ops = owned(&["Sign"]);
    let many_tags: Vec<String> = (0..16)
        .flat_map(|i| [i.to_string(), String::new()])
        .collect();
    let no = KeyAttributes::default();
    let jwk = |flat: &[&str]| owned(flat);
    let bad_jwks = [
        jwk(&["kty", "RSA", "n"]),
        jwk(&["kty", "RSA", "kid", "https://v/keys/k"]),
        jwk(&["kty", "RSA", "key_ops", "sign"]),
        jwk(&["kty", "RSA", "key_hsm", "AQID"]),
        jwk(&["kty", "RSA", "n", "AQID", "n", "AQID"]),
        jwk(&["kty", "RSA", "kty", "RSA"]),
        jwk(&["n", "AQID", "e", "AQAB"]),
        jwk(&["kty", "rsa"]),
        jwk(&["kty", "EC", "crv", "P-192"]),
        jwk(&["kty", "RSA", "n", "nKAw+/"]),
        jwk(&["kty", "RSA", "d", ""]),
        jwk(&["kty", "oct", "k", "A"]),
        jwk(&[]),
    ];
    let import = |jwk| ImportKey {
        jwk,
        ..Default::default()
    };
    let rsa = owned(&["kty", "RSA", "n", "AQID", "e", "AQAB"]);
    let triples = |t: &[&str]| owned(t);
    let bad_policies = [
        triples(&["Rotate", "P90D"]),
        triples(&["Explode", "P90D", ""]),
        triples(&["Rotate", "", ""]),
        triples(&["Rotate", "P90D", "P30D"]),
        triples(&["Notify", "P90D", ""]),
        triples(&["Rotate", "90 days", ""]),
        triples(&["Notify", "", "p30d"]),
        triples(&["Rotate", "P90D", "", "Notify", "", "PT"]),
    ];
    let sign = CryptoOp::Sign;
    let enc = CryptoOp::Encrypt;
    let dec = CryptoOp::Decrypt;
    let mut refused: Vec<Option<Error>> = vec![
        // create
        c.create("a_b", &create("RSA", None, None, None), 0.0).err(),
        c.create("k", &create("", None, None, None), 0.0).err(),
        c.create("k", &create("rsa", None, None, None), 0.0).err(),
        c.create("k", &create("RSA", Some(1024), None, None), 0.0)
            .err(),
        c.create("k", &create("RSA-HSM", Some(256), None, None), 0.0)
            .err(),
        c.create("k", &create("oct", Some(512), None, None), 0.0)
            .err(),
        c.create("k", &create("oct-HSM", Some(2048), None, None), 0.0)
            .err(),
        c.create("k", &create("EC", Some(256), None, None), 0.0)
            .err(),
        c.create("k", &create("EC", None, Some(65537), None), 0.0)
            .err(),
        c.create("k", &create("RSA", None, Some(65536), None), 0.0)
            .err(),
        c.create("k", &create("RSA", None, Some(1), None), 0.0)
            .err(),
        c.create("k", &create("RSA", None, None, Some("P-256")), 0.0)
            .err(),
        c.create("k", &create("EC-HSM", None, None, Some("P-192")), 0.0)
            .err(),
        c.create("k", &create("EC", None, None, Some("p-256")), 0.0)
            .err(),
        c.create("k", &with_policy(""), 0.0).err(),
        c.create("k", &with_policy("eyJ+"), 0.0).err(),
        c.create("k", &with_policy("e30=="), 0.0).err(),
        c.create(
            "k",
            &CreateKey {
                kty: "RSA",
                key_ops: Some(&bad_ops),
                ..Default::default()
            },
            0.0,
        )
        .err(),
        c.create(
            "k",
            &CreateKey {
                kty: "RSA",
                key_ops: Some(&case_ops),
                ..Default::default()
            },
            0.0,
        )
        .err(),
        c.create(
            "k",
            &CreateKey {
                kty: "RSA",
                tags: Some(&many_tags),
                ..Default::default()
            },
            0.0,
        )
        .err(),
        // import
        c.import("../k", &import(&rsa), 0.0).err(),
        c.import(
            "k",
            &ImportKey {
                jwk: &rsa,
                key_ops: Some(&bad_ops),
                ..Default::default()
            },
            0.0,
        )
        .err(),
        c.import(
            "k",
            &ImportKey {
                jwk: &rsa,
                release_policy: Some(policy("a b")),
                ..Default::default()
            },
            0.0,
        )
        .err(),
        // get, update
        c.get("", None, 0.0).err(),
        c.get("k", Some("latest"), 0.0).err(),
        c.get("k", Some(""), 0.0).err(),
        c.update("k", Some("../x"), None, &no, None, None, 0.0)
            .err(),
        c.update("k b", None, None, &no, None, None, 0.0).err(),
        c.update("k", None, Some(&bad_ops), &no, None, None, 0.0)
            .err(),
        c.update("k", None, None, &no, Some(&many_tags), None, 0.0)
            .err(),
        c.update("k", None, None, &no, None, Some(&policy("")), 0.0)
            .err(),
        // list
        c.list(Listing::Items, None, Some(0), None, 0.0).err(),
        c.list(Listing::Deleted, None, Some(26), None, 0.0).err(),
        c.list(Listing::Versions, None, None, None, 0.0).err(),
        c.list(Listing::Versions, Some("k/x"), None, None, 0.0)
            .err(),
        c.list(
            Listing::Items,
            None,
            None,
            Some("https://evil.example/keys"),
            0.0,
        )
        .err(),
        // restore, rng
        c.restore("", 0.0).err(),
        c.restore("AQ ID", 0.0).err(),
        c.random_bytes(0, 0.0).err(),
        c.random_bytes(129, 0.0).err(),
        c.random_bytes(u32::MAX, 0.0).err(),
        // rotation policy
        c.update_rotation_policy("k_", None, &[], 0.0).err(),
        c.update_rotation_policy("k", Some("90D"), &[], 0.0).err(),
        c.update_rotation_policy("k", Some(""), &[], 0.0).err(),
        // release
        c.release("k", Some("x"), "t", None, None, 0.0).err(),
        c.release("k", Some(V), "", None, None, 0.0).err(),
        c.release("k", Some(V), "t", None, Some("RSA-OAEP"), 0.0)
            .err(),
        c.release("../k", Some(V), "t", None, None, 0.0).err(),
        // crypto
        c.crypto("k", Some("x"), sign, "RS256", "AQID", None, None, None, 0.0)
            .err(),
        c.crypto("k/x", Some(V), sign, "RS256", "AQID", None, None, None, 0.0)
            .err(),
        c.crypto("k", Some(V), sign, "HS257", "AQID", None, None, None, 0.0)
            .err(),
        c.crypto(
            "k",
            Some(V),
            sign,
            "RSA-OAEP",
            "AQID",
            None,
            None,
            None,
            0.0,
        )
        .err(),
        c.crypto("k", Some(V), sign, "rs256", "AQID", None, None, None, 0.0)
            .err(),
        c.crypto("k", Some(V), sign, "RS256", "", None, None, None, 0.0)
            .err(),
        c.crypto("k", Some(V), sign, "RS256", "AQ/D", None, None, None, 0.0)
            .err(),
        c.crypto(
            "k",
            Some(V),
            sign,
            "RS256",
            "AQID",
            Some("AAAA"),
            None,
            None,
            0.0,
        )
        .err(),
        c.crypto("k", Some(V), enc, "A128KW", "AQID", None, None, None, 0.0)
            .err(),
        c.crypto("k", Some(V), enc, "ES256", "AQID", None, None, None, 0.0)
            .err(),
        c.crypto(
            "k",
            Some(V),
            CryptoOp::WrapKey,
            "A128GCM",
            "AQID",
            None,
            None,
            None,
            0.0,
        )
        .err(),
        c.crypto(
            "k",
            Some(V),
            CryptoOp::UnwrapKey,
            "A256KW",
            "AQID",
            None,
            None,
            Some("AAAA"),
            0.0,
        )
        .err(),
        c.crypto(
            "k",
            Some(V),
            enc,
            "RSA-OAEP",
            "AQID",
            Some("AAAA"),
            None,
            None,
            0.0,
        )
        .err(),
        c.crypto(
            "k",
            Some(V),
            enc,
            "RSA1_5",
            "AQID",
            None,
            Some("AAAA"),
            None,
            0.0,
        )
        .err(),
        c.crypto(
            "k",
            Some(V),
            enc,
            "A128GCM",
            "AQID",
            None,
            None,
            Some("AAAA"),
            0.0,
        )
        .err(),
        c.crypto(
            "k",
            Some(V),
            enc,
            "A128CBC",
            "AQID",
            None,
            Some("AAAA"),
            None,
            0.0,
        )
        .err(),
        c.crypto(
            "k",
            Some(V),
            enc,
            "A128CBC",
            "AQID",
            Some(""),
            None,
            None,
            0.0,
        )
        .err(),
        c.crypto(
            "k",
            Some(V),
            enc,
            "A128GCM",
            "AQID",
            None,
            Some("a+b"),
            None,
            0.0,
        )
        .err(),
        c.crypto(
            "k",
            Some(V),
            dec,
            "A128GCM",
            "AQID",
            None,
            None,
            Some("AAAA"),
            0.0,
        )
        .err(),
        c.crypto(
            "k",
            Some(V),
            dec,
            "A128GCM",
            "AQID",
            Some("AAAA"),
            None,
            None,
            0.0,
        )
        .err(),
        c.crypto(
            "k",
            Some(V),
            dec,
            "A192CBCPAD",
            "AQID",
            None,
            None,
            None,
            0.0,
        )
        .err(),
        c.crypto(
            "k",
            Some(V),
            dec,
            "A192CBCPAD",
            "AQID",
            Some("AAAA"),
            None,
            Some("AAAA"),
            0.0,
        )
        .err(),
        c.crypto(
            "k",
            Some(V),
            dec,
            "A256GCM",
            "AQID",
            Some("AAAA"),
            None,
            Some("AA=A"),
            0.0,
        )
        .err(),
        // verify
        c.verify("k", Some(V), "ES257", "AQID", "AQID", 0.0).err(),
        c.verify("k", Some(V), "ES256", "", "AQID", 0.0).err(),
        c.verify("k", Some(V), "ES256", "AQID", "", 0.0).err(),
        c.verify("k", Some(V), "ES256", "AQID", "AQID!", 0.0).err(),
    ];
    refused.extend(
        bad_jwks
            .iter()
            .map(|j| c.import("k", &import(j), 0.0).err()),
    );
    refused.extend(
        bad_policies
            .iter()
            .map(|a| c.update_rotation_policy("k", Some("P1Y"), a, 0.0).err()),
    );
    for which in [
        Named::Delete,
        Named::GetDeleted,
        Named::Recover,
        Named::Purge,
        Named::Backup,
        Named::Rotate,
        Named::GetRotationPolicy,
    ] {
        refused.push(c.named(which, "../x", 0.0).err());
    }
    assert!(refused.len() >= 100, "{}", refused.len());
    for (i, e) in refused.into_iter().enumerate() {
        assert!(matches!(e, Some(Error::Argument { .. })), "case {i}: {e:?}");
    }
}

#[test]
fn managed_hsm_algorithms_are_left_to_the_service() {
    let mut c = client();
    for (which, alg) in [
        (CryptoOp::Sign, "HS256"),
        (CryptoOp::Sign, "RSNULL"),
        (CryptoOp::Encrypt, "CKM_AES_KEY_WRAP"),
        (CryptoOp::WrapKey, "CKM_AES_KEY_WRAP_PAD"),
    ] {
        let body = sent(c.crypto("k", Some(V), which, alg, "AQID", None, None, None, 0.0)).2;
        assert_eq!(body, format!(r#"{{"alg":"{alg}","value":"AQID"}}"#));
    }
}

//! Create (every type, size and curve), import, get, update; api-version 7.3 and 7.5 answers.

use super::*;

#[test]
fn create_answers_every_type_size_and_curve() {
    let server = TestServer::start();
    let now = clock_now(&server);
    // (body, kty, modulus bits or curve, hsmPlatform)
    let cases = [
        (json!({"kty": "RSA"}), "RSA", "2048", "0"),
        (
            json!({"kty": "RSA", "key_size": 3072, "public_exponent": 3}),
            "RSA",
            "3072",
            "0",
        ),
        (json!({"kty": "RSA", "key_size": 4096}), "RSA", "4096", "0"),
        (
            json!({"kty": "RSA-HSM", "key_size": 2048}),
            "RSA-HSM",
            "2048",
            "2",
        ),
        (json!({"kty": "EC"}), "EC", "P-256", "0"),
        (json!({"kty": "EC", "crv": "P-384"}), "EC", "P-384", "0"),
        (json!({"kty": "EC", "key_size": 521}), "EC", "P-521", "0"),
        (json!({"kty": "EC", "crv": "P-256K"}), "EC", "P-256K", "0"),
        (
            json!({"kty": "EC-HSM", "crv": "P-384"}),
            "EC-HSM",
            "P-384",
            "2",
        ),
    ];
    for (i, (body, kty, size, platform)) in cases.into_iter().enumerate() {
        let name = format!("Created-{i}");
        let path = format!("/keys/{name}/create?{API}");
        let resp = call(&server, "POST", &path, Some(&body));
        assert_eq!(resp.status, 200, "{body}: {}", resp.body);
        let bundle = resp.json();
        let key = &bundle["key"];
        let kid = kid(&bundle);
        let version = kid
            .strip_prefix(&format!("{}/keys/{name}/", server.url))
            .unwrap_or_else(|| panic!("{kid}"));
        assert_eq!(version.len(), 32, "{kid}");
        assert!(
            version
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
            "{kid}"
        );
        assert_eq!(key["kty"], kty);
        let mut fields: Vec<&String> = key.as_object().unwrap().keys().collect();
        fields.sort_unstable();
        if kty.starts_with("RSA") {
            assert_eq!(key["key_ops"], json!(RSA_OPS), "{body}");
            assert_eq!(unb64(&key["n"]).len() * 8, size.parse::<usize>().unwrap());
            assert_eq!(
                key["e"], "AQAB",
                "public_exponent is ignored, as Key Vault does"
            );
            assert_eq!(fields, ["e", "key_ops", "kid", "kty", "n"]);
            assert_order(
                &resp.body,
                &["key", "kid", "kty", "key_ops", "n", "e", "attributes"],
            );
        } else {
            assert_eq!(key["key_ops"], json!(EC_OPS), "{body}");
            assert_eq!(key["crv"], size);
            let len = match size {
                "P-384" => 48,
                "P-521" => 66,
                _ => 32,
            };
            assert_eq!(unb64(&key["x"]).len(), len, "{size}");
            assert_eq!(unb64(&key["y"]).len(), len, "{size}");
            assert_eq!(fields, ["crv", "key_ops", "kid", "kty", "x", "y"]);
            assert_order(
                &resp.body,
                &[
                    "key",
                    "kid",
                    "kty",
                    "key_ops",
                    "crv",
                    "x",
                    "y",
                    "attributes",
                ],
            );
        }
        let attributes = &bundle["attributes"];
        let created = attributes["created"].as_i64().expect("integer created");
        assert!((now..now + 120).contains(&created), "{created} vs {now}");
        assert_eq!(attributes["updated"], created);
        assert_eq!(attributes["enabled"], true);
        assert_eq!(attributes["recoveryLevel"], "Recoverable+Purgeable");
        assert_eq!(attributes["recoverableDays"], 90);
        assert_eq!(attributes["exportable"], false);
        assert_eq!(attributes["hsmPlatform"], platform);
        assert_eq!(bundle.as_object().unwrap().len(), 2, "no tags: {bundle}");
    }

    // key_ops, tags, nbf, exp and enabled as given.
    let bundle = create(
        &server,
        "Given",
        json!({"kty": "EC", "key_ops": ["verify"], "tags": {"a": "1"},
               "attributes": {"enabled": false, "nbf": 1_700_000_000, "exp": 2_000_000_000}}),
    );
    assert_eq!(bundle["key"]["key_ops"], json!(["verify"]));
    assert_eq!(bundle["tags"], json!({"a": "1"}));
    assert_eq!(bundle["attributes"]["enabled"], false);
    assert_eq!(bundle["attributes"]["nbf"], 1_700_000_000);
    assert_eq!(bundle["attributes"]["exp"], 2_000_000_000);
    let text = call(&server, "GET", &format!("/keys/Given?{API}"), None).body;
    assert_order(
        &text,
        &[
            "key",
            "attributes",
            "enabled",
            "nbf",
            "exp",
            "created",
            "updated",
            "recoveryLevel",
            "recoverableDays",
            "tags",
        ],
    );
}

#[test]
fn api_7_3_answers_carry_no_exportable_or_hsm_platform() {
    let server = TestServer::start_with(Config {
        store: StoreConfig {
            recoverable_days: 7,
            ..StoreConfig::default()
        },
        ..Config::default()
    });
    let with_73 = ok(
        &server,
        "POST",
        &format!("/keys/Old/create?{API_7_3}"),
        Some(&json!({"kty": "EC-HSM"})),
    );
    let old = [
        "created",
        "enabled",
        "recoverableDays",
        "recoveryLevel",
        "updated",
    ];
    let new = [
        "created",
        "enabled",
        "exportable",
        "hsmPlatform",
        "recoverableDays",
        "recoveryLevel",
        "updated",
    ];
    assert_eq!(attribute_names(&with_73), old);
    assert_eq!(
        with_73["attributes"]["recoveryLevel"],
        "CustomizedRecoverable+Purgeable"
    );
    assert_eq!(with_73["attributes"]["recoverableDays"], 7);
    create(&server, "Other", json!({"kty": "EC"}));
    for (api, expected) in [
        (API_7_3, &old[..]),
        (API, &new[..]),
        ("api-version=2025-07-01", &new[..]),
    ] {
        let get = ok(&server, "GET", &format!("/keys/Old?{api}"), None);
        assert_eq!(attribute_names(&get), expected, "{api}");
        let patched = ok(
            &server,
            "PATCH",
            &format!("/keys/Old?{api}"),
            Some(&json!({})),
        );
        assert_eq!(attribute_names(&patched), expected, "{api}");
        let list = ok(&server, "GET", &format!("/keys?{api}"), None);
        for item in list["value"].as_array().unwrap() {
            assert_eq!(attribute_names(item), expected, "{api}: {item}");
        }
        let versions = ok(&server, "GET", &format!("/keys/Old/versions?{api}"), None);
        assert_eq!(attribute_names(&versions["value"][0]), expected, "{api}");
    }
    let deleted = ok(&server, "DELETE", &format!("/keys/Other?{API_7_3}"), None);
    assert_eq!(attribute_names(&deleted), old);
    let deleted = ok(&server, "GET", &format!("/deletedkeys/Other?{API}"), None);
    assert_eq!(attribute_names(&deleted), new);
    assert_eq!(deleted["attributes"]["hsmPlatform"], "0");
    let listed = ok(&server, "GET", &format!("/deletedkeys?{API_7_3}"), None);
    assert_eq!(attribute_names(&listed["value"][0]), old);
    assert_eq!(
        deleted["scheduledPurgeDate"].as_i64().unwrap() - deleted["deletedDate"].as_i64().unwrap(),
        7 * DAY
    );
}

#[test]
fn import_holds_the_key_and_answers_only_its_public_parts() {
    let server = TestServer::start();
    let private = RsaPrivateKey::new(&mut OsRng, 2048).expect("RSA key");
    let jwk = rsa_jwk(&private);

    // `Hsm: true` makes an RSA JWK an RSA-HSM key; no key_ops → the type's default.
    let imported = ok(
        &server,
        "PUT",
        &format!("/keys/Imported?{API}"),
        Some(&json!({"key": jwk, "Hsm": true, "tags": {"from": "test"},
                     "attributes": {"exp": 2_000_000_000}})),
    );
    assert_eq!(imported["key"]["kty"], "RSA-HSM");
    assert_eq!(imported["key"]["key_ops"], json!(RSA_OPS));
    assert_eq!(imported["key"]["n"], jwk["n"]);
    assert_eq!(imported["key"]["e"], jwk["e"]);
    assert_eq!(imported["attributes"]["hsmPlatform"], "2");
    assert_eq!(imported["attributes"]["exp"], 2_000_000_000);
    assert_eq!(imported["tags"], json!({"from": "test"}));
    let key = path_of(&server, &kid(&imported));

    // The imported private key is the one used: its signatures verify with our public key,
    // what we encrypt to it decrypts.
    let d = digest("RS256", b"imported");
    let (signed_by, signature) = operate(
        &server,
        &key,
        "sign",
        json!({"alg": "RS256", "value": b64(&d)}),
    );
    assert_eq!(signed_by, kid(&imported));
    assert!(rsa_verifies(
        &private.to_public_key(),
        "RS256",
        &d,
        &signature
    ));
    let secret = b"thirty-two bytes of key material";
    let ciphertext = private
        .to_public_key()
        .encrypt(&mut OsRng, Oaep::new::<Sha256>(), secret)
        .unwrap();
    let (_, plain) = operate(
        &server,
        &key,
        "unwrapkey",
        json!({"alg": "RSA-OAEP-256", "value": b64(&ciphertext)}),
    );
    assert_eq!(plain, secret);

    // key_ops inside the JWK; without dp/dq/qi (computed); a crv on an RSA JWK is kept and
    // answered, as the service does (recorded: the C++ ImportKey test).
    let mut partial = rsa_jwk(&private);
    for field in ["dp", "dq", "qi"] {
        partial.as_object_mut().unwrap().remove(field);
    }
    partial["key_ops"] = json!(["sign"]);
    partial["crv"] = json!("P-521");
    let second = ok(
        &server,
        "PUT",
        &format!("/keys/Imported?{API}"),
        Some(&json!({"key": partial})),
    );
    assert_eq!(second["key"]["kty"], "RSA");
    assert_eq!(second["key"]["key_ops"], json!(["sign"]));
    assert_eq!(second["key"]["crv"], "P-521");
    assert_eq!(second["attributes"]["hsmPlatform"], "0");
    assert!(
        second.get("tags").is_none(),
        "an import never carries properties over"
    );
    assert_ne!(version_of(&second), version_of(&imported));
    let latest = ok(&server, "GET", &format!("/keys/Imported?{API}"), None);
    assert_eq!(latest["key"], second["key"]);
    let versions = ok(
        &server,
        "GET",
        &format!("/keys/Imported/versions?{API}"),
        None,
    );
    assert_eq!(versions["value"].as_array().unwrap().len(), 2);

    // EC: the imported P-256 key signs.
    let (ec_jwk, secret_key) = p256_jwk();
    let ec = ok(
        &server,
        "PUT",
        &format!("/keys/ImportedEc?{API}"),
        Some(&json!({"key": ec_jwk})),
    );
    assert_eq!(ec["key"]["kty"], "EC");
    assert_eq!(ec["key"]["key_ops"], json!(EC_OPS));
    assert_eq!(
        (&ec["key"]["x"], &ec["key"]["y"]),
        (&ec_jwk["x"], &ec_jwk["y"])
    );
    let d = digest("ES256", b"imported ec");
    let (_, signature) = operate(
        &server,
        &path_of(&server, &kid(&ec)),
        "sign",
        json!({"alg": "ES256", "value": b64(&d)}),
    );
    use p256::ecdsa::signature::hazmat::PrehashVerifier;
    let verifying = p256::ecdsa::VerifyingKey::from(&p256::ecdsa::SigningKey::from(&secret_key));
    let signature = p256::ecdsa::Signature::from_slice(&signature).unwrap();
    assert!(verifying.verify_prehash(&d, &signature).is_ok());

    // Every other route on these keys answers public parts only (checked by `call`).
    ok(&server, "GET", &format!("/keys?{API}"), None);
    ok(
        &server,
        "PATCH",
        &format!("/keys/Imported?{API}"),
        Some(&json!({"tags": {}})),
    );
    ok(
        &server,
        "POST",
        &format!("/keys/Imported/rotate?{API}"),
        None,
    );
    let backup = ok(
        &server,
        "POST",
        &format!("/keys/Imported/backup?{API}"),
        None,
    );
    ok(&server, "DELETE", &format!("/keys/Imported?{API}"), None);
    ok(
        &server,
        "GET",
        &format!("/deletedkeys/Imported?{API}"),
        None,
    );
    ok(&server, "GET", &format!("/deletedkeys?{API}"), None);
    ok(
        &server,
        "POST",
        &format!("/deletedkeys/Imported/recover?{API}"),
        None,
    );
    ok(&server, "DELETE", &format!("/keys/Imported?{API}"), None);
    assert_eq!(
        call(
            &server,
            "DELETE",
            &format!("/deletedkeys/Imported?{API}"),
            None
        )
        .status,
        204
    );
    ok(
        &server,
        "POST",
        &format!("/keys/restore?{API}"),
        Some(&backup),
    );
    ok(
        &server,
        "GET",
        &format!("/keys/Imported/versions?{API}"),
        None,
    );
}

#[test]
fn get_by_version_latest_and_trailing_slash() {
    let server = TestServer::start();
    let first = create(&server, "Getter", json!({"kty": "EC"}));
    let second = create(&server, "Getter", json!({"kty": "EC", "crv": "P-384"}));
    for path in [
        format!("/keys/Getter?{API}"),
        format!("/keys/Getter/?{API}"),
        format!("/keys/GETTER?{API}"),
    ] {
        assert_eq!(ok(&server, "GET", &path, None), second, "{path}");
    }
    let v1 = version_of(&first);
    for path in [
        format!("/keys/Getter/{v1}?{API}"),
        format!("/keys/Getter/{}?{API}", v1.to_uppercase()),
    ] {
        assert_eq!(ok(&server, "GET", &path, None), first, "{path}");
    }
    let missing = "0".repeat(32);
    let resp = call(
        &server,
        "GET",
        &format!("/keys/Getter/{missing}?{API}"),
        None,
    );
    let message = error(&resp, 404, "KeyNotFound", None);
    assert!(message.starts_with(&format!(
        "A key with (name/id) Getter/{missing} was not found"
    )));
    let resp = call(&server, "GET", &format!("/keys/Nope?{API}"), None);
    assert_eq!(
        error(&resp, 404, "KeyNotFound", None),
        "A key with (name/id) Nope was not found in this key vault. If you recently deleted this \
         key you may be able to recover it using the correct recovery command. For help \
         resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182"
    );
    let resp = call(&server, "GET", &format!("/keys/Getter/xyz?{API}"), None);
    error(&resp, 400, "BadParameter", None);
}

#[test]
fn update_changes_key_ops_attributes_and_tags() {
    let server = TestServer::start();
    let created = create(
        &server,
        "Patched",
        json!({"kty": "RSA", "tags": {"a": "1"}}),
    );
    let key = path_of(&server, &kid(&created));
    let d = digest("RS256", b"patched");
    let sign = json!({"alg": "RS256", "value": b64(&d)});
    server.manage("POST", "/_emulator/clock", Some(r#"{"advanceSeconds":60}"#));

    // key_ops: an operation left out is refused with the reported body.
    let patched = ok(
        &server,
        "PATCH",
        &format!("/keys/Patched?{API}"),
        Some(&json!({"key_ops": ["verify"],
                     "attributes": {"created": 1, "updated": 1, "recoveryLevel": "Purgeable",
                                    "recoverableDays": 0, "hsmPlatform": "2", "exportable": false}})),
    );
    assert_eq!(patched["key"]["key_ops"], json!(["verify"]));
    assert_eq!(patched["key"]["n"], created["key"]["n"]);
    assert_eq!(
        patched["tags"],
        json!({"a": "1"}),
        "PATCH changes only what it names"
    );
    let attributes = &patched["attributes"];
    assert_eq!(
        attributes["created"], created["attributes"]["created"],
        "read-only ignored"
    );
    assert!(
        attributes["updated"].as_i64().unwrap()
            >= created["attributes"]["created"].as_i64().unwrap() + 60
    );
    assert_eq!(attributes["recoveryLevel"], "Recoverable+Purgeable");
    assert_eq!(attributes["hsmPlatform"], "0");
    let resp = call(&server, "POST", &format!("{key}/sign?{API}"), Some(&sign));
    assert_eq!(
        resp.body,
        r#"{"error":{"code":"Forbidden","message":"Operation sign is not permitted on this key.","innererror":{"code":"KeyOperationForbidden"}}}"#
    );
    assert_eq!(resp.status, 403);

    // Disabled: still readable, but no operation runs.
    let path = format!("/keys/Patched/{}?{API}", version_of(&created));
    let disabled = ok(
        &server,
        "PATCH",
        &path,
        Some(
            &json!({"key_ops": ["sign", "verify"], "attributes": {"enabled": false},
                     "tags": {"b": "2"}}),
        ),
    );
    assert_eq!(disabled["attributes"]["enabled"], false);
    assert_eq!(
        disabled["tags"],
        json!({"b": "2"}),
        "tags are replaced whole"
    );
    let got = ok(&server, "GET", &format!("/keys/Patched?{API}"), None);
    assert_eq!(got["attributes"]["enabled"], false);
    let resp = call(&server, "POST", &format!("{key}/sign?{API}"), Some(&sign));
    assert_eq!(
        error(&resp, 403, "Forbidden", Some("KeyDisabled")),
        "Operation sign is not allowed on a disabled key."
    );
    let re_enabled = ok(
        &server,
        "PATCH",
        &format!("/keys/Patched/?{API}"),
        Some(&json!({"attributes": {"enabled": true, "exp": 2_000_000_000}, "tags": {}})),
    );
    assert_eq!(re_enabled["tags"], json!({}));
    assert_eq!(re_enabled["attributes"]["exp"], 2_000_000_000);
    let (_, signature) = operate(&server, &key, "sign", sign);
    assert!(rsa_verifies(&rsa_public(&created), "RS256", &d, &signature));

    let missing = call(
        &server,
        "PATCH",
        &format!("/keys/Nope?{API}"),
        Some(&json!({})),
    );
    error(&missing, 404, "KeyNotFound", None);
}

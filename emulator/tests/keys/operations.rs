//! sign / verify / encrypt / decrypt / wrapkey / unwrapkey with real cryptography, key_ops
//! and nbf / exp enforcement, `/rng`, release.

use super::*;

#[test]
fn operations_round_trip_with_real_cryptography() {
    let server = TestServer::start();
    let rsa = create(&server, "Rsa", json!({"kty": "RSA"}));
    let public = rsa_public(&rsa);
    let key = path_of(&server, &kid(&rsa));
    for alg in ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"] {
        let d = digest(alg, alg.as_bytes());
        let (signed_by, signature) =
            operate(&server, &key, "sign", json!({"alg": alg, "value": b64(&d)}));
        assert_eq!(signed_by, kid(&rsa));
        assert_eq!(signature.len(), 256, "{alg}");
        assert!(rsa_verifies(&public, alg, &d, &signature), "{alg}");
        assert!(verify(&server, &key, alg, &d, &signature), "{alg}");
        let mut tampered = signature.clone();
        tampered[10] ^= 1;
        assert!(!verify(&server, &key, alg, &d, &tampered), "{alg}");
        assert!(
            !verify(&server, &key, alg, &digest(alg, b"other"), &signature),
            "{alg}"
        );
    }
    let plaintext = b"a 32-byte content encryption key";
    for alg in ["RSA-OAEP", "RSA-OAEP-256", "RSA1_5"] {
        for (seal, open) in [("encrypt", "decrypt"), ("wrapkey", "unwrapkey")] {
            let (_, ciphertext) = operate(
                &server,
                &key,
                seal,
                json!({"alg": alg, "value": b64(plaintext)}),
            );
            assert_eq!(ciphertext.len(), 256);
            let (_, opened) = operate(
                &server,
                &key,
                open,
                json!({"alg": alg, "value": b64(&ciphertext)}),
            );
            assert_eq!(opened, plaintext, "{alg} {seal}");
        }
        // Encrypted here with the public key the emulator answered.
        let ciphertext = match alg {
            "RSA-OAEP" => public.encrypt(&mut OsRng, Oaep::new::<sha1::Sha1>(), plaintext),
            "RSA-OAEP-256" => public.encrypt(&mut OsRng, Oaep::new::<Sha256>(), plaintext),
            _ => public.encrypt(&mut OsRng, Pkcs1v15Encrypt, plaintext),
        }
        .unwrap();
        let (_, opened) = operate(
            &server,
            &key,
            "decrypt",
            json!({"alg": alg, "value": b64(&ciphertext)}),
        );
        assert_eq!(opened, plaintext, "{alg}");
    }

    // EC: every curve with its algorithm; raw r || s signatures.
    for (crv, alg, len) in [
        ("P-256", "ES256", 64),
        ("P-384", "ES384", 96),
        ("P-521", "ES512", 132),
        ("P-256K", "ES256K", 64),
    ] {
        let ec = create(
            &server,
            &format!("Ec{}", &crv[2..]),
            json!({"kty": "EC-HSM", "crv": crv}),
        );
        let key = path_of(&server, &kid(&ec));
        let d = digest(alg, crv.as_bytes());
        let (_, signature) = operate(&server, &key, "sign", json!({"alg": alg, "value": b64(&d)}));
        assert_eq!(signature.len(), len, "{crv}");
        assert!(ec_verifies(&ec, &d, &signature), "{crv}");
        assert!(verify(&server, &key, alg, &d, &signature), "{crv}");
        assert!(
            !verify(&server, &key, alg, &digest(alg, b"other"), &signature),
            "{crv}"
        );
    }

    // `/keys/{name}//op` (a kid without version) is the latest version; a versioned path keeps
    // using its own version after a rotation.
    let d = digest("RS256", b"latest");
    let (signed_by, signature) = operate(
        &server,
        "/keys/Rsa/",
        "sign",
        json!({"alg": "RS256", "value": b64(&d)}),
    );
    assert_eq!(signed_by, kid(&rsa));
    assert!(rsa_verifies(&public, "RS256", &d, &signature));
    let rotated = ok(&server, "POST", &format!("/keys/Rsa/rotate?{API}"), None);
    let (signed_by, signature) = operate(
        &server,
        "/keys/Rsa/",
        "sign",
        json!({"alg": "RS256", "value": b64(&d)}),
    );
    assert_eq!(signed_by, kid(&rotated));
    assert!(rsa_verifies(&rsa_public(&rotated), "RS256", &d, &signature));
    assert!(!rsa_verifies(&public, "RS256", &d, &signature));
    let (signed_by, signature) = operate(
        &server,
        &key,
        "sign",
        json!({"alg": "RS256", "value": b64(&d)}),
    );
    assert_eq!(signed_by, kid(&rsa));
    assert!(rsa_verifies(&public, "RS256", &d, &signature));
    let (_, wrapped) = operate(
        &server,
        "/keys/Rsa/",
        "wrapkey",
        json!({"alg": "RSA-OAEP", "value": b64(b"k")}),
    );
    let (_, unwrapped) = operate(
        &server,
        &path_of(&server, &kid(&rotated)),
        "unwrapkey",
        json!({"alg": "RSA-OAEP", "value": b64(&wrapped)}),
    );
    assert_eq!(unwrapped, b"k");
    let missing = call(
        &server,
        "POST",
        &format!("/keys/Nope//sign?{API}"),
        Some(&json!({"alg": "RS256", "value": b64(&d)})),
    );
    error(&missing, 404, "KeyNotFound", None);
}

#[test]
fn key_ops_and_validity_are_enforced() {
    let server = TestServer::start();
    let d = digest("ES256", b"enforced");
    let sign = json!({"alg": "ES256", "value": b64(&d)});
    let verify_body = json!({"alg": "ES256", "digest": b64(&d), "value": b64(&[0; 64])});

    // Only what key_ops allows; EC keys allow sign and verify by default.
    let ec = create(
        &server,
        "SignOnly",
        json!({"kty": "EC", "key_ops": ["sign"]}),
    );
    let key = path_of(&server, &kid(&ec));
    operate(&server, &key, "sign", sign.clone());
    let encryption = json!({"alg": "RSA-OAEP", "value": "AA"});
    for (op, body, name) in [
        ("verify", &verify_body, "verify"),
        ("encrypt", &encryption, "encrypt"),
        ("decrypt", &encryption, "decrypt"),
        ("wrapkey", &encryption, "wrapKey"),
        ("unwrapkey", &encryption, "unwrapKey"),
    ] {
        let resp = call(&server, "POST", &format!("{key}/{op}?{API}"), Some(body));
        assert_eq!(
            error(&resp, 403, "Forbidden", Some("KeyOperationForbidden")),
            format!("Operation {name} is not permitted on this key.")
        );
    }
    let default_ec = create(&server, "DefaultEc", json!({"kty": "EC"}));
    let resp = call(
        &server,
        "POST",
        &format!("{}/encrypt?{API}", path_of(&server, &kid(&default_ec))),
        Some(&encryption),
    );
    error(&resp, 403, "Forbidden", Some("KeyOperationForbidden"));

    // nbf / exp, on the emulator's clock: outside the window sign, encrypt and wrapkey are
    // refused; decrypt, unwrapkey and verify still work (docs: "date-time controlled
    // operations"), and the key stays readable.
    let now = clock_now(&server);
    let windowed = create(
        &server,
        "Windowed",
        json!({"kty": "RSA", "attributes": {"nbf": now + 3600, "exp": now + 7200}}),
    );
    let key = path_of(&server, &kid(&windowed));
    let public = rsa_public(&windowed);
    let d = digest("RS256", b"windowed");
    let outside = |when: &str| {
        for (op, body) in [
            ("sign", json!({"alg": "RS256", "value": b64(&d)})),
            ("encrypt", encryption.clone()),
            ("wrapkey", encryption.clone()),
        ] {
            let resp = call(&server, "POST", &format!("{key}/{op}?{API}"), Some(&body));
            let message = error(&resp, 403, "Forbidden", Some("KeyNotValid"));
            assert!(
                message.contains(if op == "wrapkey" { "wrapKey" } else { op }),
                "{when}: {message}"
            );
        }
        let ciphertext = public
            .encrypt(&mut OsRng, Oaep::new::<Sha256>(), b"data")
            .unwrap();
        for op in ["decrypt", "unwrapkey"] {
            let body = json!({"alg": "RSA-OAEP-256", "value": b64(&ciphertext)});
            assert_eq!(operate(&server, &key, op, body).1, b"data", "{when}: {op}");
        }
        assert!(!verify(&server, &key, "RS256", &d, &[0; 256]), "{when}");
        assert_eq!(
            ok(&server, "GET", &format!("/keys/Windowed?{API}"), None),
            windowed
        );
    };
    outside("before nbf");
    set_clock(&server, now + 3600);
    let (_, signature) = operate(
        &server,
        &key,
        "sign",
        json!({"alg": "RS256", "value": b64(&d)}),
    );
    assert!(rsa_verifies(&public, "RS256", &d, &signature));
    set_clock(&server, now + 7200);
    outside("at exp");
    assert!(
        verify(&server, &key, "RS256", &d, &signature),
        "verify works after exp"
    );
}

#[test]
fn random_bytes_and_release() {
    let server = TestServer::start();
    for count in [1, 32, 128] {
        let answer = ok(
            &server,
            "POST",
            &format!("/rng?{API}"),
            Some(&json!({"count": count})),
        );
        assert_eq!(answer.as_object().unwrap().len(), 1);
        assert_eq!(unb64(&answer["value"]).len(), count);
    }
    let a = ok(
        &server,
        "POST",
        &format!("/rng?{API}"),
        Some(&json!({"count": 32})),
    );
    let b = ok(
        &server,
        "POST",
        &format!("/rng?{API}"),
        Some(&json!({"count": 32})),
    );
    assert_ne!(a, b);

    // Release needs an attestation the emulator cannot verify: always refused.
    let plain = create(&server, "Plain", json!({"kty": "RSA"}));
    let policy = json!({"data": b64(br#"{"anyOf":[]}"#)});
    let exportable = create(
        &server,
        "Exportable",
        json!({"kty": "RSA-HSM", "attributes": {"exportable": true}, "release_policy": policy}),
    );
    assert_eq!(exportable["attributes"]["exportable"], true);
    assert_eq!(
        exportable["release_policy"],
        json!({"contentType": "application/json; charset=utf-8", "immutable": false,
               "data": policy["data"]})
    );
    let target = json!({"target": "eyJhbGciOiJub25lIn0.e30."});
    let resp = call(
        &server,
        "POST",
        &format!("{}/release?{API}", path_of(&server, &kid(&plain))),
        Some(&target),
    );
    error(&resp, 400, "BadParameter", None);
    let key = path_of(&server, &kid(&exportable));
    let resp = call(
        &server,
        "POST",
        &format!("{key}/release?{API}"),
        Some(&target),
    );
    assert_eq!(
        error(&resp, 400, "BadParameter", None),
        "Target environment attestation statement cannot be verified."
    );
    let resp = call(
        &server,
        "POST",
        &format!("/keys/Exportable//release?{API}"),
        Some(&json!({})),
    );
    error(&resp, 400, "BadParameter", None);
    let resp = call(
        &server,
        "POST",
        &format!("/keys/Nope//release?{API}"),
        Some(&target),
    );
    error(&resp, 404, "KeyNotFound", None);
}

//! Bad requests to every keys route: 400 with the service's body, and the server survives.

use super::*;

/// A request the emulator must refuse with 400 `BadParameter`.
struct Bad {
    method: &'static str,
    path: String,
    body: String,
    /// The exact message, where it matters (the service's wording, or ours where pinned).
    message: Option<String>,
    inner: Option<&'static str>,
}

fn bad(method: &'static str, path: impl Into<String>, body: impl ToString) -> Bad {
    Bad {
        method,
        path: path.into(),
        body: body.to_string(),
        message: None,
        inner: None,
    }
}

impl Bad {
    fn says(self, message: impl Into<String>) -> Bad {
        Bad {
            message: Some(message.into()),
            ..self
        }
    }

    fn inner(self, code: &'static str) -> Bad {
        Bad {
            inner: Some(code),
            ..self
        }
    }
}

#[test]
fn bad_requests_get_400_with_the_service_body_and_never_crash_the_server() {
    let server = TestServer::start();
    let rsa = create(&server, "Rsa", json!({"kty": "RSA"}));
    let ec = create(
        &server,
        "Ec",
        json!({"kty": "EC", "key_ops": ["sign", "verify", "encrypt"]}),
    );
    let rsa_kid = kid(&rsa);
    let (rsa_key, ec_key) = (path_of(&server, &rsa_kid), path_of(&server, &kid(&ec)));
    let d32 = b64(&[7; 32]);
    let small = RsaPrivateKey::new(&mut OsRng, 1024).expect("RSA 1024");
    let other = RsaPrivateKey::new(&mut OsRng, 2048).expect("RSA 2048");
    let mut inconsistent = rsa_jwk(&other);
    inconsistent["d"] = rsa_jwk(&RsaPrivateKey::new(&mut OsRng, 2048).unwrap())["d"].clone();
    let (mut short_ec, _) = p256_jwk();
    short_ec["x"] = json!(b64(&[1; 31]));
    let (mut public_ec, _) = p256_jwk();
    public_ec.as_object_mut().unwrap().remove("d");
    let mut bad_ops = rsa_jwk(&other);
    bad_ops["key_ops"] = json!(["fly"]);
    let mut bad_crv = rsa_jwk(&other);
    bad_crv["crv"] = json!("P-999");
    let ciphertext_256 = b64(&[0x42; 256]);

    let new = "/keys/New/create";
    let cases = [
        bad("POST", new, "not json"),
        bad("POST", new, ""),
        bad("POST", new, "[]"),
        bad("POST", new, "{}").says("The parameter 'kty' is required."),
        bad("POST", new, r#"{"kty":"oct"}"#).says("Invalid kty value: oct").inner("KeyTypeNotSupported"),
        bad("POST", new, r#"{"kty":"oct-HSM"}"#).says("Invalid kty value: oct-HSM").inner("KeyTypeNotSupported"),
        bad("POST", new, r#"{"kty":"RSA","key_size":1024}"#).says("Unsupported key size (1024). Supported sizes are [2048, 3072, 4096]").inner("KeySizeNotSupported"),
        bad("POST", new, r#"{"kty":"EC","key_size":4096}"#).says("Unsupported key size (4096). Supported sizes are [256, 384, 521]").inner("KeySizeNotSupported"),
        bad("POST", new, r#"{"kty":"EC","crv":"P-192"}"#).says("Invalid crv value: P-192"),
        bad("POST", new, r#"{"kty":"RSA","key_ops":["fly"]}"#).says("Invalid key_ops value: fly"),
        bad("POST", new, r#"{"kty":"RSA","key_ops":"sign"}"#),
        bad("POST", new, r#"{"kty":"RSA","key_size":"2048"}"#),
        bad("POST", new, r#"{"kty":"RSA","attributes":{"exportable":true}}"#).says("AKV.SKR.1004: Exportable keys must have release policy."),
        bad("POST", new, r#"{"kty":"RSA","attributes":{"exportable":true},"release_policy":{"data":"!!"}}"#),
        bad("POST", new, r#"{"kty":"RSA","attributes":{"exp":1.5}}"#),
        bad("POST", new, r#"{"kty":"RSA","attributes":{"nbf":253402300800}}"#),
        bad("POST", new, r#"{"kty":"RSA","tags":{"a":1}}"#),
        bad("POST", "/keys/bad_name/create", r#"{"kty":"RSA"}"#).says("The request URI contains an invalid name: bad_name"),
        // import
        bad("PUT", "/keys/New", "{}").says("The parameter 'key' is required."),
        bad("PUT", "/keys/New", r#"{"key":"x"}"#).says("The property \"key\" must be a valid JsonWebKey object."),
        bad("PUT", "/keys/New", r#"{"key":{"kty":"RSA","n":"!!","e":"AQAB"}}"#).says("The property \"key\" must be a valid JsonWebKey object."),
        bad("PUT", "/keys/New", json!({"key": {"kty": "RSA", "n": rsa["key"]["n"], "e": "AQAB"}})),
        bad("PUT", "/keys/New", r#"{"key":{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAA"}}"#).says("Invalid kty value: oct").inner("KeyTypeNotSupported"),
        bad("PUT", "/keys/New", json!({"key": rsa_jwk(&small)})).says("Unsupported key size (1024). Supported sizes are [2048, 3072, 4096]").inner("KeySizeNotSupported"),
        bad("PUT", "/keys/New", json!({"key": inconsistent})).says("RSA key is not valid - cannot instantiate crypto service"),
        bad("PUT", "/keys/New", json!({"key": short_ec})),
        bad("PUT", "/keys/New", json!({"key": public_ec})),
        bad("PUT", "/keys/New", json!({"key": bad_ops})).says("Invalid key_ops value: fly"),
        bad("PUT", "/keys/New", json!({"key": bad_crv})).says("Invalid crv value: P-999"),
        bad("PUT", "/keys/New", json!({"key": rsa_jwk(&other), "Hsm": "yes"})),
        // update
        bad("PATCH", "/keys/Rsa", "not json"),
        bad("PATCH", "/keys/Rsa", r#"{"key_ops":["fly"]}"#).says("Invalid key_ops value: fly"),
        bad("PATCH", "/keys/Rsa", r#"{"attributes":{"enabled":"no"}}"#),
        bad("PATCH", "/keys/Rsa", r#"{"tags":{"a":1}}"#),
        bad("PATCH", format!("/keys/Rsa/{}", "g".repeat(32)), "{}").says(format!("The request URI contains an invalid version: {}", "g".repeat(32))),
        // operations
        bad("POST", format!("{rsa_key}/sign"), "not json"),
        bad("POST", format!("{rsa_key}/sign"), "{}").says("The parameter 'alg' is required."),
        bad("POST", format!("{rsa_key}/sign"), r#"{"alg":"RS256"}"#).says("The parameter 'value' is required."),
        bad("POST", format!("{rsa_key}/sign"), r#"{"alg":"RS256","value":"!!"}"#).says("The parameter 'value' is not valid base64url."),
        bad("POST", format!("{rsa_key}/sign"), json!({"alg": "RS256", "value": b64(&[1; 43])})).says("Invalid length of 'value': 43 bytes. RS256 requires 32 bytes, encoded with base64url."),
        bad("POST", format!("{rsa_key}/sign"), json!({"alg": "ES256", "value": d32})).says(format!("Key and signing algorithm are incompatible. Key {rsa_kid} is an RSA key, and algorithm 'ES256' can only be used with EC keys.")),
        bad("POST", format!("{rsa_key}/sign"), json!({"alg": "HS256", "value": d32})).says("Invalid alg value: HS256"),
        bad("POST", format!("{rsa_key}/verify"), json!({"alg": "RS256", "value": d32})).says("The parameter 'digest' is required."),
        bad("POST", format!("{rsa_key}/verify"), json!({"alg": "RS256", "value": d32, "digest": b64(&[1; 20])})).says("Invalid length of 'digest': 20 bytes. RS256 requires 32 bytes, encoded with base64url."),
        bad("POST", format!("{rsa_key}/encrypt"), json!({"alg": "A256GCM", "value": d32})),
        bad("POST", format!("{rsa_key}/encrypt"), json!({"alg": "RSA-OAEP", "value": b64(&[1; 300])})),
        bad("POST", format!("{rsa_key}/encrypt"), json!({"alg": "ES256", "value": d32})).says("Invalid alg value: ES256"),
        bad("POST", format!("{rsa_key}/decrypt"), json!({"alg": "RSA-OAEP", "value": d32})).says("The length of the data to decrypt is not valid for the size of this key."),
        bad("POST", format!("{rsa_key}/decrypt"), json!({"alg": "RSA-OAEP", "value": ciphertext_256})).says("Error occurred while decoding OAEP padding."),
        bad("POST", format!("{rsa_key}/unwrapkey"), json!({"alg": "RSA1_5", "value": ciphertext_256})),
        bad("POST", format!("{rsa_key}/wrapkey"), json!({"alg": "A128KW", "value": d32})),
        bad("POST", format!("{ec_key}/sign"), json!({"alg": "ES384", "value": b64(&[1; 48])})).says(format!("Key and signing algorithm are incompatible. Key {} uses curve 'P-256', and algorithm 'ES384' can only be used with curve 'P-384'.", kid(&ec))),
        bad("POST", format!("{ec_key}/sign"), json!({"alg": "PS256", "value": d32})),
        bad("POST", format!("{ec_key}/encrypt"), json!({"alg": "RSA-OAEP", "value": d32})),
        bad("POST", "/keys/Rsa/xyz/sign", json!({"alg": "RS256", "value": d32})),
        bad("POST", "/keys/Rsa//release", "[]"),
        // rotation policies
        bad("PUT", "/keys/Rsa/rotationpolicy", "not json"),
        bad("PUT", "/keys/Rsa/rotationpolicy", r#"{"lifetimeActions":{}}"#),
        bad("PUT", "/keys/Rsa/rotationpolicy", r#"{"attributes":{"expiryTime":"P27D"}}"#),
        bad("PUT", "/keys/Rsa/rotationpolicy", r#"{"attributes":{"expiryTime":"90 days"}}"#).says("The value '90 days' of 'expiryTime' is not a valid ISO 8601 duration."),
        bad("PUT", "/keys/Rsa/rotationpolicy", r#"{"attributes":{"expiryTime":"P-1D"}}"#),
        bad("PUT", "/keys/Rsa/rotationpolicy", r#"{"lifetimeActions":[{"trigger":{"timeAfterCreate":"P6D"},"action":{"type":"Rotate"}}]}"#),
        bad("PUT", "/keys/Rsa/rotationpolicy", r#"{"lifetimeActions":[{"trigger":{"timeAfterCreate":"soon"},"action":{"type":"Rotate"}}]}"#),
        bad("PUT", "/keys/Rsa/rotationpolicy", r#"{"lifetimeActions":[{"trigger":{"timeBeforeExpiry":"P30D"},"action":{"type":"Rotate"}}]}"#),
        bad("PUT", "/keys/Rsa/rotationpolicy", r#"{"lifetimeActions":[{"trigger":{"timeBeforeExpiry":"P30D"},"action":{"type":"Rotate"}}],"attributes":{"expiryTime":"P31D"}}"#),
        bad("PUT", "/keys/Rsa/rotationpolicy", r#"{"lifetimeActions":[{"trigger":{"timeAfterCreate":"P30D"},"action":{"type":"Notify"}}]}"#),
        bad("PUT", "/keys/Rsa/rotationpolicy", r#"{"lifetimeActions":[{"trigger":{"timeAfterCreate":"P30D","timeBeforeExpiry":"P30D"},"action":{"type":"Rotate"}}],"attributes":{"expiryTime":"P90D"}}"#),
        bad("PUT", "/keys/Rsa/rotationpolicy", r#"{"lifetimeActions":[{"trigger":{"timeAfterCreate":"P30D"},"action":{"type":"Explode"}}]}"#),
        bad("PUT", "/keys/Rsa/rotationpolicy", r#"{"lifetimeActions":[{"action":{"type":"Rotate"}}]}"#),
        // rng, restore, lists
        bad("POST", "/rng", "{}").says("The parameter 'count' is required."),
        bad("POST", "/rng", r#"{"count":0}"#),
        bad("POST", "/rng", r#"{"count":129}"#),
        bad("POST", "/rng", r#"{"count":"5"}"#),
        bad("POST", "/rng", "nope"),
        bad("POST", "/keys/restore", "nope"),
    ];
    for Bad {
        method,
        path,
        body,
        message,
        inner,
    } in &cases
    {
        let path = format!("{path}?{API}");
        let resp = server.request(
            method,
            &path,
            &[
                ("authorization", TOKEN),
                ("content-type", "application/json"),
            ],
            Some(body.as_str()),
        );
        let got = error(&resp, 400, "BadParameter", *inner);
        if let Some(message) = message {
            assert_eq!(&got, message, "{method} {path} {body}");
        }
        assert!(!got.is_empty(), "{method} {path}");
    }
    for query in [
        "maxresults=0",
        "maxresults=26",
        "maxresults=x",
        "$skiptoken=garbage",
    ] {
        for list in ["/keys", "/keys/Rsa/versions", "/deletedkeys"] {
            let resp = call(&server, "GET", &format!("{list}?{API}&{query}"), None);
            error(&resp, 400, "BadParameter", None);
        }
    }
    // The server is still up and unchanged.
    let listed = ok(&server, "GET", &format!("/keys?{API}"), None);
    assert_eq!(listed["value"].as_array().unwrap().len(), 2, "{listed}");
    assert_eq!(ok(&server, "GET", &format!("/keys/Rsa?{API}"), None), rsa);
    let policy = ok(
        &server,
        "GET",
        &format!("/keys/Rsa/rotationpolicy?{API}"),
        None,
    );
    assert!(
        policy["attributes"].as_object().unwrap().is_empty(),
        "{policy}"
    );
    assert_eq!(
        create(&server, "After", json!({"kty": "EC"}))["key"]["kty"],
        "EC"
    );
}

//! Import refusals, JWK parsing and the wire names of the enums.

use serde_json::json;

use super::*;

fn refused(jwk: &JsonWebKey) -> CryptoError {
    match KeyPair::from_jwk(jwk) {
        Ok(key) => panic!("imported {key:?} from {jwk:?}"),
        Err(e) => e,
    }
}

const INVALID_JWK: &str = "The property \"key\" must be a valid JsonWebKey object.";
const INVALID_RSA: &str = "RSA key is not valid - cannot instantiate crypto service";
const INVALID_EC: &str = "EC key is not valid - cannot instantiate crypto service";

fn rsa_jwk() -> JsonWebKey {
    use std::sync::OnceLock;
    static JWK: OnceLock<JsonWebKey> = OnceLock::new();
    JWK.get_or_init(|| KeyPair::generate_rsa(2048, None).unwrap().private_jwk())
        .clone()
}

#[test]
fn public_only_keys_are_refused() {
    let rsa = rsa_jwk();
    let public = JsonWebKey {
        kty: rsa.kty,
        n: rsa.n,
        e: rsa.e,
        ..Default::default()
    };
    assert_eq!(refused(&public).message, INVALID_JWK);
    let ec = KeyPair::generate_ec(Curve::P384).unwrap().private_jwk();
    assert_eq!(refused(&JsonWebKey { d: None, ..ec }).message, INVALID_JWK);
}

#[test]
fn missing_fields_are_refused() {
    let rsa = rsa_jwk();
    for strip in ["kty", "n", "e", "d", "p", "q"] {
        let mut jwk = rsa.clone();
        match strip {
            "kty" => jwk.kty = None,
            "n" => jwk.n = None,
            "e" => jwk.e = None,
            "d" => jwk.d = None,
            "p" => jwk.p = None,
            _ => jwk.q = None,
        }
        assert_eq!(refused(&jwk).message, INVALID_JWK, "without {strip}");
    }
    let empty_n = JsonWebKey {
        n: Some(vec![]),
        ..rsa
    };
    assert_eq!(refused(&empty_n).message, INVALID_JWK);
    let ec = KeyPair::generate_ec(Curve::P256).unwrap().private_jwk();
    for jwk in [
        JsonWebKey {
            crv: None,
            ..ec.clone()
        },
        JsonWebKey {
            x: None,
            ..ec.clone()
        },
        JsonWebKey {
            y: None,
            ..ec.clone()
        },
    ] {
        assert_eq!(refused(&jwk).message, INVALID_JWK);
    }
    assert_eq!(refused(&JsonWebKey::default()).message, INVALID_JWK);
}

#[test]
fn mismatched_private_parts_are_refused() {
    let a = rsa_jwk();
    let b = KeyPair::generate_rsa(2048, None).unwrap().private_jwk();
    assert_eq!(
        refused(&JsonWebKey {
            d: b.d.clone(),
            ..a.clone()
        })
        .message,
        INVALID_RSA
    );
    assert_eq!(
        refused(&JsonWebKey {
            p: b.p.clone(),
            ..a.clone()
        })
        .message,
        INVALID_RSA
    );
    assert_eq!(
        refused(&JsonWebKey {
            p: a.q.clone(),
            ..a.clone()
        })
        .message,
        INVALID_RSA
    );
    assert_eq!(
        refused(&JsonWebKey {
            e: Some(vec![3]),
            ..a.clone()
        })
        .message,
        INVALID_RSA
    );
    assert_eq!(
        refused(&JsonWebKey {
            e: Some(vec![0; 300]),
            ..a.clone()
        })
        .message,
        INVALID_RSA
    );
    let mut bad_d = a.d.clone().unwrap();
    bad_d[10] ^= 1;
    assert_eq!(
        refused(&JsonWebKey {
            d: Some(bad_d),
            ..a
        })
        .message,
        INVALID_RSA
    );

    for curve in [Curve::P256, Curve::P384, Curve::P521, Curve::P256K] {
        let a = KeyPair::generate_ec(curve).unwrap().private_jwk();
        let b = KeyPair::generate_ec(curve).unwrap().private_jwk();
        assert_eq!(
            refused(&JsonWebKey {
                d: b.d.clone(),
                ..a.clone()
            })
            .message,
            INVALID_EC
        );
        // (x, y+1) is not on the curve.
        let mut y = a.y.clone().unwrap();
        if let Some(last) = y.last_mut() {
            *last ^= 1;
        }
        assert_eq!(
            refused(&JsonWebKey {
                y: Some(y),
                ..a.clone()
            })
            .message,
            INVALID_EC
        );
        // Short coordinates, a zero or oversized d.
        let short_x = a.x.as_ref().map(|x| x[1..].to_vec());
        assert_eq!(
            refused(&JsonWebKey {
                x: short_x,
                ..a.clone()
            })
            .message,
            INVALID_EC
        );
        let zero_d = Some(vec![0; curve.coordinate_len()]);
        assert_eq!(
            refused(&JsonWebKey {
                d: zero_d,
                ..a.clone()
            })
            .message,
            INVALID_EC
        );
        let max_d = Some(vec![0xff; curve.coordinate_len()]);
        assert_eq!(
            refused(&JsonWebKey {
                d: max_d,
                ..a.clone()
            })
            .message,
            INVALID_EC
        );
        // Coordinates of another curve.
        let other = if curve == Curve::P256 {
            "P-256K"
        } else {
            "P-256"
        };
        assert_eq!(
            refused(&JsonWebKey {
                crv: Some(other.into()),
                ..a
            })
            .message,
            INVALID_EC
        );
    }
}

#[test]
fn oct_and_unknown_types_are_refused() {
    for kty in ["oct", "oct-HSM", "OKP", "rsa"] {
        let jwk = JsonWebKey {
            kty: Some(kty.into()),
            k: Some(vec![1; 32]),
            ..Default::default()
        };
        let e = refused(&jwk);
        assert_eq!(e.message, format!("Invalid kty value: {kty}"));
        assert_eq!(e.inner_code, Some("KeyTypeNotSupported"));
        assert_eq!(e.code, "BadParameter");
    }
    let ec = KeyPair::generate_ec(Curve::P256).unwrap().private_jwk();
    let e = refused(&JsonWebKey {
        crv: Some("secp256k1".into()),
        ..ec
    });
    assert_eq!(e.message, "Invalid crv value: secp256k1");
    let byok = JsonWebKey {
        kty: Some("RSA-HSM".into()),
        key_hsm: Some(vec![1; 64]),
        ..Default::default()
    };
    assert!(refused(&byok).message.contains("BYOK"));
}

#[test]
fn small_and_odd_rsa_sizes_are_refused() {
    use ::rsa::traits::{PrivateKeyParts, PublicKeyParts};
    let small = ::rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 1024).unwrap();
    let jwk = JsonWebKey {
        kty: Some("RSA".into()),
        n: Some(small.n().to_bytes_be()),
        e: Some(small.e().to_bytes_be()),
        d: Some(small.d().to_bytes_be()),
        p: small.primes().first().map(|p| p.to_bytes_be()),
        q: small.primes().get(1).map(|q| q.to_bytes_be()),
        ..Default::default()
    };
    let e = refused(&jwk);
    assert_eq!(
        e.message,
        "Unsupported key size (1024). Supported sizes are [2048, 3072, 4096]"
    );
    assert_eq!(e.inner_code, Some("KeySizeNotSupported"));
    // A 2048-bit key whose n lost its top bits is not 2048 bits.
    let mut n = rsa_jwk().n.unwrap();
    n[0] = 0x01;
    let e = refused(&JsonWebKey {
        n: Some(n),
        ..rsa_jwk()
    });
    assert_eq!(
        e.message,
        "Unsupported key size (2041). Supported sizes are [2048, 3072, 4096]"
    );
}

#[test]
fn jwk_json_accepts_padding_and_standard_alphabet_and_ignores_unknown_fields() {
    let parsed = JsonWebKey::from_value(&json!({
        "kty": "RSA", "e": "AQAB", "n": "-_8=", "d": "+/8", "x": null,
        "unknown": {"nested": true}, "key_ops": ["sign"], "crv": "P-256",
    }))
    .unwrap();
    assert_eq!(parsed.e, Some(vec![1, 0, 1]));
    assert_eq!(parsed.n, Some(vec![0xfb, 0xff]));
    assert_eq!(parsed.d, Some(vec![0xfb, 0xff]));
    assert_eq!(parsed.x, None);
    assert_eq!(parsed.key_ops, Some(vec!["sign".to_owned()]));
    // Serialized: base64url without padding, absent fields left out, wire order.
    assert_eq!(
        serde_json::to_string(&parsed).unwrap(),
        r#"{"kty":"RSA","key_ops":["sign"],"n":"-_8","e":"AQAB","d":"-_8","crv":"P-256"}"#
    );
    for bad in [
        json!({"kty": "RSA", "n": "a"}),
        json!({"kty": "RSA", "n": "ab c"}),
        json!({"kty": "RSA", "n": "ab=c"}),
        json!({"kty": "RSA", "n": "abcde="}),
        json!({"kty": "RSA", "n": 5}),
        json!({"kty": 1}),
        json!({"key_ops": "sign"}),
        json!("RSA"),
        json!(null),
    ] {
        let e = JsonWebKey::from_value(&bad).unwrap_err();
        assert_eq!(e.message, INVALID_JWK, "{bad}");
    }
}

#[test]
fn base64url_codec() {
    assert_eq!(b64url_encode(&[0xfb, 0xff, 0x01]), "-_8B");
    for text in ["-_8B", "+/8B", "-_8=", "-_8", "", "AQAB"] {
        assert!(b64url_decode(text).is_some(), "{text}");
    }
    for text in ["a", "a===", "=", "ab\n", "abc==", "é"] {
        assert_eq!(b64url_decode(text), None, "{text}");
    }
}

#[test]
fn wire_names_parse_and_print() {
    for kty in ["RSA", "RSA-HSM", "EC", "EC-HSM"] {
        assert_eq!(KeyType::parse(kty).unwrap().as_str(), kty);
    }
    assert!(KeyType::parse("RSA-HSM").unwrap().is_hsm());
    assert_eq!(KeyType::Rsa.with_hsm(true), KeyType::RsaHsm);
    assert_eq!(KeyType::EcHsm.with_hsm(false), KeyType::Ec);
    assert_eq!(KeyType::RsaHsm.default_key_ops().len(), 6);
    assert_eq!(KeyType::Ec.default_key_ops(), ["sign", "verify"]);
    for crv in ["P-256", "P-384", "P-521", "P-256K"] {
        assert_eq!(Curve::parse(crv).unwrap().as_str(), crv);
    }
    assert!(Curve::parse("P-192").is_err());
    for alg in SignatureAlgorithm::ALL {
        assert_eq!(SignatureAlgorithm::parse(alg.as_str()), Ok(alg));
    }
    assert_eq!(
        SignatureAlgorithm::parse("RSNULL").unwrap_err().message,
        "Invalid alg value: RSNULL"
    );
    assert_eq!(SignatureAlgorithm::ES512.digest_len(), 64);
    for alg in EncryptionAlgorithm::ALL {
        assert_eq!(EncryptionAlgorithm::parse(alg.as_str()), Ok(alg));
    }
    for aes in [
        "A128GCM",
        "A256KW",
        "A128CBCPAD",
        "A256CBC",
        "CKM_AES_KEY_WRAP",
    ] {
        let e = EncryptionAlgorithm::parse(aes).unwrap_err();
        assert!(
            e.message.contains(&format!(
                "Algorithm '{aes}' can only be used with symmetric keys"
            )),
            "{e}"
        );
    }
    assert_eq!(
        EncryptionAlgorithm::parse("rsa-oaep").unwrap_err().message,
        "Invalid alg value: rsa-oaep"
    );
}

#[test]
fn randomness_and_redacted_debug() {
    assert_eq!(random_bytes(0), Vec::<u8>::new());
    let bytes = random_bytes(128);
    assert_eq!(bytes.len(), 128);
    assert_ne!(bytes, random_bytes(128));
    let key = KeyPair::generate_ec(Curve::P256).unwrap();
    assert_eq!(format!("{key:?}"), "KeyPair(EC P-256)");
    let jwk = key.private_jwk();
    let shown = format!("{jwk:?}");
    let d = b64url_encode(jwk.d.as_deref().unwrap());
    assert!(
        !shown.contains(&d) && shown.contains("<redacted>"),
        "{shown}"
    );
}

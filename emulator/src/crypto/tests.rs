//! Round trips, refusals and parsing. Keys are made once per test binary (RSA generation is
//! the slow part; 4096 bits only once, in one test).

use std::sync::OnceLock;

use sha2::{Digest, Sha256, Sha384, Sha512};

use super::*;

fn rsa2048() -> &'static KeyPair {
    static KEY: OnceLock<KeyPair> = OnceLock::new();
    KEY.get_or_init(|| KeyPair::generate_rsa(2048, None).unwrap())
}

fn rsa3072() -> &'static KeyPair {
    static KEY: OnceLock<KeyPair> = OnceLock::new();
    KEY.get_or_init(|| KeyPair::generate_rsa(3072, Some(65537)).unwrap())
}

fn ec(curve: Curve) -> KeyPair {
    KeyPair::generate_ec(curve).unwrap()
}

const CURVES: [Curve; 4] = [Curve::P256, Curve::P384, Curve::P521, Curve::P256K];

fn digest_for(alg: SignatureAlgorithm, message: &[u8]) -> Vec<u8> {
    match alg.digest_len() {
        32 => Sha256::digest(message).to_vec(),
        48 => Sha384::digest(message).to_vec(),
        _ => Sha512::digest(message).to_vec(),
    }
}

/// sign → verify is true; a flipped bit in the signature or the digest is false.
fn assert_sign_verify(key: &KeyPair, alg: SignatureAlgorithm) -> Vec<u8> {
    let digest = digest_for(alg, b"the message");
    let signature = key.sign(alg, &digest).unwrap();
    assert_eq!(
        key.verify(alg, &digest, &signature),
        Ok(true),
        "{alg:?} on {key:?}"
    );
    let mut bad_signature = signature.clone();
    if let Some(last) = bad_signature.last_mut() {
        *last ^= 1;
    }
    assert_eq!(
        key.verify(alg, &digest, &bad_signature),
        Ok(false),
        "{alg:?}"
    );
    let mut bad_digest = digest.clone();
    bad_digest[0] ^= 0x80;
    assert_eq!(
        key.verify(alg, &bad_digest, &signature),
        Ok(false),
        "{alg:?}"
    );
    signature
}

#[test]
fn every_signature_algorithm_round_trips() {
    for key in [rsa2048(), rsa3072()] {
        let len = key.rsa_bits().unwrap() as usize / 8;
        for alg in SignatureAlgorithm::ALL.into_iter().filter(|a| a.is_rsa()) {
            assert_eq!(assert_sign_verify(key, alg).len(), len);
        }
    }
    for curve in CURVES {
        let key = ec(curve);
        let signature = assert_sign_verify(&key, curve.signature_algorithm());
        assert_eq!(signature.len(), 2 * curve.coordinate_len(), "{curve:?}");
    }
}

#[test]
fn pss_is_randomized_and_pkcs1_deterministic() {
    let key = rsa2048();
    let digest = digest_for(SignatureAlgorithm::PS256, b"x");
    let a = key.sign(SignatureAlgorithm::PS256, &digest).unwrap();
    let b = key.sign(SignatureAlgorithm::PS256, &digest).unwrap();
    assert_ne!(a, b);
    let c = key.sign(SignatureAlgorithm::RS256, &digest).unwrap();
    assert_eq!(c, key.sign(SignatureAlgorithm::RS256, &digest).unwrap());
    // A PKCS#1 v1.5 signature is not a PSS one.
    assert_eq!(
        key.verify(SignatureAlgorithm::PS256, &digest, &c),
        Ok(false)
    );
}

#[test]
fn every_encryption_algorithm_round_trips_up_to_its_limit() {
    for key in [rsa2048(), rsa3072()] {
        let k = key.rsa_bits().unwrap() as usize / 8;
        for alg in EncryptionAlgorithm::ALL {
            let max = alg.max_plaintext_len(k);
            for plaintext in [Vec::new(), b"hello".to_vec(), vec![0xa5; max]] {
                let ciphertext = key.encrypt(alg, &plaintext).unwrap();
                assert_eq!(ciphertext.len(), k);
                assert_eq!(key.decrypt(alg, &ciphertext).unwrap(), plaintext, "{alg:?}");
            }
            let too_long = key.encrypt(alg, &vec![1; max + 1]).unwrap_err();
            assert_eq!(too_long.code, "BadParameter");
            assert!(
                too_long.message.contains(&format!("at most {max} bytes")),
                "{too_long}"
            );
        }
    }
    // RFC 8017 limits for 2048 bits.
    assert_eq!(EncryptionAlgorithm::RsaOaep.max_plaintext_len(256), 214);
    assert_eq!(EncryptionAlgorithm::RsaOaep256.max_plaintext_len(256), 190);
    assert_eq!(EncryptionAlgorithm::Rsa1_5.max_plaintext_len(256), 245);
}

#[test]
fn rsa_4096_and_the_ignored_public_exponent() {
    // Key Vault ignores public_exponent: e is 65537 whatever is asked.
    let key = KeyPair::generate_rsa(4096, Some(3)).unwrap();
    assert_eq!(key.rsa_bits(), Some(4096));
    assert_eq!(key.public_jwk().e, Some(vec![1, 0, 1]));
    assert_eq!(key.public_jwk().n.map(|n| n.len()), Some(512));
    assert_sign_verify(&key, SignatureAlgorithm::PS512);
    let ciphertext = key
        .encrypt(EncryptionAlgorithm::RsaOaep256, b"secret")
        .unwrap();
    assert_eq!(
        key.decrypt(EncryptionAlgorithm::RsaOaep256, &ciphertext)
            .unwrap(),
        b"secret"
    );
}

#[test]
fn unsupported_sizes_are_refused() {
    for bits in [0, 1024, 2047, 2049, 8192] {
        let e = KeyPair::generate_rsa(bits, None).unwrap_err();
        assert_eq!(
            e.message,
            format!("Unsupported key size ({bits}). Supported sizes are [2048, 3072, 4096]")
        );
        assert_eq!(e.inner_code, Some("KeySizeNotSupported"));
    }
}

#[test]
fn wrong_algorithm_for_the_key_is_refused() {
    let p256 = ec(Curve::P256);
    let digest = [7u8; 32];
    let e = p256.sign(SignatureAlgorithm::ES256K, &digest).unwrap_err();
    assert_eq!(
        e.message,
        "Key and signing algorithm are incompatible. Key uses curve 'P-256', and algorithm 'ES256K' \
         can only be used with curve 'P-256K'."
    );
    let e = e.with_key_id("https://v.vault.azure.net/keys/k/0123");
    assert_eq!(
        e.message,
        "Key and signing algorithm are incompatible. Key https://v.vault.azure.net/keys/k/0123 uses \
         curve 'P-256', and algorithm 'ES256K' can only be used with curve 'P-256K'."
    );
    assert_eq!(e.code, "BadParameter");
    assert!(p256
        .verify(SignatureAlgorithm::ES384, &[0; 48], &[0; 96])
        .is_err());
    let e = p256.sign(SignatureAlgorithm::RS256, &digest).unwrap_err();
    assert!(
        e.message.contains("is an EC key, and algorithm 'RS256'"),
        "{e}"
    );
    let e = rsa2048()
        .sign(SignatureAlgorithm::ES256, &digest)
        .unwrap_err();
    assert!(
        e.message.contains("is an RSA key, and algorithm 'ES256'"),
        "{e}"
    );
    assert!(rsa2048()
        .verify(SignatureAlgorithm::ES256, &digest, &[0; 64])
        .is_err());
    for alg in EncryptionAlgorithm::ALL {
        let e = p256.encrypt(alg, b"x").unwrap_err();
        assert!(
            e.message
                .starts_with("Key and encryption algorithm are incompatible."),
            "{e}"
        );
        assert!(p256.decrypt(alg, &[0; 64]).is_err());
    }
    // Messages without a key-id slot are left alone.
    let plain = CryptoError::bad_parameter("x").with_key_id("kid");
    assert_eq!(plain.message, "x");
}

#[test]
fn wrong_digest_length_is_refused() {
    let p256 = ec(Curve::P256);
    let e = p256.sign(SignatureAlgorithm::ES256, &[0; 43]).unwrap_err();
    // The service's wording, verbatim (Azure/azure-cli#28027).
    assert_eq!(
        e.message,
        "Invalid length of 'value': 43 bytes. ES256 requires 32 bytes, encoded with base64url."
    );
    let e = p256
        .verify(SignatureAlgorithm::ES256, &[0; 31], &[0; 64])
        .unwrap_err();
    assert!(
        e.message
            .starts_with("Invalid length of 'digest': 31 bytes."),
        "{e}"
    );
    for alg in SignatureAlgorithm::ALL.into_iter().filter(|a| a.is_rsa()) {
        for len in [0, 20, alg.digest_len() - 1, alg.digest_len() + 1, 1000] {
            assert!(rsa2048().sign(alg, &vec![1; len]).is_err(), "{alg:?} {len}");
            assert!(rsa2048().verify(alg, &vec![1; len], &[0; 256]).is_err());
        }
    }
    for curve in CURVES {
        let key = ec(curve);
        let alg = curve.signature_algorithm();
        for len in [0, 16, 20, 64, 66] {
            if len != alg.digest_len() {
                assert!(key.sign(alg, &vec![1; len]).is_err(), "{alg:?} {len}");
            }
        }
    }
}

#[test]
fn garbage_signatures_are_false_not_errors() {
    let mut keys: Vec<KeyPair> = CURVES.into_iter().map(ec).collect();
    keys.push(rsa2048().clone());
    for key in &keys {
        let algs: Vec<SignatureAlgorithm> = match key.curve() {
            Some(curve) => vec![curve.signature_algorithm()],
            None => SignatureAlgorithm::ALL
                .into_iter()
                .filter(|a| a.is_rsa())
                .collect(),
        };
        for alg in algs {
            let digest = vec![3; alg.digest_len()];
            let n = key.rsa_bits().map_or(0, |b| b as usize / 8);
            for signature in [
                vec![],
                vec![0; 1],
                vec![0; 64],
                vec![0xff; 132],
                vec![0; n],
                vec![0xff; n],
                vec![1; 5000],
            ] {
                assert_eq!(
                    key.verify(alg, &digest, &signature),
                    Ok(false),
                    "{alg:?} {}",
                    signature.len()
                );
            }
        }
    }
}

#[test]
fn garbage_ciphertext_is_refused_without_panic() {
    let key = rsa2048();
    for alg in EncryptionAlgorithm::ALL {
        for ciphertext in [
            vec![],
            vec![1; 10],
            vec![0; 255],
            vec![0; 257],
            vec![0; 256],
            vec![0xff; 256],
            random_bytes(256),
        ] {
            let e = key.decrypt(alg, &ciphertext).unwrap_err();
            assert_eq!(e.code, "BadParameter", "{alg:?} {}", ciphertext.len());
        }
        let e = key.decrypt(alg, &[0; 100]).unwrap_err();
        assert_eq!(
            e.message,
            "The length of the data to decrypt is not valid for the size of this key."
        );
    }
    let e = key
        .decrypt(EncryptionAlgorithm::RsaOaep256, &random_bytes(256))
        .unwrap_err();
    assert_eq!(e.message, "Error occurred while decoding OAEP padding.");
    // A ciphertext for another key of the same size.
    let ciphertext = rsa3072()
        .encrypt(EncryptionAlgorithm::RsaOaep, b"x")
        .unwrap();
    assert!(key
        .decrypt(EncryptionAlgorithm::RsaOaep, &ciphertext)
        .is_err());
}

#[test]
fn private_jwk_round_trips_through_json() {
    let mut keys: Vec<KeyPair> = CURVES.into_iter().map(ec).collect();
    keys.push(rsa2048().clone());
    for key in keys {
        let private = key.private_jwk();
        assert!(private.has_private_parts());
        let json = serde_json::to_value(&private).unwrap();
        let parsed = JsonWebKey::from_value(&json).unwrap();
        assert_eq!(parsed, private);
        let again = KeyPair::from_jwk(&parsed).unwrap();
        assert_eq!(again, key);
        assert_eq!(again.public_jwk(), key.public_jwk());
        let public = key.public_jwk();
        assert!(!public.has_private_parts());
        assert_eq!((public.kid, public.kty, public.key_ops), (None, None, None));
        match key.curve() {
            Some(curve) => {
                assert_eq!(public.crv.as_deref(), Some(curve.as_str()));
                assert_eq!(public.x.map(|x| x.len()), Some(curve.coordinate_len()));
                assert_eq!(public.y.map(|y| y.len()), Some(curve.coordinate_len()));
                assert_eq!(private.d.map(|d| d.len()), Some(curve.coordinate_len()));
            }
            None => assert!(public.crv.is_none() && public.n.is_some() && public.e.is_some()),
        }
    }
}

#[test]
fn rsa_import_computes_missing_crt_values() {
    let full = rsa2048().private_jwk();
    let bare = JsonWebKey {
        dp: None,
        dq: None,
        qi: None,
        ..full.clone()
    };
    let key = KeyPair::from_jwk(&bare).unwrap();
    assert_eq!(key.private_jwk(), full);
    // Any single one given is checked.
    let wrong_qi = JsonWebKey {
        qi: full.dp.clone(),
        ..full.clone()
    };
    assert!(KeyPair::from_jwk(&wrong_qi).is_err());
    let wrong_dp = JsonWebKey {
        dp: full.dq.clone(),
        ..full.clone()
    };
    assert!(KeyPair::from_jwk(&wrong_dp).is_err());
    // HSM kty imports the same material.
    let hsm = JsonWebKey {
        kty: Some("RSA-HSM".into()),
        ..full
    };
    assert_eq!(KeyPair::from_jwk(&hsm).unwrap(), *rsa2048());
}

//! Known-answer tests against vectors made by an independent implementation: Node 20's
//! `node:crypto` (OpenSSL), generated once with a short node script (its gist below) and
//! pasted here; nothing is generated at test time.
//!
//! ```js
//! const rsa = crypto.generateKeyPairSync('rsa', {modulusLength: 2048});
//! rs256 = crypto.sign('sha256', msg, rsa.privateKey);
//! ps384 = crypto.sign('sha384', msg, {key, padding: RSA_PKCS1_PSS_PADDING, saltLength: 48});
//! oaep256 = crypto.publicEncrypt({key, padding: RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256'}, pt);
//! // also oaepHash 'sha1' and RSA_PKCS1_PADDING; EC keys on prime256v1, secp521r1, secp256k1
//! sig = crypto.sign(hash, msg, {key, dsaEncoding: 'ieee-p1363'});
//! // k256_sig has a high S (OpenSSL does not normalize); k256_sig_flipped is (r, n - s).
//! ```

use serde_json::Value;

use super::{b64url_decode, EncryptionAlgorithm, JsonWebKey, KeyPair, SignatureAlgorithm};

const NODE_VECTORS: &str = r#"{
 "rsa_jwk": {
  "kty": "RSA",
  "n": "s9bBARMtzRxLYtJ717FcElR0sf3k7l2tycTYvOeTHkWR899OYnme0w074q4vn6MFs7jQBcsBr8yuJhmFyKj1c7cjAxgegVKzjkrHRbB6GsonLk5dEzL5asedTDiLBKXbmWjzjy0aKyZ6IwY_HDODWeSXcIlopPJMamGakhymQDhBTAhE7fo4lXXJL6-RYVrCCIBn12Agvqizg-QS6yHnVXR7djxnMSzNlBnbURJ_hdKkhEkg891SYo48Gpshe9GgrSztAryDJDPg8LEUM7jLnvwMCSUY_SRNl902fQ61_FdVR0TH9ywE750HwTIuiTbc6Y_1Jc216B4rrojFeS4-pw",
  "e": "AQAB",
  "d": "CpRuO1F1BtWMy84FMh3BhGSKjvQYVTuWn0Gg3JAlFAlUukufUWTFRrZHGSFVNOeCzN1pA4Y7XavFbQFgYPsroXibKzHujX4fiRX2Hi_xJwVQg8VhbWE40iLXKqZC622UezR0663kFbjIQ6o46UBQkGfFzv2OdfG5NCL01HayAyISjpQufGPz1QaUeQ5pae16bBshlXZi-_LW8mrDbmjR8hcoj4kCSNMhOFP0LG_PKrcOje3vb3ELfDny08QVsuaSTRJM2xGM2-baQMkjPgDG0kZp_C2HGn6Gr9Zcsnh2q09UbCpjmtB8a_sBZ_cEY2MMwFg4NmPNGmmDyWD2HgIH0Q",
  "p": "-gle93-N8ub0LhSf_NdC27DNUct16pL9kziojehKlJ5L4veal2tjy_YwE2GJFj0vAqTXn500b0sSK4Z2iBJI5EWz_PSrFvyJcwzDfDFQKALqK9vgnb5Rrw5cSS6n0xxct40juB-eh_Izoo-FAbEOnNhbIApRAmXFHMLnLy-U8ZE",
  "q": "uCDIPWyq3xBiO4yLN20NFjXdqxJ1BYLlEN9SGu2CrKiLQQjnE88esNh_nAUvEatK8GPgTORKExz3h40CzgA9uawfNGvLxm1WSrkbtK8tQdWOMJzZfpjZxz-hwkICBHRYyYRs1obFz9MN302aKWXjprn-YbuBx_qfB32ol6aUkLc",
  "dp": "Kg8JenhqWEGhMV8mylErXekPoIKpAxxWqz0MnVJFuVonSbZ8upvF3bk7vQbbGHKSRc-UtbSr7Uyjcc7cgWcR-9P9wr8lSGiSdlffSjTBVvmmiloiHma1Ns0jmOvQLyLGNdn3-DDZaeTD6sRZiz9NRfTe3zTdC5oy3fOrD7ThSQE",
  "dq": "Vgqzp8h8_KnqTYt6jtb905AuWr_QQVgOdNj2xDCS7N4B3M0tNluGKvuwfhcKDMavyS_S4_uWBeJ2ZThmxB7muToOhu-MlNgJB_gCU2e8zVPfEyZomDkTI4G_tEgmKzC3QMwKFCF8lIY6qEvaK1g6jnHBxqfZmLqrz9NPkjY8nHc",
  "qi": "NRM8mBy3y2_m1gF4aqDRCDZtp56vnhKVbPN1kIedtG09NNsEGPDH31fBiXz0iA-uK1u8msFMb_Hq9L2-cPCxJtVQHcmTX-5iIEcIOLS1fAloyeR-AJVWO6kkQP7VJQzCTgRJ6IDlkcXzQ3e1SD0tawvwxYizLadCkMkDMthtroE"
 },
 "rsa_pub_jwk": {
  "kty": "RSA",
  "n": "s9bBARMtzRxLYtJ717FcElR0sf3k7l2tycTYvOeTHkWR899OYnme0w074q4vn6MFs7jQBcsBr8yuJhmFyKj1c7cjAxgegVKzjkrHRbB6GsonLk5dEzL5asedTDiLBKXbmWjzjy0aKyZ6IwY_HDODWeSXcIlopPJMamGakhymQDhBTAhE7fo4lXXJL6-RYVrCCIBn12Agvqizg-QS6yHnVXR7djxnMSzNlBnbURJ_hdKkhEkg891SYo48Gpshe9GgrSztAryDJDPg8LEUM7jLnvwMCSUY_SRNl902fQ61_FdVR0TH9ywE750HwTIuiTbc6Y_1Jc216B4rrojFeS4-pw",
  "e": "AQAB"
 },
 "msg": "a2V5dmF1bHQtZW11bGF0b3Iga25vd24tYW5zd2VyIHRlc3Q",
 "sha256": "h3PpnX3Ud-f0gdd8ooQw2G8iWklb4XkAugERd1DfFRk",
 "sha384": "xsB6XrgwVyVt8vAkZ7a0_2qmavw5VMI_RY0A6eeeIM0UY3UdkdmyR2o4gXr6pF2v",
 "sha512": "oWLHrSrVv47k4LZfc-b9NRGANV6J4bWz0Y-Syoko6XR3ZwWVFxxVrJUDbhP3Y0GOSn8uXSlYPeojHLHjnjuB0A",
 "rs256": "brd68CmrCORWPJjlhjhlQ2bhvb6ZV_8IxvcXR3bI3Zq3_4Ooe2avS1XHTWFiJEzUH_dLdmh4mjTG5BVWkDUDH_Pkunr27JnoqsKTIdX3oZCDNXD8nhclQNooTsnC-DMd0B5Nbvj_I0xPAQlJjPmtqGb0EcFfPXV-a8TXCSIGFoB5mS9pkQlq6PfqEretJNSACgS58yfpaj-qA_knIrU7XAGCStzhoZgPKu5K83FYO1qSR8x0Po_W_WrSWC-xHC8zpU_5FiodIl9Ilz7NIuz3U51VL3B2bAorW2OkCcOOnC_mz7nLPKyGymlHOPOwRWXW89qz_h2jwg2XvDCO2Efc-A",
 "ps384": "YFqCmD9i3R-eTFjlFBJO9Umrxp-_hmRSEKd1C0rdhKiFngSA3vRKiTd82e4plie6GkkkdfMK3oRmAIYnLcRnrVNR4aOKjYcgnYHyoKnGZa5vpRjZ4VLtX_qOgVLzJhjRDZwYTXlEP37ZPDwKRtmRbrRMfSnIcJHVGxPCgl1aewKLOMvYyGEXFb7dSeETMsV1Nk0736vX9urPRJNItA_H7IRTXAS7S6VaWEMH1OD0wb0AIfiuWWaDlz6nd10h5RyCsEfYM9PiD8AGYHKVPruv6PBJl216QdIWPBPa6QkioyJW9rl9qKelbebENy_1wzH8bG9zhW8BTsyi62qXCCoodQ",
 "plaintext": "bm9kZSBlbmNyeXB0ZWQgdGhpcw",
 "oaep256": "bjAiJX-cPJGQq2MdzBUuZV9ai8eEzHroTCsnoceP13OAYHIwZ6vged5OktGN2jo2Ugx348mP223icS8S2eEiWlNpzIs-IHQKgkNuBfaGZ76r1Az5XTJ1tAKxaCeD6L5F4_c__V1ZnzicbtsSxqJ81ZnHfmNVXb5e3xHvNyeZs4gPV0rZIpSy9np-DBgOwXIPITRjFMRvyuYyhaIEwYjVj2aCP3_FSXD9euZ3ztPTaf2Nt_WTCC7ogiYnyQG-Ut97VG0IlIImoDc6Xx9e7S_cjQ6xy5nHgUTrGeik628fhK2DMmXAeX-5Nwz4xy6dmbEGFrkU1pum_f34orYrHr4qVg",
 "oaep1": "BSQE65AJT-z44HCcqaEsCIkZfI3ejiVjHEOCOGuBDAUl7j313HAJq4r0DqkK1OsWvcN3mYQlNX5iTdhuSGOqa14ykYiXClU1-FMESbj8B-xanSyQY5b8nMuEHVnAv-K-hLx1W6ibGo9mtJaaeYNhKcTyf-c3XxbGUrLRNCl3AsG5Ec2AeVy2xpVk_qeuuIZRyT1mPq6JtC_kbrNE46U5nZDoIuzuvHBExv9YJkj7IjHls2ChsoVzc_Y5TzsXWEe318Em_QMXNsCtCn_lODWH4fQK04C9H66lb6TUz3UWiWxAMemsCa3L4XA120u4KRRnDjOhwyGv9W-VXQp8LTbDzw",
 "pkcs1": "CqvPJhUhlt82su-8ia3ywtRCS35hZzE7eZ6y-4-L-p-L_EhhRQ2mfYrVcIZTsliNWUUa8CVBYkGlacGAxzVeqn6oMA9Nt91TaocOONZ5K4WyjjOamWya9uWJCsUI5Y_dhp_x-Kc7ppBUo3nsbRRaHv0__4FSctHu4HMv1G53rs_3ek8t8_rgROCMp30Fz9MvKl1Mg3knZp95GkyfovaT8YJA0bO8_P0pmaOH7MpFDejyhsGTiaFwtFBg562b1ZGHIiyyfs_djWm7JRPHO_Nkv4EWlYVZBkMxiSICLmSp-XdJzR2VWzguSyOtsOEWxE5p-6ujDZ1vwqCuFoBm2bP7Nw",
 "p256_jwk": {
  "kty": "EC",
  "x": "PfmLLeUfczWsmEqR58HtZQujgtJgNYAaUHYokAcMzn8",
  "y": "iZa-tVbZmR_3zdDEsvaMqFUNUI2DGs5MIxDxBOl-oJY",
  "crv": "P-256",
  "d": "u5jAnuymLK3G9o3K-DkgGzGyb78Wci7yCg7l2Eab3oQ"
 },
 "p256_pub_jwk": {
  "kty": "EC",
  "x": "PfmLLeUfczWsmEqR58HtZQujgtJgNYAaUHYokAcMzn8",
  "y": "iZa-tVbZmR_3zdDEsvaMqFUNUI2DGs5MIxDxBOl-oJY",
  "crv": "P-256"
 },
 "p256_sig": "u1Q6n12f_v_GRNRbGS1wDNsJeQmHgNbolp9KqnAE3wSdG0h4wUkaxj6xPOk3qIG1_VSwhs8n2jmvE4-KjjLvyQ",
 "p521_jwk": {
  "kty": "EC",
  "x": "ARahupVrM8LJvWfZivUc0V4Riy32CHhQauWOrqF76_RkE3v5ofL7XEj9c6Pxs8AF8j4XUxwt72_cwbhMIr8PFBCU",
  "y": "AWYvszKcrD0G4A3ViibqkZMk2ze9iDbj4PYZg3b_VTvnClBeklpRNb8Rds3tEbmgtkP_5Z9rVZt6VMHI6HTqJ3BP",
  "crv": "P-521",
  "d": "AevAi69T8veZjKWVjfm-koyvP0VTERHd6Tol8FhkmBqRz1Gmk80wLN-C5gpuoLS4oyNGYBuWMJtcLr-c2-cCqqCC"
 },
 "p521_pub_jwk": {
  "kty": "EC",
  "x": "ARahupVrM8LJvWfZivUc0V4Riy32CHhQauWOrqF76_RkE3v5ofL7XEj9c6Pxs8AF8j4XUxwt72_cwbhMIr8PFBCU",
  "y": "AWYvszKcrD0G4A3ViibqkZMk2ze9iDbj4PYZg3b_VTvnClBeklpRNb8Rds3tEbmgtkP_5Z9rVZt6VMHI6HTqJ3BP",
  "crv": "P-521"
 },
 "p521_sig": "Af6nHhmw6OTWXKPTU8wr9iilgMvVvNr2LN4jvMj7yf2J_y67O3vGLBa7rDSMypz-YPmilMY7vgmWRpn8P40cwSQNADwQsJmtgxNe0WxKhYSaIqavBZRrh6c3bpzBbpw0J4Ll4v6Jqj6inW-jIgkD9sKBCH9K1jQEIjuk9HPkPntK2A0A",
 "k256_jwk": {
  "kty": "EC",
  "x": "MLH3gkMBY9xWGIoIyUoDLzpwqZpaLAqcEvV1NSS0nIM",
  "y": "Iw-d-Lg2hepIiVboFe5kaEmCf7_NZ1JBDXA8qS-HDEo",
  "crv": "secp256k1",
  "d": "GdlAlqEmCNhd3g1_vmZdolrB09Cz7n06iKCpMX7v1Ck"
 },
 "k256_pub_jwk": {
  "kty": "EC",
  "x": "MLH3gkMBY9xWGIoIyUoDLzpwqZpaLAqcEvV1NSS0nIM",
  "y": "Iw-d-Lg2hepIiVboFe5kaEmCf7_NZ1JBDXA8qS-HDEo",
  "crv": "secp256k1"
 },
 "k256_sig": "tjRp_qVYWzXan2wz9CMr0Vp-l6aVSb3TxfP385wNLfKuMbm3mWyB8huUwkZsB8ce5VOQ9nuyL0ZO9qLosCFfsg",
 "k256_sig_flipped": "tjRp_qVYWzXan2wz9CMr0Vp-l6aVSb3TxfP385wNLfJRzkZIZpN-DeRrPbmT-Djf1VtL8DOWcPVw27ukIBThjw",
 "k256_s_high": true
}"#;

fn vectors() -> Value {
    serde_json::from_str(NODE_VECTORS).expect("vectors are JSON")
}

fn bytes(v: &Value, field: &str) -> Vec<u8> {
    b64url_decode(v[field].as_str().expect("field present")).expect("base64url")
}

/// Imports node's private JWK; `crv` renamed to Key Vault's name where node's differs.
fn import(v: &Value, field: &str) -> KeyPair {
    let mut jwk_json = v[field].clone();
    if jwk_json["crv"] == "secp256k1" {
        jwk_json["crv"] = "P-256K".into();
    }
    let jwk = JsonWebKey::from_value(&jwk_json).expect("node JWK parses");
    KeyPair::from_jwk(&jwk).expect("node JWK imports")
}

/// `public_jwk()` (with `kty` filled in as the HTTP layer does) is exactly node's public JWK.
fn assert_public_jwk_matches(key: &KeyPair, v: &Value, field: &str, kty: &str) {
    let mut ours = key.public_jwk();
    ours.kty = Some(kty.to_owned());
    let mut theirs = v[field].clone();
    if theirs["crv"] == "secp256k1" {
        theirs["crv"] = "P-256K".into();
    }
    assert_eq!(serde_json::to_value(&ours).unwrap(), theirs, "{field}");
}

#[test]
fn rsa_key_from_node_round_trips_its_jwk() {
    let v = vectors();
    let key = import(&v, "rsa_jwk");
    assert_eq!(key.rsa_bits(), Some(2048));
    assert_public_jwk_matches(&key, &v, "rsa_pub_jwk", "RSA");
    // Every private part too, byte for byte (minimal big-endian, as node writes them).
    assert_eq!(
        serde_json::to_value(key.private_jwk()).unwrap(),
        v["rsa_jwk"]
    );
}

#[test]
fn rsa_verifies_node_signatures() {
    let v = vectors();
    let key = import(&v, "rsa_jwk");
    let sha256 = bytes(&v, "sha256");
    let sha384 = bytes(&v, "sha384");
    let rs256 = bytes(&v, "rs256");
    let ps384 = bytes(&v, "ps384");
    assert_eq!(
        key.verify(SignatureAlgorithm::RS256, &sha256, &rs256),
        Ok(true)
    );
    assert_eq!(
        key.verify(SignatureAlgorithm::PS384, &sha384, &ps384),
        Ok(true)
    );
    // PKCS#1 v1.5 is deterministic: the emulator's signature is node's, byte for byte.
    assert_eq!(key.sign(SignatureAlgorithm::RS256, &sha256).unwrap(), rs256);
    // Wrong algorithm or digest for the signature: false.
    assert_eq!(
        key.verify(SignatureAlgorithm::PS256, &sha256, &rs256),
        Ok(false)
    );
    assert_eq!(
        key.verify(SignatureAlgorithm::RS384, &sha384, &ps384),
        Ok(false)
    );
}

#[test]
fn rsa_decrypts_node_ciphertexts() {
    let v = vectors();
    let key = import(&v, "rsa_jwk");
    let plaintext = bytes(&v, "plaintext");
    for (alg, field) in [
        (EncryptionAlgorithm::RsaOaep256, "oaep256"),
        (EncryptionAlgorithm::RsaOaep, "oaep1"),
        (EncryptionAlgorithm::Rsa1_5, "pkcs1"),
    ] {
        assert_eq!(
            key.decrypt(alg, &bytes(&v, field)).unwrap(),
            plaintext,
            "{field}"
        );
    }
    // OAEP-256 ciphertext decrypted as OAEP (SHA-1): the service's padding error.
    let wrong = key
        .decrypt(EncryptionAlgorithm::RsaOaep, &bytes(&v, "oaep256"))
        .unwrap_err();
    assert_eq!(wrong.message, "Error occurred while decoding OAEP padding.");
}

#[test]
fn ec_keys_from_node_round_trip_and_verify_node_signatures() {
    let v = vectors();
    for (name, alg, digest) in [
        ("p256", SignatureAlgorithm::ES256, "sha256"),
        ("p521", SignatureAlgorithm::ES512, "sha512"),
        ("k256", SignatureAlgorithm::ES256K, "sha256"),
    ] {
        let key = import(&v, &format!("{name}_jwk"));
        assert_eq!(key.curve().map(|c| c.signature_algorithm()), Some(alg));
        assert_public_jwk_matches(&key, &v, &format!("{name}_pub_jwk"), "EC");
        let digest = bytes(&v, digest);
        let signature = bytes(&v, &format!("{name}_sig"));
        assert_eq!(key.verify(alg, &digest, &signature), Ok(true), "{name}");
        let mut tampered = signature.clone();
        tampered[5] ^= 1;
        assert_eq!(key.verify(alg, &digest, &tampered), Ok(false), "{name}");
    }
}

#[test]
fn p256k_accepts_high_and_low_s() {
    let v = vectors();
    assert_eq!(v["k256_s_high"], true, "the vector exercises a high S");
    let key = import(&v, "k256_jwk");
    let digest = bytes(&v, "sha256");
    for field in ["k256_sig", "k256_sig_flipped"] {
        assert_eq!(
            key.verify(SignatureAlgorithm::ES256K, &digest, &bytes(&v, field)),
            Ok(true)
        );
    }
}

//! [`KeyPair`]: the key material of one key version, parsed once and shared.

use std::fmt;
use std::sync::Arc;

use super::ec::EcKey;
use super::error::{self, CryptoError};
use super::rsa::RsaKey;
use super::{Curve, EncryptionAlgorithm, JsonWebKey, KeyType, SignatureAlgorithm};

// Always behind an `Arc`: the size difference between the variants costs nothing.
#[allow(clippy::large_enum_variant)]
enum Material {
    Rsa(RsaKey),
    Ec(EcKey),
}

/// A key pair held by the emulator. Cheap to clone (an `Arc`); parsed and validated once
/// (RSA CRT values precomputed), so operations do no re-parsing. `Debug` never shows
/// private material; `==` compares the key material.
#[derive(Clone)]
pub struct KeyPair(Arc<Material>);

impl KeyPair {
    /// A new RSA key of 2048, 3072 or 4096 bits (anything else: `Unsupported key size`).
    /// `public_exponent` is accepted and ignored, as Key Vault does: e is always 65537.
    pub fn generate_rsa(bits: u32, public_exponent: Option<u32>) -> Result<KeyPair, CryptoError> {
        let _ = public_exponent;
        Ok(KeyPair(Arc::new(Material::Rsa(RsaKey::generate(bits)?))))
    }

    /// A new EC key on `curve`.
    pub fn generate_ec(curve: Curve) -> Result<KeyPair, CryptoError> {
        Ok(KeyPair(Arc::new(Material::Ec(EcKey::generate(curve)))))
    }

    /// Import (and reload from storage): a JWK with its private parts. `kty` decides:
    /// RSA/RSA-HSM need `n`, `e`, `d`, `p`, `q` (`dp`, `dq`, `qi` computed if absent, checked
    /// if present), 2048/3072/4096 bits; EC/EC-HSM need `crv`, `x`, `y`, `d` of full length,
    /// the point on the curve and matching `d`. Refused: `oct`/`oct-HSM` and unknown `kty`,
    /// public-only keys, BYOK blobs (`key_hsm`), inconsistent or wrong-size keys.
    pub fn from_jwk(jwk: &JsonWebKey) -> Result<KeyPair, CryptoError> {
        let kty = KeyType::parse(jwk.kty.as_deref().ok_or_else(error::invalid_jwk)?)?;
        if jwk.key_hsm.is_some() && jwk.d.is_none() {
            return Err(error::byok_unsupported());
        }
        let material = if kty.is_rsa() {
            Material::Rsa(RsaKey::from_jwk(jwk)?)
        } else {
            Material::Ec(EcKey::from_jwk(jwk)?)
        };
        Ok(KeyPair(Arc::new(material)))
    }

    /// Modulus size in bits for RSA keys.
    pub fn rsa_bits(&self) -> Option<u32> {
        match &*self.0 {
            Material::Rsa(k) => Some(k.bits()),
            Material::Ec(_) => None,
        }
    }

    /// The curve of EC keys.
    pub fn curve(&self) -> Option<Curve> {
        match &*self.0 {
            Material::Rsa(_) => None,
            Material::Ec(k) => Some(k.curve()),
        }
    }

    pub fn is_rsa(&self) -> bool {
        matches!(&*self.0, Material::Rsa(_))
    }

    /// Public parts only, `kid`/`kty`/`key_ops` left `None` for the caller: RSA `n`, `e`
    /// (minimal big-endian); EC `crv`, `x`, `y` (fixed-length big-endian).
    pub fn public_jwk(&self) -> JsonWebKey {
        match &*self.0 {
            Material::Rsa(k) => k.public_jwk(),
            Material::Ec(k) => k.public_jwk(),
        }
    }

    /// Every part (RSA `n e d p q dp dq qi`; EC `crv x y d`) and `kty` `RSA` or `EC`, for
    /// persistence and backups; never for clients. [`KeyPair::from_jwk`] of it gives this key
    /// back.
    pub fn private_jwk(&self) -> JsonWebKey {
        let (kty, jwk) = match &*self.0 {
            Material::Rsa(k) => (KeyType::Rsa, k.private_jwk()),
            Material::Ec(k) => (KeyType::Ec, k.private_jwk()),
        };
        JsonWebKey {
            kty: Some(kty.as_str().to_owned()),
            ..jwk
        }
    }

    /// Checks `alg` fits this key (RSA algorithm on RSA key, ES* on its own curve).
    fn check_signature_algorithm(&self, alg: SignatureAlgorithm) -> Result<(), CryptoError> {
        match (&*self.0, alg.curve()) {
            (Material::Rsa(_), None) => Ok(()),
            (Material::Rsa(_), Some(_)) => Err(error::sign_key_type(true, alg.as_str())),
            (Material::Ec(_), None) => Err(error::sign_key_type(false, alg.as_str())),
            (Material::Ec(k), Some(needed)) if k.curve() == needed => Ok(()),
            (Material::Ec(k), Some(needed)) => Err(error::curve_mismatch(
                k.curve().as_str(),
                alg.as_str(),
                needed.as_str(),
            )),
        }
    }

    /// Signs `digest` (already hashed by the client, as Key Vault's `sign` takes it; its
    /// length must be the algorithm's hash length). RSA: PKCS#1 v1.5 or PSS (salt = hash
    /// length, MGF1 with the same hash); EC: raw `r || s`, each half the curve's length
    /// (P-521: 66 + 66 bytes).
    pub fn sign(&self, alg: SignatureAlgorithm, digest: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.check_signature_algorithm(alg)?;
        check_digest("value", alg, digest)?;
        match &*self.0 {
            Material::Rsa(k) => k.sign(alg, digest),
            Material::Ec(k) => k.sign(digest),
        }
    }

    /// Verifies `signature` over `digest`. A wrong or malformed signature is `Ok(false)`;
    /// an algorithm that does not fit the key or a digest of the wrong length is an error.
    pub fn verify(
        &self,
        alg: SignatureAlgorithm,
        digest: &[u8],
        signature: &[u8],
    ) -> Result<bool, CryptoError> {
        self.check_signature_algorithm(alg)?;
        check_digest("digest", alg, digest)?;
        Ok(match &*self.0 {
            Material::Rsa(k) => k.verify(alg, digest, signature),
            Material::Ec(k) => k.verify(digest, signature),
        })
    }

    /// Encrypts with the public key (RSA only). RSA-OAEP: SHA-1 and MGF1-SHA-1; RSA-OAEP-256:
    /// SHA-256 and MGF1-SHA-256; empty label. Plaintext at most k-42 / k-66 / k-11 bytes.
    pub fn encrypt(
        &self,
        alg: EncryptionAlgorithm,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        match &*self.0 {
            Material::Rsa(k) => k.encrypt(alg, plaintext),
            Material::Ec(_) => Err(error::encrypt_key_type(alg.as_str())),
        }
    }

    /// Decrypts with the private key (RSA only); the ciphertext must be exactly the modulus
    /// length. Bad padding is the service's `Error occurred while decoding OAEP padding.`
    pub fn decrypt(
        &self,
        alg: EncryptionAlgorithm,
        ciphertext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        match &*self.0 {
            Material::Rsa(k) => k.decrypt(alg, ciphertext),
            Material::Ec(_) => Err(error::encrypt_key_type(alg.as_str())),
        }
    }
}

fn check_digest(field: &str, alg: SignatureAlgorithm, digest: &[u8]) -> Result<(), CryptoError> {
    let want = alg.digest_len();
    if digest.len() == want {
        Ok(())
    } else {
        Err(error::digest_length(
            field,
            digest.len(),
            alg.as_str(),
            want,
        ))
    }
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            Material::Rsa(k) => write!(f, "KeyPair(RSA {})", k.bits()),
            Material::Ec(k) => write!(f, "KeyPair(EC {})", k.curve().as_str()),
        }
    }
}

impl PartialEq for KeyPair {
    fn eq(&self, other: &KeyPair) -> bool {
        if Arc::ptr_eq(&self.0, &other.0) {
            return true;
        }
        match (&*self.0, &*other.0) {
            (Material::Rsa(a), Material::Rsa(b)) => a == b,
            (Material::Ec(a), Material::Ec(b)) => a == b,
            _ => false,
        }
    }
}

impl Eq for KeyPair {}

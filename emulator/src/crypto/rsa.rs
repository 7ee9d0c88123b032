//! RSA keys: generation, JWK import/export, PKCS#1 v1.5 and PSS signatures over a digest,
//! OAEP (SHA-1, SHA-256) and PKCS#1 v1.5 encryption. All through the `rsa` crate.

use rand_core::OsRng;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, Oaep, Pkcs1v15Encrypt, Pkcs1v15Sign, Pss, RsaPrivateKey, RsaPublicKey};
use sha1::Sha1;
use sha2::{Sha256, Sha384, Sha512};

use super::error::{self, CryptoError};
use super::{EncryptionAlgorithm, JsonWebKey, SignatureAlgorithm};

/// Modulus sizes Key Vault creates and imports.
pub(crate) const SIZES: [u32; 3] = [2048, 3072, 4096];
const SIZES_TEXT: &str = "2048, 3072, 4096";
/// The only public exponent Key Vault generates with.
const PUBLIC_EXPONENT: u32 = 65537;

/// A parsed, validated RSA private key with its CRT values precomputed.
pub(crate) struct RsaKey {
    private: RsaPrivateKey,
    public: RsaPublicKey,
    bits: u32,
}

impl RsaKey {
    pub(crate) fn generate(bits: u32) -> Result<RsaKey, CryptoError> {
        if !SIZES.contains(&bits) {
            return Err(error::unsupported_key_size(bits.into(), SIZES_TEXT));
        }
        let exponent = BigUint::from(PUBLIC_EXPONENT);
        let private = RsaPrivateKey::new_with_exp(&mut OsRng, bits as usize, &exponent)
            .map_err(|_| error::operation_failed("key generation"))?;
        RsaKey::checked(private)
    }

    /// Import: `n`, `e`, `d`, `p`, `q` required; `dp`, `dq`, `qi` computed when absent and
    /// compared when present.
    pub(crate) fn from_jwk(jwk: &JsonWebKey) -> Result<RsaKey, CryptoError> {
        let required = |v: &Option<Vec<u8>>| match v {
            Some(bytes) if !bytes.is_empty() => Ok(BigUint::from_bytes_be(bytes)),
            _ => Err(error::invalid_jwk()),
        };
        let n = required(&jwk.n)?;
        let e = required(&jwk.e)?;
        // Size first: it bounds the work every later step does.
        let bits = n.bits() as u64;
        if !SIZES.iter().any(|&s| u64::from(s) == bits) {
            return Err(error::unsupported_key_size(bits, SIZES_TEXT));
        }
        let d = required(&jwk.d)?;
        let p = required(&jwk.p)?;
        let q = required(&jwk.q)?;
        let modulus_len = bits.div_ceil(8) as usize;
        let parts = [&jwk.d, &jwk.p, &jwk.q, &jwk.dp, &jwk.dq, &jwk.qi, &jwk.e];
        if parts
            .iter()
            .any(|v| v.as_ref().is_some_and(|b| b.len() > modulus_len))
            || p == q
        {
            return Err(error::invalid_rsa_key());
        }
        let private = RsaPrivateKey::from_components(n, e, d, vec![p, q])
            .map_err(|_| error::invalid_rsa_key())?;
        let key = RsaKey::checked(private)?;
        let given = [
            (&jwk.dp, key.private.dp().cloned()),
            (&jwk.dq, key.private.dq().cloned()),
        ];
        for (given, computed) in given {
            if let Some(bytes) = given {
                if Some(BigUint::from_bytes_be(bytes)) != computed {
                    return Err(error::invalid_rsa_key());
                }
            }
        }
        if let Some(bytes) = &jwk.qi {
            if Some(BigUint::from_bytes_be(bytes)) != key.private.crt_coefficient() {
                return Err(error::invalid_rsa_key());
            }
        }
        Ok(key)
    }

    /// Checks the CRT values exist and the key signs what its public half verifies.
    fn checked(private: RsaPrivateKey) -> Result<RsaKey, CryptoError> {
        if private.dp().is_none() || private.dq().is_none() || private.qinv().is_none() {
            return Err(error::invalid_rsa_key());
        }
        let bits = u32::try_from(private.n().bits()).map_err(|_| error::invalid_rsa_key())?;
        let public = private.to_public_key();
        let digest = [0x5a_u8; 32];
        let signature = private
            .sign(Pkcs1v15Sign::new::<Sha256>(), &digest)
            .map_err(|_| error::invalid_rsa_key())?;
        public
            .verify(Pkcs1v15Sign::new::<Sha256>(), &digest, &signature)
            .map_err(|_| error::invalid_rsa_key())?;
        Ok(RsaKey {
            private,
            public,
            bits,
        })
    }

    pub(crate) fn bits(&self) -> u32 {
        self.bits
    }

    /// Modulus length in bytes (= signature and ciphertext length).
    fn modulus_len(&self) -> usize {
        self.public.size()
    }

    pub(crate) fn public_jwk(&self) -> JsonWebKey {
        JsonWebKey {
            n: Some(self.public.n().to_bytes_be()),
            e: Some(self.public.e().to_bytes_be()),
            ..JsonWebKey::default()
        }
    }

    pub(crate) fn private_jwk(&self) -> JsonWebKey {
        let private = &self.private;
        let primes = private.primes();
        JsonWebKey {
            d: Some(private.d().to_bytes_be()),
            p: primes.first().map(BigUint::to_bytes_be),
            q: primes.get(1).map(BigUint::to_bytes_be),
            dp: private.dp().map(BigUint::to_bytes_be),
            dq: private.dq().map(BigUint::to_bytes_be),
            qi: private.crt_coefficient().map(|v| v.to_bytes_be()),
            ..self.public_jwk()
        }
    }

    /// `digest` has the algorithm's length (checked by the caller).
    pub(crate) fn sign(
        &self,
        alg: SignatureAlgorithm,
        digest: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let mut rng = OsRng;
        let key = &self.private;
        let result = match alg {
            SignatureAlgorithm::RS256 => {
                key.sign_with_rng(&mut rng, Pkcs1v15Sign::new::<Sha256>(), digest)
            }
            SignatureAlgorithm::RS384 => {
                key.sign_with_rng(&mut rng, Pkcs1v15Sign::new::<Sha384>(), digest)
            }
            SignatureAlgorithm::RS512 => {
                key.sign_with_rng(&mut rng, Pkcs1v15Sign::new::<Sha512>(), digest)
            }
            SignatureAlgorithm::PS256 => key.sign_with_rng(&mut rng, Pss::new::<Sha256>(), digest),
            SignatureAlgorithm::PS384 => key.sign_with_rng(&mut rng, Pss::new::<Sha384>(), digest),
            SignatureAlgorithm::PS512 => key.sign_with_rng(&mut rng, Pss::new::<Sha512>(), digest),
            _ => return Err(error::sign_key_type(true, alg.as_str())),
        };
        result.map_err(|_| error::operation_failed("sign"))
    }

    /// `digest` has the algorithm's length (checked by the caller). Any bad signature is `false`.
    pub(crate) fn verify(&self, alg: SignatureAlgorithm, digest: &[u8], signature: &[u8]) -> bool {
        if signature.len() != self.modulus_len() {
            return false;
        }
        let key = &self.public;
        let result = match alg {
            SignatureAlgorithm::RS256 => {
                key.verify(Pkcs1v15Sign::new::<Sha256>(), digest, signature)
            }
            SignatureAlgorithm::RS384 => {
                key.verify(Pkcs1v15Sign::new::<Sha384>(), digest, signature)
            }
            SignatureAlgorithm::RS512 => {
                key.verify(Pkcs1v15Sign::new::<Sha512>(), digest, signature)
            }
            SignatureAlgorithm::PS256 => key.verify(Pss::new::<Sha256>(), digest, signature),
            SignatureAlgorithm::PS384 => key.verify(Pss::new::<Sha384>(), digest, signature),
            SignatureAlgorithm::PS512 => key.verify(Pss::new::<Sha512>(), digest, signature),
            _ => return false,
        };
        result.is_ok()
    }

    pub(crate) fn encrypt(
        &self,
        alg: EncryptionAlgorithm,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let max = alg.max_plaintext_len(self.modulus_len());
        if plaintext.len() > max {
            return Err(error::plaintext_too_long(
                plaintext.len(),
                alg.as_str(),
                self.bits,
                max,
            ));
        }
        let mut rng = OsRng;
        let key = &self.public;
        let result = match alg {
            EncryptionAlgorithm::RsaOaep => key.encrypt(&mut rng, Oaep::new::<Sha1>(), plaintext),
            EncryptionAlgorithm::RsaOaep256 => {
                key.encrypt(&mut rng, Oaep::new::<Sha256>(), plaintext)
            }
            EncryptionAlgorithm::Rsa1_5 => key.encrypt(&mut rng, Pkcs1v15Encrypt, plaintext),
        };
        result.map_err(|_| error::operation_failed("encrypt"))
    }

    pub(crate) fn decrypt(
        &self,
        alg: EncryptionAlgorithm,
        ciphertext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        if ciphertext.len() != self.modulus_len() {
            return Err(error::ciphertext_length());
        }
        let mut rng = OsRng;
        let key = &self.private;
        match alg {
            EncryptionAlgorithm::RsaOaep => key
                .decrypt_blinded(&mut rng, Oaep::new::<Sha1>(), ciphertext)
                .map_err(|_| error::oaep_decoding()),
            EncryptionAlgorithm::RsaOaep256 => key
                .decrypt_blinded(&mut rng, Oaep::new::<Sha256>(), ciphertext)
                .map_err(|_| error::oaep_decoding()),
            EncryptionAlgorithm::Rsa1_5 => key
                .decrypt_blinded(&mut rng, Pkcs1v15Encrypt, ciphertext)
                .map_err(|_| error::pkcs1_decoding()),
        }
    }
}

impl PartialEq for RsaKey {
    fn eq(&self, other: &RsaKey) -> bool {
        self.private == other.private
    }
}

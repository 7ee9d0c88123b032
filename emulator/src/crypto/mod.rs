//! Key material and the cryptographic operations of the keys plane: RSA and EC key pairs
//! (generate, import from a JWK, export), `sign`/`verify` over a client-side digest,
//! `encrypt`/`decrypt` (also what `wrapkey`/`unwrapkey` do), and OS randomness for `/rng`.
//!
//! Pure Rust (RustCrypto: `rsa`, `p256`, `p384`, `p521`, `k256`, `sha1`, `sha2`); no HTTP types.
//! Every refusal is a [`CryptoError`] (`BadParameter` + the service's message, and an inner
//! code where the service sends one); nothing here panics on any input.
//!
//! # Error messages: which are the real service's and which are ours
//!
//! Real Azure Key Vault wording, as quoted from real responses in public issue reports:
//! - `Invalid kty value: oct` + innererror `KeyTypeNotSupported` (create/import of `oct`):
//!   Azure/azure-sdk-for-net#13437 (raw body), Azure/azure-sdk-for-java#12898 and #31588,
//!   Azure/azure-sdk-for-js#26212.
//! - `Invalid length of 'value': 43 bytes. ES256 requires 32 bytes, encoded with base64url.`
//!   (sign digest length): Azure/azure-cli#28027, Azure/azure-sdk-for-python#4399,
//!   Azure/azure-sdk-for-js#12654 (`RS256 requires 32 bytes`).
//! - `Key and signing algorithm are incompatible. Key <kid> uses curve 'SECP256K1', and
//!   algorithm 'ES256K' can only be used with curve 'P-256K'.` (curve/algorithm mismatch):
//!   Azure/azure-sdk-for-java#6262, Azure/azure-sdk-for-node#4603, celo-org/celo-monorepo#5703.
//! - `Unsupported key size (4096). Supported sizes are [256, 384, 521]` + innererror
//!   `KeySizeNotSupported` (EC): MicrosoftDocs/azure-docs#115129 and #88477.
//! - `Error occurred while decoding OAEP padding.` (OAEP decryption failure):
//!   Azure/azure-sdk-for-net#18947 (raw body), Azure/azure-sdk-for-js#28100,
//!   MicrosoftDocs/azure-docs#39976.
//! - `The property "key" must be a valid JsonWebKey object.` (malformed import JWK):
//!   Azure/azure-sdk-for-java#19529 and #3405, Azure/azure-sdk-for-python#11822, Azure/azure-cli#7150.
//! - `RSA key is not valid - cannot instantiate crypto service` (inconsistent RSA import):
//!   Azure/azure-sdk-for-go#22173, Azure/azure-sdk-for-python#28452.
//!
//! Guesses (no real response found; our own wording, in the service's style):
//! - RSA key size: `Unsupported key size (1024). Supported sizes are [2048, 3072, 4096]`
//!   (the format is the real EC one, the list is inferred).
//! - verify digest length: `Invalid length of 'digest': ...` (the sign message with the
//!   verify request's field name).
//! - RSA algorithm on an EC key and vice versa, and RSA encryption on an EC key:
//!   `Key and signing algorithm are incompatible. Key <kid> is an EC key, and algorithm 'RS256'
//!   can only be used with RSA keys.` (and the `encryption` variant).
//! - AES algorithms (A128GCM, A256KW, A128CBCPAD, ...), which need an `oct` key a vault never
//!   holds; unknown `alg`, `crv` and `kty` values (`Invalid alg value: X`, `Invalid crv value: X`,
//!   `Invalid kty value: X`, the latter with `KeyTypeNotSupported` as for `oct`).
//! - `EC key is not valid - cannot instantiate crypto service` (by analogy with the RSA one).
//! - plaintext too long, ciphertext of the wrong length (the .NET wording
//!   `The length of the data to decrypt is not valid for the size of this key.`), RSA1_5
//!   decryption failure, BYOK (`key_hsm`) import.
//!
//! # Behaviour follows the real service
//! - `public_exponent` on create is ignored: Key Vault (unlike Managed HSM) always makes
//!   e = 65537 (Azure/azure-sdk-for-go#19624; Azure/azure-rest-api-specs#21762 documents that
//!   the parameter applies only to Managed HSM).
//! - RSA sizes 2048, 3072, 4096 for create and import (Key Vault docs "Key types, algorithms,
//!   and operations"; 1024 is refused, Azure/azure-cli#2613). Curves P-256, P-384, P-521, P-256K.
//! - PSS: salt length = hash length, MGF1 with the same hash (RFC 7518, what the SDKs' local
//!   providers and WebCrypto use). Verification is strict about the salt length.

mod ec;
mod error;
mod jwk;
mod keypair;
mod rsa;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_import;
#[cfg(test)]
mod tests_kat;

pub use error::CryptoError;
pub use jwk::{b64url_decode, b64url_encode, JsonWebKey};
pub use keypair::KeyPair;

use rand_core::{OsRng, RngCore};

/// Every operation a key may allow (`key_ops`).
pub const KEY_OPS: [&str; 8] = [
    "encrypt",
    "decrypt",
    "sign",
    "verify",
    "wrapKey",
    "unwrapKey",
    "import",
    "export",
];

/// `kty` of a Key Vault key the emulator can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyType {
    Rsa,
    RsaHsm,
    Ec,
    EcHsm,
}

impl KeyType {
    /// The wire name: `RSA`, `RSA-HSM`, `EC`, `EC-HSM`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::Rsa => "RSA",
            KeyType::RsaHsm => "RSA-HSM",
            KeyType::Ec => "EC",
            KeyType::EcHsm => "EC-HSM",
        }
    }

    /// Parses a wire `kty`; `oct`, `oct-HSM` and anything else are refused as the service
    /// refuses them (`Invalid kty value: oct`, inner code `KeyTypeNotSupported`).
    pub fn parse(s: &str) -> Result<KeyType, CryptoError> {
        match s {
            "RSA" => Ok(KeyType::Rsa),
            "RSA-HSM" => Ok(KeyType::RsaHsm),
            "EC" => Ok(KeyType::Ec),
            "EC-HSM" => Ok(KeyType::EcHsm),
            other => Err(error::invalid_kty(other)),
        }
    }

    pub fn is_hsm(self) -> bool {
        matches!(self, KeyType::RsaHsm | KeyType::EcHsm)
    }

    pub fn is_rsa(self) -> bool {
        matches!(self, KeyType::Rsa | KeyType::RsaHsm)
    }

    /// The same family with or without HSM protection (an import with `"Hsm": true` of an
    /// `RSA` JWK is stored as `RSA-HSM`).
    pub fn with_hsm(self, hsm: bool) -> KeyType {
        match (self.is_rsa(), hsm) {
            (true, false) => KeyType::Rsa,
            (true, true) => KeyType::RsaHsm,
            (false, false) => KeyType::Ec,
            (false, true) => KeyType::EcHsm,
        }
    }

    /// `key_ops` the service gives a key created or imported without `key_ops`: RSA
    /// encrypt decrypt sign verify wrapKey unwrapKey, EC sign verify.
    pub fn default_key_ops(self) -> &'static [&'static str] {
        if self.is_rsa() {
            &KEY_OPS[..6]
        } else {
            &KEY_OPS[2..4]
        }
    }
}

/// Elliptic curve of an EC key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    P256,
    P384,
    P521,
    P256K,
}

impl Curve {
    /// The wire name: `P-256`, `P-384`, `P-521`, `P-256K`.
    pub fn as_str(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::P256K => "P-256K",
        }
    }

    pub fn parse(s: &str) -> Result<Curve, CryptoError> {
        match s {
            "P-256" => Ok(Curve::P256),
            "P-384" => Ok(Curve::P384),
            "P-521" => Ok(Curve::P521),
            "P-256K" => Ok(Curve::P256K),
            other => Err(error::invalid_crv(other)),
        }
    }

    /// Key size in bits as the service reports it (`key_size` 256, 384, 521; P-256K is 256).
    pub fn key_size(self) -> u32 {
        match self {
            Curve::P256 | Curve::P256K => 256,
            Curve::P384 => 384,
            Curve::P521 => 521,
        }
    }

    /// Length in bytes of a coordinate, of `d`, and of each half of a raw signature.
    pub fn coordinate_len(self) -> usize {
        match self {
            Curve::P256 | Curve::P256K => 32,
            Curve::P384 => 48,
            Curve::P521 => 66,
        }
    }

    /// The one signature algorithm this curve signs with.
    pub fn signature_algorithm(self) -> SignatureAlgorithm {
        match self {
            Curve::P256 => SignatureAlgorithm::ES256,
            Curve::P384 => SignatureAlgorithm::ES384,
            Curve::P521 => SignatureAlgorithm::ES512,
            Curve::P256K => SignatureAlgorithm::ES256K,
        }
    }
}

/// `alg` of `sign`/`verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureAlgorithm {
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    ES256K,
}

impl SignatureAlgorithm {
    pub const ALL: [SignatureAlgorithm; 10] = [
        SignatureAlgorithm::RS256,
        SignatureAlgorithm::RS384,
        SignatureAlgorithm::RS512,
        SignatureAlgorithm::PS256,
        SignatureAlgorithm::PS384,
        SignatureAlgorithm::PS512,
        SignatureAlgorithm::ES256,
        SignatureAlgorithm::ES384,
        SignatureAlgorithm::ES512,
        SignatureAlgorithm::ES256K,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SignatureAlgorithm::RS256 => "RS256",
            SignatureAlgorithm::RS384 => "RS384",
            SignatureAlgorithm::RS512 => "RS512",
            SignatureAlgorithm::PS256 => "PS256",
            SignatureAlgorithm::PS384 => "PS384",
            SignatureAlgorithm::PS512 => "PS512",
            SignatureAlgorithm::ES256 => "ES256",
            SignatureAlgorithm::ES384 => "ES384",
            SignatureAlgorithm::ES512 => "ES512",
            SignatureAlgorithm::ES256K => "ES256K",
        }
    }

    /// Parses a wire `alg`; anything else (including the reserved `RSNULL`) is refused.
    pub fn parse(s: &str) -> Result<SignatureAlgorithm, CryptoError> {
        SignatureAlgorithm::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| error::invalid_alg(s))
    }

    /// Length in bytes of the digest the client must send (SHA-256/384/512).
    pub fn digest_len(self) -> usize {
        match self {
            SignatureAlgorithm::RS256
            | SignatureAlgorithm::PS256
            | SignatureAlgorithm::ES256
            | SignatureAlgorithm::ES256K => 32,
            SignatureAlgorithm::RS384 | SignatureAlgorithm::PS384 | SignatureAlgorithm::ES384 => 48,
            SignatureAlgorithm::RS512 | SignatureAlgorithm::PS512 | SignatureAlgorithm::ES512 => 64,
        }
    }

    /// `true` for RS*/PS*, `false` for ES*.
    pub fn is_rsa(self) -> bool {
        self.curve().is_none()
    }

    /// The curve an ES* algorithm needs; `None` for RSA algorithms.
    pub fn curve(self) -> Option<Curve> {
        match self {
            SignatureAlgorithm::ES256 => Some(Curve::P256),
            SignatureAlgorithm::ES384 => Some(Curve::P384),
            SignatureAlgorithm::ES512 => Some(Curve::P521),
            SignatureAlgorithm::ES256K => Some(Curve::P256K),
            _ => None,
        }
    }
}

/// `alg` of `encrypt`/`decrypt`/`wrapkey`/`unwrapkey` on an RSA key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EncryptionAlgorithm {
    RsaOaep,
    RsaOaep256,
    Rsa1_5,
}

/// The symmetric algorithms of the spec's enum: valid only for `oct` keys (Managed HSM).
const SYMMETRIC_ALGORITHMS: [&str; 14] = [
    "A128GCM",
    "A192GCM",
    "A256GCM",
    "A128KW",
    "A192KW",
    "A256KW",
    "A128CBC",
    "A192CBC",
    "A256CBC",
    "A128CBCPAD",
    "A192CBCPAD",
    "A256CBCPAD",
    "CKM_AES_KEY_WRAP",
    "CKM_AES_KEY_WRAP_PAD",
];

impl EncryptionAlgorithm {
    pub const ALL: [EncryptionAlgorithm; 3] = [
        EncryptionAlgorithm::RsaOaep,
        EncryptionAlgorithm::RsaOaep256,
        EncryptionAlgorithm::Rsa1_5,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EncryptionAlgorithm::RsaOaep => "RSA-OAEP",
            EncryptionAlgorithm::RsaOaep256 => "RSA-OAEP-256",
            EncryptionAlgorithm::Rsa1_5 => "RSA1_5",
        }
    }

    /// Parses a wire `alg`. The AES algorithms are refused as incompatible with the (RSA or
    /// EC) keys a vault holds; anything else as an invalid value.
    pub fn parse(s: &str) -> Result<EncryptionAlgorithm, CryptoError> {
        if let Some(alg) = EncryptionAlgorithm::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
        {
            return Ok(alg);
        }
        if SYMMETRIC_ALGORITHMS.contains(&s) {
            return Err(error::symmetric_algorithm(s));
        }
        Err(error::invalid_alg(s))
    }

    /// The largest plaintext this algorithm encrypts under a modulus of `modulus_len` bytes
    /// (RFC 8017: OAEP k - 2·hLen - 2, PKCS#1 v1.5 k - 11).
    pub fn max_plaintext_len(self, modulus_len: usize) -> usize {
        let overhead = match self {
            EncryptionAlgorithm::RsaOaep => 2 * 20 + 2,
            EncryptionAlgorithm::RsaOaep256 => 2 * 32 + 2,
            EncryptionAlgorithm::Rsa1_5 => 11,
        };
        modulus_len.saturating_sub(overhead)
    }
}

/// `count` bytes of OS randomness (for `POST /rng`; the caller enforces the service's
/// 1..=128 range, this allocates whatever it is asked for).
pub fn random_bytes(count: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; count];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

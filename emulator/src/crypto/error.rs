//! [`CryptoError`] and every message the crypto layer produces (sources and guesses are
//! listed in `mod.rs`).

use std::fmt;

/// Why an operation was refused; the HTTP layer turns it into a 400
/// `{"error":{"code":code,"message":message[,"innererror":{"code":inner_code}]}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CryptoError {
    /// `BadParameter` for everything this module refuses.
    pub code: &'static str,
    pub message: String,
    /// The service's `innererror.code`, when it sends one (`KeyTypeNotSupported`,
    /// `KeySizeNotSupported`).
    pub inner_code: Option<&'static str>,
    /// Where [`CryptoError::with_key_id`] inserts ` <kid>` into `message`.
    kid_at: Option<usize>,
}

impl CryptoError {
    /// A `BadParameter` error with `message`.
    pub fn bad_parameter(message: impl Into<String>) -> CryptoError {
        CryptoError {
            code: "BadParameter",
            message: message.into(),
            inner_code: None,
            kid_at: None,
        }
    }

    fn with_inner(mut self, inner_code: &'static str) -> CryptoError {
        self.inner_code = Some(inner_code);
        self
    }

    /// Names the key in messages the service phrases with the key id ("... Key
    /// https://v.vault.azure.net/keys/k/0123... uses curve ..."); other messages are unchanged.
    /// Without it those messages read "... Key uses curve ...".
    pub fn with_key_id(mut self, kid: &str) -> CryptoError {
        if let Some(at) = self.kid_at.take() {
            if self.message.is_char_boundary(at) {
                self.message.insert_str(at, &format!(" {kid}"));
            }
        }
        self
    }
}

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for CryptoError {}

/// "Key and {kind} algorithm are incompatible. Key" + [kid] + rest.
fn incompatible(kind: &str, rest: String) -> CryptoError {
    let head = format!("Key and {kind} algorithm are incompatible. Key");
    let at = head.len();
    let mut e = CryptoError::bad_parameter(format!("{head} {rest}"));
    e.kid_at = Some(at);
    e
}

// --- Real service wording --------------------------------------------------------------

pub(crate) fn invalid_kty(kty: &str) -> CryptoError {
    CryptoError::bad_parameter(format!("Invalid kty value: {kty}"))
        .with_inner("KeyTypeNotSupported")
}

pub(crate) fn digest_length(field: &str, got: usize, alg: &str, want: usize) -> CryptoError {
    CryptoError::bad_parameter(format!(
        "Invalid length of '{field}': {got} bytes. {alg} requires {want} bytes, encoded with base64url."
    ))
}

pub(crate) fn curve_mismatch(key_curve: &str, alg: &str, alg_curve: &str) -> CryptoError {
    incompatible(
        "signing",
        format!(
            "uses curve '{key_curve}', and algorithm '{alg}' can only be used with curve '{alg_curve}'."
        ),
    )
}

pub(crate) fn unsupported_key_size(size: u64, supported: &str) -> CryptoError {
    CryptoError::bad_parameter(format!(
        "Unsupported key size ({size}). Supported sizes are [{supported}]"
    ))
    .with_inner("KeySizeNotSupported")
}

pub(crate) fn oaep_decoding() -> CryptoError {
    CryptoError::bad_parameter("Error occurred while decoding OAEP padding.")
}

pub(crate) fn invalid_jwk() -> CryptoError {
    CryptoError::bad_parameter("The property \"key\" must be a valid JsonWebKey object.")
}

pub(crate) fn invalid_rsa_key() -> CryptoError {
    CryptoError::bad_parameter("RSA key is not valid - cannot instantiate crypto service")
}

// --- Our wording (guesses) --------------------------------------------------------------

pub(crate) fn invalid_alg(alg: &str) -> CryptoError {
    CryptoError::bad_parameter(format!("Invalid alg value: {alg}"))
}

pub(crate) fn invalid_crv(crv: &str) -> CryptoError {
    CryptoError::bad_parameter(format!("Invalid crv value: {crv}"))
}

pub(crate) fn symmetric_algorithm(alg: &str) -> CryptoError {
    CryptoError::bad_parameter(format!(
        "Key and encryption algorithm are incompatible. Algorithm '{alg}' can only be used with \
         symmetric keys (kty 'oct' or 'oct-HSM'), which Key Vault does not support."
    ))
}

pub(crate) fn sign_key_type(key_is_rsa: bool, alg: &str) -> CryptoError {
    let (is, needs) = if key_is_rsa {
        ("an RSA", "EC")
    } else {
        ("an EC", "RSA")
    };
    incompatible(
        "signing",
        format!("is {is} key, and algorithm '{alg}' can only be used with {needs} keys."),
    )
}

pub(crate) fn encrypt_key_type(alg: &str) -> CryptoError {
    incompatible(
        "encryption",
        format!("is an EC key, and algorithm '{alg}' can only be used with RSA keys."),
    )
}

pub(crate) fn invalid_ec_key() -> CryptoError {
    CryptoError::bad_parameter("EC key is not valid - cannot instantiate crypto service")
}

pub(crate) fn byok_unsupported() -> CryptoError {
    CryptoError::bad_parameter(
        "Importing a BYOK key (key_hsm) is not supported by the emulator; import the key's \
         private parts in the JWK instead.",
    )
}

pub(crate) fn plaintext_too_long(got: usize, alg: &str, bits: u32, max: usize) -> CryptoError {
    CryptoError::bad_parameter(format!(
        "Invalid length of 'value': {got} bytes. {alg} with a {bits}-bit key can encrypt at most {max} bytes."
    ))
}

pub(crate) fn ciphertext_length() -> CryptoError {
    CryptoError::bad_parameter(
        "The length of the data to decrypt is not valid for the size of this key.",
    )
}

pub(crate) fn pkcs1_decoding() -> CryptoError {
    CryptoError::bad_parameter("Error occurred while decoding PKCS1 padding.")
}

/// A RustCrypto call failed where our own checks said it could not (not reachable by input).
pub(crate) fn operation_failed(what: &str) -> CryptoError {
    CryptoError::bad_parameter(format!("The {what} operation failed."))
}

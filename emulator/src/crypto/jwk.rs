//! [`JsonWebKey`] as Key Vault sends and accepts it, and the base64url codec of its fields.

use std::fmt;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use super::error::{self, CryptoError};

/// JSON Web Key with Key Vault's wire names. Binary fields are raw bytes here and base64url
/// without padding on the wire; on input padding, the standard alphabet (`+`, `/`) and
/// non-zero trailing bits are accepted too (an inference: the service is .NET, whose base64url
/// decoders map `-_` to `+/` and decode as base64). Unknown fields are ignored; `None` fields
/// are not serialized.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsonWebKey {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kty: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_ops: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "b64")]
    pub n: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "b64")]
    pub e: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "b64")]
    pub d: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "b64")]
    pub dp: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "b64")]
    pub dq: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "b64")]
    pub qi: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "b64")]
    pub p: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "b64")]
    pub q: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "b64")]
    pub k: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "b64")]
    pub key_hsm: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "b64")]
    pub x: Option<Vec<u8>>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "b64")]
    pub y: Option<Vec<u8>>,
}

impl JsonWebKey {
    /// Parses the `key` property of an import body. Any shape or encoding problem is the
    /// service's `The property "key" must be a valid JsonWebKey object.`
    pub fn from_value(value: &serde_json::Value) -> Result<JsonWebKey, CryptoError> {
        if !value.is_object() {
            return Err(error::invalid_jwk());
        }
        JsonWebKey::deserialize(value).map_err(|_| error::invalid_jwk())
    }

    /// Whether any private part (`d`, `p`, `q`, `dp`, `dq`, `qi`, `k`) is present.
    pub fn has_private_parts(&self) -> bool {
        [
            &self.d, &self.p, &self.q, &self.dp, &self.dq, &self.qi, &self.k,
        ]
        .iter()
        .any(|f| f.is_some())
    }
}

/// Private parts are never printed.
impl fmt::Debug for JsonWebKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let present = |v: &Option<Vec<u8>>| v.as_ref().map(|b| format!("<{} bytes>", b.len()));
        let redacted = |v: &Option<Vec<u8>>| v.as_ref().map(|_| "<redacted>");
        f.debug_struct("JsonWebKey")
            .field("kid", &self.kid)
            .field("kty", &self.kty)
            .field("key_ops", &self.key_ops)
            .field("n", &present(&self.n))
            .field("e", &self.e.as_ref().map(|e| b64url_encode(e)))
            .field("d", &redacted(&self.d))
            .field("dp", &redacted(&self.dp))
            .field("dq", &redacted(&self.dq))
            .field("qi", &redacted(&self.qi))
            .field("p", &redacted(&self.p))
            .field("q", &redacted(&self.q))
            .field("k", &redacted(&self.k))
            .field("key_hsm", &present(&self.key_hsm))
            .field("crv", &self.crv)
            .field("x", &self.x.as_ref().map(|x| b64url_encode(x)))
            .field("y", &self.y.as_ref().map(|y| b64url_encode(y)))
            .finish()
    }
}

/// Lenient decoder: URL-safe alphabet, no padding (stripped first), trailing bits allowed.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

/// base64url without padding, as the service sends binary fields.
pub fn b64url_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url with or without `=` padding; the standard alphabet's `+` and `/` are
/// accepted too. `None` for anything else (whitespace, misplaced padding, bad length).
pub fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    let unpadded = text
        .strip_suffix("==")
        .or_else(|| text.strip_suffix('='))
        .unwrap_or(text);
    if unpadded.len() != text.len() && text.len() % 4 != 0 {
        return None;
    }
    let translated: String = unpadded
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            other => other,
        })
        .collect();
    LENIENT.decode(translated.as_bytes()).ok()
}

/// serde adapter for `Option<Vec<u8>>` as a base64url string (or `null`/absent).
mod b64 {
    use serde::{de, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(bytes) => s.serialize_str(&super::b64url_encode(bytes)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => super::b64url_decode(&text)
                .map(Some)
                .ok_or_else(|| de::Error::custom("a JWK field is not base64url")),
        }
    }
}

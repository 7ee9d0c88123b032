//! Wire models of the secrets data plane (`ref/spec/2025-07-01/secrets.json`) and their
//! validation.
//!
//! Request bodies are parsed into the store's [`NewSecret`] / [`SecretPatch`] (responses are
//! written by `render.rs`). Limits come from
//! the service docs (`ref/SERVICE-NOTES.md` §8); where the service's wording is unknown the
//! messages are our own, always with code `BadParameter`.

use serde::Deserialize;

use crate::error::ApiError;
use crate::store::{NewSecret, SecretPatch, SecretVersion, Tags};

/// "25 KB" (About secrets) read as 25 × 1024 bytes.
pub const MAX_VALUE_BYTES: usize = 25 * 1024;
pub const MAX_CONTENT_TYPE_CHARS: usize = 255;
pub const MAX_TAGS: usize = 15;
pub const MAX_TAG_CHARS: usize = 256;
pub const MAX_NAME_CHARS: usize = 127;
/// The range of .NET `DateTime` (0001-01-01 .. 9999-12-31T23:59:59), which the service is
/// assumed to use for `nbf`/`exp`; anything outside it cannot be a real date there.
pub const MIN_UNIX_TIME: i64 = -62_135_596_800;
pub const MAX_UNIX_TIME: i64 = 253_402_300_799;

/// The attributes every object's requests carry; read-only fields are ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attributes {
    pub enabled: Option<bool>,
    pub nbf: Option<i64>,
    pub exp: Option<i64>,
}

/// `SecretSetParameters`: the body of `PUT /secrets/{name}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SecretSetParameters {
    value: Option<String>,
    content_type: Option<String>,
    tags: Option<Tags>,
    attributes: Option<Attributes>,
}

/// `SecretUpdateParameters`: the body of `PATCH /secrets/{name}/{version}`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SecretUpdateParameters {
    content_type: Option<String>,
    tags: Option<Tags>,
    attributes: Option<Attributes>,
}

/// Parses and validates a `SecretSetParameters` body.
pub fn parse_set(body: &[u8]) -> Result<NewSecret, ApiError> {
    let params: SecretSetParameters = parse_json(body)?;
    let value = params
        .value
        .ok_or_else(|| ApiError::bad_parameter("The parameter 'value' is required."))?;
    if value.len() > MAX_VALUE_BYTES {
        return Err(ApiError::bad_parameter(format!(
            "The secret value is {} bytes long; the maximum is {MAX_VALUE_BYTES} bytes.",
            value.len()
        )));
    }
    let attributes = params.attributes.unwrap_or_default();
    validate_properties(
        params.content_type.as_deref(),
        params.tags.as_ref(),
        &attributes,
    )?;
    Ok(NewSecret {
        value,
        content_type: params.content_type,
        tags: params.tags,
        enabled: attributes.enabled,
        not_before: attributes.nbf,
        expires: attributes.exp,
    })
}

/// Parses and validates a `SecretUpdateParameters` body.
pub fn parse_update(body: &[u8]) -> Result<SecretPatch, ApiError> {
    let params: SecretUpdateParameters = parse_json(body)?;
    let attributes = params.attributes.unwrap_or_default();
    validate_properties(
        params.content_type.as_deref(),
        params.tags.as_ref(),
        &attributes,
    )?;
    Ok(SecretPatch {
        content_type: params.content_type,
        tags: params.tags,
        enabled: attributes.enabled,
        not_before: attributes.nbf,
        expires: attributes.exp,
    })
}

/// Checks a secret version a restore would store, as `PUT` and `PATCH` check theirs.
pub fn check_restored_secret(v: &SecretVersion) -> Result<(), ApiError> {
    if v.value.len() > MAX_VALUE_BYTES {
        return Err(ApiError::bad_parameter(format!(
            "The secret value is {} bytes long; the maximum is {MAX_VALUE_BYTES} bytes.",
            v.value.len()
        )));
    }
    let attributes = Attributes {
        enabled: Some(v.enabled),
        nbf: v.not_before,
        exp: v.expires,
    };
    validate_properties(v.content_type.as_deref(), v.tags.as_ref(), &attributes)?;
    validate_times(v.created, v.updated)
}

/// Checks the `created` and `updated` of a restored version: dates of years 1 to 9999, like
/// every date the emulator writes.
pub fn validate_times(created: i64, updated: i64) -> Result<(), ApiError> {
    for (field, t) in [("created", created), ("updated", updated)] {
        if !(MIN_UNIX_TIME..=MAX_UNIX_TIME).contains(&t) {
            return Err(ApiError::bad_parameter(format!(
                "The attribute '{field}' is out of range: {t}."
            )));
        }
    }
    Ok(())
}

/// Checks an object name: `[0-9a-zA-Z-]{1,127}`.
pub fn validate_name(name: &str) -> Result<(), ApiError> {
    let valid = !name.is_empty()
        && name.len() <= MAX_NAME_CHARS
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(ApiError::invalid_name(name))
    }
}

/// Checks a version id: 32 hex characters (ids are case-insensitive, so either case).
pub fn validate_version(version: &str) -> Result<(), ApiError> {
    if version.len() == 32 && version.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(ApiError::bad_parameter(format!(
            "The request URI contains an invalid version: {version}"
        )))
    }
}

/// Parses a JSON request body; anything malformed is a 400 `BadParameter`.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_parameter(format!("The request body is invalid: {e}")))
}

/// A length as the service counts it: UTF-16 code units (as .NET and JavaScript strings do),
/// so one emoji counts two.
fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Checks the properties both planes share: content type, tags, `nbf`/`exp` range.
pub fn validate_properties(
    content_type: Option<&str>,
    tags: Option<&Tags>,
    attributes: &Attributes,
) -> Result<(), ApiError> {
    if let Some(ct) = content_type {
        if utf16_len(ct) > MAX_CONTENT_TYPE_CHARS {
            return Err(ApiError::bad_parameter(format!(
                "The parameter 'contentType' is longer than {MAX_CONTENT_TYPE_CHARS} characters."
            )));
        }
    }
    if let Some(tags) = tags {
        validate_tags(tags)?;
    }
    for (field, value) in [("nbf", attributes.nbf), ("exp", attributes.exp)] {
        if let Some(t) = value {
            if !(MIN_UNIX_TIME..=MAX_UNIX_TIME).contains(&t) {
                return Err(ApiError::bad_parameter(format!(
                    "The attribute '{field}' is out of range: {t}."
                )));
            }
        }
    }
    Ok(())
}

fn validate_tags(tags: &Tags) -> Result<(), ApiError> {
    if tags.len() > MAX_TAGS {
        return Err(ApiError::bad_parameter(format!(
            "There are {} tags; the maximum is {MAX_TAGS}.",
            tags.len()
        )));
    }
    for (name, value) in tags {
        if utf16_len(name) > MAX_TAG_CHARS {
            return Err(ApiError::bad_parameter(format!(
                "A tag name is longer than {MAX_TAG_CHARS} characters."
            )));
        }
        if utf16_len(value) > MAX_TAG_CHARS {
            return Err(ApiError::bad_parameter(format!(
                "The value of a tag is longer than {MAX_TAG_CHARS} characters."
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_parameters_are_validated() {
        assert!(
            parse_set(br#"{"value":"v","attributes":{"created":5,"recoveryLevel":"x"}}"#).is_ok()
        );
        for bad in [
            &br#"{"contentType":"x"}"#[..],
            br#"{"value":5}"#,
            br#"{"value":"v","tags":{"a":1}}"#,
            br#"{"value":"v","attributes":{"exp":1.5}}"#,
            br#"{"value":"v","attributes":{"exp":253402300800}}"#,
            br#"{"value":"v","attributes":{"enabled":"yes"}}"#,
            br#"[]"#,
            b"",
            b"{",
        ] {
            let err = parse_set(bad).unwrap_err();
            assert_eq!(err.code, "BadParameter", "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn lengths_are_utf16_units_as_the_service_and_the_client_count_them() {
        let attrs = Attributes::default();
        let tags = |name: String, value: String| -> Tags { [(name, value)].into_iter().collect() };
        let ok = |ct: &str, t: Tags| validate_properties(Some(ct), Some(&t), &attrs).is_ok();
        assert!(ok(&"é".repeat(255), tags("😀".repeat(128), "v".into())));
        assert!(
            !ok(&"😀".repeat(128), tags("t".into(), "v".into())),
            "256 units of contentType"
        );
        assert!(!ok("x", tags("😀".repeat(129), "v".into())));
        assert!(!ok("x", tags("t".into(), format!("{}a", "😀".repeat(128)))));
    }

    #[test]
    fn names_and_versions() {
        assert!(validate_name("a-Z-09").is_ok());
        assert!(validate_name(&"a".repeat(127)).is_ok());
        assert!(validate_name(&"a".repeat(128)).is_err());
        assert!(validate_name("a_b").is_err());
        assert!(validate_name("").is_err());
        assert!(validate_version("62909ADF7f044dc8b1838da90306af40").is_ok());
        assert!(validate_version("62909adf").is_err());
    }
}

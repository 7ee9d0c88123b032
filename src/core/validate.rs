//! Argument rules, checked before anything is sent. Limits are the service's documented ones.

use super::error::{Error, Result};
use super::vault_url::quoted;

pub const MAX_NAME_LEN: usize = 127;
/// "Secret values ... with a maximum size of 25 KB each".
pub const MAX_VALUE_BYTES: usize = 25 * 1024;
pub const MAX_CONTENT_TYPE_LEN: usize = 255;
pub const MAX_TAGS: usize = 15;
pub const MAX_TAG_LEN: usize = 256;

/// Lengths are counted the way JavaScript counts them (UTF-16 code units).
fn js_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// A key name: `^[0-9a-zA-Z-]{1,127}$`.
pub fn name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::range_error(format!(
            "name must be 1-127 characters of 0-9, a-z, A-Z and '-': {}",
            quoted(name)
        )))
    }
}

/// A version id: 32 hexadecimal characters.
pub fn version(version: &str) -> Result<()> {
    if version.len() == 32 && version.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(Error::range_error(format!("version must be 32 hexadecimal characters: {}", quoted(version))))
    }
}

pub fn value(value: &str) -> Result<()> {
    if value.len() > MAX_VALUE_BYTES {
        return Err(Error::range_error(format!(
            "value is {} bytes as UTF-8; the service accepts at most {MAX_VALUE_BYTES}",
            value.len()
        )));
    }
    Ok(())
}

pub fn content_type(ct: &str) -> Result<()> {
    if js_len(ct) > MAX_CONTENT_TYPE_LEN {
        return Err(Error::range_error(format!(
            "contentType is longer than {MAX_CONTENT_TYPE_LEN} characters"
        )));
    }
    Ok(())
}

pub fn tags(tags: &[(String, String)]) -> Result<()> {
    if tags.len() > MAX_TAGS {
        return Err(Error::range_error(format!("tags has {} entries; at most {MAX_TAGS} are allowed", tags.len())));
    }
    for (k, v) in tags {
        if k.is_empty() || js_len(k) > MAX_TAG_LEN {
            return Err(Error::range_error(format!(
                "tag name must be 1-{MAX_TAG_LEN} characters: {}",
                quoted(k)
            )));
        }
        if js_len(v) > MAX_TAG_LEN {
            return Err(Error::range_error(format!(
                "value of tag {} is longer than {MAX_TAG_LEN} characters",
                quoted(k)
            )));
        }
    }
    Ok(())
}

/// A REST api-version such as `2025-07-01` or `7.5`; the service decides which it supports.
pub fn service_version(v: &str) -> Result<()> {
    let ok = !v.is_empty() && v.len() <= 32 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::range_error(format!("serviceVersion is not an api-version: {}", quoted(v))))
    }
}

/// A `userAgentOptions.userAgentPrefix`: it goes into a header, so printable ASCII only.
pub fn user_agent_prefix(p: &str) -> Result<()> {
    if p.len() <= 256 && p.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Ok(())
    } else {
        Err(Error::range_error("userAgentPrefix must be at most 256 printable ASCII characters"))
    }
}

/// Unix seconds for a JavaScript time value (milliseconds); `None` for an invalid Date.
///
/// Floors, so a Date before 1970 with a fractional second still lands on the second it is in.
pub fn unix_seconds(ms: f64) -> Option<i64> {
    // ±8.64e15 ms is the whole range of a JavaScript Date.
    (ms.is_finite() && ms.abs() <= 8.64e15).then(|| (ms / 1000.0).floor() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(name("myKey").is_ok());
        assert!(name("a-1").is_ok());
        assert!(name(&"a".repeat(127)).is_ok());
        for bad in ["", "a_b", "a/b", "../x", "%2e%2e", "ключ", "a b", &"a".repeat(128)] {
            assert!(name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn versions() {
        assert!(version("ec34e7acf228480eb4e58a3a0d0fbd92").is_ok());
        assert!(version("EC34E7ACF228480EB4E58A3A0D0FBD92").is_ok());
        assert!(version("ec34e7acf228480eb4e58a3a0d0fbd9").is_err());
        assert!(version("../34e7acf228480eb4e58a3a0d0fbd92").is_err());
    }

    #[test]
    fn limits() {
        assert!(value(&"x".repeat(MAX_VALUE_BYTES)).is_ok());
        assert!(value(&"x".repeat(MAX_VALUE_BYTES + 1)).is_err());
        assert!(value(&"é".repeat(MAX_VALUE_BYTES / 2 + 1)).is_err(), "counted as UTF-8 bytes");
        assert!(content_type(&"x".repeat(255)).is_ok());
        assert!(content_type(&"x".repeat(256)).is_err());
        let t = |n: usize| (0..n).map(|i| (format!("t{i}"), "v".into())).collect::<Vec<_>>();
        assert!(tags(&t(15)).is_ok());
        assert!(tags(&t(16)).is_err());
        assert!(tags(&[("k".repeat(256), "v".repeat(256))]).is_ok());
        assert!(tags(&[("k".repeat(257), String::new())]).is_err());
        assert!(tags(&[("k".into(), "v".repeat(257))]).is_err());
        assert!(tags(&[(String::new(), "v".into())]).is_err());
    }

    #[test]
    fn seconds() {
        assert_eq!(unix_seconds(4_102_444_800_000.0), Some(4_102_444_800), "2100-01-01 has no 2038 problem");
        assert_eq!(unix_seconds(1_500.0), Some(1));
        assert_eq!(unix_seconds(-1.0), Some(-1));
        assert_eq!(unix_seconds(f64::NAN), None);
        assert_eq!(unix_seconds(9e15), None);
    }
}

//! Argument rules, checked before anything is sent. Limits are the service's documented ones.

use super::error::{Error, Result};
use super::text::{concat, int, quoted};

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
        Err(Error::range_error(concat(&[
            "name must be 1-127 characters of 0-9, a-z, A-Z and '-': ",
            &quoted(name),
        ])))
    }
}

/// A version id: 32 hexadecimal characters.
pub fn version(version: &str) -> Result<()> {
    if version.len() == 32 && version.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(Error::range_error(concat(&[
            "version must be 32 hexadecimal characters: ",
            &quoted(version),
        ])))
    }
}

pub fn value(value: &str) -> Result<()> {
    if value.len() > MAX_VALUE_BYTES {
        return Err(Error::range_error(concat(&[
            "value is ",
            &int(value.len() as i64),
            " bytes as UTF-8; the service accepts at most 25600",
        ])));
    }
    Ok(())
}

pub fn content_type(ct: &str) -> Result<()> {
    if js_len(ct) > MAX_CONTENT_TYPE_LEN {
        return Err(Error::range_error(
            "contentType is longer than 255 characters",
        ));
    }
    Ok(())
}

/// Tags as name, value, name, value...
pub fn tags(flat: &[String]) -> Result<()> {
    let count = flat.len() / 2;
    if count > MAX_TAGS {
        return Err(Error::range_error(concat(&[
            "tags has ",
            &int(count as i64),
            " entries; at most 15 are allowed",
        ])));
    }
    for pair in flat.chunks(2) {
        let (k, v) = (&pair[0], pair.get(1).map_or("", |v| v.as_str()));
        if k.is_empty() || js_len(k) > MAX_TAG_LEN {
            return Err(Error::range_error(concat(&[
                "tag name must be 1-256 characters: ",
                &quoted(k),
            ])));
        }
        if js_len(v) > MAX_TAG_LEN {
            return Err(Error::range_error(concat(&[
                "value of tag ",
                &quoted(k),
                " is longer than 256 characters",
            ])));
        }
    }
    Ok(())
}

/// A REST api-version such as `2025-07-01` or `7.5`; the service decides which it supports.
pub fn service_version(v: &str) -> Result<()> {
    let ok = !v.is_empty()
        && v.len() <= 32
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Error::range_error(concat(&[
            "serviceVersion is not an api-version: ",
            &quoted(v),
        ])))
    }
}

/// A `userAgentOptions.userAgentPrefix`: it goes into a header, so printable ASCII only.
pub fn user_agent_prefix(p: &str) -> Result<()> {
    if p.len() <= 256 && p.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Ok(())
    } else {
        Err(Error::range_error(
            "userAgentPrefix must be at most 256 printable ASCII characters",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(name("myKey").is_ok());
        assert!(name("a-1").is_ok());
        assert!(name(&"a".repeat(127)).is_ok());
        for bad in [
            "",
            "a_b",
            "a/b",
            "../x",
            "%2e%2e",
            "ключ",
            "a b",
            &"a".repeat(128),
        ] {
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
        assert!(
            value(&"é".repeat(MAX_VALUE_BYTES / 2 + 1)).is_err(),
            "counted as UTF-8 bytes"
        );
        assert!(content_type(&"x".repeat(255)).is_ok());
        assert!(content_type(&"x".repeat(256)).is_err());
        let t = |n: usize| {
            (0..n)
                .flat_map(|i| [format!("t{i}"), "v".into()])
                .collect::<Vec<_>>()
        };
        assert!(tags(&t(15)).is_ok());
        assert!(tags(&t(16)).is_err());
        assert!(tags(&["k".repeat(256), "v".repeat(256)]).is_ok());
        assert!(tags(&["k".repeat(257), String::new()]).is_err());
        assert!(tags(&["k".into(), "v".repeat(257)]).is_err());
        assert!(tags(&[String::new(), "v".into()]).is_err());
        assert!(
            tags(&["😀".repeat(128), "é".repeat(256)]).is_ok(),
            "UTF-16 units, as JavaScript counts"
        );
        assert!(tags(&["😀".repeat(129), String::new()]).is_err());
    }
}

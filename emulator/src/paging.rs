//! Listing parameters (`maxresults`, `$skiptoken`) and the `nextLink` of a page.
//!
//! The service's skiptoken is base64url JSON `{"NextMarker":"2!<n>!<base64 marker>",
//! "TargetLocation":0}` whose marker names the first item of the next page (an Azure Table
//! continuation: `000031!secret/<UPPER NAME>!000028!9999-12-31T23:59:59.9999999Z!`). Ours has the
//! same shape, so clients that log or inspect it see what they would see against the service;
//! clients must treat it as opaque either way. A page resumes at that item, so items created or
//! deleted between pages neither shift nor repeat the others.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// Largest (and default) page size, as on the service.
pub const MAX_RESULTS: usize = 25;

/// Which listing a skiptoken belongs to (the marker's table prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `GET /secrets` and `GET /secrets/{name}/versions`.
    Secret,
    /// `GET /deletedsecrets`.
    DeletedSecret,
    /// `GET /keys` and `GET /keys/{name}/versions`.
    Key,
    /// `GET /deletedkeys`.
    DeletedKey,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Secret => "secret/",
            Kind::DeletedSecret => "deletedsecret/",
            Kind::Key => "key/",
            Kind::DeletedKey => "deletedkey/",
        }
    }

    /// The listing of live objects (`deleted` false) or of soft-deleted ones.
    pub fn of(object: crate::plane::Object, deleted: bool) -> Kind {
        use crate::plane::Object;
        match (object, deleted) {
            (Object::Secret, false) => Kind::Secret,
            (Object::Secret, true) => Kind::DeletedSecret,
            (Object::Key, false) => Kind::Key,
            (Object::Key, true) => Kind::DeletedKey,
        }
    }
}

/// The query of a list request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    /// The `api-version` as sent (already validated by the middleware), repeated in `nextLink`.
    pub api_version: String,
    /// Page size.
    pub max: usize,
    /// `maxresults` if it was given (then repeated in `nextLink`).
    pub max_given: Option<usize>,
    /// Where the page starts: the marker path after the kind prefix (`NAME` or `NAME/VERSION`).
    pub from: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Token {
    #[serde(rename = "NextMarker")]
    next_marker: String,
    #[serde(rename = "TargetLocation")]
    target_location: u32,
}

/// Parses `api-version`, `maxresults` and `$skiptoken` (keys may be percent-encoded).
pub fn parse(query: Option<&str>, kind: Kind) -> Result<ListQuery, ApiError> {
    let mut api_version = String::new();
    let mut max_given = None;
    let mut from = None;
    for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        match &*key {
            "api-version" => api_version = value.into_owned(),
            "maxresults" => {
                let max = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_RESULTS).contains(n))
                    .ok_or_else(|| {
                        ApiError::bad_parameter(format!(
                            "The value '{value}' of the 'maxresults' parameter is invalid: it must \
                             be an integer between 1 and {MAX_RESULTS}."
                        ))
                    })?;
                max_given = Some(max);
            }
            "$skiptoken" if !value.is_empty() => {
                from = Some(decode(&value, kind).ok_or_else(|| {
                    ApiError::bad_parameter("The value of the '$skiptoken' parameter is invalid.")
                })?);
            }
            _ => {}
        }
    }
    Ok(ListQuery {
        api_version,
        max: max_given.unwrap_or(MAX_RESULTS),
        max_given,
        from,
    })
}

/// The absolute `nextLink` for a page that continues at marker path `next`
/// (`base` is `http://host:port`, `path` e.g. `/secrets`).
pub fn next_link(base: &str, path: &str, query: &ListQuery, kind: Kind, next: &str) -> String {
    let mut link = format!(
        "{base}{path}?api-version={}&$skiptoken={}",
        query.api_version,
        encode(kind, next)
    );
    if let Some(max) = query.max_given {
        link.push_str(&format!("&maxresults={max}"));
    }
    link
}

/// The skiptoken for marker path `next` (an upper-case name, or `NAME/VERSION`).
pub fn encode(kind: Kind, next: &str) -> String {
    let payload = format!("{}{next}", kind.prefix());
    let marker = format!(
        "{:06}!{payload}!000028!9999-12-31T23:59:59.9999999Z!",
        payload.len()
    );
    let inner = STANDARD.encode(marker).replace('=', "-");
    let token = Token {
        next_marker: format!("2!{}!{inner}", inner.len()),
        target_location: 0,
    };
    // A struct of a string and an integer always serializes.
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&token).unwrap_or_default())
}

/// The marker path inside a skiptoken, if it is one of ours for this kind of list.
pub fn decode(token: &str, kind: Kind) -> Option<String> {
    let json = URL_SAFE_NO_PAD.decode(token.trim_end_matches('=')).ok()?;
    let token: Token = serde_json::from_slice(&json).ok()?;
    let mut parts = token.next_marker.splitn(3, '!');
    let (_, _, inner) = (parts.next()?, parts.next()?, parts.next()?);
    let marker = STANDARD.decode(inner.replace('-', "=")).ok()?;
    let marker = String::from_utf8(marker).ok()?;
    let payload = marker.split('!').nth(1)?;
    let path = payload.strip_prefix(kind.prefix())?;
    (!path.is_empty()).then(|| path.to_owned())
}

/// `NAME/VERSION` → `VERSION` (a versions-list marker); `NAME` stays as it is.
pub fn last_segment(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_the_service_shape_and_round_trip() {
        // The recorded token for a page starting at GetPropertiesOfSecrets17.
        let recorded = "eyJOZXh0TWFya2VyIjoiMiExMDAhTURBd01ETXhJWE5sWTNKbGRDOUhSVlJRVWs5UVJWSlVTVVZUVDBaVFJVTlNSVlJUTVRjaE1EQXdNREk0SVRrNU9Ua3RNVEl0TXpGVU1qTTZOVGs2TlRrdU9UazVPVGs1T1ZvaCIsIlRhcmdldExvY2F0aW9uIjowfQ";
        assert_eq!(
            decode(recorded, Kind::Secret).as_deref(),
            Some("GETPROPERTIESOFSECRETS17")
        );
        assert_eq!(encode(Kind::Secret, "GETPROPERTIESOFSECRETS17"), recorded);
        let versions = encode(Kind::Secret, "NAME/0ABC");
        assert_eq!(
            decode(&versions, Kind::Secret).as_deref(),
            Some("NAME/0ABC")
        );
        assert_eq!(last_segment("NAME/0ABC"), "0ABC");
        assert_eq!(decode(&versions, Kind::DeletedSecret), None);
        assert_eq!(decode("garbage", Kind::Secret), None);
    }

    #[test]
    fn query_parameters() {
        let q = parse(Some("api%2Dversion=7.5&maxresults=10"), Kind::Secret).unwrap();
        assert_eq!(
            (q.api_version.as_str(), q.max, q.max_given),
            ("7.5", 10, Some(10))
        );
        let q = parse(Some("api-version=7.5"), Kind::Secret).unwrap();
        assert_eq!((q.max, q.max_given, q.from), (25, None, None));
        for bad in [
            "maxresults=0",
            "maxresults=26",
            "maxresults=x",
            "$skiptoken=abc",
        ] {
            let e = parse(Some(bad), Kind::Secret).unwrap_err();
            assert_eq!(e.code, "BadParameter", "{bad}");
        }
        let token = encode(Kind::DeletedSecret, "X");
        let q = parse(Some(&format!("%24skiptoken={token}")), Kind::DeletedSecret).unwrap();
        assert_eq!(q.from.as_deref(), Some("X"));
    }

    #[test]
    fn next_links_are_absolute_and_carry_the_query() {
        let q = parse(Some("api-version=7.3&maxresults=5"), Kind::Secret).unwrap();
        let link = next_link("http://h:1", "/secrets", &q, Kind::Secret, "B");
        assert_eq!(
            link,
            format!(
                "http://h:1/secrets?api-version=7.3&$skiptoken={}&maxresults=5",
                encode(Kind::Secret, "B")
            )
        );
    }
}

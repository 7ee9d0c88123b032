//! Wire shapes (REST `SecretBundle`, `SecretSetParameters`, ...) and the public shapes they map to.
//! This file is the one place where wire names meet public names.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use super::error::{Error, Result};

pub type Tags = Vec<(String, String)>;

/// Properties of one version of a key. Times are Unix seconds; the boundary makes them `Date`s.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KeyProperties {
    pub id: String,
    pub name: String,
    pub vault_url: String,
    pub version: String,
    pub enabled: Option<bool>,
    pub not_before: Option<i64>,
    pub expires_on: Option<i64>,
    pub created_on: Option<i64>,
    pub updated_on: Option<i64>,
    pub recovery_level: Option<String>,
    pub recoverable_days: Option<i64>,
    pub content_type: Option<String>,
    pub tags: Tags,
    pub managed: Option<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeyVaultKey {
    pub name: String,
    pub value: String,
    pub properties: KeyProperties,
}

/// What `setKey` and `updateKeyProperties` may send besides the value. `None` = not sent.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KeyOptions {
    pub content_type: Option<String>,
    pub enabled: Option<bool>,
    pub not_before: Option<i64>,
    pub expires_on: Option<i64>,
    pub tags: Option<Tags>,
}

// ---- requests ------------------------------------------------------------------------------

#[derive(Serialize)]
struct WireSetAttributes {
    #[serde(skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nbf: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<i64>,
}

struct TagsRef<'a>(&'a Tags);

impl Serialize for TagsRef<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct WireBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(rename = "contentType", skip_serializing_if = "Option::is_none")]
    content_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<WireSetAttributes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<TagsRef<'a>>,
}

/// The JSON body of `PUT /secrets/{name}` (with a value) or `PATCH` (without).
pub fn request_body(value: Option<&str>, options: &KeyOptions) -> String {
    let attrs = (options.enabled.is_some() || options.not_before.is_some() || options.expires_on.is_some())
        .then_some(WireSetAttributes {
            enabled: options.enabled,
            nbf: options.not_before,
            exp: options.expires_on,
        });
    let body = WireBody {
        value,
        content_type: options.content_type.as_deref(),
        attributes: attrs,
        tags: options.tags.as_ref().map(TagsRef),
    };
    // Serializing strings, bools and integers into a String cannot fail.
    serde_json::to_string(&body).unwrap_or_default()
}

// ---- responses -----------------------------------------------------------------------------

#[derive(Deserialize, Default)]
struct WireAttributes {
    enabled: Option<bool>,
    nbf: Option<i64>,
    exp: Option<i64>,
    created: Option<i64>,
    updated: Option<i64>,
    #[serde(rename = "recoveryLevel")]
    recovery_level: Option<String>,
    #[serde(rename = "recoverableDays")]
    recoverable_days: Option<i64>,
}

#[derive(Deserialize)]
struct WireSecretBundle {
    value: Option<String>,
    id: Option<String>,
    #[serde(rename = "contentType")]
    content_type: Option<String>,
    attributes: Option<WireAttributes>,
    #[serde(default, deserialize_with = "de_tags")]
    tags: Tags,
    managed: Option<bool>,
}

/// Tags keep the order the service sent them in (serde_json's own map would sort them).
fn de_tags<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Tags, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Tags;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object of string tags or null")
        }
        fn visit_unit<E>(self) -> std::result::Result<Tags, E> {
            Ok(Vec::new())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> std::result::Result<Tags, A::Error> {
            let mut tags = Vec::new();
            while let Some(entry) = m.next_entry::<String, String>()? {
                tags.push(entry);
            }
            Ok(tags)
        }
    }
    d.deserialize_any(V)
}

/// `https://{host}/secrets/{name}/{version}` -> (vault URL, name, version).
pub fn parse_id(id: &str) -> Option<(String, String, String)> {
    let scheme_end = id.find("://")? + 3;
    let path_start = scheme_end + id[scheme_end..].find('/')?;
    let vault_url = id[..path_start].to_string();
    let mut parts = id[path_start + 1..].split('/');
    let (kind, name, version) = (parts.next()?, parts.next()?, parts.next().unwrap_or(""));
    if kind != "secrets" || name.is_empty() || parts.next().is_some() {
        return None;
    }
    Some((vault_url, name.to_string(), version.to_string()))
}

fn parse_bundle(status: u16, body: &str, request_id: Option<&str>) -> Result<(Option<String>, KeyProperties)> {
    let parse_err = |message: String| Error::Parse {
        status,
        message,
        request_id: request_id.map(str::to_string),
    };
    let wire: WireSecretBundle = serde_json::from_str(body)
        .map_err(|e| parse_err(format!("the service's response could not be read: {e}")))?;
    let id = wire.id.ok_or_else(|| parse_err("the service's response has no id".into()))?;
    let (vault_url, name, version) =
        parse_id(&id).ok_or_else(|| parse_err(format!("the service's response has an unexpected id: {id}")))?;
    let a = wire.attributes.unwrap_or_default();
    let props = KeyProperties {
        id,
        name,
        vault_url,
        version,
        enabled: a.enabled,
        not_before: a.nbf,
        expires_on: a.exp,
        created_on: a.created,
        updated_on: a.updated,
        recovery_level: a.recovery_level,
        recoverable_days: a.recoverable_days,
        content_type: wire.content_type,
        tags: wire.tags,
        managed: wire.managed,
    };
    Ok((wire.value, props))
}

/// A `SecretBundle` that must carry a value (set, get).
pub fn parse_key(status: u16, body: &str, request_id: Option<&str>) -> Result<KeyVaultKey> {
    let (value, properties) = parse_bundle(status, body, request_id)?;
    let value = value.ok_or_else(|| Error::Parse {
        status,
        message: "the service's response has no value".into(),
        request_id: request_id.map(str::to_string),
    })?;
    Ok(KeyVaultKey { name: properties.name.clone(), value, properties })
}

/// A `SecretBundle` read for its properties only (update).
pub fn parse_properties(status: u16, body: &str, request_id: Option<&str>) -> Result<KeyProperties> {
    parse_bundle(status, body, request_id).map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORDED: &str = r#"{"value":"secretValue","id":"https://v.vault.azure.net/secrets/UpdateTest/62909adf7f044dc8b1838da90306af40","attributes":{"enabled":true,"created":1629853101,"updated":1629853101,"recoveryLevel":"Recoverable+Purgeable","recoverableDays":90}}"#;

    #[test]
    fn maps_a_recorded_bundle() {
        let k = parse_key(200, RECORDED, None).unwrap();
        assert_eq!(k.name, "UpdateTest");
        assert_eq!(k.value, "secretValue");
        let p = &k.properties;
        assert_eq!(p.vault_url, "https://v.vault.azure.net");
        assert_eq!(p.version, "62909adf7f044dc8b1838da90306af40");
        assert_eq!(p.created_on, Some(1629853101));
        assert_eq!(p.recoverable_days, Some(90));
        assert_eq!(p.recovery_level.as_deref(), Some("Recoverable+Purgeable"));
        assert!(p.tags.is_empty());
    }

    #[test]
    fn keeps_tag_order_and_reads_null_tags() {
        let body = r#"{"id":"https://v/secrets/a/b","tags":{"z":"1","a":"2"}}"#;
        let p = parse_properties(200, body, None).unwrap();
        assert_eq!(p.tags, vec![("z".into(), "1".into()), ("a".into(), "2".into())]);
        assert!(parse_properties(200, r#"{"id":"https://v/secrets/a/b","tags":null}"#, None).is_ok());
    }

    #[test]
    fn refuses_bad_bodies_with_parse_errors() {
        for body in [
            "",
            "<html>",
            r#"{"value":"x"}"#,
            r#"{"id":"https://v/keys/a/b","value":"x"}"#,
            r#"{"id":"https://v/secrets/a/b"}"#,
            r#"{"id":"https://v/secrets/a/b","value":1}"#,
            r#"{"id":"https://v/secrets/a/b","value":"x","attributes":{"exp":"soon"}}"#,
            r#"{"id":"https://v/secrets/a/b","value":"x","tags":{"a":1}}"#,
            r#"{"id":"https://v/secrets/a/b","value":"x""#,
        ] {
            let e = parse_key(200, body, Some("rid")).unwrap_err();
            assert!(matches!(e, Error::Parse { status: 200, ref request_id, .. } if request_id.as_deref() == Some("rid")), "{body}");
        }
    }

    #[test]
    fn bodies() {
        let opts = KeyOptions {
            content_type: Some("application/json".into()),
            expires_on: Some(4_102_444_800),
            tags: Some(vec![("b".into(), "1".into()), ("a".into(), "\"q\"".into())]),
            ..Default::default()
        };
        assert_eq!(
            request_body(Some("v"), &opts),
            r#"{"value":"v","contentType":"application/json","attributes":{"exp":4102444800},"tags":{"b":"1","a":"\"q\""}}"#
        );
        assert_eq!(request_body(None, &KeyOptions { enabled: Some(false), ..Default::default() }), r#"{"attributes":{"enabled":false}}"#);
        assert_eq!(request_body(Some(""), &KeyOptions::default()), r#"{"value":""}"#);
    }

    #[test]
    fn ids() {
        assert_eq!(
            parse_id("http://127.0.0.1:8443/secrets/n/v"),
            Some(("http://127.0.0.1:8443".into(), "n".into(), "v".into()))
        );
        assert_eq!(parse_id("https://v/secrets/n"), Some(("https://v".into(), "n".into(), "".into())));
        assert_eq!(parse_id("https://v/secrets/n/v/x"), None);
        assert_eq!(parse_id("nonsense"), None);
    }
}

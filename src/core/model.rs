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

/// A soft-deleted key: its last version's properties plus the deletion's facts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DeletedKey {
    pub properties: KeyProperties,
    pub recovery_id: Option<String>,
    pub deleted_on: Option<i64>,
    pub scheduled_purge_date: Option<i64>,
}

/// One page of a listing; `next_link` is the service's absolute URL of the next page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_link: Option<String>,
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
    #[serde(rename = "recoveryId")]
    recovery_id: Option<String>,
    #[serde(rename = "deletedDate")]
    deleted_date: Option<i64>,
    #[serde(rename = "scheduledPurgeDate")]
    scheduled_purge_date: Option<i64>,
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

fn parse_err(status: u16, request_id: Option<&str>, message: String) -> Error {
    Error::Parse { status, message, request_id: request_id.map(str::to_string) }
}

fn read_json<'a, T: Deserialize<'a>>(status: u16, body: &'a str, request_id: Option<&str>) -> Result<T> {
    serde_json::from_str(body)
        .map_err(|e| parse_err(status, request_id, format!("the service's response could not be read: {e}")))
}

fn parse_bundle(status: u16, body: &str, request_id: Option<&str>) -> Result<WireSecretBundle> {
    read_json(status, body, request_id)
}

/// The public shape of a bundle or list item; `None` when its id is missing or not a secret's.
fn properties(wire: &mut WireSecretBundle) -> Option<KeyProperties> {
    let id = wire.id.take()?;
    let (vault_url, name, version) = parse_id(&id)?;
    let a = wire.attributes.take().unwrap_or_default();
    Some(KeyProperties {
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
        content_type: wire.content_type.take(),
        tags: std::mem::take(&mut wire.tags),
        managed: wire.managed,
    })
}

fn required_properties(status: u16, wire: &mut WireSecretBundle, request_id: Option<&str>) -> Result<KeyProperties> {
    let id = wire.id.clone().unwrap_or_default();
    properties(wire).ok_or_else(|| parse_err(status, request_id, format!("the service's response has an unexpected id: {}", super::vault_url::quoted(&id))))
}

/// A `SecretBundle` that must carry a value (set, get).
pub fn parse_key(status: u16, body: &str, request_id: Option<&str>) -> Result<KeyVaultKey> {
    let mut wire = parse_bundle(status, body, request_id)?;
    let properties = required_properties(status, &mut wire, request_id)?;
    let value = wire
        .value
        .ok_or_else(|| parse_err(status, request_id, "the service's response has no value".into()))?;
    Ok(KeyVaultKey { name: properties.name.clone(), value, properties })
}

/// A `SecretBundle` read for its properties only (update, recover, restore).
pub fn parse_properties(status: u16, body: &str, request_id: Option<&str>) -> Result<KeyProperties> {
    let mut wire = parse_bundle(status, body, request_id)?;
    required_properties(status, &mut wire, request_id)
}

fn deleted(mut wire: WireSecretBundle, props: KeyProperties) -> DeletedKey {
    DeletedKey {
        properties: props,
        recovery_id: wire.recovery_id.take(),
        deleted_on: wire.deleted_date,
        scheduled_purge_date: wire.scheduled_purge_date,
    }
}

/// A `DeletedSecretBundle` (delete, get deleted).
pub fn parse_deleted_key(status: u16, body: &str, request_id: Option<&str>) -> Result<DeletedKey> {
    let mut wire = parse_bundle(status, body, request_id)?;
    let props = required_properties(status, &mut wire, request_id)?;
    Ok(deleted(wire, props))
}

#[derive(Deserialize)]
struct WirePage {
    #[serde(default)]
    value: Option<Vec<WireSecretBundle>>,
    #[serde(rename = "nextLink")]
    next_link: Option<String>,
}

fn parse_page_with<T>(
    status: u16,
    body: &str,
    request_id: Option<&str>,
    mut map: impl FnMut(WireSecretBundle, KeyProperties) -> T,
) -> Result<Page<T>> {
    let page: WirePage = read_json(status, body, request_id)?;
    let mut items = Vec::new();
    for mut wire in page.value.unwrap_or_default() {
        let props = required_properties(status, &mut wire, request_id)?;
        items.push(map(wire, props));
    }
    Ok(Page { items, next_link: page.next_link.filter(|l| !l.is_empty()) })
}

/// A page of `SecretItem`s (list keys, list versions).
pub fn parse_properties_page(status: u16, body: &str, request_id: Option<&str>) -> Result<Page<KeyProperties>> {
    parse_page_with(status, body, request_id, |_, p| p)
}

/// A page of `DeletedSecretItem`s.
pub fn parse_deleted_page(status: u16, body: &str, request_id: Option<&str>) -> Result<Page<DeletedKey>> {
    parse_page_with(status, body, request_id, deleted)
}

#[derive(Deserialize)]
struct WireBackup {
    value: Option<String>,
}

/// `{"value": "<base64url>"}` of a backup, decoded.
pub fn parse_backup(status: u16, body: &str, request_id: Option<&str>) -> Result<Vec<u8>> {
    let wire: WireBackup = read_json(status, body, request_id)?;
    let text = wire.value.unwrap_or_default();
    super::base64url::decode(&text)
        .filter(|b| !b.is_empty())
        .ok_or_else(|| parse_err(status, request_id, "the service's backup is not base64url data".into()))
}

/// The body of `POST /secrets/restore`.
pub fn restore_body(backup: &[u8]) -> String {
    format!("{{\"value\":\"{}\"}}", super::base64url::encode(backup))
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
    fn maps_recorded_pages_and_deleted_bundles() {
        let page = r#"{"value":[{"id":"https://v.vault.azure.net/secrets/GetProperties","attributes":{"enabled":true,"created":1629853317,"updated":1629853317,"recoveryLevel":"Recoverable+Purgeable","recoverableDays":90}},{"id":"https://v.vault.azure.net/secrets/b","contentType":"x","tags":{"t":"1"},"attributes":{"enabled":false}}],"nextLink":"https://v.vault.azure.net:443/secrets?api-version=7.3&$skiptoken=abc"}"#;
        let p = parse_properties_page(200, page, None).unwrap();
        assert_eq!(p.items.len(), 2);
        assert_eq!((p.items[0].name.as_str(), p.items[0].version.as_str()), ("GetProperties", ""), "list items carry no version");
        assert_eq!(p.items[1].tags, vec![("t".into(), "1".into())]);
        assert_eq!(p.next_link.as_deref(), Some("https://v.vault.azure.net:443/secrets?api-version=7.3&$skiptoken=abc"));
        let last = parse_properties_page(200, r#"{"value":[],"nextLink":null}"#, None).unwrap();
        assert_eq!(last, Page { items: vec![], next_link: None });

        let deleted = r#"{"recoveryId":"https://v.vault.azure.net/deletedsecrets/Recover","deletedDate":1629853225,"scheduledPurgeDate":1637629225,"id":"https://v.vault.azure.net/secrets/Recover/d32d070c5e764f6383b45bcd39085e38","attributes":{"enabled":true,"created":1629853225,"updated":1629853225,"recoveryLevel":"Recoverable+Purgeable","recoverableDays":90}}"#;
        let d = parse_deleted_key(200, deleted, None).unwrap();
        assert_eq!(d.recovery_id.as_deref(), Some("https://v.vault.azure.net/deletedsecrets/Recover"));
        assert_eq!((d.deleted_on, d.scheduled_purge_date), (Some(1629853225), Some(1637629225)));
        assert_eq!(d.properties.version, "d32d070c5e764f6383b45bcd39085e38");
        let dp = parse_deleted_page(200, &format!(r#"{{"value":[{deleted}],"nextLink":null}}"#), None).unwrap();
        assert_eq!(dp.items, vec![d]);

        assert!(parse_properties_page(200, r#"{"value":[{"id":5}]}"#, None).is_err());
        assert!(parse_properties_page(200, r#"{"value":{}}"#, None).is_err());
    }

    #[test]
    fn backups() {
        let recorded = r#"{"value":"KUF6dXJlS2V5VmF1bHRTZWNyZXRCYWNrdXBWMS5taWNyb3NvZnQuY29t"}"#;
        assert!(parse_backup(200, recorded, None).unwrap().starts_with(b")AzureKeyVaultSecretBackupV1.microsoft.com"));
        assert!(parse_backup(200, r#"{"value":"!!"}"#, None).is_err());
        assert!(parse_backup(200, r#"{}"#, None).is_err());
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

//! The event model and its Event Grid JSON, exactly as Key Vault publishes it.
//!
//! Sources (checked when this was written):
//! - "Azure Key Vault as Event Grid source",
//!   <https://learn.microsoft.com/azure/event-grid/event-schema-key-vault>
//!   (MicrosoftDocs/azure-docs `articles/event-grid/event-schema-key-vault.md`): the event types,
//!   the top-level fields in the order of its example (`id`, `topic`, `subject`, `eventType`,
//!   `eventTime`, `data`, `dataVersion`, `metadataVersion`), `dataVersion` and `metadataVersion`
//!   `"1"`, `subject` = the object name, and the PascalCase `data` members `Id`, `VaultName`,
//!   `ObjectType` (`"Secret"`), `ObjectName`, `Version`, `NBF`, `EXP`, the last two typed
//!   "number: seconds since 1970-01-01T00:00:00Z". (Its example has typos — `"ObjectName "`
//!   with a space, `" ee05…"` in `Version`, `NBF`/`EXP` as strings — that neither the table
//!   beside it, nor the spec, nor the real deliveries below have.)
//! - The spec the Azure SDKs are generated from, Azure/azure-rest-api-specs
//!   `specification/eventgrid/Azure.Messaging.EventGrid.SystemEvents/Microsoft.KeyVault/KeyVault.tsp`:
//!   the same members, `NBF: float32`, `EXP: float32` (so numbers, not strings).
//! - Real deliveries quoted in public posts, for a secret without dates: Justin Yoo's 2022
//!   post on Event Grid and CloudEvents (devkimchi.com; sample at
//!   github.com/justinyoo/azure-event-grid-cloudevents-sample) in the Event Grid schema, and
//!   Janne Mattila's 2024-04-22 "use Key Vault in AKS" post (CloudEvents schema): `"NBF": null,
//!   "EXP": null` when the object has no dates, `Version` without spaces, `eventTime` with 7
//!   fractional digits (`"2022-09-21T07:08:09.1234567Z"`).
//!
//! Emulator choices (for the README): `topic` uses the all-zero subscription and the
//! resource group `keyvault-emulator`; `VaultName` is the first label of the vault URL's host
//! when that host is a DNS name (`myvault.localhost:8443` → `myvault`, `localhost` →
//! `localhost`), else `emulator` (IP addresses); `eventTime` is the emulator clock (whole
//! seconds, so the fraction is always `.0000000`); `Id` is `<vault URL>/keys|secrets/<name>/<version>`
//! like the ids the emulator returns.

use serde::Serialize;

use crate::duration::civil_from_days;
pub use crate::plane::Object;

/// Which of the three Key Vault events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A new key/secret or a new version of one was created.
    NewVersionCreated,
    /// The current version is about to expire (the service: 30 days before `exp` for secrets;
    /// for keys the rotation policy's `Notify` action decides).
    NearExpiry,
    /// The current version has expired.
    Expired,
}

impl EventKind {
    fn suffix(self) -> &'static str {
        match self {
            EventKind::NewVersionCreated => "NewVersionCreated",
            EventKind::NearExpiry => "NearExpiry",
            EventKind::Expired => "Expired",
        }
    }
}

/// How long before `exp` the service raises `SecretNearExpiry` (and `KeyNearExpiry` without a
/// rotation policy saying otherwise): 30 days, per the event-type table of the schema page.
pub const NEAR_EXPIRY_SECONDS: i64 = 30 * 86_400;

/// One Key Vault event, as the emulator's store sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub object_type: Object,
    pub kind: EventKind,
    /// The vault's base URL as clients address it, e.g. `http://127.0.0.1:8443` (a trailing
    /// `/` is ignored).
    pub vault_url: String,
    /// Object name, in the casing the vault keeps.
    pub name: String,
    /// Version id (32 hex).
    pub version: String,
    /// `nbf` of the version, Unix seconds.
    pub not_before: Option<i64>,
    /// `exp` of the version, Unix seconds.
    pub expires: Option<i64>,
    /// When it happened: Unix seconds of the emulator clock.
    pub time: i64,
}

impl Event {
    /// `Microsoft.KeyVault.SecretNewVersionCreated` and so on.
    pub fn event_type(&self) -> String {
        format!(
            "Microsoft.KeyVault.{}{}",
            self.object_type.title(),
            self.kind.suffix()
        )
    }

    /// `data.Id`: `<vault_url>/secrets/<name>/<version>` (or `/keys/`).
    pub fn object_id(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.vault_url.trim_end_matches('/'),
            self.object_type.collection(),
            self.name,
            self.version
        )
    }

    /// `data.VaultName` (see the module documentation).
    pub fn vault_name(&self) -> String {
        vault_name(&self.vault_url)
    }

    /// `topic`: the vault's resource id.
    pub fn topic(&self) -> String {
        format!(
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keyvault-emulator/providers/Microsoft.KeyVault/vaults/{}",
            self.vault_name()
        )
    }

    /// The event in the Event Grid schema (one JSON object; a delivery wraps it in an array),
    /// with the given event `id`, fields in the documented order.
    pub fn to_event_grid_json(&self, id: &str) -> String {
        let wire = Wire {
            id,
            topic: self.topic(),
            subject: &self.name,
            event_type: self.event_type(),
            event_time: format_event_time(self.time),
            data: Data {
                id: self.object_id(),
                vault_name: self.vault_name(),
                object_type: self.object_type.title(),
                object_name: &self.name,
                version: &self.version,
                nbf: self.not_before,
                exp: self.expires,
            },
            data_version: DATA_VERSION,
            metadata_version: METADATA_VERSION,
        };
        // Strings and integers only: serialization cannot fail.
        serde_json::to_string(&wire).unwrap_or_default()
    }
}

/// `dataVersion` of Key Vault events (and the `aeg-data-version` header).
pub const DATA_VERSION: &str = "1";
/// `metadataVersion` of the Event Grid schema (and the `aeg-metadata-version` header).
pub const METADATA_VERSION: &str = "1";

#[derive(Serialize)]
struct Wire<'a> {
    id: &'a str,
    topic: String,
    subject: &'a str,
    #[serde(rename = "eventType")]
    event_type: String,
    #[serde(rename = "eventTime")]
    event_time: String,
    data: Data<'a>,
    #[serde(rename = "dataVersion")]
    data_version: &'static str,
    #[serde(rename = "metadataVersion")]
    metadata_version: &'static str,
}

#[derive(Serialize)]
struct Data<'a> {
    #[serde(rename = "Id")]
    id: String,
    #[serde(rename = "VaultName")]
    vault_name: String,
    #[serde(rename = "ObjectType")]
    object_type: &'static str,
    #[serde(rename = "ObjectName")]
    object_name: &'a str,
    #[serde(rename = "Version")]
    version: &'a str,
    /// `null` when unset, as real deliveries show.
    #[serde(rename = "NBF")]
    nbf: Option<i64>,
    #[serde(rename = "EXP")]
    exp: Option<i64>,
}

/// `VaultName` from a vault URL: the first label of a DNS host name, lower-cased; `emulator`
/// for an IP address or anything unparsable.
pub fn vault_name(vault_url: &str) -> String {
    const FALLBACK: &str = "emulator";
    let rest = vault_url
        .split_once("://")
        .map_or(vault_url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    if authority.starts_with('[') {
        return FALLBACK.into(); // IPv6 literal
    }
    let host = authority.split(':').next().unwrap_or_default();
    if host.is_empty() || host.parse::<std::net::Ipv4Addr>().is_ok() {
        return FALLBACK.into();
    }
    let label = host.split('.').next().unwrap_or_default();
    let valid = !label.is_empty()
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        label.to_ascii_lowercase()
    } else {
        FALLBACK.into()
    }
}

/// Unix seconds of the .NET `DateTime` range the emulator accepts for times (years 1 … 9999);
/// formatting clamps to it so that no input can overflow.
const MIN_TIME: i64 = -62_135_596_800;
const MAX_TIME: i64 = 253_402_300_799;

/// `eventTime`: ISO 8601 UTC with 7 fractional digits, as Event Grid writes it
/// (`2026-11-30T05:16:25.0000000Z`). Times outside years 1 … 9999 are clamped.
pub fn format_event_time(unix_seconds: i64) -> String {
    let t = unix_seconds.clamp(MIN_TIME, MAX_TIME);
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.0000000Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_times_known_dates() {
        for (t, text) in [
            (0, "1970-01-01T00:00:00.0000000Z"),
            (-1, "1969-12-31T23:59:59.0000000Z"),
            (951_782_400, "2000-02-29T00:00:00.0000000Z"), // 2000 is a leap year (÷400)
            (951_868_800, "2000-03-01T00:00:00.0000000Z"),
            (1_078_012_800, "2004-02-29T00:00:00.0000000Z"),
            (1_709_164_800, "2024-02-29T00:00:00.0000000Z"),
            (1_709_251_199, "2024-02-29T23:59:59.0000000Z"),
            (1_740_700_800, "2025-02-28T00:00:00.0000000Z"),
            (1_740_787_200, "2025-03-01T00:00:00.0000000Z"), // 2025 is not
            (1_796_015_785, "2026-11-30T05:16:25.0000000Z"),
            (2_147_483_647, "2038-01-19T03:14:07.0000000Z"),
            (2_147_483_648, "2038-01-19T03:14:08.0000000Z"), // past 32-bit time_t
            (4_107_456_000, "2100-02-28T00:00:00.0000000Z"),
            (4_107_542_400, "2100-03-01T00:00:00.0000000Z"), // 2100 is not a leap year
            (13_574_563_200, "2400-02-29T00:00:00.0000000Z"), // 2400 is
            (-2_203_977_600, "1900-02-28T00:00:00.0000000Z"),
            (-2_203_891_200, "1900-03-01T00:00:00.0000000Z"), // 1900 is not
            (-62_135_596_800, "0001-01-01T00:00:00.0000000Z"),
            (253_402_300_799, "9999-12-31T23:59:59.0000000Z"),
            (i64::MAX, "9999-12-31T23:59:59.0000000Z"), // clamped, no overflow
            (i64::MIN, "0001-01-01T00:00:00.0000000Z"),
        ] {
            assert_eq!(format_event_time(t), text, "{t}");
        }
    }

    #[test]
    fn vault_names() {
        for (url, name) in [
            ("http://127.0.0.1:8443", "emulator"),
            ("http://127.0.0.1:8443/", "emulator"),
            ("http://[::1]:8443", "emulator"),
            ("http://localhost:8443", "localhost"),
            ("http://MyVault.localhost:8443/", "myvault"),
            ("https://sample-kv.vault.azure.net", "sample-kv"),
            ("sample-kv.vault.azure.net", "sample-kv"),
            ("", "emulator"),
            ("http://", "emulator"),
            ("http://bad label.example", "emulator"),
        ] {
            assert_eq!(vault_name(url), name, "{url}");
        }
    }

    #[test]
    fn event_grid_json_is_exact() {
        let mut event = Event {
            object_type: Object::Secret,
            kind: EventKind::NewVersionCreated,
            vault_url: "http://127.0.0.1:8443/".into(),
            name: "newsecret".into(),
            version: "ee059b2bb5bc48398a53b168c6cdcb10".into(),
            not_before: Some(1_559_081_980),
            expires: Some(1_559_082_102),
            time: 1_564_016_913,
        };
        assert_eq!(
            event.to_event_grid_json("00eccf70-95a7-4e7c-8299-2eb17ee9ad64"),
            concat!(
                r#"{"id":"00eccf70-95a7-4e7c-8299-2eb17ee9ad64","#,
                r#""topic":"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keyvault-emulator/providers/Microsoft.KeyVault/vaults/emulator","#,
                r#""subject":"newsecret","eventType":"Microsoft.KeyVault.SecretNewVersionCreated","#,
                r#""eventTime":"2019-07-25T01:08:33.0000000Z","#,
                r#""data":{"Id":"http://127.0.0.1:8443/secrets/newsecret/ee059b2bb5bc48398a53b168c6cdcb10","#,
                r#""VaultName":"emulator","ObjectType":"Secret","ObjectName":"newsecret","#,
                r#""Version":"ee059b2bb5bc48398a53b168c6cdcb10","NBF":1559081980,"EXP":1559082102},"#,
                r#""dataVersion":"1","metadataVersion":"1"}"#
            )
        );
        event.object_type = Object::Key;
        event.kind = EventKind::NearExpiry;
        event.vault_url = "http://myvault.localhost:8443".into();
        event.not_before = None;
        event.expires = None;
        let json: serde_json::Value = serde_json::from_str(&event.to_event_grid_json("x")).unwrap();
        assert_eq!(json["eventType"], "Microsoft.KeyVault.KeyNearExpiry");
        assert_eq!(
            json["data"]["Id"],
            "http://myvault.localhost:8443/keys/newsecret/ee059b2bb5bc48398a53b168c6cdcb10"
        );
        assert_eq!(json["data"]["VaultName"], "myvault");
        assert_eq!(json["data"]["ObjectType"], "Key");
        assert!(json["data"]["NBF"].is_null() && json["data"]["EXP"].is_null());
        assert!(json["topic"].as_str().unwrap().ends_with("/vaults/myvault"));
        event.kind = EventKind::Expired;
        assert_eq!(event.event_type(), "Microsoft.KeyVault.KeyExpired");
    }
}

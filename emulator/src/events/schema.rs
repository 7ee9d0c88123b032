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

/// What kind of Key Vault object an event is about (`data.ObjectType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObjectType {
    Key,
    Secret,
}

impl ObjectType {
    /// `data.ObjectType`, and the middle of `eventType`: `Key`, `Secret`.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectType::Key => "Key",
            ObjectType::Secret => "Secret",
        }
    }

    /// The collection in the object's id: `keys`, `secrets`.
    pub fn collection(self) -> &'static str {
        match self {
            ObjectType::Key => "keys",
            ObjectType::Secret => "secrets",
        }
    }
}

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
    pub object_type: ObjectType,
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
            self.object_type.as_str(),
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
                object_type: self.object_type.as_str(),
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

/// (year, month 1..=12, day 1..=31) of a count of days since 1970-01-01 in the proleptic
/// Gregorian calendar. Howard Hinnant's `civil_from_days`
/// (<https://howardhinnant.github.io/date_algorithms.html#civil_from_days>): eras of 400 years
/// (146,097 days) starting on March 1st, so the leap day is the last day of a "year".
/// Exact for |days| up to about 2^60; callers pass far smaller values.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468; // shift the epoch to 0000-03-01
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, 0..=146_096
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // year of era, 0..=399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of (March-based) year, 0..=365
    let mp = (5 * doy + 2) / 153; // March-based month, 0..=11
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Both are small and positive by construction.
    (year, month as u32, day as u32)
}

/// A random version-4 GUID, lower case, as Event Grid event ids are.
pub fn guid(rng: &mut fastrand::Rng) -> String {
    let mut b = [0u8; 16];
    for byte in &mut b {
        *byte = rng.u8(..);
    }
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Days since 1970-01-01 of a civil date (the inverse, for checking).
    fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(m);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    fn is_leap(y: i64) -> bool {
        (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
    }

    fn month_len(y: i64, m: u32) -> u32 {
        match m {
            2 if is_leap(y) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

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

    /// Every day from year 1 to 9999 follows the previous one by exactly one calendar day,
    /// and converts back to the same day count.
    #[test]
    fn civil_from_days_walks_the_calendar() {
        let first = MIN_TIME.div_euclid(86_400);
        let last = MAX_TIME.div_euclid(86_400);
        assert_eq!(civil_from_days(first), (1, 1, 1));
        assert_eq!(civil_from_days(last), (9999, 12, 31));
        let mut prev = civil_from_days(first - 1);
        assert_eq!(prev, (0, 12, 31));
        let mut leap_days = 0;
        for days in first..=last {
            let (y, m, d) = civil_from_days(days);
            let (py, pm, pd) = prev;
            let expected = if pd < month_len(py, pm) {
                (py, pm, pd + 1)
            } else if pm < 12 {
                (py, pm + 1, 1)
            } else {
                (py + 1, 1, 1)
            };
            assert_eq!((y, m, d), expected, "day {days}");
            assert_eq!(days_from_civil(y, m, d), days);
            leap_days += u32::from(m == 2 && d == 29);
            prev = (y, m, d);
        }
        // 2424 leap years in 1..=9999: 9999/4 - 9999/100 + 9999/400.
        assert_eq!(leap_days, 2499 - 99 + 24);
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
    fn guids_are_version_4() {
        let mut rng = fastrand::Rng::with_seed(7);
        let a = guid(&mut rng);
        let b = guid(&mut rng);
        assert_ne!(a, b);
        for g in [a, b] {
            let parts: Vec<&str> = g.split('-').collect();
            assert_eq!(
                parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
                [8, 4, 4, 4, 12]
            );
            assert!(g
                .chars()
                .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)));
            assert!(parts[2].starts_with('4'));
            assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"));
        }
        assert_eq!(
            guid(&mut fastrand::Rng::with_seed(1)),
            guid(&mut fastrand::Rng::with_seed(1))
        );
    }

    #[test]
    fn event_grid_json_is_exact() {
        let mut event = Event {
            object_type: ObjectType::Secret,
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
        event.object_type = ObjectType::Key;
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

//! Response bodies: `SecretBundle`, `DeletedSecretBundle`, `SecretItem`, `DeletedSecretItem`
//! and the list envelopes, with fields in the order the real service writes them (checked
//! against the recordings):
//!
//! ```text
//! SecretBundle        value? contentType? id attributes tags?
//! DeletedSecretBundle recoveryId deletedDate scheduledPurgeDate contentType? id attributes tags?
//! SecretItem          contentType? id attributes tags?          (id without version in lists)
//! list                {"value":[...],"nextLink":<url>|null}
//! attributes          enabled nbf? exp? created updated recoveryLevel recoverableDays
//! ```
//!
//! `managed` (certificate-backed secrets) and `kid` never apply to secrets made here, so they
//! are never written, as the service omits them for ordinary secrets.

use serde::Serialize;

use crate::store::{DeletedRecord, SecretRecord, SecretVersion, Tags};

/// What every body needs from the vault: its URL and its soft-delete retention.
#[derive(Debug, Clone)]
pub struct Vault<'a> {
    /// `http://host:port`, from the request's `Host`.
    pub base: &'a str,
    pub recoverable_days: u32,
    /// The request's api-version is 7.5 or later (key attributes gain fields).
    pub api_7_5: bool,
}

/// `SecretAttributes` / `KeyAttributes` as the service returns them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attributes {
    pub enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exp: Option<i64>,
    pub created: i64,
    pub updated: i64,
    pub recovery_level: &'static str,
    pub recoverable_days: u32,
    /// Keys, api-version 7.5 and later.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exportable: Option<bool>,
    /// Keys, api-version 7.5 and later: `"0"` software, `"2"` HSM-protected (as observed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hsm_platform: Option<&'static str>,
}

/// One secret version as a bundle or list item; which fields appear is set by the builder.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Secret<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    recovery_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deleted_date: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduled_purge_date: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_type: Option<&'a str>,
    id: String,
    attributes: Attributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<&'a Tags>,
}

/// A page of a listing (either plane).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct List<'a, T> {
    pub value: Vec<T>,
    /// Always written: `null` on the last page, as the service does.
    pub next_link: Option<&'a str>,
}

/// The recovery level the service reports for a vault with soft delete and purge allowed.
pub fn recovery_level(recoverable_days: u32) -> &'static str {
    if recoverable_days == 90 {
        "Recoverable+Purgeable"
    } else {
        "CustomizedRecoverable+Purgeable"
    }
}

impl Vault<'_> {
    /// The attributes every object has (keys add theirs).
    pub fn attributes(
        &self,
        enabled: bool,
        (nbf, exp): (Option<i64>, Option<i64>),
        (created, updated): (i64, i64),
    ) -> Attributes {
        Attributes {
            enabled,
            nbf,
            exp,
            created,
            updated,
            recovery_level: recovery_level(self.recoverable_days),
            recoverable_days: self.recoverable_days,
            exportable: None,
            hsm_platform: None,
        }
    }

    fn secret<'r>(
        &self,
        record: &'r SecretRecord,
        with_value: bool,
        versioned_id: bool,
    ) -> Secret<'r> {
        let v = &record.version;
        let id = if versioned_id {
            format!("{}/secrets/{}/{}", self.base, record.name, v.version)
        } else {
            format!("{}/secrets/{}", self.base, record.name)
        };
        Secret {
            recovery_id: None,
            deleted_date: None,
            scheduled_purge_date: None,
            value: with_value.then_some(v.value.as_str()),
            content_type: v.content_type.as_deref(),
            id,
            attributes: self.attributes(
                v.enabled,
                (v.not_before, v.expires),
                (v.created, v.updated),
            ),
            tags: v.tags.as_ref(),
        }
    }

    fn deleted<'r>(
        &self,
        deleted: &'r DeletedRecord<SecretVersion>,
        versioned_id: bool,
    ) -> Secret<'r> {
        Secret {
            recovery_id: Some(format!(
                "{}/deletedsecrets/{}",
                self.base, deleted.record.name
            )),
            deleted_date: Some(deleted.deleted_date),
            scheduled_purge_date: Some(deleted.scheduled_purge_date),
            ..self.secret(&deleted.record, false, versioned_id)
        }
    }

    /// `SecretBundle`; `with_value` is false for PATCH, recover and restore responses.
    pub fn secret_bundle(&self, record: &SecretRecord, with_value: bool) -> String {
        to_json(&self.secret(record, with_value, true))
    }

    /// `DeletedSecretBundle` (DELETE and GET of a deleted secret): never the value.
    pub fn deleted_bundle(&self, deleted: &DeletedRecord<SecretVersion>) -> String {
        to_json(&self.deleted(deleted, true))
    }

    /// `SecretListResult` of `GET /secrets` (base ids) or `.../versions` (versioned ids).
    pub fn secret_list(
        &self,
        items: &[SecretRecord],
        versioned_ids: bool,
        next_link: Option<&str>,
    ) -> String {
        let value = items
            .iter()
            .map(|r| self.secret(r, false, versioned_ids))
            .collect();
        to_json(&List { value, next_link })
    }

    /// `DeletedSecretListResult` of `GET /deletedsecrets` (base ids).
    pub fn deleted_list(
        &self,
        items: &[DeletedRecord<SecretVersion>],
        next_link: Option<&str>,
    ) -> String {
        let value = items.iter().map(|d| self.deleted(d, false)).collect();
        to_json(&List { value, next_link })
    }
}

pub fn to_json<T: Serialize>(value: &T) -> String {
    // Strings, integers and string maps always serialize.
    serde_json::to_string(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SecretVersion;

    fn record() -> SecretRecord {
        SecretRecord {
            name: "UpdateTest".into(),
            version: SecretVersion {
                version: "62909adf7f044dc8b1838da90306af40".into(),
                value: "secretValue".into(),
                content_type: Some("xyz".into()),
                tags: Some(Tags::new()),
                enabled: true,
                not_before: None,
                expires: None,
                created: 1_629_853_101,
                updated: 1_629_853_101,
            },
        }
    }

    const VAULT: Vault<'static> = Vault {
        base: "https://REDACTED.vault.azure.net",
        recoverable_days: 90,
        api_7_5: false,
    };

    #[test]
    fn bundles_match_the_recorded_bytes() {
        // KeyVaultSecretClientTest.UpdateTest.json: the PATCH response and the DELETE response.
        assert_eq!(
            VAULT.secret_bundle(&record(), false),
            r#"{"contentType":"xyz","id":"https://REDACTED.vault.azure.net/secrets/UpdateTest/62909adf7f044dc8b1838da90306af40","attributes":{"enabled":true,"created":1629853101,"updated":1629853101,"recoveryLevel":"Recoverable+Purgeable","recoverableDays":90},"tags":{}}"#
        );
        let deleted = DeletedRecord {
            record: record(),
            deleted_date: 1_629_853_101,
            scheduled_purge_date: 1_637_629_101,
        };
        assert_eq!(
            VAULT.deleted_bundle(&deleted),
            r#"{"recoveryId":"https://REDACTED.vault.azure.net/deletedsecrets/UpdateTest","deletedDate":1629853101,"scheduledPurgeDate":1637629101,"contentType":"xyz","id":"https://REDACTED.vault.azure.net/secrets/UpdateTest/62909adf7f044dc8b1838da90306af40","attributes":{"enabled":true,"created":1629853101,"updated":1629853101,"recoveryLevel":"Recoverable+Purgeable","recoverableDays":90},"tags":{}}"#
        );
        assert!(VAULT
            .secret_bundle(&record(), true)
            .starts_with(r#"{"value":"secretValue","#));
    }

    #[test]
    fn lists_use_base_ids_and_an_explicit_null_next_link() {
        let mut plain = record();
        plain.version.content_type = None;
        plain.version.tags = None;
        assert_eq!(
            VAULT.secret_list(&[plain], false, None),
            r#"{"value":[{"id":"https://REDACTED.vault.azure.net/secrets/UpdateTest","attributes":{"enabled":true,"created":1629853101,"updated":1629853101,"recoveryLevel":"Recoverable+Purgeable","recoverableDays":90}}],"nextLink":null}"#
        );
        let versions = VAULT.secret_list(&[record()], true, Some("https://n"));
        assert!(versions.contains("/secrets/UpdateTest/62909adf7f044dc8b1838da90306af40\""));
        assert!(versions.ends_with(r#""nextLink":"https://n"}"#));
        assert!(!versions.contains("secretValue"));
    }

    #[test]
    fn customized_retention_changes_the_recovery_level() {
        assert_eq!(recovery_level(90), "Recoverable+Purgeable");
        assert_eq!(recovery_level(7), "CustomizedRecoverable+Purgeable");
    }
}

//! Response bodies of the keys plane, with fields in the order the real service writes them
//! (checked against the recordings):
//!
//! ```text
//! KeyBundle        key attributes tags? release_policy?
//! DeletedKeyBundle recoveryId deletedDate scheduledPurgeDate key attributes tags? release_policy?
//! KeyItem          kid attributes tags?                   (kid without version in lists)
//! key              kid kty key_ops (n e | crv x y)          public parts only, never d p q dp dq qi
//! attributes       enabled nbf? exp? created updated recoveryLevel recoverableDays
//!                  [exportable hsmPlatform]                 (api-version 7.5 and later)
//! KeyRotationPolicy id lifetimeActions attributes{expiryTime? created updated}
//! ```

use serde::Serialize;

use crate::crypto::JsonWebKey;
use crate::render::{to_json, Attributes, List, Vault};
use crate::store::{DeletedRecord, KeyVersion, Record, ReleasePolicy, RotationPolicy, Tags};

use super::model::default_notify;

/// A bundle, a deleted bundle or a list item: which fields appear is set by the builder.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Key<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    recovery_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deleted_date: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduled_purge_date: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<JsonWebKey>,
    attributes: Attributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<&'a Tags>,
    /// Snake case on the wire, unlike the fields around it (spec `KeyBundle.release_policy`).
    #[serde(rename = "release_policy", skip_serializing_if = "Option::is_none")]
    release_policy: Option<&'a ReleasePolicy>,
}

impl Vault<'_> {
    /// `https://vault/keys/<name>/<version>`, or the base id without `version`.
    pub fn key_id(&self, name: &str, version: Option<&str>) -> String {
        match version {
            Some(v) => format!("{}/keys/{name}/{v}", self.base),
            None => format!("{}/keys/{name}", self.base),
        }
    }

    fn key<'r>(&self, record: &'r Record<KeyVersion>, bundle: bool, versioned: bool) -> Key<'r> {
        let v = &record.version;
        let id = self.key_id(&record.name, versioned.then_some(v.version.as_str()));
        let (kid, key) = if bundle {
            let mut jwk = v.pair.public_jwk();
            jwk.kid = Some(id);
            jwk.kty = Some(v.kty.as_str().to_owned());
            jwk.key_ops = Some(v.key_ops.clone());
            if v.rsa_crv.is_some() {
                jwk.crv.clone_from(&v.rsa_crv);
            }
            (None, Some(jwk))
        } else {
            (Some(id), None)
        };
        Key {
            recovery_id: None,
            deleted_date: None,
            scheduled_purge_date: None,
            kid,
            key,
            attributes: Attributes {
                exportable: self.api_7_5.then_some(v.exportable),
                hsm_platform: self
                    .api_7_5
                    .then_some(if v.kty.is_hsm() { "2" } else { "0" }),
                ..self.attributes(v.enabled, (v.not_before, v.expires), (v.created, v.updated))
            },
            tags: v.tags.as_ref(),
            release_policy: if bundle {
                v.release_policy.as_ref()
            } else {
                None
            },
        }
    }

    fn deleted_key<'r>(&self, deleted: &'r DeletedRecord<KeyVersion>, bundle: bool) -> Key<'r> {
        Key {
            recovery_id: Some(format!("{}/deletedkeys/{}", self.base, deleted.record.name)),
            deleted_date: Some(deleted.deleted_date),
            scheduled_purge_date: Some(deleted.scheduled_purge_date),
            ..self.key(&deleted.record, bundle, bundle)
        }
    }

    /// `KeyBundle`.
    pub fn key_bundle(&self, record: &Record<KeyVersion>) -> String {
        to_json(&self.key(record, true, true))
    }

    /// `DeletedKeyBundle`.
    pub fn deleted_key_bundle(&self, deleted: &DeletedRecord<KeyVersion>) -> String {
        to_json(&self.deleted_key(deleted, true))
    }

    /// `KeyListResult` of `GET /keys` (base ids) or `.../versions` (versioned ids).
    pub fn key_list(
        &self,
        items: &[Record<KeyVersion>],
        versioned: bool,
        next_link: Option<&str>,
    ) -> String {
        let value = items
            .iter()
            .map(|r| self.key(r, false, versioned))
            .collect();
        to_json(&List { value, next_link })
    }

    /// `DeletedKeyListResult` of `GET /deletedkeys` (base ids).
    pub fn deleted_key_list(
        &self,
        items: &[DeletedRecord<KeyVersion>],
        next_link: Option<&str>,
    ) -> String {
        let value = items.iter().map(|d| self.deleted_key(d, false)).collect();
        to_json(&List { value, next_link })
    }

    /// `KeyRotationPolicy`; a key without one answers the default policy (a `Notify` 30 days
    /// before expiry, no times).
    pub fn rotation_policy(&self, name: &str, policy: Option<&RotationPolicy>) -> String {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Trigger<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            time_after_create: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            time_before_expiry: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct Action<'a> {
            #[serde(rename = "type")]
            kind: &'a str,
        }
        #[derive(Serialize)]
        struct LifetimeAction<'a> {
            trigger: Trigger<'a>,
            action: Action<'a>,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct PolicyAttributes<'a> {
            #[serde(skip_serializing_if = "Option::is_none")]
            expiry_time: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            created: Option<i64>,
            #[serde(skip_serializing_if = "Option::is_none")]
            updated: Option<i64>,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Policy<'a> {
            id: String,
            lifetime_actions: Vec<LifetimeAction<'a>>,
            attributes: PolicyAttributes<'a>,
        }
        let default = [default_notify()];
        let actions = policy.map_or(&default[..], |p| &p.lifetime_actions[..]);
        let body = Policy {
            id: format!("{}/keys/{name}/rotationpolicy", self.base),
            lifetime_actions: actions
                .iter()
                .map(|a| LifetimeAction {
                    trigger: Trigger {
                        time_after_create: a.time_after_create.as_deref(),
                        time_before_expiry: a.time_before_expiry.as_deref(),
                    },
                    action: Action { kind: &a.action },
                })
                .collect(),
            attributes: PolicyAttributes {
                expiry_time: policy.and_then(|p| p.expiry_time.as_deref()),
                created: policy.map(|p| p.created),
                updated: policy.map(|p| p.updated),
            },
        };
        to_json(&body)
    }
}

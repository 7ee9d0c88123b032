//! Request bodies of the keys plane (`ref/spec/2025-07-01/keys.json`) and their validation:
//! create, import, update, the key operations, rotation policies, `rng` and `release`.
//!
//! Where the service's wording is known (`ref/SERVICE-NOTES.md`, the crypto module's sources)
//! it is used; other messages are ours, always with code `BadParameter`.

use serde::Deserialize;
use serde_json::Value;

use crate::crypto::{b64url_decode, CryptoError, Curve, JsonWebKey, KeyType, KEY_OPS};
use crate::duration;
use crate::error::ApiError;
use crate::model::{parse_json, validate_properties, validate_times, Attributes};
use crate::store::{KeyMeta, KeyVersion, LifetimeAction, ReleasePolicy, Tags};

/// The service's default `contentType` of a release policy.
const RELEASE_POLICY_CONTENT_TYPE: &str = "application/json; charset=utf-8";

impl From<CryptoError> for ApiError {
    fn from(e: CryptoError) -> Self {
        ApiError {
            inner_code: e.inner_code,
            ..ApiError::bad_parameter(e.message)
        }
    }
}

/// `KeyAttributes` as requests carry them: the common ones and `exportable`.
#[derive(Debug, Default, Deserialize)]
struct KeyAttributesIn {
    #[serde(flatten)]
    common: Attributes,
    exportable: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct ReleasePolicyIn {
    #[serde(rename = "contentType")]
    content_type: Option<String>,
    immutable: Option<bool>,
    data: Option<String>,
}

/// What a create, import or rotate sets besides the material.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyProperties {
    pub key_ops: Option<Vec<String>>,
    pub tags: Option<Tags>,
    pub enabled: Option<bool>,
    pub not_before: Option<i64>,
    pub expires: Option<i64>,
    pub exportable: Option<bool>,
    pub release_policy: Option<ReleasePolicy>,
    /// A `crv` an RSA import's JWK carried: the service keeps it and answers it back (recorded:
    /// the C++ ImportKey test sends `"crv":"P-521"` with an RSA key and gets it echoed).
    pub rsa_crv: Option<String>,
}

/// How to make a new key: its type and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySpec {
    Rsa { bits: u32, hsm: bool },
    Ec { curve: Curve, hsm: bool },
}

impl KeySpec {
    pub fn kty(self) -> KeyType {
        match self {
            KeySpec::Rsa { hsm, .. } => KeyType::Rsa.with_hsm(hsm),
            KeySpec::Ec { hsm, .. } => KeyType::Ec.with_hsm(hsm),
        }
    }
}

/// `KeyCreateParameters`.
#[derive(Debug, Deserialize)]
struct CreateIn {
    kty: Option<String>,
    key_size: Option<i64>,
    #[allow(dead_code)] // Key Vault (unlike Managed HSM) always makes e = 65537.
    public_exponent: Option<i64>,
    key_ops: Option<Vec<String>>,
    attributes: Option<KeyAttributesIn>,
    tags: Option<Tags>,
    crv: Option<String>,
    release_policy: Option<ReleasePolicyIn>,
}

/// Parses and validates a create body.
pub fn parse_create(body: &[u8]) -> Result<(KeySpec, KeyProperties), ApiError> {
    let params: CreateIn = parse_json(body)?;
    let kty = params
        .kty
        .ok_or_else(|| ApiError::bad_parameter("The parameter 'kty' is required."))?;
    let kty = KeyType::parse(&kty)?;
    let spec = if kty.is_rsa() {
        let bits = match params.key_size {
            None => 2048,
            Some(n @ (2048 | 3072 | 4096)) => n as u32,
            Some(n) => {
                return Err(ApiError {
                    inner_code: Some("KeySizeNotSupported"),
                    ..ApiError::bad_parameter(format!(
                        "Unsupported key size ({n}). Supported sizes are [2048, 3072, 4096]"
                    ))
                })
            }
        };
        KeySpec::Rsa {
            bits,
            hsm: kty.is_hsm(),
        }
    } else {
        let curve = match (params.crv.as_deref(), params.key_size) {
            (Some(crv), _) => Curve::parse(crv)?,
            (None, None | Some(256)) => Curve::P256,
            (None, Some(384)) => Curve::P384,
            (None, Some(521)) => Curve::P521,
            (None, Some(n)) => {
                return Err(ApiError {
                    inner_code: Some("KeySizeNotSupported"),
                    ..ApiError::bad_parameter(format!(
                        "Unsupported key size ({n}). Supported sizes are [256, 384, 521]"
                    ))
                })
            }
        };
        KeySpec::Ec {
            curve,
            hsm: kty.is_hsm(),
        }
    };
    let properties = properties(
        params.key_ops,
        params.attributes,
        params.tags,
        params.release_policy,
        true,
    )?;
    Ok((spec, properties))
}

/// `KeyImportParameters`: `key` (a JWK with its private parts), `Hsm`, attributes, tags.
#[derive(Debug, Deserialize)]
struct ImportIn {
    key: Option<Value>,
    #[serde(rename = "Hsm")]
    hsm: Option<bool>,
    attributes: Option<KeyAttributesIn>,
    tags: Option<Tags>,
    release_policy: Option<ReleasePolicyIn>,
}

/// Parses and validates an import body: the JWK, whether to hold it as HSM, its properties.
pub fn parse_import(body: &[u8]) -> Result<(JsonWebKey, bool, KeyProperties), ApiError> {
    let params: ImportIn = parse_json(body)?;
    let key = params
        .key
        .ok_or_else(|| ApiError::bad_parameter("The parameter 'key' is required."))?;
    let jwk = JsonWebKey::from_value(&key)?;
    let mut properties = properties(
        jwk.key_ops.clone(),
        params.attributes,
        params.tags,
        params.release_policy,
        true,
    )?;
    if let Some(crv) = &jwk.crv {
        Curve::parse(crv)?;
        if jwk
            .kty
            .as_deref()
            .is_some_and(|kty| KeyType::parse(kty).is_ok_and(KeyType::is_rsa))
        {
            properties.rsa_crv = Some(crv.clone());
        }
    }
    Ok((jwk, params.hsm.unwrap_or(false), properties))
}

/// `KeyUpdateParameters`.
#[derive(Debug, Deserialize)]
struct UpdateIn {
    key_ops: Option<Vec<String>>,
    attributes: Option<KeyAttributesIn>,
    tags: Option<Tags>,
    release_policy: Option<ReleasePolicyIn>,
}

/// Parses and validates an update body; `None` fields stay as they are.
pub fn parse_update(body: &[u8]) -> Result<KeyProperties, ApiError> {
    let params: UpdateIn = parse_json(body)?;
    properties(
        params.key_ops,
        params.attributes,
        params.tags,
        params.release_policy,
        false,
    )
}

fn properties(
    key_ops: Option<Vec<String>>,
    attributes: Option<KeyAttributesIn>,
    tags: Option<Tags>,
    release_policy: Option<ReleasePolicyIn>,
    creating: bool,
) -> Result<KeyProperties, ApiError> {
    let attributes = attributes.unwrap_or_default();
    validate_properties(None, tags.as_ref(), &attributes.common)?;
    if let Some(ops) = &key_ops {
        if let Some(bad) = ops.iter().find(|op| !KEY_OPS.contains(&op.as_str())) {
            return Err(ApiError::bad_parameter(format!(
                "Invalid key_ops value: {bad}"
            )));
        }
    }
    let release_policy = release_policy.map(release_policy_of).transpose()?;
    if creating {
        let exportable = attributes.exportable.unwrap_or(false);
        if exportable && release_policy.is_none() {
            return Err(ApiError::bad_parameter(
                "AKV.SKR.1004: Exportable keys must have release policy.",
            ));
        }
        if !exportable && release_policy.is_some() {
            return Err(ApiError::bad_parameter(
                "AKV.SKR.1005: Non-exportable keys must not have release policy.",
            ));
        }
    }
    Ok(KeyProperties {
        key_ops,
        tags,
        enabled: attributes.common.enabled,
        not_before: attributes.common.nbf,
        expires: attributes.common.exp,
        exportable: attributes.exportable,
        release_policy,
        rsa_crv: None,
    })
}

fn release_policy_of(policy: ReleasePolicyIn) -> Result<ReleasePolicy, ApiError> {
    let data = policy
        .data
        .filter(|d| {
            b64url_decode(d).is_some_and(|bytes| serde_json::from_slice::<Value>(&bytes).is_ok())
        })
        .ok_or_else(|| {
            ApiError::bad_parameter("The release policy 'data' must be base64url-encoded JSON.")
        })?;
    Ok(ReleasePolicy {
        content_type: policy
            .content_type
            .unwrap_or_else(|| RELEASE_POLICY_CONTENT_TYPE.to_owned()),
        immutable: policy.immutable.unwrap_or(false),
        data,
    })
}

/// `KeyOperationsParameters` (encrypt, decrypt, wrapkey, unwrapkey) and `KeySignParameters`.
#[derive(Debug, Deserialize)]
struct OperationIn {
    alg: Option<String>,
    value: Option<String>,
    digest: Option<String>,
}

/// An operation's algorithm name and its decoded input.
#[derive(Debug)]
pub struct Operation {
    pub alg: String,
    pub value: Vec<u8>,
    /// `verify` only.
    pub digest: Option<Vec<u8>>,
}

/// Parses an operation body; `with_digest` for `verify`.
pub fn parse_operation(body: &[u8], with_digest: bool) -> Result<Operation, ApiError> {
    let params: OperationIn = parse_json(body)?;
    let alg = params
        .alg
        .ok_or_else(|| ApiError::bad_parameter("The parameter 'alg' is required."))?;
    let value = bytes_param("value", params.value)?;
    let digest = if with_digest {
        Some(bytes_param("digest", params.digest)?)
    } else {
        None
    };
    Ok(Operation { alg, value, digest })
}

fn bytes_param(name: &str, value: Option<String>) -> Result<Vec<u8>, ApiError> {
    let value = value
        .ok_or_else(|| ApiError::bad_parameter(format!("The parameter '{name}' is required.")))?;
    b64url_decode(&value).ok_or_else(|| {
        ApiError::bad_parameter(format!("The parameter '{name}' is not valid base64url."))
    })
}

/// `GetRandomBytesRequest`: `count` in 1..=128.
pub fn parse_rng(body: &[u8]) -> Result<usize, ApiError> {
    #[derive(Deserialize)]
    struct RngIn {
        count: Option<i64>,
    }
    let params: RngIn = parse_json(body)?;
    match params.count {
        Some(n @ 1..=128) => Ok(n as usize),
        Some(n) => Err(ApiError::bad_parameter(format!(
            "The value of 'count' ({n}) is out of range: it must be between 1 and 128."
        ))),
        None => Err(ApiError::bad_parameter(
            "The parameter 'count' is required.",
        )),
    }
}

/// `KeyRotationPolicy` as a PUT carries it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PolicyIn {
    lifetime_actions: Option<Vec<ActionIn>>,
    attributes: Option<PolicyAttributesIn>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PolicyAttributesIn {
    expiry_time: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ActionIn {
    trigger: Option<TriggerIn>,
    action: Option<ActionTypeIn>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TriggerIn {
    time_after_create: Option<String>,
    time_before_expiry: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ActionTypeIn {
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// Shortest allowed `expiryTime` and triggers, in days (Key Vault's documented minimums).
const MIN_EXPIRY_DAYS: i64 = 28;
const MIN_TRIGGER_DAYS: i64 = 7;

/// A validated policy: its actions (with the default `Notify` added when none is given, as the
/// service does) and `expiryTime`.
pub fn parse_policy(body: &[u8]) -> Result<(Vec<LifetimeAction>, Option<String>), ApiError> {
    let params: PolicyIn = parse_json(body)?;
    let expiry_time = params.attributes.and_then(|a| a.expiry_time);
    let expiry_days = match &expiry_time {
        None => None,
        Some(text) => {
            let days = duration::parse(text)
                .ok_or_else(|| invalid_duration("expiryTime", text))?
                .approx_days();
            if days < MIN_EXPIRY_DAYS {
                return Err(ApiError::bad_parameter(format!(
                    "The rotation policy's expiryTime ({text}) must be at least 28 days (P28D)."
                )));
            }
            Some(days)
        }
    };
    let mut actions = Vec::new();
    for action in params.lifetime_actions.unwrap_or_default() {
        let kind = match action.action.and_then(|a| a.kind).as_deref() {
            Some(k) if k.eq_ignore_ascii_case("rotate") => "Rotate",
            Some(k) if k.eq_ignore_ascii_case("notify") => "Notify",
            other => {
                return Err(ApiError::bad_parameter(format!(
                    "Invalid lifetime action type: {}. It must be Rotate or Notify.",
                    other.unwrap_or("(none)")
                )))
            }
        };
        if actions.iter().any(|a: &LifetimeAction| a.action == kind) {
            return Err(ApiError::bad_parameter(format!(
                "A rotation policy may have only one {kind} action."
            )));
        }
        let trigger = action
            .trigger
            .ok_or_else(|| ApiError::bad_parameter("Every lifetime action needs a trigger."))?;
        let (after, before) = (trigger.time_after_create, trigger.time_before_expiry);
        let (field, text) = match (&after, &before) {
            (Some(t), None) => ("timeAfterCreate", t),
            (None, Some(t)) => ("timeBeforeExpiry", t),
            _ => {
                return Err(ApiError::bad_parameter(
                    "A lifetime action trigger needs exactly one of timeAfterCreate and \
                     timeBeforeExpiry.",
                ))
            }
        };
        let days = duration::parse(text)
            .ok_or_else(|| invalid_duration(field, text))?
            .approx_days();
        if days < MIN_TRIGGER_DAYS {
            return Err(ApiError::bad_parameter(format!(
                "The trigger {field} ({text}) must be at least 7 days (P7D)."
            )));
        }
        if kind == "Notify" && before.is_none() {
            return Err(ApiError::bad_parameter(
                "A Notify action can only be triggered by timeBeforeExpiry.",
            ));
        }
        if before.is_some() {
            match expiry_days {
                None if kind == "Rotate" => {
                    return Err(ApiError::bad_parameter(
                        "A Rotate action triggered by timeBeforeExpiry needs the policy's \
                         expiryTime.",
                    ))
                }
                Some(expiry) if days > expiry - MIN_TRIGGER_DAYS => {
                    return Err(ApiError::bad_parameter(format!(
                        "The trigger timeBeforeExpiry ({text}) must be at least 7 days shorter \
                         than expiryTime."
                    )))
                }
                _ => {}
            }
        }
        actions.push(LifetimeAction {
            action: kind.to_owned(),
            time_after_create: after,
            time_before_expiry: before,
        });
    }
    if !actions.iter().any(|a| a.action == "Notify") {
        actions.push(default_notify());
    }
    Ok((actions, expiry_time))
}

/// Checks a key version a restore would store, as create, import and update check theirs
/// (the key material itself was checked when the version was read).
pub fn check_restored_key(v: &KeyVersion) -> Result<(), ApiError> {
    let attributes = Attributes {
        enabled: Some(v.enabled),
        nbf: v.not_before,
        exp: v.expires,
    };
    validate_properties(None, v.tags.as_ref(), &attributes)?;
    if let Some(bad) = v.key_ops.iter().find(|op| !KEY_OPS.contains(&op.as_str())) {
        return Err(ApiError::bad_parameter(format!(
            "Invalid key_ops value: {bad}"
        )));
    }
    if let Some(policy) = &v.release_policy {
        release_policy_of(ReleasePolicyIn {
            content_type: Some(policy.content_type.clone()),
            immutable: Some(policy.immutable),
            data: Some(policy.data.clone()),
        })?;
    }
    if let Some(crv) = &v.rsa_crv {
        Curve::parse(crv)?;
    }
    validate_times(v.created, v.updated)
}

/// Checks a rotation policy a restore would store, as `PUT .../rotationpolicy` checks one.
pub fn check_restored_meta(meta: &KeyMeta) -> Result<(), ApiError> {
    let Some(policy) = &meta.rotation_policy else {
        return Ok(());
    };
    let actions: Vec<Value> = policy
        .lifetime_actions
        .iter()
        .map(|a| {
            serde_json::json!({
                "trigger": {"timeAfterCreate": a.time_after_create,
                            "timeBeforeExpiry": a.time_before_expiry},
                "action": {"type": a.action},
            })
        })
        .collect();
    let wire = serde_json::json!({
        "lifetimeActions": actions,
        "attributes": {"expiryTime": policy.expiry_time},
    });
    parse_policy(wire.to_string().as_bytes())?;
    validate_times(policy.created, policy.updated)
}

/// The `Notify` action every policy has unless it names its own: 30 days before expiry.
pub fn default_notify() -> LifetimeAction {
    LifetimeAction {
        action: "Notify".to_owned(),
        time_after_create: None,
        time_before_expiry: Some("P30D".to_owned()),
    }
}

fn invalid_duration(field: &str, text: &str) -> ApiError {
    ApiError::bad_parameter(format!(
        "The value '{text}' of '{field}' is not a valid ISO 8601 duration."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_bodies() {
        let (spec, props) =
            parse_create(br#"{"kty":"RSA","key_size":3072,"key_ops":["sign"]}"#).unwrap();
        assert_eq!(
            spec,
            KeySpec::Rsa {
                bits: 3072,
                hsm: false
            }
        );
        assert_eq!(props.key_ops, Some(vec!["sign".to_owned()]));
        let (spec, _) = parse_create(br#"{"kty":"EC-HSM","crv":"P-256K"}"#).unwrap();
        assert_eq!(
            spec,
            KeySpec::Ec {
                curve: Curve::P256K,
                hsm: true
            }
        );
        let (spec, _) = parse_create(br#"{"kty":"EC","key_size":384}"#).unwrap();
        assert_eq!(
            spec,
            KeySpec::Ec {
                curve: Curve::P384,
                hsm: false
            }
        );
        for (body, inner) in [
            (&br#"{"kty":"oct"}"#[..], Some("KeyTypeNotSupported")),
            (
                br#"{"kty":"RSA","key_size":1024}"#,
                Some("KeySizeNotSupported"),
            ),
            (br#"{"kty":"EC","crv":"P-192"}"#, None),
            (br#"{"kty":"RSA","key_ops":["fly"]}"#, None),
            (br#"{"kty":"RSA","attributes":{"exportable":true}}"#, None),
            (br#"{}"#, None),
            (b"{", None),
        ] {
            let e = parse_create(body).unwrap_err();
            assert_eq!(e.code, "BadParameter", "{}", String::from_utf8_lossy(body));
            if inner.is_some() {
                assert_eq!(e.inner_code, inner);
            }
        }
        assert_eq!(
            parse_create(br#"{"kty":"RSA","attributes":{"exportable":true}}"#)
                .unwrap_err()
                .message,
            "AKV.SKR.1004: Exportable keys must have release policy."
        );
    }

    #[test]
    fn policies_get_the_default_notify_and_are_validated() {
        let (actions, expiry) = parse_policy(
            br#"{"lifetimeActions":[{"trigger":{"timeAfterCreate":"P18M"},"action":{"type":"Rotate"}}],"attributes":{"expiryTime":"P48M"}}"#,
        )
        .unwrap();
        assert_eq!(expiry.as_deref(), Some("P48M"));
        assert_eq!(actions.len(), 2);
        assert_eq!(actions[1], default_notify());
        for bad in [
            &br#"{"attributes":{"expiryTime":"P7D"}}"#[..],
            br#"{"lifetimeActions":[{"trigger":{"timeAfterCreate":"P1D"},"action":{"type":"Rotate"}}]}"#,
            br#"{"lifetimeActions":[{"trigger":{"timeBeforeExpiry":"P30D"},"action":{"type":"Rotate"}}]}"#,
            br#"{"lifetimeActions":[{"trigger":{"timeAfterCreate":"P30D"},"action":{"type":"Notify"}}]}"#,
            br#"{"lifetimeActions":[{"trigger":{},"action":{"type":"Rotate"}}]}"#,
            br#"{"lifetimeActions":[{"trigger":{"timeAfterCreate":"soon"},"action":{"type":"Rotate"}}]}"#,
            br#"{"lifetimeActions":[{"trigger":{"timeAfterCreate":"P30D"},"action":{"type":"Explode"}}]}"#,
        ] {
            assert!(parse_policy(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn operations_and_rng() {
        let op = parse_operation(br#"{"alg":"RS256","value":"AQID"}"#, false).unwrap();
        assert_eq!((op.alg.as_str(), op.value), ("RS256", vec![1, 2, 3]));
        assert!(parse_operation(br#"{"alg":"RS256","value":"!!"}"#, false).is_err());
        assert!(parse_operation(br#"{"alg":"RS256","value":"AQID"}"#, true).is_err());
        assert_eq!(parse_rng(br#"{"count":128}"#).unwrap(), 128);
        assert!(parse_rng(br#"{"count":129}"#).is_err());
        assert!(parse_rng(br#"{"count":0}"#).is_err());
    }
}

//! The backup blobs of `POST /{secrets|keys}/{name}/backup` and `POST /{secrets|keys}/restore`.
//!
//! The service's blob is base64url of a text prefix (`)AzureKeyVaultSecretBackupV1.microsoft.com`
//! for secrets, `&AzureKeyVaultKeyBackupV1.microsoft.com` for keys, as recorded) followed by an
//! encrypted JWE, restorable only where it was made. Ours keeps that shape: base64url of the
//! plane's prefix (with our own domain), then the JSON of the name, every version and the
//! object's own data (a key's rotation policy and private material) **sealed** with
//! AES-256-GCM under the emulator's backup key — a 12-byte random nonce, then the ciphertext
//! and its 16-byte tag; the prefix is the associated data, so a blob of one plane does not
//! restore into the other.
//!
//! The key is the emulator's own: kept in the `--data` file (so blobs restore after a
//! restart), or random per process without `--data`. A blob that was not sealed with it —
//! made up, changed by one bit, made by another emulator — is refused with the 400
//! `BadParameter` of a corrupt blob. What a sealed blob holds is still checked against every
//! limit the create and set paths enforce before anything is stored.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use rand_core::{OsRng, RngCore};

use crate::error::ApiError;
use crate::model;
use crate::objects::Served;
use crate::store::Backup;

/// Length of the random nonce after the prefix.
const NONCE_BYTES: usize = 12;
/// Length of the authentication tag at the end.
const TAG_BYTES: usize = 16;

/// The emulator's backup key (AES-256).
pub type BackupKey = [u8; 32];

/// A new random backup key.
pub fn new_key() -> BackupKey {
    let mut key = [0u8; 32];
    OsRng.fill_bytes(&mut key);
    key
}

/// The 400 of a blob that is not one of ours, or not intact.
fn invalid() -> ApiError {
    ApiError::bad_parameter("The backup blob is invalid or corrupt.")
}

/// The blob for `backup`.
pub fn encode<V: Served>(key: &BackupKey, backup: &Backup<V>) -> String {
    // Strings, integers, string maps and key material always serialize.
    let json = serde_json::to_vec(backup).unwrap_or_default();
    let mut nonce = [0u8; NONCE_BYTES];
    OsRng.fill_bytes(&mut nonce);
    let sealed = Aes256Gcm::new(key.into())
        .encrypt(
            &Nonce::from(nonce),
            Payload {
                msg: &json,
                aad: V::BACKUP_PREFIX,
            },
        )
        // Encryption only fails for plaintexts of more than 64 GiB.
        .unwrap_or_default();
    let mut bytes = Vec::with_capacity(V::BACKUP_PREFIX.len() + NONCE_BYTES + sealed.len());
    bytes.extend_from_slice(V::BACKUP_PREFIX);
    bytes.extend_from_slice(&nonce);
    bytes.extend_from_slice(&sealed);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The backup in a blob sealed with `key` for this plane, checked against every limit.
/// Anything else is a 400 `BadParameter`.
pub fn decode<V: Served>(key: &BackupKey, blob: &str) -> Result<Backup<V>, ApiError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(blob.trim_end_matches('='))
        .or_else(|_| URL_SAFE.decode(blob))
        .map_err(|_| invalid())?;
    let sealed = bytes.strip_prefix(V::BACKUP_PREFIX).ok_or_else(invalid)?;
    if sealed.len() < NONCE_BYTES + TAG_BYTES {
        return Err(invalid());
    }
    let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
    let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| invalid())?;
    let json = Aes256Gcm::new(key.into())
        .decrypt(
            &Nonce::from(nonce),
            Payload {
                msg: ciphertext,
                aad: V::BACKUP_PREFIX,
            },
        )
        .map_err(|_| invalid())?;
    let backup: Backup<V> = serde_json::from_slice(&json).map_err(|_| invalid())?;
    check(&backup).map_err(|e| {
        ApiError::bad_parameter(format!("The backup blob is invalid or corrupt: {e}"))
    })?;
    Ok(backup)
}

/// What a restore would store, checked as the create and set paths check it: the name, at
/// least one version, version ids (32 lower-case hex characters, each once), every version's
/// properties and the object's own data.
fn check<V: Served>(backup: &Backup<V>) -> Result<(), String> {
    let reason = |e: ApiError| e.message;
    model::validate_name(&backup.name).map_err(reason)?;
    if backup.versions.is_empty() {
        return Err("it holds no version.".into());
    }
    let mut seen = std::collections::HashSet::with_capacity(backup.versions.len());
    for v in &backup.versions {
        model::validate_version(v.id()).map_err(reason)?;
        if v.id().bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(format!("the version id {} is not lower-case.", v.id()));
        }
        if !seen.insert(v.id()) {
            return Err(format!("the version {} occurs twice.", v.id()));
        }
        v.check_restored().map_err(reason)?;
    }
    V::check_restored_meta(&backup.meta).map_err(reason)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{SecretVersion, Tags};

    fn version(id: &str) -> SecretVersion {
        SecretVersion {
            version: id.into(),
            value: "v".into(),
            content_type: None,
            tags: None,
            enabled: true,
            not_before: None,
            expires: Some(5),
            created: 1,
            updated: 2,
        }
    }

    fn backup(versions: Vec<SecretVersion>) -> Backup<SecretVersion> {
        Backup {
            name: "Name".into(),
            versions,
            meta: (),
        }
    }

    const ID: &str = "0123456789abcdef0123456789abcdef";
    const OTHER: &str = "fedcba9876543210fedcba9876543210";

    #[test]
    fn round_trip_and_rejects() {
        let key = new_key();
        let backup = backup(vec![version(ID)]);
        let blob = encode(&key, &backup);
        assert!(blob
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let bytes = URL_SAFE_NO_PAD.decode(&blob).unwrap();
        assert!(bytes.starts_with(SecretVersion::BACKUP_PREFIX));
        assert!(
            !bytes.windows(4).any(|w| w == b"Name"),
            "the content is not readable"
        );
        assert_eq!(decode::<SecretVersion>(&key, &blob).unwrap(), backup);
        // Another emulator's key, another plane, garbage, plain JSON.
        assert!(decode::<SecretVersion>(&new_key(), &blob).is_err());
        assert!(decode::<crate::store::KeyVersion>(&key, &blob).is_err());
        assert!(decode::<SecretVersion>(&key, "not a blob").is_err());
        let mut plain = SecretVersion::BACKUP_PREFIX.to_vec();
        plain.extend(serde_json::to_vec(&backup).unwrap());
        let err = decode::<SecretVersion>(&key, &URL_SAFE_NO_PAD.encode(&plain)).unwrap_err();
        assert_eq!(err.message, "The backup blob is invalid or corrupt.");
        // Every bit counts.
        for i in [
            SecretVersion::BACKUP_PREFIX.len(),
            bytes.len() / 2,
            bytes.len() - 1,
        ] {
            let mut flipped = bytes.clone();
            flipped[i] ^= 1;
            assert!(
                decode::<SecretVersion>(&key, &URL_SAFE_NO_PAD.encode(&flipped)).is_err(),
                "byte {i}"
            );
        }
    }

    /// Sealed blobs cannot be made by clients; what one holds is checked anyway.
    #[test]
    fn a_sealed_backup_is_checked_against_every_limit() {
        let key = new_key();
        let refused = |b: Backup<SecretVersion>| {
            decode::<SecretVersion>(&key, &encode(&key, &b))
                .map(|_| ())
                .unwrap_err()
                .message
        };
        let with = |change: fn(&mut SecretVersion)| {
            let mut v = version(ID);
            change(&mut v);
            backup(vec![v])
        };
        assert!(refused(backup(vec![version(ID), version(ID)])).contains("occurs twice"));
        assert!(refused(backup(vec![])).contains("no version"));
        assert!(refused(backup(vec![version(&ID.to_uppercase())])).contains("lower-case"));
        assert!(refused(backup(vec![version("1234")])).contains("invalid version"));
        let mut bad_name = backup(vec![version(ID)]);
        bad_name.name = "a_b".into();
        assert!(refused(bad_name).contains("invalid name"));
        for (what, b) in [
            ("value", with(|v| v.value = "x".repeat(3 << 20))),
            (
                "tags",
                with(|v| {
                    v.tags = Some((0..40).map(|i| (format!("t{i}"), "v".into())).collect());
                }),
            ),
            (
                "tag",
                with(|v| v.tags = Some(Tags::from([("t".into(), "v".repeat(300))]))),
            ),
            (
                "contentType",
                with(|v| v.content_type = Some("c".repeat(10_000))),
            ),
            ("exp", with(|v| v.expires = Some(1_000_000_000_000_000))),
            ("nbf", with(|v| v.not_before = Some(i64::MIN))),
            ("created", with(|v| v.created = i64::MAX)),
            ("updated", with(|v| v.updated = -62_135_596_801)),
        ] {
            let message = refused(b);
            assert!(
                message.starts_with("The backup blob is invalid or corrupt: "),
                "{what}: {message}"
            );
        }
        let mut fine = backup(vec![version(ID), version(OTHER)]);
        fine.versions[1].value = "x".repeat(25 * 1024);
        assert!(decode::<SecretVersion>(&key, &encode(&key, &fine)).is_ok());
    }

    #[test]
    fn a_sealed_key_backup_is_checked_too() {
        use crate::crypto::{Curve, KeyPair, KeyType};
        use crate::store::{KeyMeta, KeyVersion, LifetimeAction, RotationPolicy};

        let key = new_key();
        let good = KeyVersion {
            version: ID.into(),
            kty: KeyType::Ec,
            pair: KeyPair::generate_ec(Curve::P256).unwrap(),
            key_ops: vec!["sign".into(), "verify".into()],
            tags: None,
            enabled: true,
            not_before: None,
            expires: None,
            created: 1_700_000_000,
            updated: 1_700_000_000,
            exportable: false,
            release_policy: None,
            rsa_crv: None,
        };
        let policy = |expiry: &str| KeyMeta {
            rotation_policy: Some(RotationPolicy {
                lifetime_actions: vec![LifetimeAction {
                    action: "Rotate".into(),
                    time_after_create: Some("P30D".into()),
                    time_before_expiry: None,
                }],
                expiry_time: Some(expiry.into()),
                created: 1_700_000_000,
                updated: 1_700_000_000,
            }),
        };
        let sealed = |versions: Vec<KeyVersion>, meta: KeyMeta| {
            let b = Backup {
                name: "Key".into(),
                versions,
                meta,
            };
            decode::<KeyVersion>(&key, &encode(&key, &b)).map(|_| ())
        };
        assert_eq!(sealed(vec![good.clone()], policy("P90D")), Ok(()));
        assert!(sealed(vec![good.clone(), good.clone()], KeyMeta::default()).is_err());
        let with = |change: fn(&mut KeyVersion)| {
            let mut v = good.clone();
            change(&mut v);
            sealed(vec![v], KeyMeta::default()).unwrap_err().message
        };
        assert!(with(|v| v.key_ops.push("launch".into())).contains("Invalid key_ops value: launch"));
        assert!(with(|v| {
            v.tags = Some((0..40).map(|i| (format!("t{i}"), "v".into())).collect());
        })
        .contains("tags"));
        assert!(with(|v| v.expires = Some(1_000_000_000_000_000)).contains("'exp'"));
        assert!(with(|v| v.created = i64::MAX).contains("'created'"));
        assert!(with(|v| v.rsa_crv = Some("P-999".into())).starts_with("The backup blob"));
        let err = sealed(vec![good], policy("P1D")).unwrap_err().message;
        assert!(err.contains("expiryTime"), "{err}");
    }
}

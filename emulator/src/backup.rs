//! The backup blobs of `POST /{secrets|keys}/{name}/backup` and `POST /{secrets|keys}/restore`.
//!
//! The service's blob is base64url of a text prefix (`)AzureKeyVaultSecretBackupV1.microsoft.com`
//! for secrets, `&AzureKeyVaultKeyBackupV1.microsoft.com` for keys, as recorded) followed by an
//! encrypted JWE. Ours keeps the shape (base64url, the plane's prefix with our own domain) but
//! carries plain JSON of the name, every version and the object's own data (a key's rotation
//! policy; a key's private material): it is opaque to clients, restorable by any emulator, and
//! **not encrypted** (a deliberate difference, documented in the README).

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::ApiError;
use crate::model;
use crate::store::{Backup, Version};

/// The blob for `backup`, after `prefix`.
pub fn encode<V: Version + Serialize>(prefix: &[u8], backup: &Backup<V>) -> String {
    let mut bytes = prefix.to_vec();
    // Strings, integers, string maps and key material always serialize.
    bytes.extend(serde_json::to_vec(backup).unwrap_or_default());
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The backup in a blob; anything that is not one of our blobs for this plane is a 400
/// `BadParameter`.
pub fn decode<V: Version + DeserializeOwned>(
    prefix: &[u8],
    blob: &str,
) -> Result<Backup<V>, ApiError> {
    let invalid = || ApiError::bad_parameter("The backup blob is invalid or corrupt.");
    let bytes = URL_SAFE_NO_PAD
        .decode(blob.trim_end_matches('='))
        .or_else(|_| URL_SAFE.decode(blob))
        .map_err(|_| invalid())?;
    let json = bytes.strip_prefix(prefix).ok_or_else(invalid)?;
    let backup: Backup<V> = serde_json::from_slice(json).map_err(|_| invalid())?;
    model::validate_name(&backup.name).map_err(|_| invalid())?;
    if backup.versions.is_empty() {
        return Err(invalid());
    }
    for v in &backup.versions {
        model::validate_version(v.id()).map_err(|_| invalid())?;
        if v.id().bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(invalid());
        }
    }
    Ok(backup)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SecretVersion;

    const PREFIX: &[u8] = b")AzureKeyVaultSecretBackupV1.keyvault-emulator";

    #[test]
    fn round_trip_and_rejects() {
        let backup = Backup {
            name: "Name".into(),
            versions: vec![SecretVersion {
                version: "0123456789abcdef0123456789abcdef".into(),
                value: "v".into(),
                content_type: None,
                tags: None,
                enabled: true,
                not_before: None,
                expires: Some(5),
                created: 1,
                updated: 2,
            }],
            meta: (),
        };
        let blob = encode(PREFIX, &backup);
        assert!(blob
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(decode::<SecretVersion>(PREFIX, &blob).unwrap(), backup);
        assert!(decode::<SecretVersion>(b"&other", &blob).is_err());
        assert!(decode::<SecretVersion>(PREFIX, "not a blob").is_err());
        assert!(decode::<SecretVersion>(PREFIX, &URL_SAFE_NO_PAD.encode(b"{}")).is_err());
    }
}

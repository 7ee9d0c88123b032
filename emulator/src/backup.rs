//! The backup blob of `POST /secrets/{name}/backup` and `POST /secrets/restore`.
//!
//! The service's blob is base64url of `)AzureKeyVaultSecretBackupV1.microsoft.com` followed by
//! an encrypted JWE. Ours keeps the shape (base64url, a versioned text prefix) but carries plain
//! JSON of the name and every version: it is opaque to clients, restorable by any emulator, and
//! **not encrypted** (a deliberate difference, documented in the README).

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;

use crate::error::ApiError;
use crate::model;
use crate::store::SecretBackup;

const PREFIX: &[u8] = b")AzureKeyVaultSecretBackupV1.keyvault-emulator";

/// The blob for `backup`.
pub fn encode(backup: &SecretBackup) -> String {
    let mut bytes = PREFIX.to_vec();
    // Strings, integers and string maps always serialize.
    bytes.extend(serde_json::to_vec(backup).unwrap_or_default());
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The backup in a blob; anything that is not one of our blobs is a 400 `BadParameter`.
pub fn decode(blob: &str) -> Result<SecretBackup, ApiError> {
    let invalid = || ApiError::bad_parameter("The backup blob is invalid or corrupt.");
    let bytes = URL_SAFE_NO_PAD
        .decode(blob.trim_end_matches('='))
        .or_else(|_| URL_SAFE.decode(blob))
        .map_err(|_| invalid())?;
    let json = bytes.strip_prefix(PREFIX).ok_or_else(invalid)?;
    let mut backup: SecretBackup = serde_json::from_slice(json).map_err(|_| invalid())?;
    model::validate_name(&backup.name).map_err(|_| invalid())?;
    if backup.versions.is_empty() {
        return Err(invalid());
    }
    for v in &mut backup.versions {
        model::validate_version(&v.version).map_err(|_| invalid())?;
        v.version.make_ascii_lowercase();
    }
    Ok(backup)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SecretVersion;

    #[test]
    fn round_trip_and_rejects() {
        let backup = SecretBackup {
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
        let blob = encode(&backup);
        assert!(blob
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(decode(&blob).unwrap(), backup);
        assert!(decode("not a blob").is_err());
        assert!(decode(&URL_SAFE_NO_PAD.encode(b"{}")).is_err());
    }
}

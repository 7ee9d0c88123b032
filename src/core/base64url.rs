//! Backups travel as base64url without padding (the service's `value`); decoding tolerates
//! padding. CAE claims use the standard alphabet.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use base64::engine::DecodePaddingMode;
use base64::Engine;

const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

const LENIENT_STANDARD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Standard-alphabet base64 (CAE claims in a challenge).
pub fn decode_standard(text: &str) -> Option<Vec<u8>> {
    LENIENT_STANDARD.decode(text).ok()
}

pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn decode(text: &str) -> Option<Vec<u8>> {
    LENIENT.decode(text).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip() {
        let bytes: Vec<u8> = (0..=255).collect();
        let text = super::encode(&bytes);
        assert!(!text.contains(['+', '/', '=']));
        assert_eq!(super::decode(&text).unwrap(), bytes);
        assert_eq!(super::decode("AQI=").unwrap(), vec![1, 2]);
        assert_eq!(super::decode("not base64!"), None);
    }
}

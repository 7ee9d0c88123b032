//! Random (version 4) GUIDs in the usual 8-4-4-4-12 lower-case form: request ids and event ids.

/// The GUID made of `bits` (random bits; the version and variant bits are set here).
pub fn guid(bits: u128) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bits = (bits & !(0xf << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62);
    let mut out = String::with_capacity(36);
    for nibble in 0..32 {
        if matches!(nibble, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        out.push(char::from(
            HEX[((bits >> (124 - 4 * nibble)) & 0xf) as usize],
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::guid;

    #[test]
    fn guids_are_version_4() {
        for bits in [0, u128::MAX, 0x0123_4567_89ab_cdef_0123_4567_89ab_cdef] {
            let g = guid(bits);
            let groups: Vec<usize> = g.split('-').map(str::len).collect();
            assert_eq!(groups, [8, 4, 4, 4, 12]);
            assert!(g.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit()));
            assert_eq!(&g[14..15], "4");
            assert!(matches!(&g[19..20], "8" | "9" | "a" | "b"));
        }
        assert_eq!(
            guid(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
            "01234567-89ab-4def-8123-456789abcdef"
        );
    }
}

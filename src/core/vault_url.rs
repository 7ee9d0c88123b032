//! The vault URL given to the constructor: `https://{vault}.vault.azure.net` and nothing more.
//!
//! A small dedicated parser instead of the `url` crate: a vault URL is scheme + host + port, and
//! the full WHATWG parser (with IDNA tables) would dominate the size of the wasm module.

use super::error::{Error, Result};
use super::text::{concat, int, shorten};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultUrl {
    /// `scheme://host[:port]`, lower-case, default port dropped, no trailing slash.
    pub origin: String,
    /// The host alone (lower-case, IPv6 in brackets), used for challenge-resource verification.
    pub host: String,
    pub secure: bool,
}

impl VaultUrl {
    pub fn parse(input: &str, allow_insecure: bool) -> Result<Self> {
        let bad =
            |why: &str| Error::range_error(concat(&["vaultUrl ", why, ": ", &shorten(input)]));
        let (secure, rest) = if let Some(rest) = strip_prefix_ci(input, "https://") {
            (true, rest)
        } else if let Some(rest) = strip_prefix_ci(input, "http://") {
            (false, rest)
        } else {
            return Err(bad("must be an https:// URL"));
        };
        if !secure && !allow_insecure {
            return Err(bad(
                "uses http://, which is refused unless allowInsecureConnection is true",
            ));
        }
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at_checked(end).unwrap_or((rest, ""));
        if !(tail.is_empty() || tail == "/") {
            return Err(bad(
                "must be the vault's root URL, without a path, query or fragment",
            ));
        }
        let (host, port) = split_port(authority).ok_or_else(|| bad("has an invalid port"))?;
        if !valid_host(host) {
            return Err(bad("has an invalid host"));
        }
        let host = host.to_ascii_lowercase();
        let default_port = if secure { 443 } else { 80 };
        let scheme = if secure { "https" } else { "http" };
        let origin = match port {
            Some(p) if p != default_port => concat(&[scheme, "://", &host, ":", &int(p.into())]),
            _ => concat(&[scheme, "://", &host]),
        };
        Ok(VaultUrl {
            origin,
            host,
            secure,
        })
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

/// Splits `host[:port]`; `None` when the port is present but not a number in 1..=65535.
fn split_port(authority: &str) -> Option<(&str, Option<u16>)> {
    let colon = if authority.starts_with('[') {
        authority
            .find(']')
            .map(|i| i + 1)
            .filter(|&i| i < authority.len())
    } else {
        authority.rfind(':')
    };
    match colon {
        None => Some((authority, None)),
        Some(i) => {
            if authority.as_bytes().get(i) != Some(&b':') {
                return None;
            }
            let digits = authority.get(i + 1..)?;
            if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return None;
            }
            let port: u32 = digits.parse().ok()?;
            (1..=65535)
                .contains(&port)
                .then_some((authority.get(..i)?, Some(port as u16)))
        }
    }
}

fn valid_host(host: &str) -> bool {
    if let Some(inner) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !inner.is_empty()
            && inner
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
    }
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_vault_urls() {
        let v = VaultUrl::parse("https://MyVault.vault.azure.net/", false).unwrap();
        assert_eq!(v.origin, "https://myvault.vault.azure.net");
        assert_eq!(v.host, "myvault.vault.azure.net");
        assert_eq!(
            VaultUrl::parse("HTTPS://v.vault.azure.net:443", false)
                .unwrap()
                .origin,
            "https://v.vault.azure.net"
        );
        assert_eq!(
            VaultUrl::parse("http://127.0.0.1:8080", true)
                .unwrap()
                .origin,
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            VaultUrl::parse("http://[::1]:8080/", true).unwrap().host,
            "[::1]"
        );
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "",
            "vault.azure.net",
            "ftp://x",
            "https://",
            "https://a/b",
            "https://a?x=1",
            "https://a#f",
            "https://u@a",
            "https://a:0",
            "https://a:99999",
            "https://a:",
            "https://a..b",
            "https://ä.net",
            " https://a",
            "https://a b",
        ] {
            let err = VaultUrl::parse(bad, true).unwrap_err();
            assert!(matches!(err, Error::Argument { .. }), "{bad}");
        }
        let err = VaultUrl::parse("http://127.0.0.1:1", false).unwrap_err();
        assert!(err.message().contains("allowInsecureConnection"));
    }
}

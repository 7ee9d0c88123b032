//! The Key Vault authentication challenge: `WWW-Authenticate: Bearer authorization="...", resource="..."`.

use super::error::{Error, Result};
use super::text::{concat, find, shorten};

/// What a challenge tells the client: which token to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub scope: String,
    pub tenant_id: Option<String>,
    /// CAE: base64 claims from an `insufficient_claims` challenge, passed on to the credential.
    pub claims: Option<String>,
}

/// `key=value` and `key="quoted, value"` parameters of a Bearer challenge, in order.
fn params(header: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let s = header.trim_start();
    let s = match s.get(..6) {
        Some(head) if head.eq_ignore_ascii_case("bearer") => s.get(6..).unwrap_or_default(),
        _ => s,
    };
    let mut chars = s.chars().peekable();
    loop {
        while matches!(chars.peek(), Some(c) if *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ',' || c.is_whitespace() {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() {
            break;
        }
        if chars.peek() != Some(&'=') {
            continue; // a bare token (such as another scheme's name) carries no parameter
        }
        chars.next();
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => value.extend(chars.next()),
                    c => value.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ',' || c.is_whitespace() {
                    break;
                }
                value.push(c);
                chars.next();
            }
        }
        out.push((key.to_ascii_lowercase(), value));
    }
    out
}

/// The host of an absolute URL (`https://host[:port]/...`), lower-case and without the port.
fn url_host(url: &str) -> Option<String> {
    let rest = url.get(find(url, "://")? + 3..)?;
    let authority = rest.get(..rest.find(['/', '?', '#']).unwrap_or(rest.len()))?;
    let host = match authority.rfind(':') {
        Some(i) if !authority.ends_with(']') => authority.get(..i)?,
        _ => authority,
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The claims of a CAE challenge (`error="insufficient_claims", claims="<base64>"`), still
/// base64: the host decodes them for the credential.
pub fn cae_claims(header: &str) -> Option<String> {
    let p = params(header);
    let get = |k: &str| {
        p.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    if get("error") != Some("insufficient_claims") {
        return None;
    }
    get("claims").map(str::to_string)
}

/// Parses a challenge and, unless `verify_host` is `None`, checks that the challenge's resource
/// belongs to the vault's host. A failed check is an error and must leave no state behind.
pub fn parse(header: &str, verify_host: Option<&str>) -> Result<Challenge> {
    let p = params(header);
    let get = |k: &str| {
        p.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let resource = get("resource");
    let scope = match (resource, get("scope")) {
        (Some(r), _) => concat(&[r.trim_end_matches('/'), "/.default"]),
        (None, Some(s)) => s.to_string(),
        (None, None) => {
            return Err(Error::auth(
                "the service's authentication challenge names no resource or scope",
            ))
        }
    };
    if let Some(request_host) = verify_host {
        let resource_url =
            resource.unwrap_or_else(|| scope.strip_suffix("/.default").unwrap_or(&scope));
        let ok = url_host(resource_url).is_some_and(|rh| {
            request_host.len() > rh.len()
                && request_host.ends_with(&rh)
                && request_host.as_bytes()[request_host.len() - rh.len() - 1] == b'.'
        });
        if !ok {
            return Err(Error::auth(concat(&[
                "the challenge resource '",
                &shorten(resource_url),
                "' does not match the vault host '",
                request_host,
                "'; set disableChallengeResourceVerification to true only if this vault really is \
                 served from that host (see https://aka.ms/azsdk/blog/vault-uri)",
            ])));
        }
    }
    let tenant_id = get("authorization")
        .or_else(|| get("authorization_uri"))
        .and_then(|a| a.get(find(a, "://")? + 3..)?.split(['/', '?', '#']).nth(1))
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    Ok(Challenge {
        scope,
        tenant_id,
        claims: cae_claims(header),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const REAL: &str = r#"Bearer authorization="https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47", resource="https://vault.azure.net""#;

    #[test]
    fn reads_the_real_challenge() {
        let c = parse(REAL, Some("myvault.vault.azure.net")).unwrap();
        assert_eq!(c.scope, "https://vault.azure.net/.default");
        assert_eq!(
            c.tenant_id.as_deref(),
            Some("72f988bf-86f1-41af-91ab-2d7cd011db47")
        );
        assert_eq!(c.claims, None);
    }

    #[test]
    fn scope_form_and_older_authority() {
        let c = parse(
            r#"Bearer authorization_uri="https://login.windows.net/tid/", scope="https://vault.azure.net/.default""#,
            Some("v.vault.azure.net"),
        )
        .unwrap();
        assert_eq!(c.scope, "https://vault.azure.net/.default");
        assert_eq!(c.tenant_id.as_deref(), Some("tid"));
    }

    #[test]
    fn verification() {
        for host in [
            "vault.azure.net",
            "evilvault.azure.net",
            "v.vault.azure.net.evil.com",
            "127.0.0.1",
        ] {
            assert!(
                matches!(parse(REAL, Some(host)), Err(Error::Authentication { .. })),
                "{host}"
            );
        }
        assert!(parse(REAL, None).is_ok(), "verification can be turned off");
        let sov = r#"Bearer authorization="https://login.chinacloudapi.cn/t", resource="https://vault.azure.cn""#;
        assert!(parse(sov, Some("v.vault.azure.cn")).is_ok());
    }

    #[test]
    fn cae_claims_and_escapes() {
        let c = parse(
            r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnt9fQ==", resource="https://vault.azure.net""#,
            None,
        )
        .unwrap();
        assert_eq!(
            c.claims.as_deref(),
            Some("eyJhY2Nlc3NfdG9rZW4iOnt9fQ=="),
            "as sent: the host decodes it for the credential"
        );
        assert_eq!(
            c.tenant_id.as_deref(),
            Some("common"),
            "the tenant is the authority's first path segment"
        );
        assert_eq!(
            params(r#"Bearer a="x\"y, z", b=tok"#),
            vec![("a".into(), "x\"y, z".into()), ("b".into(), "tok".into())]
        );
    }

    #[test]
    fn garbage_never_panics() {
        for h in [
            "",
            "Bearer",
            "Bearer =",
            "Bearer a=\"",
            "Bearer resource=",
            "resource=\"x\"",
            "Basic realm=x",
            "é=ü",
        ] {
            let _ = parse(h, Some("v.vault.azure.net"));
        }
        assert!(parse("Bearer resource=\"nohost\"", Some("v.vault.azure.net")).is_err());
    }
}

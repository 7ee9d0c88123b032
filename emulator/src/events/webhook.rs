//! `--event-webhook URL`: which URLs the emulator can POST to.

use std::fmt;

/// A validated `http://` webhook URL, split for the HTTP/1.1 client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl {
    /// The URL as given.
    pub url: String,
    /// Host to connect to: a name, an IPv4 address or an IPv6 address without brackets.
    pub host: String,
    /// Port to connect to (80 when the URL has none).
    pub port: u16,
    /// The `Host` header: the URL's authority (`host[:port]`, IPv6 in brackets).
    pub authority: String,
    /// The request target: path and query, `/` when the URL has no path.
    pub path_and_query: String,
}

impl fmt::Display for WebhookUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

/// Validates `--event-webhook URL`. Only `http://host[:port][/path][?query]` is accepted: the
/// emulator has no TLS client, so `https://` is refused with a message saying so (the real
/// Event Grid delivers to HTTPS webhooks only; this is one of the emulator's deliberate
/// differences). No user info, no fragment, a non-zero port.
pub fn parse_webhook(url: &str) -> Result<WebhookUrl, String> {
    let refuse = |why: &str| Err(format!("--event-webhook '{url}': {why}"));
    let Some((scheme, rest)) = url.split_once("://") else {
        return refuse("not an absolute URL; expected http://HOST[:PORT]/PATH");
    };
    if scheme.eq_ignore_ascii_case("https") {
        return refuse(
            "https is not supported (the emulator delivers events over plain HTTP only); \
             use an http:// URL, e.g. a local receiver or a TLS-terminating proxy",
        );
    }
    if !scheme.eq_ignore_ascii_case("http") {
        return refuse("only http:// URLs are supported");
    }
    if url.contains('#') {
        return refuse("a webhook URL cannot have a #fragment");
    }
    if url
        .chars()
        .any(|c| c.is_ascii_control() || c.is_whitespace() || !c.is_ascii())
    {
        return refuse("the URL must be ASCII without spaces (percent-encode the rest)");
    }
    let (authority, path_and_query) = match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('?') => (&rest[..i], format!("/{}", &rest[i..])),
        Some(i) => (&rest[..i], rest[i..].to_owned()),
        None => (rest, "/".to_owned()),
    };
    if authority.contains('@') {
        return refuse("user info (user@host) is not supported");
    }
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let Some((ip, after)) = bracketed.split_once(']') else {
            return refuse("unterminated [IPv6] address");
        };
        if ip.parse::<std::net::Ipv6Addr>().is_err() {
            return refuse("invalid IPv6 address");
        }
        let port = match after {
            "" => None,
            p => match p.strip_prefix(':') {
                Some(p) => Some(p),
                None => return refuse("unexpected text after the IPv6 address"),
            },
        };
        (ip, port)
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return refuse("missing host");
    }
    if !authority.starts_with('[')
        && !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
    {
        return refuse("invalid host name");
    }
    let port = match port {
        None => 80,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n != 0 && p.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => return refuse("the port must be a number from 1 to 65535"),
        },
    };
    // The request target must be something hyper can send.
    if path_and_query
        .parse::<hyper::http::uri::PathAndQuery>()
        .is_err()
    {
        return refuse("invalid path or query");
    }
    Ok(WebhookUrl {
        url: url.to_owned(),
        host: host.to_owned(),
        port,
        authority: authority.to_owned(),
        path_and_query,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_urls() {
        let w = parse_webhook("http://127.0.0.1:7071/api/events?code=a%2Fb&x=1").unwrap();
        assert_eq!(
            (
                w.host.as_str(),
                w.port,
                w.authority.as_str(),
                w.path_and_query.as_str()
            ),
            (
                "127.0.0.1",
                7071,
                "127.0.0.1:7071",
                "/api/events?code=a%2Fb&x=1"
            )
        );
        let w = parse_webhook("http://localhost").unwrap();
        assert_eq!(
            (w.host.as_str(), w.port, w.path_and_query.as_str()),
            ("localhost", 80, "/")
        );
        let w = parse_webhook("HTTP://[::1]:9000?x=y").unwrap();
        assert_eq!(
            (
                w.host.as_str(),
                w.port,
                w.authority.as_str(),
                w.path_and_query.as_str()
            ),
            ("::1", 9000, "[::1]:9000", "/?x=y")
        );
        let w = parse_webhook("http://[::1]/hook").unwrap();
        assert_eq!((w.port, w.path_and_query.as_str()), (80, "/hook"));
        assert_eq!(w.to_string(), "http://[::1]/hook");
        assert_eq!(parse_webhook("http://h.example:08080/").unwrap().port, 8080);
    }

    #[test]
    fn refused_urls() {
        let https = parse_webhook("https://example.com/hook").unwrap_err();
        assert!(https.contains("https is not supported"), "{https}");
        for url in [
            "",
            "example.com/hook",
            "ftp://example.com/",
            "http://",
            "http:///path",
            "http://:80/",
            "http://host:0/",
            "http://host:65536/",
            "http://host:-1/",
            "http://host:x/",
            "http://host:/",
            "http://user:pw@host/",
            "http://host/a#frag",
            "http://host/a b",
            "http://[::1/",
            "http://[zz::1]/",
            "http://[::1]x/",
            "http://ho st/",
            "http://hôst/",
        ] {
            assert!(parse_webhook(url).is_err(), "{url}");
        }
    }
}

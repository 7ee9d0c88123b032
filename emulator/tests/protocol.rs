//! Service-wide behaviour: the 401 challenge, CORS, common headers, api-version, routing
//! errors, body limits, keep-alive.

mod common;

use common::{TestServer, API, TOKEN};

const CHALLENGE: &str = "Bearer authorization=\"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47\", resource=\"https://vault.azure.net\"";
const UNAUTHORIZED_BODY: &str = r#"{"error":{"code":"Unauthorized","message":"AKV10000: Request is missing a Bearer, PoP, or MTLS_POP token."}}"#;

fn assert_service_headers(resp: &common::Resp) {
    for (name, value) in [
        ("cache-control", "no-cache"),
        ("pragma", "no-cache"),
        ("expires", "-1"),
        ("x-ms-keyvault-service-version", "1.9.3347.1"),
        ("x-ms-keyvault-region", "emulator"),
        ("x-content-type-options", "nosniff"),
        (
            "strict-transport-security",
            "max-age=31536000;includeSubDomains",
        ),
        ("access-control-allow-origin", "*"),
        ("access-control-expose-headers", "*"),
    ] {
        assert_eq!(
            resp.header(name),
            Some(value),
            "{name} on {} {}",
            resp.status,
            resp.body
        );
    }
    let id = resp.header("x-ms-request-id").expect("x-ms-request-id");
    let groups: Vec<usize> = id.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "{id}");
    assert!(
        id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()),
        "{id}"
    );
    if resp.status == 204 {
        assert_eq!(resp.header("content-type"), None);
    } else {
        assert_eq!(
            resp.header("content-type"),
            Some("application/json; charset=utf-8")
        );
    }
}

#[test]
fn missing_token_gets_the_exact_challenge() {
    let server = TestServer::start();
    // First request of an SDK: no Authorization, empty body.
    let resp = server.request(
        "PUT",
        &format!("/secrets/s?{API}"),
        &[("content-length", "0")],
        Some(""),
    );
    assert_eq!(resp.status, 401);
    assert_eq!(resp.header("www-authenticate"), Some(CHALLENGE));
    assert_eq!(resp.body, UNAUTHORIZED_BODY);
    assert_service_headers(&resp);

    // The body of an unauthenticated request is ignored, and 401 comes before validation.
    for (path, auth) in [
        (format!("/secrets/s?{API}"), None),
        (format!("/secrets/bad_name?{API}"), None),
        ("/secrets/s?api-version=1.0".to_owned(), None),
        ("/secrets/s".to_owned(), None),
        (format!("/secrets/s?{API}"), Some("Bearer ")),
        (format!("/secrets/s?{API}"), Some("Basic dXNlcjpwYXNz")),
    ] {
        let headers: Vec<(&str, &str)> = auth.map(|a| ("authorization", a)).into_iter().collect();
        let resp = server.request("PUT", &path, &headers, Some("not json"));
        assert_eq!(resp.status, 401, "{path} {auth:?}");
        assert_eq!(resp.body, UNAUTHORIZED_BODY);
    }
}

#[test]
fn preflight_needs_no_token_and_echoes_requested_headers() {
    let server = TestServer::start();
    let resp = server.request(
        "OPTIONS",
        &format!("/secrets/s?{API}"),
        &[
            ("origin", "http://localhost:9000"),
            ("access-control-request-method", "PUT"),
            (
                "access-control-request-headers",
                "authorization,content-type,x-ms-client-request-id",
            ),
        ],
        None,
    );
    assert_eq!(resp.status, 204);
    assert_eq!(resp.body, "");
    assert_eq!(resp.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        resp.header("access-control-allow-methods"),
        Some("GET, PUT, PATCH, POST, DELETE, OPTIONS")
    );
    assert_eq!(
        resp.header("access-control-allow-headers"),
        Some("authorization,content-type,x-ms-client-request-id")
    );
    assert_eq!(resp.header("access-control-max-age"), Some("600"));
    assert_service_headers(&resp);

    // Any path, even one no route matches.
    assert_eq!(
        server
            .request("OPTIONS", "/anything/at/all", &[], None)
            .status,
        204
    );
}

#[test]
fn every_response_carries_the_service_and_cors_headers() {
    let server = TestServer::start();
    let ok = server.put(&format!("/secrets/s?{API}"), r#"{"value":"v"}"#);
    let not_found = server.get(&format!("/secrets/missing?{API}"));
    let unauthorized = server.request("GET", &format!("/secrets/s?{API}"), &[], None);
    let bad = server.get("/secrets/s");
    assert_eq!(
        [ok.status, not_found.status, unauthorized.status, bad.status],
        [200, 404, 401, 400]
    );
    for resp in [&ok, &not_found, &unauthorized, &bad] {
        assert_service_headers(resp);
    }
    assert_ne!(
        ok.header("x-ms-request-id"),
        not_found.header("x-ms-request-id")
    );
}

#[test]
fn client_request_id_is_echoed_only_when_sent() {
    let server = TestServer::start();
    let id = "860a7f72-645e-4af9-42d4-86a178f9a7e0";
    let with = server.request(
        "GET",
        &format!("/secrets/s?{API}"),
        &[("authorization", TOKEN), ("x-ms-client-request-id", id)],
        None,
    );
    assert_eq!(with.header("x-ms-client-request-id"), Some(id));
    let unauthorized = server.request(
        "GET",
        &format!("/secrets/s?{API}"),
        &[("x-ms-client-request-id", id)],
        None,
    );
    assert_eq!(unauthorized.header("x-ms-client-request-id"), Some(id));
    assert_eq!(
        server
            .get(&format!("/secrets/s?{API}"))
            .header("x-ms-client-request-id"),
        None
    );
}

#[test]
fn api_version_is_required_and_checked() {
    let server = TestServer::start();
    let missing = server.get("/secrets/s");
    assert_eq!(
        (missing.status, missing.code().as_str()),
        (400, "BadParameter")
    );
    assert_eq!(
        missing.message(),
        "The 'api-version' query parameter is missing or invalid"
    );
    assert_eq!(server.get("/secrets/s?api-version=").status, 400);

    let unknown = server.get("/secrets/s?api-version=7.9");
    assert_eq!(
        (unknown.status, unknown.code().as_str()),
        (400, "BadParameter")
    );
    assert!(unknown.message().contains("(7.9)"), "{}", unknown.message());

    for version in [
        "7.0",
        "7.3",
        "7.4-preview.1",
        "7.6-preview.2",
        "7.6",
        "2025-07-01",
        "2026-03-01-preview",
    ] {
        let resp = server.get(&format!("/secrets/s?api-version={version}"));
        assert_eq!(resp.status, 404, "{version}: {}", resp.body);
    }
    // Percent-encoded keys and values, any parameter order.
    for query in [
        "api%2Dversion=7.5",
        "api%2dversion=7%2E5",
        "x=1&api-version=7.5",
        "%61pi-version=2025-07-01",
    ] {
        let resp = server.get(&format!("/secrets/s?{query}"));
        assert_eq!(
            (resp.status, resp.code().as_str()),
            (404, "SecretNotFound"),
            "{query}"
        );
    }
}

#[test]
fn unknown_paths_and_methods_get_json_errors() {
    let server = TestServer::start();
    let unknown = server.get(&format!("/keys/k/v/extra?{API}"));
    assert_eq!(unknown.status, 404);
    assert!(!unknown.code().is_empty(), "{}", unknown.body);
    let root = server.get(&format!("/?{API}"));
    assert_eq!(root.status, 404);
    assert!(!root.code().is_empty());

    let method = server.request(
        "DELETE",
        &format!("/secrets/s/{}?{API}", "a".repeat(32)),
        &[("authorization", TOKEN)],
        None,
    );
    assert_eq!(method.status, 405);
    assert_eq!(method.code(), "MethodNotAllowed");
    let put_version = server.put(
        &format!("/secrets/s/{}?{API}", "a".repeat(32)),
        r#"{"value":"v"}"#,
    );
    assert_eq!(put_version.status, 405);
    assert_service_headers(&put_version);
}

#[test]
fn bodies_over_one_mebibyte_get_413() {
    let server = TestServer::start();
    let body = vec![b'a'; (1 << 20) + 1];
    let mut request = format!(
        "PUT /secrets/big?{API} HTTP/1.1\r\nHost: x\r\nAuthorization: {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(&body);
    let response = server.raw(&request);
    assert!(
        response.starts_with("HTTP/1.1 413"),
        "{}",
        &response[..response.len().min(300)]
    );
    assert!(response.contains("application/json; charset=utf-8"));
    assert!(response.contains(r#"{"error":{"code":"#), "{response}");
    // Exactly at the limit is read (and then rejected as a value, not as a body).
    let at_limit = format!(r#"{{"value":"{}"}}"#, "a".repeat((1 << 20) - 12));
    assert_eq!(at_limit.len(), 1 << 20);
    assert_eq!(
        server.put(&format!("/secrets/big?{API}"), &at_limit).status,
        400
    );
}

#[test]
fn connections_are_kept_alive() {
    let server = TestServer::start();
    let one = format!(
        "GET /secrets/s?{API} HTTP/1.1\r\nHost: vault.local\r\nAuthorization: {TOKEN}\r\n\r\n"
    );
    let last = format!("GET /secrets/s?{API} HTTP/1.1\r\nHost: vault.local\r\nAuthorization: {TOKEN}\r\nConnection: close\r\n\r\n");
    let response = server.raw(format!("{one}{one}{last}").as_bytes());
    assert_eq!(
        response.matches("HTTP/1.1 404 Not Found").count(),
        3,
        "{response}"
    );
}

#[test]
fn garbage_requests_get_json_errors_not_crashes() {
    let server = TestServer::start();
    for path in [
        format!("/secrets/%FF%FE?{API}"),
        format!("/secrets/{}?{API}", "n".repeat(5000)),
        format!("/secrets/a%2Fb?{API}"),
        format!("/secrets/s/%00?{API}"),
        format!("/secrets/s?{API}&api-version=%FF"),
    ] {
        let resp = server.get(&path);
        assert!(
            matches!(resp.status, 400 | 404),
            "{path}: {} {}",
            resp.status,
            resp.body
        );
        assert!(!resp.code().is_empty(), "{path}: {}", resp.body);
    }
    // The server is still up.
    assert_eq!(server.get(&format!("/secrets/s?{API}")).status, 404);
}

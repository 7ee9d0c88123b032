//! The secrets routes: set, get (latest / by version / trailing slash), update, validation.

mod common;

use common::{version_of, TestServer, API};
use serde_json::{json, Value};

fn not_found_message(id: &str) -> String {
    format!(
        "A secret with (name/id) {id} was not found in this key vault. If you recently deleted this \
         secret you may be able to recover it using the correct recovery command. For help resolving \
         this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182"
    )
}

#[test]
fn put_creates_versions_and_get_reads_latest_by_version_and_with_trailing_slash() {
    let server = TestServer::start();
    let first = server.set("MySecret", r#"{"value":"one"}"#);
    let second = server.set("MySecret", r#"{"value":"two"}"#);
    let (v1, v2) = (version_of(&first), version_of(&second));
    assert_ne!(v1, v2);
    for v in [&v1, &v2] {
        assert_eq!(v.len(), 32);
        assert!(
            v.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
            "{v}"
        );
    }
    assert_eq!(
        second["id"],
        format!("{}/secrets/MySecret/{v2}", server.url)
    );
    let attributes = &second["attributes"];
    assert_eq!(attributes["enabled"], true);
    assert_eq!(attributes["recoveryLevel"], "Recoverable+Purgeable");
    assert_eq!(attributes["recoverableDays"], 90);
    assert_eq!(attributes["created"], attributes["updated"]);
    assert!(attributes["created"].as_i64().unwrap() > 1_700_000_000);
    assert!(second.get("contentType").is_none() && second.get("tags").is_none());

    for path in [
        "/secrets/MySecret",
        "/secrets/MySecret/",
        "/secrets/mysecret",
        "/secrets/MYSECRET/",
    ] {
        let latest = server.get(&format!("{path}?{API}"));
        assert_eq!(latest.status, 200, "{path}");
        assert_eq!(latest.json(), second, "{path}");
    }
    let by_version = server.get(&format!("/secrets/MySecret/{v1}?{API}"));
    assert_eq!(by_version.json(), first);
    let upper = server.get(&format!(
        "/secrets/mysecret/{}?{API}",
        v1.to_ascii_uppercase()
    ));
    assert_eq!(upper.json()["value"], "one");
}

#[test]
fn wire_field_order_matches_the_service() {
    let server = TestServer::start();
    let resp = server.put(
        &format!("/secrets/order?{API}"),
        r#"{"tags":{"a":"1"},"attributes":{"exp":4102444800,"nbf":1700000000},"contentType":"text/plain","value":"v"}"#,
    );
    let body = &resp.body;
    let positions: Vec<usize> = [
        "\"value\"",
        "\"contentType\"",
        "\"id\"",
        "\"attributes\"",
        "\"enabled\"",
        "\"nbf\"",
        "\"exp\"",
        "\"created\"",
        "\"updated\"",
        "\"recoveryLevel\"",
        "\"recoverableDays\"",
        "\"tags\"",
    ]
    .iter()
    .map(|field| {
        body.find(field)
            .unwrap_or_else(|| panic!("{field} missing in {body}"))
    })
    .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{body}");
}

#[test]
fn properties_are_not_carried_over_to_a_new_version() {
    let server = TestServer::start();
    server.set(
        "s",
        r#"{"value":"a","contentType":"text/plain","tags":{"env":"test"},"attributes":{"enabled":false,"nbf":1700000000,"exp":4102444800}}"#,
    );
    let second = server.set("s", r#"{"value":"b"}"#);
    assert_eq!(second["attributes"]["enabled"], true);
    for absent in ["contentType", "tags"] {
        assert!(second.get(absent).is_none(), "{absent}: {second}");
    }
    assert!(second["attributes"].get("nbf").is_none() && second["attributes"].get("exp").is_none());
}

#[test]
fn read_only_attributes_in_a_put_are_ignored() {
    let server = TestServer::start();
    let bundle = server.set(
        "s",
        r#"{"value":"v","id":"x","managed":true,"attributes":{"created":1,"updated":2,"recoveryLevel":"Purgeable","recoverableDays":7}}"#,
    );
    assert!(bundle["attributes"]["created"].as_i64().unwrap() > 1_700_000_000);
    assert_eq!(
        bundle["attributes"]["recoveryLevel"],
        "Recoverable+Purgeable"
    );
    assert_eq!(bundle["attributes"]["recoverableDays"], 90);
    assert!(bundle["id"]
        .as_str()
        .unwrap()
        .ends_with(&version_of(&bundle)));
}

#[test]
fn patch_changes_only_the_given_fields_and_never_returns_the_value() {
    let server = TestServer::start();
    let created = server.set(
        "s",
        r#"{"value":"secret","contentType":"text/plain","tags":{"a":"1","b":"2"},"attributes":{"exp":4102444800}}"#,
    );
    let version = version_of(&created);

    let resp = server.patch(
        &format!("/secrets/s/{version}?{API}"),
        r#"{"tags":{"c":"3"}}"#,
    );
    assert_eq!(resp.status, 200, "{}", resp.body);
    let patched = resp.json();
    assert!(patched.get("value").is_none(), "{patched}");
    assert_eq!(patched["tags"], json!({"c":"3"}));
    assert_eq!(patched["contentType"], "text/plain");
    assert_eq!(patched["attributes"]["exp"], 4_102_444_800_i64);
    assert_eq!(patched["attributes"]["enabled"], true);
    assert_eq!(patched["id"], created["id"]);
    assert_eq!(
        patched["attributes"]["created"],
        created["attributes"]["created"]
    );
    assert!(patched["attributes"]["updated"].as_i64() >= created["attributes"]["updated"].as_i64());

    // Read-only attributes are ignored; latest by `/secrets/{name}` and `/secrets/{name}/`.
    let resp = server.patch(
        &format!("/secrets/s?{API}"),
        r#"{"contentType":"application/json","attributes":{"nbf":1700000000,"created":5,"updated":6,"recoveryLevel":"x","recoverableDays":1}}"#,
    );
    let patched = resp.json();
    assert_eq!(patched["contentType"], "application/json");
    assert_eq!(patched["attributes"]["nbf"], 1_700_000_000);
    assert_eq!(
        patched["attributes"]["created"],
        created["attributes"]["created"]
    );
    assert_eq!(
        patched["attributes"]["recoveryLevel"],
        "Recoverable+Purgeable"
    );
    let resp = server.patch(&format!("/secrets/s/?{API}"), r#"{"tags":{}}"#);
    assert_eq!(resp.json()["tags"], json!({}));

    // The value itself is untouched.
    let got = server.get(&format!("/secrets/s?{API}")).json();
    assert_eq!(got["value"], "secret");
    assert_eq!(got["tags"], json!({}));
    assert_eq!(got["contentType"], "application/json");
}

#[test]
fn disabled_versions_cannot_be_read_but_can_be_re_enabled() {
    let server = TestServer::start();
    let bundle = server.set("s", r#"{"value":"v","attributes":{"enabled":false}}"#);
    assert_eq!(bundle["attributes"]["enabled"], false);
    let version = version_of(&bundle);
    for path in [
        format!("/secrets/s?{API}"),
        format!("/secrets/s/{version}?{API}"),
    ] {
        let resp = server.get(&path);
        assert_eq!(resp.status, 403);
        assert_eq!(
            resp.body,
            r#"{"error":{"code":"Forbidden","message":"Operation get is not allowed on a disabled secret.","innererror":{"code":"SecretDisabled"}}}"#
        );
    }
    let resp = server.patch(
        &format!("/secrets/s/{version}?{API}"),
        r#"{"attributes":{"enabled":true}}"#,
    );
    assert_eq!(resp.status, 200);
    assert_eq!(
        server.get(&format!("/secrets/s?{API}")).json()["value"],
        "v"
    );
}

#[test]
fn missing_secrets_and_versions_get_404_secret_not_found() {
    let server = TestServer::start();
    let resp = server.get(&format!("/secrets/nope?{API}"));
    assert_eq!(resp.status, 404);
    assert_eq!(
        resp.json(),
        json!({"error":{"code":"SecretNotFound","message":not_found_message("nope")}})
    );

    server.set("s", r#"{"value":"v"}"#);
    let missing = "0123456789abcdef0123456789abcdef";
    let resp = server.get(&format!("/secrets/s/{missing}?{API}"));
    assert_eq!(resp.status, 404);
    assert_eq!(resp.message(), not_found_message(&format!("s/{missing}")));
    let resp = server.patch(&format!("/secrets/nope?{API}"), r#"{"contentType":"x"}"#);
    assert_eq!((resp.status, resp.code().as_str()), (404, "SecretNotFound"));
    let resp = server.patch(&format!("/secrets/s/{missing}?{API}"), "{}");
    assert_eq!((resp.status, resp.code().as_str()), (404, "SecretNotFound"));
}

#[test]
fn invalid_input_gets_400_bad_parameter() {
    let server = TestServer::start();
    let resp = server.put(&format!("/secrets/bad_name?{API}"), r#"{"value":"v"}"#);
    assert_eq!(resp.status, 400);
    assert_eq!(
        resp.json(),
        json!({"error":{"code":"BadParameter","message":"The request URI contains an invalid name: bad_name"}})
    );
    let long = "a".repeat(128);
    assert_eq!(
        server.get(&format!("/secrets/{long}?{API}")).message(),
        format!("The request URI contains an invalid name: {long}")
    );
    assert_eq!(
        server.set(&"a".repeat(127), r#"{"value":"v"}"#)["value"],
        "v"
    );

    let tags: serde_json::Map<String, Value> =
        (0..16).map(|i| (format!("t{i}"), json!("v"))).collect();
    let fifteen: serde_json::Map<String, Value> = tags.clone().into_iter().take(15).collect();
    assert_eq!(
        server
            .put(
                &format!("/secrets/s?{API}"),
                &json!({"value":"v","tags":fifteen}).to_string()
            )
            .status,
        200
    );

    let cases = [
        json!({"value":"v","tags":tags}).to_string(),
        json!({"value":"x".repeat(25_601)}).to_string(),
        json!({"value":"v","contentType":"c".repeat(256)}).to_string(),
        json!({"value":"v","tags":{"t":"x".repeat(257)}}).to_string(),
        json!({"value":"v","tags":{"x".repeat(257):"t"}}).to_string(),
        json!({"value":"v","tags":{"n":5}}).to_string(),
        json!({"value":7}).to_string(),
        json!({"contentType":"no value"}).to_string(),
        json!({"value":"v","attributes":{"enabled":"yes"}}).to_string(),
        json!({"value":"v","attributes":{"exp":1.5}}).to_string(),
        json!({"value":"v","attributes":{"exp":"4102444800"}}).to_string(),
        json!({"value":"v","attributes":{"exp":1e300}}).to_string(),
        r#"{"value":"v","attributes":{"exp":99999999999999999999999}}"#.to_owned(),
        json!({"value":"v","attributes":{"nbf":253_402_300_800_i64}}).to_string(),
        r#"{"value":"v""#.to_owned(),
        "[]".to_owned(),
        String::new(),
    ];
    for body in &cases {
        let resp = server.put(&format!("/secrets/s?{API}"), body);
        assert_eq!(
            (resp.status, resp.code().as_str()),
            (400, "BadParameter"),
            "{}",
            &body[..body.len().min(80)]
        );
        assert!(!resp.message().is_empty());
    }
    assert_eq!(
        server
            .put(
                &format!("/secrets/s?{API}"),
                &json!({"value":"x".repeat(25_600)}).to_string()
            )
            .status,
        200
    );

    for body in [
        r#"{"tags":{"n":1}}"#,
        r#"{"attributes":{"enabled":1}}"#,
        "not json",
        "",
    ] {
        let resp = server.patch(&format!("/secrets/s?{API}"), body);
        assert_eq!(
            (resp.status, resp.code().as_str()),
            (400, "BadParameter"),
            "{body}"
        );
    }
    for version in ["abc", "version", "0123456789abcdef0123456789abcdeg"] {
        let resp = server.get(&format!("/secrets/s/{version}?{API}"));
        assert_eq!(
            (resp.status, resp.code().as_str()),
            (400, "BadParameter"),
            "{version}"
        );
    }
}

#[test]
fn far_future_and_negative_times_round_trip_as_integer_seconds() {
    let server = TestServer::start();
    for (nbf, exp) in [
        (1_700_000_000_i64, 4_102_444_800_i64),
        (-62_135_596_800, 253_402_300_799),
        (0, 7_258_118_400),
    ] {
        let bundle = server.set(
            "t",
            &json!({"value":"v","attributes":{"nbf":nbf,"exp":exp}}).to_string(),
        );
        assert_eq!(bundle["attributes"]["exp"].as_i64(), Some(exp));
        assert_eq!(bundle["attributes"]["nbf"].as_i64(), Some(nbf));
        let got = server.get(&format!("/secrets/t?{API}")).json();
        assert_eq!(got["attributes"]["exp"].as_i64(), Some(exp));
    }
}

#[test]
fn ids_use_the_host_header_and_keep_the_first_casing() {
    let server = TestServer::start();
    let resp = server.request(
        "PUT",
        &format!("/secrets/CamelCase?{API}"),
        &[
            ("authorization", common::TOKEN),
            ("host", "myvault.vault.local:8443"),
        ],
        Some(r#"{"value":"v"}"#),
    );
    let bundle = resp.json();
    assert_eq!(
        bundle["id"],
        format!(
            "http://myvault.vault.local:8443/secrets/CamelCase/{}",
            version_of(&bundle)
        )
    );
    let again = server.set("camelcase", r#"{"value":"w"}"#);
    assert!(
        again["id"]
            .as_str()
            .unwrap()
            .contains("/secrets/CamelCase/"),
        "{again}"
    );
}

#[test]
fn concurrent_puts_each_get_their_own_version() {
    let server = TestServer::start();
    let versions: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            (0..8)
                .map(|i| {
                    let server = &server;
                    scope.spawn(move || {
                        (0..10)
                            .map(|j| {
                                version_of(&server.set(
                                    "shared",
                                    &json!({"value":format!("{i}-{j}")}).to_string(),
                                ))
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let unique: std::collections::HashSet<_> = versions.iter().collect();
    assert_eq!(unique.len(), 80);
    let latest = version_of(&server.get(&format!("/secrets/shared?{API}")).json());
    assert!(unique.contains(&latest));
}

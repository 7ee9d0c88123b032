//! Lists and paging, soft delete with its window, recover, purge, backup / restore.

use super::*;

/// Follows `nextLink`s from `first`; every page's items and the page sizes.
fn all_pages(server: &TestServer, first: &str) -> (Vec<Value>, Vec<usize>) {
    let mut page = ok(server, "GET", first, None);
    let (mut items, mut sizes) = (Vec::new(), Vec::new());
    loop {
        let value = page["value"].as_array().expect("value").clone();
        sizes.push(value.len());
        items.extend(value);
        match &page["nextLink"] {
            Value::Null => return (items, sizes),
            Value::String(next) => {
                assert!(next.starts_with(&format!("{}/", server.url)), "{next}");
                assert!(next.contains("api-version="), "{next}");
                assert!(next.contains("$skiptoken="), "{next}");
                page = ok(server, "GET", &path_of(server, next), None);
            }
            other => panic!("nextLink {other}"),
        }
    }
}

#[test]
fn lists_and_versions_page_with_next_links() {
    let server = TestServer::start();
    let mut names: Vec<String> = (0..28).map(|i| format!("Listed{i}")).collect();
    names.push("listed-a".into());
    for name in &names {
        create(&server, name, json!({"kty": "EC", "tags": {"t": "v"}}));
    }
    // Case-insensitive name order (`Listed18` < `Listed19` < `Listed2`), also across pages.
    let mut expected: Vec<String> = names
        .iter()
        .map(|n| format!("{}/keys/{n}", server.url))
        .collect();
    expected.sort_by_key(|k| k.to_ascii_uppercase());

    let (items, sizes) = all_pages(&server, &format!("/keys?{API}"));
    assert_eq!(sizes, [25, 4]);
    let kids: Vec<&str> = items.iter().map(|i| i["kid"].as_str().unwrap()).collect();
    assert_eq!(kids, expected);
    for item in &items {
        let mut fields: Vec<&String> = item.as_object().unwrap().keys().collect();
        fields.sort_unstable();
        assert_eq!(fields, ["attributes", "kid", "tags"], "{item}");
    }
    let (items, sizes) = all_pages(&server, &format!("/keys?{API}&maxresults=7"));
    assert_eq!(sizes, [7, 7, 7, 7, 1]);
    assert_eq!(items.len(), 29);
    let first = ok(&server, "GET", &format!("/keys?{API}&maxresults=7"), None);
    let next = first["nextLink"].as_str().unwrap();
    assert!(next.ends_with("&maxresults=7"), "{next}");
    // The token names the next item: a key created before it between pages shifts nothing.
    create(&server, "Listed0a", json!({"kty": "EC"}));
    let second = ok(&server, "GET", &path_of(&server, next), None);
    assert_eq!(
        second["value"][0]["kid"],
        format!("{}/keys/Listed14", server.url)
    );
    // The token round-trips in any parameter order (the C++ client reorders the query).
    let token = next
        .split("$skiptoken=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let reordered = ok(
        &server,
        "GET",
        &format!("/keys?$skiptoken={token}&maxresults=7&{API}"),
        None,
    );
    assert_eq!(reordered, second);

    // Versions: versioned kids sorted by version id, paged.
    let mut versions = Vec::new();
    for _ in 0..27 {
        versions.push(kid(&create(&server, "Versioned", json!({"kty": "EC"}))));
    }
    versions.sort();
    let (items, sizes) = all_pages(&server, &format!("/keys/Versioned/versions?{API}"));
    assert_eq!(sizes, [25, 2]);
    let kids: Vec<&str> = items.iter().map(|i| i["kid"].as_str().unwrap()).collect();
    assert_eq!(kids, versions);
    let (_, sizes) = all_pages(
        &server,
        &format!("/keys/Versioned/versions?{API}&maxresults=10"),
    );
    assert_eq!(sizes, [10, 10, 7]);
    let none = call(
        &server,
        "GET",
        &format!("/keys/Nothing/versions?{API}"),
        None,
    );
    assert_eq!(
        (none.status, none.body.as_str()),
        (200, r#"{"value":[],"nextLink":null}"#)
    );

    // Deleted keys page the same way.
    for name in ["Listed1", "Listed2", "Listed3"] {
        ok(&server, "DELETE", &format!("/keys/{name}?{API}"), None);
    }
    let (items, sizes) = all_pages(&server, &format!("/deletedkeys?{API}&maxresults=2"));
    assert_eq!(sizes, [2, 1]);
    for item in &items {
        let mut fields: Vec<&String> = item.as_object().unwrap().keys().collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "attributes",
                "deletedDate",
                "kid",
                "recoveryId",
                "scheduledPurgeDate",
                "tags"
            ],
            "{item}"
        );
    }
    assert_eq!(
        items[0]["recoveryId"],
        format!("{}/deletedkeys/Listed1", server.url)
    );
    assert_eq!(items[0]["kid"], format!("{}/keys/Listed1", server.url));
}

#[test]
fn soft_delete_has_the_service_window_recover_and_purge() {
    let server = TestServer::start_with(Config {
        store: StoreConfig {
            delete_visibility_delay: Duration::from_millis(400),
            ..StoreConfig::default()
        },
        ..Config::default()
    });
    let created = create(&server, "Doomed", json!({"kty": "RSA", "tags": {"a": "b"}}));
    let deleted = ok(&server, "DELETE", &format!("/keys/Doomed?{API}"), None);
    assert_eq!(
        deleted["recoveryId"],
        format!("{}/deletedkeys/Doomed", server.url)
    );
    assert_eq!(deleted["key"], created["key"]);
    assert_eq!(deleted["tags"], created["tags"]);
    let deleted_date = deleted["deletedDate"].as_i64().unwrap();
    assert_eq!(
        deleted["scheduledPurgeDate"].as_i64().unwrap() - deleted_date,
        90 * DAY
    );

    // The window: neither live nor visible as deleted.
    error(
        &call(&server, "GET", &format!("/keys/Doomed?{API}"), None),
        404,
        "KeyNotFound",
        None,
    );
    let resp = call(&server, "GET", &format!("/deletedkeys/Doomed?{API}"), None);
    assert_eq!(
        resp.body,
        r#"{"error":{"code":"KeyNotFound","message":"Deleted Key not found: Doomed"}}"#
    );
    let resp = call(
        &server,
        "POST",
        &format!("/keys/Doomed/create?{API}"),
        Some(&json!({"kty": "EC"})),
    );
    error(&resp, 409, "Conflict", Some("ObjectIsBeingDeleted"));
    let resp = call(
        &server,
        "DELETE",
        &format!("/deletedkeys/Doomed?{API}"),
        None,
    );
    assert_eq!(
        error(&resp, 409, "Conflict", Some("ObjectIsBeingDeleted")),
        "Key is currently being deleted."
    );
    std::thread::sleep(Duration::from_millis(450));

    let got = ok(&server, "GET", &format!("/deletedkeys/Doomed?{API}"), None);
    assert_eq!(got, deleted);
    let listed = ok(&server, "GET", &format!("/deletedkeys?{API}"), None);
    assert_eq!(
        listed["value"][0]["kid"],
        format!("{}/keys/Doomed", server.url)
    );
    let conflict = r#"{"error":{"code":"Conflict","message":"Key Doomed is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the key can only be recovered or purged.","innererror":{"code":"ObjectIsDeletedButRecoverable"}}}"#;
    let (jwk, _) = p256_jwk();
    for (method, path, body) in [
        ("POST", "/keys/Doomed/create", json!({"kty": "EC"})),
        ("PUT", "/keys/Doomed", json!({"key": jwk})),
    ] {
        let resp = call(&server, method, &format!("{path}?{API}"), Some(&body));
        assert_eq!(
            (resp.status, resp.body.as_str()),
            (409, conflict),
            "{method} {path}"
        );
    }
    for (method, path) in [
        ("GET", "/keys/Doomed"),
        ("PATCH", "/keys/Doomed"),
        ("DELETE", "/keys/Doomed"),
        ("POST", "/keys/Doomed/backup"),
        ("POST", "/keys/Doomed/rotate"),
        ("GET", "/keys/Doomed/rotationpolicy"),
    ] {
        let body = matches!(method, "PATCH" | "POST").then(|| json!({}));
        let resp = call(&server, method, &format!("{path}?{API}"), body.as_ref());
        error(&resp, 404, "KeyNotFound", None);
    }

    let recovered = ok(
        &server,
        "POST",
        &format!("/deletedkeys/Doomed/recover?{API}"),
        None,
    );
    assert_eq!(recovered["key"], created["key"]);
    assert_eq!(
        ok(&server, "GET", &format!("/keys/Doomed?{API}"), None),
        created
    );
    let recover_again = call(
        &server,
        "POST",
        &format!("/deletedkeys/Doomed/recover?{API}"),
        None,
    );
    assert_eq!(
        error(&recover_again, 404, "KeyNotFound", None),
        "Deleted Key not found: Doomed"
    );

    ok(&server, "DELETE", &format!("/keys/Doomed?{API}"), None);
    std::thread::sleep(Duration::from_millis(450));
    let purged = call(
        &server,
        "DELETE",
        &format!("/deletedkeys/Doomed?{API}"),
        None,
    );
    assert_eq!((purged.status, purged.body.as_str()), (204, ""));
    assert_eq!(purged.header("content-type"), None);
    error(
        &call(&server, "GET", &format!("/deletedkeys/Doomed?{API}"), None),
        404,
        "KeyNotFound",
        None,
    );
    let reborn = create(&server, "Doomed", json!({"kty": "EC"}));
    assert_ne!(kid(&reborn), kid(&created));
    let versions = ok(
        &server,
        "GET",
        &format!("/keys/Doomed/versions?{API}"),
        None,
    );
    assert_eq!(versions["value"].as_array().unwrap().len(), 1);
    let missing = call(&server, "DELETE", &format!("/keys/Never?{API}"), None);
    error(&missing, 404, "KeyNotFound", None);
}

#[test]
fn backup_and_restore_bring_back_every_version_and_the_material() {
    let server = TestServer::start();
    let first = create(&server, "Saved", json!({"kty": "RSA", "tags": {"v": "1"}}));
    let second = create(
        &server,
        "Saved",
        json!({"kty": "RSA", "key_ops": ["sign", "verify"]}),
    );
    let policy = json!({"lifetimeActions": [{"trigger": {"timeBeforeExpiry": "P30D"},
                                             "action": {"type": "Notify"}}],
                        "attributes": {"expiryTime": "P90D"}});
    let policy = ok(
        &server,
        "PUT",
        &format!("/keys/Saved/rotationpolicy?{API}"),
        Some(&policy),
    );
    let d = digest("PS256", b"before the backup");
    let (_, signature) = operate(
        &server,
        &path_of(&server, &kid(&second)),
        "sign",
        json!({"alg": "PS256", "value": b64(&d)}),
    );

    let backup = ok(&server, "POST", &format!("/keys/Saved/backup?{API}"), None);
    assert_eq!(backup.as_object().unwrap().len(), 1);
    let blob = backup["value"].as_str().unwrap();
    assert!(blob
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert!(unb64(&backup["value"]).starts_with(b"&AzureKeyVaultKeyBackupV1."));

    let resp = call(
        &server,
        "POST",
        &format!("/keys/restore?{API}"),
        Some(&backup),
    );
    error(&resp, 409, "Conflict", None);
    ok(&server, "DELETE", &format!("/keys/Saved?{API}"), None);
    let resp = call(
        &server,
        "POST",
        &format!("/keys/restore?{API}"),
        Some(&backup),
    );
    error(
        &resp,
        409,
        "Conflict",
        Some("ObjectIsDeletedButRecoverable"),
    );
    assert_eq!(
        call(
            &server,
            "DELETE",
            &format!("/deletedkeys/Saved?{API}"),
            None
        )
        .status,
        204
    );

    let restored = ok(
        &server,
        "POST",
        &format!("/keys/restore?{API}"),
        Some(&backup),
    );
    assert_eq!(restored, second, "the latest version, as it was");
    let first_again = ok(
        &server,
        "GET",
        &format!("/keys/Saved/{}?{API}", version_of(&first)),
        None,
    );
    assert_eq!(first_again, first);
    let got_policy = ok(
        &server,
        "GET",
        &format!("/keys/Saved/rotationpolicy?{API}"),
        None,
    );
    assert_eq!(got_policy, policy);
    // The private material came back: an old signature verifies, a new one too.
    let key = path_of(&server, &kid(&second));
    assert!(verify(&server, &key, "PS256", &d, &signature));
    let (_, again) = operate(
        &server,
        &key,
        "sign",
        json!({"alg": "PS256", "value": b64(&d)}),
    );
    assert!(rsa_verifies(&rsa_public(&second), "PS256", &d, &again));

    // Blobs of the other plane, and blobs that are not ours, are refused.
    let secret = server.set("Plain", r#"{"value":"v"}"#);
    assert!(secret["id"].is_string());
    let secret_backup = server
        .post(&format!("/secrets/Plain/backup?{API}"), "")
        .json();
    for body in [
        secret_backup.clone(),
        json!({"value": "not a blob"}),
        json!({"value": b64(b"&AzureKeyVaultKeyBackupV1.keyvault-emulator{}")}),
        json!({}),
        json!({"value": 5}),
    ] {
        let resp = call(
            &server,
            "POST",
            &format!("/keys/restore?{API}"),
            Some(&body),
        );
        error(&resp, 400, "BadParameter", None);
    }
    let resp = server.post(&format!("/secrets/restore?{API}"), &backup.to_string());
    error(&resp, 400, "BadParameter", None);
    let resp = call(&server, "POST", &format!("/keys/Nope/backup?{API}"), None);
    error(&resp, 404, "KeyNotFound", None);
}

// --- rotation ---------------------------------------------------------------------------------

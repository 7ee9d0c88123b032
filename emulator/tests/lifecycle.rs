//! Listing and paging, soft delete, recover, purge, backup / restore, the eventual-consistency
//! windows and the clock, over real HTTP.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{version_of, TestServer, API};
use keyvault_emulator::{Config, StoreConfig};
use serde_json::{json, Value};

const DAY: i64 = 86_400;

fn deleted_not_found(name: &str) -> Value {
    json!({"error":{"code":"SecretNotFound","message":format!("Deleted Secret not found: {name}")}})
}

fn ids(page: &Value) -> Vec<String> {
    page["value"]
        .as_array()
        .expect("value array")
        .iter()
        .map(|item| item["id"].as_str().expect("id").to_owned())
        .collect()
}

/// Follows `nextLink`s from `first` to the end; returns every id and the page sizes.
fn all_pages(server: &TestServer, first: &str) -> (Vec<String>, Vec<usize>) {
    let mut resp = server.get(first);
    let (mut all, mut sizes) = (Vec::new(), Vec::new());
    loop {
        assert_eq!(resp.status, 200, "{}", resp.body);
        let page = resp.json();
        let page_ids = ids(&page);
        sizes.push(page_ids.len());
        all.extend(page_ids);
        match &page["nextLink"] {
            Value::Null => {
                assert!(resp.body.ends_with(r#""nextLink":null}"#), "{}", resp.body);
                return (all, sizes);
            }
            Value::String(next) => resp = server.follow(next),
            other => panic!("nextLink {other}"),
        }
    }
}

#[test]
fn list_secrets_pages_in_case_insensitive_name_order() {
    let server = TestServer::start();
    let mut names: Vec<String> = (0..30).map(|i| format!("Page{i}")).collect();
    names.push("page-a".into());
    for name in &names {
        server.set(
            name,
            r#"{"value":"v","contentType":"text/plain","tags":{"k":"v"}}"#,
        );
    }
    server.set("Page3", r#"{"value":"second version"}"#);

    let first = server.get(&format!("/secrets?{API}"));
    let page = first.json();
    assert_eq!(ids(&page).len(), 25);
    let next = page["nextLink"].as_str().expect("nextLink");
    assert!(
        next.starts_with(&format!(
            "{}/secrets?api-version=7.5&$skiptoken=",
            server.url
        )),
        "{next}"
    );
    let item = &page["value"][0];
    assert!(item.get("value").is_none());
    assert_eq!(item["id"], format!("{}/secrets/page-a", server.url));
    assert_eq!(item["contentType"], "text/plain");
    assert_eq!(item["tags"], json!({"k":"v"}));
    assert_eq!(item["attributes"]["recoverableDays"], 90);
    let page3 = page["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"].as_str().unwrap().ends_with("/Page3"))
        .expect("Page3");
    assert!(
        page3.get("contentType").is_none(),
        "latest version's properties"
    );

    let (all, sizes) = all_pages(&server, &format!("/secrets?{API}"));
    assert_eq!(sizes, [25, 6]);
    let listed: Vec<String> = all
        .iter()
        .map(|id| id.rsplit('/').next().unwrap().to_owned())
        .collect();
    let mut expected = names.clone();
    expected.sort_by_key(|n| n.to_ascii_uppercase());
    assert_eq!(listed, expected);
    assert_eq!(listed[..4], ["page-a", "Page0", "Page1", "Page10"]);

    let (small, sizes) = all_pages(&server, &format!("/secrets?maxresults=10&{API}"));
    assert_eq!(small, all);
    assert_eq!(sizes, [10, 10, 10, 1]);
    let link = server.get(&format!("/secrets?{API}&maxresults=10")).json()["nextLink"].clone();
    assert!(link.as_str().unwrap().ends_with("&maxresults=10"), "{link}");

    // Percent-encoded keys, as the official SDK sends them.
    let encoded = server.get("/secrets?api%2Dversion=7.5&maxresults=2");
    assert_eq!(ids(&encoded.json()).len(), 2);
    let token = link
        .as_str()
        .unwrap()
        .split("$skiptoken=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let resumed = server.get(&format!(
        "/secrets?%24skiptoken={token}&api%2Dversion=7.5&maxresults=10"
    ));
    assert_eq!(ids(&resumed.json()), all[10..20]);

    for bad in [
        "maxresults=0",
        "maxresults=26",
        "maxresults=ten",
        "$skiptoken=garbage",
    ] {
        let resp = server.get(&format!("/secrets?{API}&{bad}"));
        assert_eq!(
            (resp.status, resp.code().as_str()),
            (400, "BadParameter"),
            "{bad}"
        );
    }
}

#[test]
fn list_versions_uses_versioned_ids_sorted_by_version() {
    let server = TestServer::start();
    let mut versions: Vec<String> = (0..28)
        .map(|i| version_of(&server.set("Versions", &format!(r#"{{"value":"{i}"}}"#))))
        .collect();
    versions.sort();
    let (all, sizes) = all_pages(&server, &format!("/secrets/versions/versions?{API}"));
    assert_eq!(sizes, [25, 3]);
    let expected: Vec<String> = versions
        .iter()
        .map(|v| format!("{}/secrets/Versions/{v}", server.url))
        .collect();
    assert_eq!(all, expected);
    let page = server
        .get(&format!("/secrets/Versions/versions?{API}&maxresults=5"))
        .json();
    assert!(page["value"][0].get("value").is_none());
    assert!(page["nextLink"].as_str().unwrap().starts_with(&format!(
        "{}/secrets/Versions/versions?api-version=7.5&$skiptoken=",
        server.url
    )));

    // A name that does not exist has no versions: 200 and an empty list, as the service answers.
    let none = server.get(&format!("/secrets/never-created/versions?{API}"));
    assert_eq!(none.status, 200);
    assert_eq!(none.body, r#"{"value":[],"nextLink":null}"#);
}

#[test]
fn delete_get_deleted_recover_and_purge() {
    let server = TestServer::start();
    server.set("Life", r#"{"value":"one"}"#);
    let latest = server.set(
        "Life",
        r#"{"value":"two","contentType":"ct","tags":{"a":"b"}}"#,
    );

    let deleted = server.delete(&format!("/secrets/life?{API}"));
    assert_eq!(deleted.status, 200);
    let bundle = deleted.json();
    assert_eq!(
        bundle["recoveryId"],
        format!("{}/deletedsecrets/Life", server.url)
    );
    assert_eq!(bundle["id"], latest["id"]);
    assert_eq!(bundle["attributes"], latest["attributes"]);
    assert_eq!(
        (&bundle["contentType"], &bundle["tags"]),
        (&latest["contentType"], &latest["tags"])
    );
    assert!(bundle.get("value").is_none());
    let deleted_date = bundle["deletedDate"].as_i64().unwrap();
    assert_eq!(
        bundle["scheduledPurgeDate"].as_i64().unwrap(),
        deleted_date + 90 * DAY
    );
    assert!(deleted.body.starts_with(r#"{"recoveryId":"#));

    let gone = server.get(&format!("/secrets/Life?{API}"));
    assert_eq!((gone.status, gone.code().as_str()), (404, "SecretNotFound"));
    assert!(gone
        .message()
        .starts_with("A secret with (name/id) Life was not found"));
    assert_eq!(server.delete(&format!("/secrets/Life?{API}")).status, 404);
    assert_eq!(
        server.patch(&format!("/secrets/Life?{API}"), "{}").status,
        404
    );
    assert_eq!(
        server
            .post(&format!("/secrets/Life/backup?{API}"), "")
            .status,
        404
    );
    let conflict = server.put(&format!("/secrets/Life?{API}"), r#"{"value":"x"}"#);
    assert_eq!(
        conflict.json(),
        json!({"error":{"code":"Conflict","message":"Secret Life is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.","innererror":{"code":"ObjectIsDeletedButRecoverable"}}})
    );
    assert_eq!(conflict.status, 409);

    let got = server.get(&format!("/deletedsecrets/LIFE?{API}"));
    assert_eq!(got.status, 200);
    assert_eq!(got.json(), bundle);
    let listed = server.get(&format!("/deletedsecrets?{API}")).json();
    assert_eq!(listed["value"].as_array().unwrap().len(), 1);
    let item = &listed["value"][0];
    assert_eq!(item["id"], format!("{}/secrets/Life", server.url));
    assert_eq!(item["recoveryId"], bundle["recoveryId"]);
    assert_eq!(item["deletedDate"], bundle["deletedDate"]);
    assert_eq!(listed["nextLink"], Value::Null);
    assert!(ids(&server.get(&format!("/secrets?{API}")).json()).is_empty());

    let recovered = server.post(&format!("/deletedsecrets/Life/recover?{API}"), "");
    assert_eq!(recovered.status, 200);
    let mut expected = latest.clone();
    expected.as_object_mut().unwrap().remove("value");
    assert_eq!(
        recovered.json(),
        expected,
        "recover answers without the value"
    );
    assert_eq!(server.get(&format!("/secrets/Life?{API}")).json(), latest);
    let again = server.post(&format!("/deletedsecrets/Life/recover?{API}"), "");
    assert_eq!(again.json(), deleted_not_found("Life"));

    assert_eq!(
        server.delete(&format!("/deletedsecrets/Life?{API}")).json(),
        deleted_not_found("Life")
    );
    server.delete(&format!("/secrets/Life?{API}"));
    let purged = server.delete(&format!("/deletedsecrets/Life?{API}"));
    assert_eq!(purged.status, 204);
    assert_eq!(purged.body, "");
    assert_eq!(purged.header("content-type"), None);
    let after = server.get(&format!("/deletedsecrets/Life?{API}"));
    assert_eq!(
        (after.status, after.json()),
        (404, deleted_not_found("Life"))
    );
    let fresh = server.set("Life", r#"{"value":"new"}"#);
    let versions = server.get(&format!("/secrets/Life/versions?{API}")).json();
    assert_eq!(ids(&versions), [fresh["id"].as_str().unwrap()]);
}

#[test]
fn deleted_listing_pages_too() {
    let server = TestServer::start();
    for i in 0..27 {
        let name = format!("gone{i:02}");
        server.set(&name, r#"{"value":"v"}"#);
        assert_eq!(server.delete(&format!("/secrets/{name}?{API}")).status, 200);
    }
    let (all, sizes) = all_pages(&server, &format!("/deletedsecrets?{API}"));
    assert_eq!(sizes, [25, 2]);
    let unique: BTreeSet<_> = all.iter().collect();
    assert_eq!(unique.len(), 27);
    assert!(all.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn eventual_consistency_windows() {
    let server = TestServer::start_with(Config {
        store: StoreConfig {
            delete_visibility_delay: Duration::from_millis(300),
            recover_visibility_delay: Duration::from_millis(300),
            purge_delay: Duration::from_millis(300),
            ..StoreConfig::default()
        },
        ..Config::default()
    });
    server.set("Window", r#"{"value":"v"}"#);
    assert_eq!(server.delete(&format!("/secrets/Window?{API}")).status, 200);
    // Right after the DELETE: 404 on /deletedsecrets (what every recording shows), not live
    // either; re-creating or purging is a 409.
    assert_eq!(
        server.get(&format!("/deletedsecrets/Window?{API}")).json(),
        deleted_not_found("Window")
    );
    assert_eq!(server.get(&format!("/secrets/Window?{API}")).status, 404);
    let put = server.put(&format!("/secrets/Window?{API}"), r#"{"value":"x"}"#);
    assert_eq!(put.status, 409);
    assert_eq!(
        put.json()["error"]["innererror"]["code"],
        "ObjectIsBeingDeleted"
    );
    assert_eq!(
        put.message(),
        "Secret Window is currently being deleted and cannot be re-created; retry later."
    );
    let purge = server.delete(&format!("/deletedsecrets/Window?{API}"));
    assert_eq!(
        (purge.status, purge.message().as_str()),
        (409, "Secret is currently being deleted.")
    );
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        server.get(&format!("/deletedsecrets/Window?{API}")).status,
        200
    );

    assert_eq!(
        server
            .post(&format!("/deletedsecrets/Window/recover?{API}"), "")
            .status,
        200
    );
    assert_eq!(server.get(&format!("/secrets/Window?{API}")).status, 404);
    let put = server.put(&format!("/secrets/Window?{API}"), r#"{"value":"x"}"#);
    assert_eq!(
        put.json(),
        json!({"error":{"code":"Conflict","message":"Secret Window is currently being recovered and cannot be re-created; retry later.","innererror":{"code":"ObjectIsBeingRecovered"}}})
    );
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(server.get(&format!("/secrets/Window?{API}")).status, 200);

    server.delete(&format!("/secrets/Window?{API}"));
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        server
            .delete(&format!("/deletedsecrets/Window?{API}"))
            .status,
        204
    );
    assert_eq!(
        server
            .put(&format!("/secrets/Window?{API}"), r#"{"value":"x"}"#)
            .status,
        409
    );
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        server
            .put(&format!("/secrets/Window?{API}"), r#"{"value":"x"}"#)
            .status,
        200
    );
}

#[test]
fn backup_and_restore_bring_back_every_version() {
    let server = TestServer::start();
    let first = server.set("Saved", r#"{"value":"1","tags":{"t":"1"}}"#);
    let second = server.set(
        "Saved",
        r#"{"value":"2","contentType":"text/plain","attributes":{"exp":4102444800}}"#,
    );
    server.patch(
        &format!("/secrets/Saved/{}?{API}", version_of(&first)),
        r#"{"attributes":{"enabled":false}}"#,
    );

    let backup = server.post(&format!("/secrets/saved/backup?{API}"), "");
    assert_eq!(backup.status, 200);
    let blob = backup.json()["value"].as_str().unwrap().to_owned();
    assert!(blob
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    let restore_body = json!({ "value": blob }).to_string();

    let live = server.post(&format!("/secrets/restore?{API}"), &restore_body);
    assert_eq!((live.status, live.code().as_str()), (409, "Conflict"));
    server.delete(&format!("/secrets/Saved?{API}"));
    let deleted = server.post(&format!("/secrets/restore?{API}"), &restore_body);
    assert_eq!(
        deleted.json()["error"]["innererror"]["code"],
        "ObjectIsDeletedButRecoverable"
    );
    assert_eq!(
        server
            .delete(&format!("/deletedsecrets/Saved?{API}"))
            .status,
        204
    );

    let restored = server.post(&format!("/secrets/restore?{API}"), &restore_body);
    assert_eq!(restored.status, 200, "{}", restored.body);
    let mut expected = second.clone();
    expected.as_object_mut().unwrap().remove("value");
    assert_eq!(
        restored.json(),
        expected,
        "latest version, same id and times, no value"
    );
    assert_eq!(server.get(&format!("/secrets/Saved?{API}")).json(), second);
    let old = server.get(&format!("/secrets/Saved/{}?{API}", version_of(&first)));
    assert_eq!(
        (old.status, old.code().as_str()),
        (403, "Forbidden"),
        "disabled stays disabled"
    );
    let versions = server.get(&format!("/secrets/Saved/versions?{API}")).json();
    assert_eq!(ids(&versions).len(), 2);

    for body in [r#"{"value":"AAAA"}"#, r#"{"value":"%%%"}"#, r#"{}"#, "nope"] {
        let resp = server.post(&format!("/secrets/restore?{API}"), body);
        assert_eq!(
            (resp.status, resp.code().as_str()),
            (400, "BadParameter"),
            "{body}"
        );
    }
}

#[test]
fn a_secret_may_be_called_restore() {
    let server = TestServer::start();
    let set = server.set("restore", r#"{"value":"r"}"#);
    assert_eq!(server.get(&format!("/secrets/restore?{API}")).json(), set);
    assert_eq!(
        server.delete(&format!("/secrets/restore?{API}")).status,
        200
    );
}

#[test]
fn retention_days_and_the_clock() {
    let server = TestServer::start_with(Config {
        store: StoreConfig {
            recoverable_days: 7,
            ..StoreConfig::default()
        },
        ..Config::default()
    });
    let created = server.set("Clocked", r#"{"value":"v"}"#);
    assert_eq!(
        created["attributes"]["recoveryLevel"],
        "CustomizedRecoverable+Purgeable"
    );
    assert_eq!(created["attributes"]["recoverableDays"], 7);
    let before = created["attributes"]["created"].as_i64().unwrap();

    let moved = server.manage(
        "POST",
        "/_emulator/clock",
        Some(r#"{"advanceSeconds":3600}"#),
    );
    assert_eq!(moved.status, 200);
    assert_eq!(moved.json()["offsetSeconds"], 3600);
    let later = server.set("Clocked", r#"{"value":"w"}"#);
    assert!(later["attributes"]["created"].as_i64().unwrap() >= before + 3600);

    let deleted = server.delete(&format!("/secrets/Clocked?{API}")).json();
    let purge_at = deleted["scheduledPurgeDate"].as_i64().unwrap();
    assert_eq!(purge_at - deleted["deletedDate"].as_i64().unwrap(), 7 * DAY);
    server.manage(
        "POST",
        "/_emulator/clock",
        Some(&json!({"advanceSeconds": 7 * DAY - 60}).to_string()),
    );
    assert_eq!(
        server.get(&format!("/deletedsecrets/Clocked?{API}")).status,
        200
    );
    server.manage("POST", "/_emulator/clock", Some(r#"{"advanceSeconds":60}"#));
    assert_eq!(
        server.get(&format!("/deletedsecrets/Clocked?{API}")).status,
        404
    );
    assert_eq!(
        server.set("Clocked", r#"{"value":"reborn"}"#)["value"],
        "reborn"
    );

    let bad = server.manage("POST", "/_emulator/clock", Some(r#"{"advance":1}"#));
    assert_eq!((bad.status, bad.code().as_str()), (400, "BadParameter"));
}

#[test]
fn large_backups_restore_beyond_the_usual_body_limit() {
    let server = TestServer::start();
    let value = "x".repeat(25_600);
    for _ in 0..50 {
        server.set("Big", &json!({ "value": value }).to_string());
    }
    let blob = server
        .post(&format!("/secrets/Big/backup?{API}"), "")
        .json()["value"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(blob.len() > 1 << 20, "{} bytes", blob.len());
    server.delete(&format!("/secrets/Big?{API}"));
    server.delete(&format!("/deletedsecrets/Big?{API}"));
    let restored = server.post(
        &format!("/secrets/restore?{API}"),
        &json!({ "value": blob }).to_string(),
    );
    assert_eq!(
        restored.status,
        200,
        "{}",
        &restored.body[..restored.body.len().min(200)]
    );
    let versions = server.get(&format!("/secrets/Big/versions?{API}")).json();
    assert_eq!(ids(&versions).len(), 25, "first page of 50 versions");
    // Other requests keep the 1 MiB limit.
    let too_big = server.put(
        &format!("/secrets/Big?{API}"),
        &json!({ "value": "y".repeat(1 << 20) }).to_string(),
    );
    assert_eq!(too_big.status, 413);
}

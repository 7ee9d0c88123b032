//! Rotation policies (the default one, PUT with the default `Notify` added) and rotate, with
//! `exp` from the policy's `expiryTime` by the calendar.

use super::*;

#[test]
fn rotation_policy_and_rotate() {
    let server = TestServer::start();
    let created = create(
        &server,
        "Rotated",
        json!({"kty": "RSA", "key_size": 3072, "key_ops": ["sign", "verify"], "tags": {"k": "v"}}),
    );
    let default = call(
        &server,
        "GET",
        &format!("/keys/Rotated/rotationpolicy?{API}"),
        None,
    );
    assert_eq!(default.status, 200, "{}", default.body);
    assert_eq!(
        default.json(),
        json!({"id": format!("{}/keys/Rotated/rotationpolicy", server.url),
               "lifetimeActions": [{"trigger": {"timeBeforeExpiry": "P30D"},
                                    "action": {"type": "Notify"}}],
               "attributes": {}})
    );

    // A policy with only a Rotate action comes back with the default Notify (recorded).
    let put = json!({"lifetimeActions": [{"trigger": {"timeAfterCreate": "P18M"},
                                          "action": {"type": "rotate"}}],
                     "attributes": {"expiryTime": "P48M"}});
    let resp = call(
        &server,
        "PUT",
        &format!("/keys/Rotated/rotationpolicy?{API}"),
        Some(&put),
    );
    assert_eq!(resp.status, 200, "{}", resp.body);
    assert_order(
        &resp.body,
        &[
            "id",
            "lifetimeActions",
            "attributes",
            "expiryTime",
            "created",
            "updated",
        ],
    );
    let policy = resp.json();
    assert_eq!(
        policy["lifetimeActions"],
        json!([{"trigger": {"timeAfterCreate": "P18M"}, "action": {"type": "Rotate"}},
               {"trigger": {"timeBeforeExpiry": "P30D"}, "action": {"type": "Notify"}}])
    );
    assert_eq!(policy["attributes"]["expiryTime"], "P48M");
    let policy_created = policy["attributes"]["created"].as_i64().unwrap();
    assert_eq!(policy["attributes"]["updated"], policy_created);
    assert_eq!(
        ok(
            &server,
            "GET",
            &format!("/keys/Rotated/rotationpolicy?{API}"),
            None
        ),
        policy
    );

    let rotated = ok(
        &server,
        "POST",
        &format!("/keys/Rotated/rotate?{API}"),
        None,
    );
    assert_ne!(version_of(&rotated), version_of(&created));
    assert_ne!(rotated["key"]["n"], created["key"]["n"], "new material");
    assert_eq!(unb64(&rotated["key"]["n"]).len(), 384, "same size");
    assert_eq!(rotated["key"]["kty"], "RSA");
    assert_eq!(rotated["key"]["key_ops"], json!(["sign", "verify"]));
    assert_eq!(rotated["tags"], json!({"k": "v"}));
    // exp = created + P48M, by the calendar (any 48 months hold one 29 February here).
    let new_created = rotated["attributes"]["created"].as_i64().unwrap();
    assert_eq!(
        rotated["attributes"]["exp"].as_i64().unwrap() - new_created,
        1461 * DAY
    );
    assert_eq!(
        ok(&server, "GET", &format!("/keys/Rotated?{API}"), None),
        rotated
    );
    let versions = ok(
        &server,
        "GET",
        &format!("/keys/Rotated/versions?{API}"),
        None,
    );
    assert_eq!(versions["value"].as_array().unwrap().len(), 2);
    let old = ok(
        &server,
        "GET",
        &format!("/keys/Rotated/{}?{API}", version_of(&created)),
        None,
    );
    assert_eq!(old, created, "the old version is untouched");

    // A second PUT replaces the policy and keeps its creation time.
    let notify_only = json!({"lifetimeActions": [], "attributes": {"expiryTime": "P90D"}});
    let replaced = ok(
        &server,
        "PUT",
        &format!("/keys/Rotated/rotationpolicy?{API}"),
        Some(&notify_only),
    );
    assert_eq!(replaced["attributes"]["created"], policy_created);
    assert_eq!(replaced["lifetimeActions"].as_array().unwrap().len(), 1);

    // Missing keys.
    let resp = call(
        &server,
        "POST",
        &format!("/keys/keynonexistent/rotate?{API}"),
        None,
    );
    assert_eq!(
        resp.body,
        r#"{"error":{"code":"KeyNotFound","message":"A key with (name/id) keynonexistent was not found in this key vault. If you recently deleted this key you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182"}}"#
    );
    let resp = call(
        &server,
        "PUT",
        &format!("/keys/Nope/rotationpolicy?{API}"),
        Some(&put),
    );
    error(&resp, 404, "KeyNotFound", None);
}

#[test]
fn rotation_expiry_follows_the_calendar() {
    let server = TestServer::start();
    // (clock, expiryTime, expected exp − created): a month from 31 January ends on 28 February,
    // three months from 31 March on 30 June, 90 days are 90 days.
    for (i, (at, expiry, span)) in [
        (1_801_396_800, "P1M", 28 * DAY), // 2027-01-31T12:00:00Z → 2027-02-28
        (1_838_116_800, "P3M", 91 * DAY), // 2028-03-31T12:00:00Z → 2028-06-30
        (1_835_438_400, "P1Y", 365 * DAY), // 2028-02-29T12:00:00Z → 2029-02-28
        (1_835_438_400, "P90D", 90 * DAY),
    ]
    .into_iter()
    .enumerate()
    {
        set_clock(&server, at);
        let name = format!("Calendar{i}");
        create(&server, &name, json!({"kty": "EC"}));
        let policy = json!({"attributes": {"expiryTime": expiry}});
        ok(
            &server,
            "PUT",
            &format!("/keys/{name}/rotationpolicy?{API}"),
            Some(&policy),
        );
        let rotated = ok(&server, "POST", &format!("/keys/{name}/rotate?{API}"), None);
        let created = rotated["attributes"]["created"].as_i64().unwrap();
        assert!((at..at + 60).contains(&created), "{created} vs {at}");
        let exp = rotated["attributes"]["exp"]
            .as_i64()
            .expect("exp from the policy");
        assert_eq!(exp - created, span, "{expiry} from {at}");
    }
    // Without an expiryTime a rotated version has no exp.
    create(&server, "NoExpiry", json!({"kty": "EC"}));
    let rotated = ok(
        &server,
        "POST",
        &format!("/keys/NoExpiry/rotate?{API}"),
        None,
    );
    assert!(rotated["attributes"].get("exp").is_none(), "{rotated}");
}

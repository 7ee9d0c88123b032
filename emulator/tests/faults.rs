//! Fault injection (flags and run time), dropped connections, the stats and reset controls, and
//! `--require-token`.

mod common;

use common::{TestServer, API, TOKEN};
use keyvault_emulator::{Config, FaultConfig, StoreConfig};
use serde_json::{json, Value};

fn faulty(fault_rate: f64, drop_rate: f64, seed: u64) -> TestServer {
    TestServer::start_with(Config {
        faults: FaultConfig {
            fault_rate,
            drop_rate,
            ..FaultConfig::default()
        },
        store: StoreConfig {
            seed: Some(seed),
            ..StoreConfig::default()
        },
        ..Config::default()
    })
}

fn set_faults(server: &TestServer, body: Value) -> common::Resp {
    server.manage("PUT", "/_emulator/faults", Some(&body.to_string()))
}

fn stats(server: &TestServer) -> Value {
    server.manage("GET", "/_emulator/stats", None).json()
}

#[test]
fn injected_failures_happen_before_any_state_change() {
    let server = faulty(1.0, 0.0, 5);
    let mut statuses = Vec::new();
    for i in 0..20 {
        let resp = server.put(&format!("/secrets/f{i}?{API}"), r#"{"value":"v"}"#);
        statuses.push(resp.status);
        match resp.status {
            429 => {
                assert_eq!(
                    resp.json(),
                    json!({"error":{"code":"Throttled","message":"Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached"}})
                );
                assert_eq!(resp.header("retry-after"), None, "the service sends none");
            }
            503 => assert_eq!(resp.code(), "ServiceUnavailable"),
            other => panic!("status {other}"),
        }
        assert!(resp.header("x-ms-request-id").is_some());
    }
    assert!(
        statuses.contains(&429) && statuses.contains(&503),
        "{statuses:?}"
    );

    // The management API and CORS preflights are never faulted.
    let preflight = server.request("OPTIONS", "/secrets/x", &[], None);
    assert_eq!(preflight.status, 204);
    let counted = stats(&server);
    assert_eq!(counted["faults"], 20);
    assert_eq!(counted["byRoute"]["PUT /secrets/{name}"], 20);
    assert_eq!(set_faults(&server, json!({"faultRate": 0})).status, 200);
    let listed = server.get(&format!("/secrets?{API}")).json();
    assert_eq!(
        listed["value"],
        json!([]),
        "no faulted PUT created anything"
    );
}

#[test]
fn faults_and_cors_cover_the_keys_plane() {
    let server = faulty(1.0, 0.0, 9);
    for i in 0..10 {
        let create = server.post(&format!("/keys/k{i}/create?{API}"), r#"{"kty":"EC"}"#);
        assert!(matches!(create.status, 429 | 503), "{}", create.status);
        let sign = server.post(
            &format!("/keys/k{i}//sign?{API}"),
            r#"{"alg":"ES256","value":"AA"}"#,
        );
        assert!(matches!(sign.status, 429 | 503), "{}", sign.status);
    }
    let preflight = server.request("OPTIONS", "/keys/k0/create", &[], None);
    assert_eq!(preflight.status, 204);
    set_faults(&server, json!({"faultRate": 0}));
    // Nothing a faulted request asked for happened.
    let listed = server.get(&format!("/keys?{API}"));
    assert_eq!(listed.json()["value"], json!([]));
    let created = server.post(&format!("/keys/k0/create?{API}"), r#"{"kty":"EC"}"#);
    assert_eq!(created.status, 200);
    assert_eq!(created.header("access-control-allow-origin"), Some("*"));
}

#[test]
fn dropped_connections_get_no_response_at_all() {
    let server = faulty(0.0, 1.0, 1);
    let request = format!(
        "PUT /secrets/dropped?{API} HTTP/1.1\r\nHost: x\r\nAuthorization: {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 13\r\n\r\n{{\"value\":\"v\"}}"
    );
    assert_eq!(server.raw(request.as_bytes()), "", "closed without a byte");
    assert_eq!(stats(&server)["dropped"], 1);
    set_faults(&server, json!({"dropRate": 0}));
    assert_eq!(server.get(&format!("/secrets/dropped?{API}")).status, 404);
}

#[test]
fn a_seed_makes_the_fault_sequence_reproducible() {
    let run = |seed| {
        let server = faulty(0.5, 0.0, seed);
        (0..40)
            .map(|i| server.get(&format!("/secrets/s{i}?{API}")).status)
            .collect::<Vec<_>>()
    };
    let first = run(11);
    assert_eq!(first, run(11));
    assert!(
        first.contains(&404) && first.iter().any(|s| *s != 404),
        "{first:?}"
    );

    // Re-seeding at run time restarts the sequence.
    let server = faulty(0.5, 0.0, 3);
    let seq = |server: &TestServer| {
        set_faults(server, json!({"seed": 77}));
        (0..20)
            .map(|i| server.get(&format!("/secrets/s{i}?{API}")).status)
            .collect::<Vec<_>>()
    };
    assert_eq!(seq(&server), seq(&server));
}

#[test]
fn faults_are_set_at_run_time_and_validated() {
    let server = TestServer::start();
    let config = server.manage("GET", "/_emulator/config", None).json();
    assert_eq!(
        config["faults"],
        json!({"faultRate":0.0,"faultStatuses":[429,503],"retryAfter":null,"dropRate":0.0})
    );
    assert_eq!(config["recoverableDays"], 90);
    assert_eq!(config["persistent"], false);

    let set = set_faults(
        &server,
        json!({"faultRate":1,"faultStatuses":[429],"retryAfter":7}),
    );
    assert_eq!(set.status, 200);
    let resp = server.get(&format!("/secrets/a?{API}"));
    assert_eq!((resp.status, resp.header("retry-after")), (429, Some("7")));
    set_faults(&server, json!({"faultStatuses":[500]}));
    assert_eq!(
        server.get(&format!("/secrets/a?{API}")).code(),
        "InternalServerError"
    );
    // Management calls pass even now.
    assert_eq!(
        server.manage("GET", "/_emulator/faults", None).json()["faultRate"],
        1.0
    );

    for bad in [
        json!({"faultRate": 2}),
        json!({"dropRate": -1}),
        json!({"faultStatuses": [200]}),
        json!({"faultStatuses": []}),
        json!({"unknown": 1}),
    ] {
        let resp = set_faults(&server, bad.clone());
        assert_eq!(
            (resp.status, resp.code().as_str()),
            (400, "BadParameter"),
            "{bad}"
        );
    }
    set_faults(&server, json!({"faultRate":0,"retryAfter":0}));
    assert_eq!(server.get(&format!("/secrets/a?{API}")).status, 404);
    assert_eq!(
        server.manage("GET", "/_emulator/faults", None).json()["retryAfter"],
        Value::Null
    );
}

#[test]
fn stats_count_data_plane_requests_and_reset_empties_the_vault() {
    let server = TestServer::start();
    server.set("one", r#"{"value":"v"}"#);
    server.get(&format!("/secrets/one?{API}"));
    server.get(&format!("/secrets/missing?{API}"));
    server.request("GET", &format!("/secrets/one?{API}"), &[], None); // 401
    server.get(&format!("/nowhere?{API}"));
    server.manage("GET", "/_emulator/config", None); // not counted
    let counted = stats(&server);
    assert_eq!(counted["requests"], 5);
    assert_eq!(counted["byRoute"]["PUT /secrets/{name}"], 1);
    assert_eq!(counted["byRoute"]["GET /secrets/{name}"], 3);
    assert_eq!(counted["byRoute"]["GET (unmatched)"], 1);
    assert_eq!(counted["byStatus"], json!({"200":2,"401":1,"404":2}));

    assert_eq!(
        server.manage("DELETE", "/_emulator/stats", None).status,
        204
    );
    assert_eq!(stats(&server)["requests"], 0);
    server.get(&format!("/secrets/one?{API}"));
    assert_eq!(server.manage("POST", "/_emulator/reset", None).status, 204);
    assert_eq!(stats(&server)["requests"], 0);
    assert_eq!(server.get(&format!("/secrets/one?{API}")).status, 404);
    assert_eq!(server.manage("GET", "/_emulator/nothing", None).status, 404);
}

#[test]
fn require_token_accepts_only_that_token() {
    let server = TestServer::start_with(Config {
        require_token: Some("right".into()),
        ..Config::default()
    });
    let path = format!("/secrets/t?{API}");
    let wrong = server.request("GET", &path, &[("authorization", "Bearer wrong")], None);
    assert_eq!((wrong.status, wrong.code().as_str()), (401, "Unauthorized"));
    assert!(wrong
        .header("www-authenticate")
        .unwrap()
        .starts_with("Bearer authorization="));
    let none = server.request("GET", &path, &[], None);
    assert_eq!(none.status, 401);
    let right = server.request("GET", &path, &[("authorization", "Bearer right")], None);
    assert_eq!(right.status, 404);
    assert_eq!(
        server.manage("GET", "/_emulator/config", None).json()["requireToken"],
        true
    );
}

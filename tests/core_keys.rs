//! Whole keys-plane operations against a scripted host (no network): the host does what the
//! pipeline's actions say and the tests check what went out. The handshake and retry rules
//! themselves are covered by `core_client.rs`; these show the keys plane runs through them.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::VecDeque;

use keyvault_keys_wasm::core::duration::unix_seconds;
use keyvault_keys_wasm::core::error::Result;
use keyvault_keys_wasm::core::keys::{CreateKey, CryptoOp, KeyAttributes, KeysClient};
use keyvault_keys_wasm::core::pipeline::{
    user_agent, Action, Auth, Call, Config, Method, Response,
};
use keyvault_keys_wasm::core::retry::RetryOptions;
use keyvault_keys_wasm::core::vault_url::VaultUrl;

const CHALLENGE: &str = r#"Bearer authorization="https://login.microsoftonline.com/tenant-a", resource="https://vault.azure.net""#;
const VERSION: &str = "ec34e7acf228480eb4e58a3a0d0fbd92";

#[derive(Debug, PartialEq)]
struct Sent {
    method: Method,
    path: String,
    body: Option<String>,
    token: Option<String>,
}

/// The host: scripted statuses (with a challenge on each 401), a credential that numbers its
/// tokens (good for an hour), and a record of requests and waits.
#[derive(Default)]
struct Host {
    statuses: VecDeque<u16>,
    sent: Vec<Sent>,
    tokens: u32,
    cached: Option<String>,
    slept: Vec<u64>,
    now: f64,
}

impl Host {
    fn answer(&mut self, statuses: &[u16]) {
        self.statuses.extend(statuses);
    }

    /// Drives one started call to its end; whether it succeeded.
    fn run(&mut self, client: &mut KeysClient, started: Result<(Call, Action)>) -> bool {
        let (mut call, mut action) = started.expect("the operation should start");
        let p = &mut client.pipeline;
        loop {
            action = match action {
                Action::Send { auth, .. } => {
                    self.sent.push(Sent {
                        method: call.method(),
                        path: call.path().to_string(),
                        body: (auth != Auth::None)
                            .then(|| call.body().map(str::to_string))
                            .flatten(),
                        token: (auth != Auth::None).then(|| self.cached.clone()).flatten(),
                    });
                    let status = self.statuses.pop_front().expect("a scripted answer");
                    let response = Response {
                        status,
                        www_authenticate: (status == 401).then_some(CHALLENGE),
                        ..Default::default()
                    };
                    p.on_response(&mut call, &response, self.now)
                }
                Action::Token => {
                    self.tokens += 1;
                    self.cached = Some(format!("token-{}", self.tokens));
                    p.on_token(&mut call, self.now + 3_600_000.0)
                }
                Action::Sleep(ms) => {
                    self.slept.push(ms);
                    self.now += ms as f64;
                    p.on_slept(&mut call, self.now)
                }
                Action::Done => return true,
                Action::Fail(_) => return false,
            }
        }
    }
}

fn client() -> KeysClient {
    let config = Config {
        vault: VaultUrl::parse("https://myvault.vault.azure.net", false).unwrap(),
        api_version: "2025-07-01".into(),
        verify_challenge_resource: true,
        retry: RetryOptions::default(),
        user_agent: user_agent(None),
    };
    KeysClient::new(config, 11)
}

#[test]
fn create_then_get_through_the_challenge() {
    let mut host = Host::default();
    let mut c = client();
    host.answer(&[401, 200, 200]);
    let key = CreateKey {
        kty: "EC",
        curve: Some("P-384"),
        ..Default::default()
    };
    let started = c.create("CreateEcKey", &key, host.now);
    assert!(host.run(&mut c, started));
    let started = c.get("CreateEcKey", None, host.now);
    assert!(host.run(&mut c, started));

    let create = "/keys/CreateEcKey/create?api-version=2025-07-01";
    let body = r#"{"kty":"EC","crv":"P-384"}"#;
    assert_eq!(
        host.sent,
        [
            Sent {
                method: Method::Post,
                path: create.into(),
                body: None,
                token: None
            },
            Sent {
                method: Method::Post,
                path: create.into(),
                body: Some(body.into()),
                token: Some("token-1".into())
            },
            Sent {
                method: Method::Get,
                path: "/keys/CreateEcKey?api-version=2025-07-01".into(),
                body: None,
                token: Some("token-1".into())
            },
        ],
        "a bodiless probe, the create with its body, then the get on the cached token"
    );
    assert_eq!(host.tokens, 1);
}

#[test]
fn a_sign_is_retried_on_503_with_its_body() {
    let mut host = Host::default();
    let mut c = client();
    host.answer(&[401, 503, 200]);
    let started = c.crypto(
        "k",
        Some(VERSION),
        CryptoOp::Sign,
        "RS256",
        "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU",
        None,
        None,
        None,
        host.now,
    );
    assert!(host.run(&mut c, started));
    assert_eq!(host.slept.len(), 1, "one wait before the retry");
    assert!((640..=961).contains(&host.slept[0]), "{:?}", host.slept);
    let path = format!("/keys/k/{VERSION}/sign?api-version=2025-07-01");
    let body = r#"{"alg":"RS256","value":"47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU"}"#;
    assert_eq!(host.sent.len(), 3);
    for retry in &host.sent[1..] {
        assert_eq!(
            (retry.method, retry.path.as_str(), retry.body.as_deref()),
            (Method::Post, path.as_str(), Some(body))
        );
        assert_eq!(retry.token.as_deref(), Some("token-1"));
    }
}

#[test]
fn a_refused_argument_sends_nothing_and_leaves_the_client_usable() {
    let mut host = Host::default();
    let mut c = client();
    assert!(c
        .crypto(
            "k",
            None,
            CryptoOp::Sign,
            "RS257",
            "AQID",
            None,
            None,
            None,
            0.0
        )
        .is_err());
    host.answer(&[401, 200]);
    let actions = ["Rotate".to_string(), "P90D".into(), String::new()];
    let started = c.update_rotation_policy("k", Some("P2Y"), &actions, host.now);
    assert!(host.run(&mut c, started));
    assert_eq!(host.sent.len(), 2);
    assert_eq!(
        host.sent[1].body.as_deref(),
        Some(
            r#"{"lifetimeActions":[{"trigger":{"timeAfterCreate":"P90D"},"action":{"type":"Rotate"}}],"attributes":{"expiryTime":"P2Y"}}"#
        )
    );
}

#[test]
fn key_dates_after_2038_are_sent_as_64_bit_seconds() {
    let mut host = Host::default();
    let mut c = client();
    host.answer(&[401, 200, 200]);
    // 2038-01-19T03:14:08Z (one past i32::MAX) and 2100-01-01T00:00:00Z, from the host's numbers.
    let attributes = KeyAttributes {
        not_before: Some(unix_seconds(2_147_483_648.0)),
        expires_on: Some(unix_seconds(4_102_444_800.0)),
        ..Default::default()
    };
    let key = CreateKey {
        kty: "EC",
        curve: Some("P-256"),
        attributes,
        ..Default::default()
    };
    let started = c.create("k", &key, host.now);
    assert!(host.run(&mut c, started));
    let started = c.update("k", Some(VERSION), None, &attributes, None, None, host.now);
    assert!(host.run(&mut c, started));
    let dates = r#""attributes":{"nbf":2147483648,"exp":4102444800}"#;
    assert_eq!(
        host.sent[1].body.as_deref(),
        Some(format!(r#"{{"kty":"EC","crv":"P-256",{dates}}}"#).as_str())
    );
    assert_eq!(
        host.sent[2].body.as_deref(),
        Some(format!("{{{dates}}}").as_str())
    );
}

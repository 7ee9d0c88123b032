//! Property-based fuzzing of everything that reads untrusted input: challenges, page links,
//! durations, vault URLs, retry headers, arguments, and the order of the host's reports. None
//! may panic (a panic in wasm kills the instance): each returns a value or an error.
//!
//! Cases per property: `PROPTEST_CASES` (default 256); `npm test` runs a bounded larger run.
#![cfg(not(target_arch = "wasm32"))]

use keyvault_keys_wasm::core::challenge;
use keyvault_keys_wasm::core::duration::Duration;
use keyvault_keys_wasm::core::keys::{
    self, CreateKey, CryptoOp, ImportKey, KeyAttributes, KeysClient, ReleasePolicy,
};
use keyvault_keys_wasm::core::listing::Listing;
use keyvault_keys_wasm::core::pipeline::{user_agent, Action, Config, Response};
use keyvault_keys_wasm::core::retry::{self, Outcome, RetryOptions, TransportFailure};
use keyvault_keys_wasm::core::secrets::{Named, SecretOptions, SecretsClient};
use keyvault_keys_wasm::core::vault_url::VaultUrl;
use proptest::prelude::*;

fn client() -> SecretsClient {
    let config = Config {
        vault: VaultUrl::parse("https://v.vault.azure.net", false).unwrap(),
        api_version: "2025-07-01".into(),
        verify_challenge_resource: true,
        retry: RetryOptions::default(),
        user_agent: user_agent(None),
    };
    SecretsClient::new(config, 5)
}

fn keys_client() -> KeysClient {
    KeysClient::new(client().pipeline.config.clone(), 5)
}

/// One report of the host, in any order, with any values.
#[derive(Debug, Clone)]
enum Report {
    Answer(u16, Option<String>, Option<String>),
    NoResponse(TransportFailure),
    Token(f64),
    Slept,
    Refreshed(f64),
}

fn report() -> impl Strategy<Value = Report> {
    let header = prop_oneof![
        Just(None),
        Just(Some(r#"Bearer authorization="https://login.microsoftonline.com/t", resource="https://vault.azure.net""#.to_string())),
        Just(Some(r#"Bearer error="insufficient_claims", claims="e30=""#.to_string())),
        any::<String>().prop_map(Some),
    ];
    let time = prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(-1.0), 0.0..1e13];
    prop_oneof![
        (
            0u16..1000,
            header,
            prop::option::of("[0-9 .a-zA-Z,:]{0,30}")
        )
            .prop_map(|(s, h, r)| Report::Answer(s, h, r)),
        prop_oneof![
            Just(TransportFailure::Connection),
            Just(TransportFailure::Request),
            Just(TransportFailure::Response),
            Just(TransportFailure::Tls),
        ]
        .prop_map(Report::NoResponse),
        time.clone().prop_map(Report::Token),
        Just(Report::Slept),
        time.prop_map(Report::Refreshed),
    ]
}

proptest! {
    #[test]
    fn challenge_parser_never_panics(
        parts in prop::collection::vec(prop_oneof![
            Just("Bearer ".to_string()), Just("authorization=".to_string()), Just("resource=".to_string()),
            Just("scope=".to_string()), Just("claims=".to_string()), Just("error=\"insufficient_claims\"".to_string()),
            Just("\"".to_string()), Just(",".to_string()), Just("\\".to_string()), Just("https://".to_string()),
            Just("vault.azure.net".to_string()), Just("/".to_string()), Just(":".to_string()), "[ -~]{0,8}", any::<String>(),
        ], 0..16),
        host in prop_oneof![Just("v.vault.azure.net".to_string()), "[a-z.:\\[\\]]{0,20}"],
    ) {
        let header = parts.concat();
        let _ = challenge::parse(&header, Some(&host));
        let _ = challenge::parse(&header, None);
        let _ = challenge::cae_claims(&header);
    }

    #[test]
    fn links_urls_durations_and_arguments_never_panic(text in any::<String>(), ascii in "[ -~]{0,40}", n in any::<u32>()) {
        let mut c = client();
        let flat = vec![text.clone(), ascii.clone(), text.clone()];
        for t in [&text, &ascii] {
            let _ = c.pipeline.next_page(t);
            let _ = VaultUrl::parse(t, true);
            let _ = Duration::parse(t);
            let options = SecretOptions { content_type: Some(t), tags: Some(&flat), not_before: Some(i64::MIN), ..Default::default() };
            let _ = c.set(t, t, &options, 0.0);
            let _ = c.update(t, Some(t), &options, 0.0);
            let _ = c.get(t, Some(t), 0.0);
            let _ = c.list(Listing::Versions, Some(t), Some(n), Some(t), 0.0);
            let _ = c.named(Named::Backup, t, 0.0);
            let _ = c.restore(t, 0.0);
        }
        if let Ok(d) = Duration::parse(&ascii) {
            let _ = d.add_to(i64::MAX / 4);
        }
    }

    #[test]
    fn retry_headers_never_panic(value in any::<String>(), ascii in "[ -~]{0,40}", status in 0u16..1000) {
        for v in [value.as_str(), ascii.as_str()] {
            let r = Response { status, www_authenticate: None, retry_after: Some(v), retry_after_ms: Some(v), x_ms_retry_after_ms: Some(v) };
            if let Some(d) = retry::delay_before_retry(&RetryOptions::default(), 0, Outcome::Answered(&r), 0.0, 0.0, 0.5) {
                prop_assert!((0.0..=60_000.0).contains(&d));
            }
        }
    }

    /// A host that reports anything in any order never makes the core panic, and a call that
    /// has ended stays ended.
    #[test]
    fn the_pipeline_survives_any_sequence_of_reports(reports in prop::collection::vec(report(), 0..40)) {
        let mut c = client();
        let (mut call, mut action) = c.set("k", "v", &SecretOptions::default(), 0.0).unwrap();
        let mut now = 0.0;
        for r in reports {
            now += 1000.0;
            let p = &mut c.pipeline;
            let next = match r {
                Report::Answer(status, www, retry_after) => {
                    let response = Response { status, www_authenticate: www.as_deref(), retry_after: retry_after.as_deref(), ..Default::default() };
                    p.on_response(&mut call, &response, now)
                }
                Report::NoResponse(kind) => p.on_transport_failure(&mut call, kind, now),
                Report::Token(t) => p.on_token(&mut call, t),
                Report::Slept => p.on_slept(&mut call, now),
                Report::Refreshed(t) => {
                    p.on_refreshed(t);
                    continue;
                }
            };
            if matches!(action, Action::Done | Action::Fail(_)) {
                prop_assert!(matches!(next, Action::Fail(_)), "an ended call stays ended: {next:?}");
            }
            if let Action::Sleep(ms) = next {
                prop_assert!(ms <= 60_000);
            }
            action = next;
        }
    }

    /// Every keys-plane operation, given any text and numbers, returns a call or an error.
    #[test]
    fn keys_operations_never_panic(
        text in any::<String>(),
        b64 in "[A-Za-z0-9_=+/ -]{0,12}",
        flat in prop::collection::vec(prop_oneof![
            Just("kty".to_string()), Just("RSA".to_string()), Just("n".to_string()), Just("crv".to_string()),
            Just("Rotate".to_string()), Just("P30D".to_string()), Just(String::new()), "[A-Za-z0-9_=-]{0,6}", any::<String>(),
        ], 0..10),
        n in any::<u32>(),
        i in any::<i64>(),
        flag in any::<bool>(),
    ) {
        let mut c = keys_client();
        let attributes = KeyAttributes { enabled: Some(flag), not_before: Some(i), expires_on: Some(i.wrapping_neg()), exportable: Some(!flag) };
        for t in [text.as_str(), b64.as_str()] {
            let policy = ReleasePolicy { data: t, content_type: Some(t), immutable: Some(flag) };
            let opt = (!flag).then_some(t);
            for kty in keys::KEY_TYPES.iter().copied().chain([t]) {
                let key = CreateKey {
                    kty, key_size: Some(n), public_exponent: (!flag).then_some(n), curve: opt,
                    key_ops: Some(&flat), attributes, tags: Some(&flat), release_policy: Some(policy),
                };
                let _ = c.create(t, &key, 0.0);
                let _ = c.create("k", &CreateKey { kty, key_size: None, public_exponent: None, curve: None, ..key }, 0.0);
            }
            let import = ImportKey { jwk: &flat, key_ops: Some(&flat), hsm: Some(flag), attributes, tags: Some(&flat), release_policy: Some(policy) };
            let _ = c.import(t, &import, 0.0);
            let _ = c.import("k", &import, 0.0);
            let _ = c.get(t, opt, 0.0);
            let _ = c.update(t, opt, Some(&flat), &attributes, Some(&flat), Some(&policy), 0.0);
            let _ = c.update("k", None, Some(&flat), &attributes, Some(&flat), Some(&policy), 0.0);
            for listing in [Listing::Items, Listing::Versions, Listing::Deleted] {
                let _ = c.list(listing, Some(t), Some(n), opt, 0.0);
            }
            for which in [keys::Named::Delete, keys::Named::Rotate, keys::Named::GetRotationPolicy] {
                let _ = c.named(which, t, 0.0);
            }
            let _ = c.restore(t, 0.0);
            let _ = c.update_rotation_policy(t, opt, &flat, 0.0);
            let _ = c.update_rotation_policy("k", opt, &flat, 0.0);
            let _ = c.release(t, Some(t), t, opt, opt, 0.0);
            let _ = c.release("k", Some("ec34e7acf228480eb4e58a3a0d0fbd92"), t, opt, opt, 0.0);
            let _ = c.random_bytes(n, 0.0);
            let version = Some("ec34e7acf228480eb4e58a3a0d0fbd92");
            for op in [CryptoOp::Encrypt, CryptoOp::Decrypt, CryptoOp::WrapKey, CryptoOp::UnwrapKey, CryptoOp::Sign] {
                for alg in ["A256GCM", "A128CBC", "RSA-OAEP", "A128KW", "ES256", t] {
                    let _ = c.crypto("k", version, op, alg, t, opt, opt, opt, 0.0);
                    let _ = c.crypto(t, Some(t), op, alg, t, Some(t), None, Some(t), 0.0);
                }
            }
            let _ = c.verify("k", version, "ES256", t, t, 0.0);
            let _ = c.verify(t, Some(t), t, t, t, 0.0);
        }
    }
}

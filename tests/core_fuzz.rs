//! Property-based fuzzing of everything that reads untrusted text: response bodies, error
//! bodies, challenges, ids, page links, durations, vault URLs. None may panic (a panic in wasm
//! kills the instance); parsers must either return a value or an error.
//!
//! Cases per property: `PROPTEST_CASES` (default 256); `npm test` runs a bounded larger run.
#![cfg(not(target_arch = "wasm32"))]

use keyvault_keys_wasm::core::challenge;
use keyvault_keys_wasm::core::duration::Duration;
use keyvault_keys_wasm::core::model;
use keyvault_keys_wasm::core::pipeline::{Config, Pipeline};
use keyvault_keys_wasm::core::request::{service_error, HttpResponse};
use keyvault_keys_wasm::core::retry::{self, RetryOptions};
use keyvault_keys_wasm::core::vault_url::VaultUrl;
use proptest::prelude::*;

/// Arbitrary JSON, biased towards the shapes the decoders look for.
fn json() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("value".to_string()),
        Just("id".to_string()),
        Just("attributes".to_string()),
        Just("tags".to_string()),
        Just("contentType".to_string()),
        Just("nextLink".to_string()),
        Just("error".to_string()),
        Just("code".to_string()),
        Just("message".to_string()),
        Just("exp".to_string()),
        Just("created".to_string()),
        Just("recoveryId".to_string()),
        Just("deletedDate".to_string()),
        "[a-zA-Z]{0,6}",
    ];
    let leaf = prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| format!("{n:e}")),
        "[ -~]{0,12}".prop_map(|s| format!("{:?}", s)),
        Just("\"https://v.vault.azure.net/secrets/n/0123456789abcdef0123456789abcdef\"".to_string()),
        Just("\"http://h:1/secrets/\"".to_string()),
    ];
    leaf.prop_recursive(5, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec((key.clone(), inner), 0..6).prop_map(|kv| {
                let body: Vec<String> = kv.into_iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
                format!("{{{}}}", body.join(","))
            }),
        ]
    })
}

/// Valid JSON, then possibly cut short or with a byte changed.
fn body() -> impl Strategy<Value = String> {
    (json(), any::<prop::sample::Index>(), 0u8..3, any::<char>()).prop_map(|(j, at, how, c)| {
        if j.is_empty() {
            return j;
        }
        let mut i = at.index(j.len());
        while !j.is_char_boundary(i) {
            i -= 1;
        }
        match how {
            0 => j,
            1 => j[..i].to_string(),
            _ => format!("{}{c}{}", &j[..i], &j[i..]),
        }
    })
}

fn decode_everything(text: &str) {
    let _ = model::parse_key(200, text, Some("rid"));
    let _ = model::parse_properties(200, text, None);
    let _ = model::parse_deleted_key(200, text, None);
    let _ = model::parse_properties_page(200, text, None);
    let _ = model::parse_deleted_page(200, text, None);
    let _ = model::parse_backup(200, text, None);
    let e = service_error(&HttpResponse { status: 503, headers: vec![], body: text.to_string() });
    assert!(!e.to_string().is_empty());
}

fn pipeline() -> Pipeline {
    Pipeline::new(Config {
        vault: VaultUrl::parse("https://v.vault.azure.net", false).unwrap(),
        api_version: "2025-07-01".into(),
        verify_challenge_resource: true,
        retry: RetryOptions::default(),
        user_agent: "test".into(),
    })
}

proptest! {
    #[test]
    fn decoders_never_panic_on_json_like_bodies(text in body()) {
        decode_everything(&text);
    }

    #[test]
    fn decoders_never_panic_on_any_text(text in any::<String>()) {
        decode_everything(&text);
    }

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
    fn links_urls_and_durations_never_panic(text in any::<String>(), ascii in "[ -~]{0,40}") {
        let p = pipeline();
        for t in [&text, &ascii] {
            let _ = p.next_page(t);
            let _ = VaultUrl::parse(t, true);
            let _ = Duration::parse(t);
            let _ = model::parse_id(t);
        }
        if let Ok(d) = Duration::parse(&ascii) {
            let _ = d.add_to(i64::MAX / 4);
        }
    }

    #[test]
    fn retry_headers_never_panic(value in any::<String>(), ascii in "[ -~]{0,40}", status in 0u16..1000) {
        for v in [value, ascii] {
            let r = HttpResponse {
                status,
                headers: vec![("retry-after", v.clone()), ("retry-after-ms", v.clone()), ("x-ms-retry-after-ms", v)],
                body: String::new(),
            };
            if let Some(d) = retry::delay_before_retry(&RetryOptions::default(), 0, Some(&r), 0.0, 0.0, 0.5) {
                prop_assert!((0.0..=60_000.0).contains(&d));
            }
        }
    }
}

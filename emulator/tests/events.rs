//! `keyvault_emulator::events` against real webhook receivers on 127.0.0.1: the exact requests
//! (body and headers) for every event type, retries and their counters, dropping, several
//! webhooks, a webhook that never answers, and order.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use keyvault_emulator::events::{parse_webhook, Event, EventConfig, EventKind, Events, Object};
use serde_json::Value;
use tokio::sync::mpsc;

/// One request as a webhook saw it.
#[derive(Debug, Clone)]
struct Received {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The one event of the body (an array of exactly one).
    fn event(&self) -> Value {
        let body: Value = serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body));
        let events = body.as_array().expect("the body is an array");
        assert_eq!(events.len(), 1, "one event per request");
        events[0].clone()
    }

    fn delivery_count(&self) -> u32 {
        self.header("aeg-delivery-count").unwrap().parse().unwrap()
    }
}

/// How a receiver answers one request.
#[derive(Debug, Clone, Copy)]
enum Reply {
    Status(u16),
    /// Read the request, never answer, keep the connection open.
    Hang,
}

/// A webhook on 127.0.0.1: answers requests with `script` in turn, then with `then`, and
/// reports each request (before answering it) on `rx`.
struct Receiver {
    url: String,
    authority: String,
    rx: mpsc::UnboundedReceiver<Received>,
}

fn receiver(script: &[Reply], then: Reply) -> Receiver {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let authority = listener.local_addr().unwrap().to_string();
    let (tx, rx) = mpsc::unbounded_channel();
    let script = Arc::new(Mutex::new(VecDeque::from(script.to_vec())));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let (tx, script) = (tx.clone(), script.clone());
            std::thread::spawn(move || serve(stream, &tx, &script, then));
        }
    });
    Receiver {
        url: format!("http://{authority}/hook?code=abc"),
        authority,
        rx,
    }
}

fn serve(
    mut stream: TcpStream,
    tx: &mpsc::UnboundedSender<Received>,
    script: &Mutex<VecDeque<Reply>>,
    then: Reply,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    // One request per connection is what the emulator sends.
    let Some(request) = read_request(&mut stream) else {
        return;
    };
    let reply = script.lock().unwrap().pop_front().unwrap_or(then);
    let _ = tx.send(request);
    match reply {
        Reply::Status(status) => {
            let _ = write!(
                stream,
                "HTTP/1.1 {status} Whatever\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
            );
        }
        Reply::Hang => std::thread::sleep(Duration::from_secs(120)),
    }
}

fn read_request(stream: &mut TcpStream) -> Option<Received> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(data[..head_end].to_vec()).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let (method, target) = (
        request_line.next()?.to_owned(),
        request_line.next()?.to_owned(),
    );
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Received {
        method,
        target,
        headers,
        body: String::from_utf8(body).ok()?,
    })
}

const WAIT: Duration = Duration::from_secs(10);

async fn next(rx: &mut mpsc::UnboundedReceiver<Received>) -> Received {
    tokio::time::timeout(WAIT, rx.recv())
        .await
        .expect("no request within 10 s")
        .expect("receiver gone")
}

/// Nothing more arrives within `quiet`.
async fn nothing_more(rx: &mut mpsc::UnboundedReceiver<Received>, quiet: Duration) {
    if let Ok(Some(extra)) = tokio::time::timeout(quiet, rx.recv()).await {
        panic!("unexpected request: {extra:?}");
    }
}

/// Waits until `webhooks[index]` of the snapshot satisfies `done`; returns it.
async fn counters(events: &Events, index: usize, done: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        let hook = events.snapshot()["webhooks"][index].clone();
        if done(&hook) {
            return hook;
        }
        assert!(started.elapsed() < WAIT, "counters never got there: {hook}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn config(urls: &[&str]) -> EventConfig {
    EventConfig {
        webhooks: urls.iter().map(|u| parse_webhook(u).unwrap()).collect(),
        retry_delay: Duration::from_millis(5),
        max_retry_delay: Duration::from_millis(20),
        max_attempts: 3,
        timeout: Duration::from_secs(5),
        seed: Some(7),
    }
}

fn secret(name: &str) -> Event {
    Event {
        object_type: Object::Secret,
        kind: EventKind::NewVersionCreated,
        vault_url: "http://127.0.0.1:8443".into(),
        name: name.into(),
        version: "0123456789abcdef0123456789abcdef".into(),
        not_before: None,
        expires: None,
        time: 1_796_015_785,
    }
}

fn is_guid(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && id
            .chars()
            .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c))
}

#[tokio::test]
async fn every_event_type_is_posted_exactly_as_event_grid_does() {
    let mut hook = receiver(&[], Reply::Status(200));
    let events = Events::new(config(&[&hook.url]));
    let cases = [
        (
            Object::Secret,
            EventKind::NewVersionCreated,
            None,
            None,
            "SecretNewVersionCreated",
        ),
        (
            Object::Secret,
            EventKind::NearExpiry,
            Some(1_700_000_000),
            Some(1_798_607_785),
            "SecretNearExpiry",
        ),
        (
            Object::Secret,
            EventKind::Expired,
            None,
            Some(1_796_015_785),
            "SecretExpired",
        ),
        (
            Object::Key,
            EventKind::NewVersionCreated,
            Some(-1),
            None,
            "KeyNewVersionCreated",
        ),
        (
            Object::Key,
            EventKind::NearExpiry,
            None,
            Some(4_107_542_400),
            "KeyNearExpiry",
        ),
        (
            Object::Key,
            EventKind::Expired,
            Some(0),
            Some(1_796_015_785),
            "KeyExpired",
        ),
    ];
    // Published before `start`: queued, then delivered once it runs.
    for (object_type, kind, nbf, exp, _) in cases {
        events.publish(Event {
            object_type,
            kind,
            vault_url: "http://myvault.localhost:8443/".into(),
            name: "rotating-Thing".into(),
            version: "ee059b2bb5bc48398a53b168c6cdcb10".into(),
            not_before: nbf,
            expires: exp,
            time: 1_796_015_785,
        });
    }
    events.start();
    events.start(); // a second start spawns nothing more
    let mut sent = Vec::new();
    for (object_type, _, nbf, exp, event_type) in cases {
        let request = next(&mut hook.rx).await;
        let event = request.event();
        let id = event["id"].as_str().unwrap().to_owned();
        assert!(is_guid(&id), "{id}");
        let collection = if object_type == Object::Key {
            "keys"
        } else {
            "secrets"
        };
        let number = |v: Option<i64>| v.map_or("null".to_owned(), |n| n.to_string());
        let expected = format!(
            concat!(
                r#"[{{"id":"{id}","#,
                r#""topic":"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/keyvault-emulator/providers/Microsoft.KeyVault/vaults/myvault","#,
                r#""subject":"rotating-Thing","eventType":"Microsoft.KeyVault.{event_type}","#,
                r#""eventTime":"2026-11-30T05:16:25.0000000Z","#,
                r#""data":{{"Id":"http://myvault.localhost:8443/{collection}/rotating-Thing/ee059b2bb5bc48398a53b168c6cdcb10","#,
                r#""VaultName":"myvault","ObjectType":"{object_type}","ObjectName":"rotating-Thing","#,
                r#""Version":"ee059b2bb5bc48398a53b168c6cdcb10","NBF":{nbf},"EXP":{exp}}},"#,
                r#""dataVersion":"1","metadataVersion":"1"}}]"#
            ),
            id = id,
            event_type = event_type,
            collection = collection,
            object_type = if object_type == Object::Key {
                "Key"
            } else {
                "Secret"
            },
            nbf = number(nbf),
            exp = number(exp),
        );
        assert_eq!(request.body, expected);
        assert_eq!(request.method, "POST");
        assert_eq!(request.target, "/hook?code=abc");
        let mut names: Vec<String> = request
            .headers
            .iter()
            .map(|(n, _)| n.to_ascii_lowercase())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "aeg-data-version",
                "aeg-delivery-count",
                "aeg-event-type",
                "aeg-metadata-version",
                "aeg-output-event-id",
                "aeg-subscription-name",
                "content-length",
                "content-type",
                "host",
            ]
        );
        for (name, value) in [
            ("host", hook.authority.as_str()),
            ("content-type", "application/json; charset=utf-8"),
            ("content-length", &request.body.len().to_string()),
            ("aeg-event-type", "Notification"),
            ("aeg-subscription-name", "KEYVAULT-EMULATOR-1"),
            ("aeg-delivery-count", "0"),
            ("aeg-data-version", "1"),
            ("aeg-metadata-version", "1"),
            ("aeg-output-event-id", &id),
        ] {
            assert_eq!(request.header(name), Some(value), "{name}");
        }
        sent.push(event);
    }
    nothing_more(&mut hook.rx, Duration::from_millis(100)).await;
    let snapshot = events.snapshot();
    assert_eq!(snapshot["published"], 6);
    assert_eq!(snapshot["events"], Value::Array(sent));
    let counters = &snapshot["webhooks"][0];
    assert_eq!(
        (
            &counters["delivered"],
            &counters["failedAttempts"],
            &counters["pending"],
            &counters["dropped"]
        ),
        (&6.into(), &0.into(), &0.into(), &0.into())
    );
    assert_eq!(counters["lastError"], Value::Null);
    assert_eq!(counters["url"], hook.url.as_str());
    assert_eq!(
        snapshot["delivery"],
        serde_json::json!({"maxAttempts": 3, "retryDelayMs": 5, "maxRetryDelayMs": 20, "timeoutMs": 5000})
    );
}

#[tokio::test]
async fn a_failing_webhook_gets_the_event_again_until_it_answers_2xx() {
    let mut hook = receiver(
        &[Reply::Status(500), Reply::Status(503)],
        Reply::Status(204),
    );
    let events = Events::new(config(&[&hook.url]));
    events.start();
    events.publish(secret("retried"));
    let attempts = [
        next(&mut hook.rx).await,
        next(&mut hook.rx).await,
        next(&mut hook.rx).await,
    ];
    assert_eq!(attempts.each_ref().map(|r| r.delivery_count()), [0, 1, 2]);
    assert!(attempts.iter().all(|r| r.body == attempts[0].body));
    assert_eq!(attempts[0].event()["subject"], "retried");
    let counters = counters(&events, 0, |h| h["delivered"] == 1).await;
    assert_eq!(counters["failedAttempts"], 2);
    assert_eq!(counters["pending"], 0);
    assert_eq!(counters["dropped"], 0);
    assert_eq!(counters["lastError"], "HTTP 503");
    nothing_more(&mut hook.rx, Duration::from_millis(100)).await;
}

#[tokio::test]
async fn a_dead_webhook_is_tried_max_attempts_times_then_the_event_is_dropped() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let events = Events::new(config(&[&format!("http://127.0.0.1:{port}/gone")]));
    events.start();
    let started = Instant::now();
    events.publish(secret("a"));
    events.publish(secret("b"));
    let counters = counters(&events, 0, |h| h["dropped"] == 2).await;
    // 3 attempts each, waiting 5 ms then 10 ms between them.
    assert!(started.elapsed() >= Duration::from_millis(30));
    assert_eq!(counters["failedAttempts"], 6);
    assert_eq!(counters["delivered"], 0);
    assert_eq!(counters["pending"], 0);
    let error = counters["lastError"].as_str().unwrap();
    assert!(error.starts_with("cannot connect"), "{error}");
    // Still logged.
    assert_eq!(events.snapshot()["events"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn statuses_event_grid_does_not_retry_drop_the_event_at_once() {
    let mut hook = receiver(
        &[Reply::Status(400), Reply::Status(413)],
        Reply::Status(200),
    );
    let events = Events::new(config(&[&hook.url]));
    events.start();
    for name in ["bad-request", "too-large", "fine"] {
        events.publish(secret(name));
    }
    for name in ["bad-request", "too-large", "fine"] {
        let request = next(&mut hook.rx).await;
        assert_eq!(request.event()["subject"], name);
        assert_eq!(request.delivery_count(), 0);
    }
    let counters = counters(&events, 0, |h| h["delivered"] == 1).await;
    assert_eq!(counters["failedAttempts"], 2);
    assert_eq!(counters["dropped"], 2);
    assert_eq!(counters["lastError"], "HTTP 413");
    nothing_more(&mut hook.rx, Duration::from_millis(100)).await;
}

#[tokio::test]
async fn every_webhook_gets_every_event() {
    let mut first = receiver(&[], Reply::Status(200));
    let mut second = receiver(&[], Reply::Status(202));
    let events = Events::new(config(&[&first.url, &second.url]));
    events.start();
    for name in ["one", "two", "three"] {
        events.publish(secret(name));
    }
    for (hook, subscription) in [
        (&mut first, "KEYVAULT-EMULATOR-1"),
        (&mut second, "KEYVAULT-EMULATOR-2"),
    ] {
        let mut ids = Vec::new();
        for name in ["one", "two", "three"] {
            let request = next(&mut hook.rx).await;
            assert_eq!(request.event()["subject"], name);
            assert_eq!(request.header("aeg-subscription-name"), Some(subscription));
            ids.push(request.event()["id"].clone());
        }
        let logged: Vec<Value> = events.snapshot()["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].clone())
            .collect();
        assert_eq!(ids, logged, "the same event ids for every webhook");
    }
    for index in 0..2 {
        counters(&events, index, |h| h["delivered"] == 3 && h["pending"] == 0).await;
    }
}

#[tokio::test]
async fn a_webhook_that_never_answers_delays_no_one_else() {
    let mut silent = receiver(&[], Reply::Hang);
    let mut healthy = receiver(&[], Reply::Status(200));
    let events = Events::new(EventConfig {
        timeout: Duration::from_millis(500),
        max_attempts: 1,
        ..config(&[&silent.url, &healthy.url])
    });
    events.start();
    let started = Instant::now();
    for name in ["one", "two", "three"] {
        events.publish(secret(name));
    }
    assert!(
        started.elapsed() < Duration::from_millis(100),
        "publish must not wait"
    );
    for name in ["one", "two", "three"] {
        assert_eq!(next(&mut healthy.rx).await.event()["subject"], name);
    }
    // All three reached the healthy webhook while the silent one still sat on the first.
    let snapshot = events.snapshot();
    assert_eq!(snapshot["webhooks"][0]["failedAttempts"], 0, "{snapshot}");
    assert_eq!(snapshot["webhooks"][0]["pending"], 3);
    assert_eq!(next(&mut silent.rx).await.event()["subject"], "one");
    // Each attempt times out, and with one attempt allowed each event is dropped.
    let counters = counters(&events, 0, |h| h["dropped"] == 3).await;
    assert_eq!(counters["lastError"], "no response within 500 ms");
    assert_eq!(counters["delivered"], 0);
    for name in ["two", "three"] {
        assert_eq!(next(&mut silent.rx).await.event()["subject"], name);
    }
    assert_eq!(events.snapshot()["webhooks"][1]["delivered"], 3);
}

#[tokio::test]
async fn events_reach_a_webhook_in_order_even_through_retries() {
    let mut hook = receiver(
        &[
            Reply::Status(500),
            Reply::Status(200),
            Reply::Status(500),
            Reply::Status(500),
        ],
        Reply::Status(200),
    );
    let events = Events::new(config(&[&hook.url]));
    events.start();
    let names: Vec<String> = (1..=6).map(|n| format!("s{n}")).collect();
    for name in &names {
        events.publish(secret(name));
    }
    let mut seen = Vec::new();
    for _ in 0..9 {
        let request = next(&mut hook.rx).await;
        seen.push((
            request.event()["subject"].as_str().unwrap().to_owned(),
            request.delivery_count(),
        ));
    }
    let expected: Vec<(String, u32)> = [
        ("s1", 0),
        ("s1", 1),
        ("s2", 0),
        ("s2", 1),
        ("s2", 2),
        ("s3", 0),
        ("s4", 0),
        ("s5", 0),
        ("s6", 0),
    ]
    .iter()
    .map(|(n, c)| ((*n).to_owned(), *c))
    .collect();
    assert_eq!(seen, expected);
    let counters = counters(&events, 0, |h| h["delivered"] == 6).await;
    assert_eq!(
        (&counters["failedAttempts"], &counters["dropped"]),
        (&3.into(), &0.into())
    );
}

#[test]
fn https_webhooks_are_refused_with_a_clear_message() {
    let error = parse_webhook("https://example.com/api/events").unwrap_err();
    assert!(error.contains("https is not supported"), "{error}");
    assert!(
        parse_webhook("http://127.0.0.1:7071/runtime/webhooks/eventgrid?functionName=f").is_ok()
    );
}

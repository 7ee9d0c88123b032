//! One delivery attempt: an HTTP/1.1 POST of one event to one webhook, and what its answer
//! means.
//!
//! What Event Grid does, and what the emulator copies (sources):
//! - "Event Grid message delivery and retry",
//!   <https://learn.microsoft.com/azure/event-grid/delivery-and-retry> (MicrosoftDocs/azure-docs
//!   `articles/event-grid/delivery-and-retry.md`): at-least-once delivery; by default one event
//!   per request, "the payload is however an array with a single event"; only 200, 201, 202,
//!   203 and 204 count as delivered, every other status is a failure; a webhook answering 400,
//!   401, 403 or 413 is not retried (the event is dead-lettered, or dropped when no dead-letter
//!   destination is set, as here); Event Grid waits 30 s for a response; retries back off
//!   exponentially (10 s, 30 s, 1 min, 5 min, … up to 24 h) up to "Maximum number of attempts",
//!   1 … 30, default 30; order is not guaranteed.
//! - The delivery headers, `articles/event-grid/includes/message-headers.md`:
//!   `aeg-subscription-name`, `aeg-delivery-count` ("number of attempts made for the event"),
//!   `aeg-event-type` (`Notification` for events), `aeg-metadata-version`, `aeg-data-version`,
//!   `aeg-output-event-id`.
//! - A captured delivery (Geek Culture / Medium, "Notifications on Azure Machine Learning
//!   pipelines with Logic Apps", 2021): `Content-Type: application/json; charset=utf-8`,
//!   `aeg-delivery-count: 0` on the first attempt, `aeg-data-version`/`aeg-metadata-version` the
//!   event's `dataVersion`/`metadataVersion`, `aeg-event-type: Notification`.
//! - Not done, deliberately: the subscription validation handshake
//!   (`aeg-event-type: SubscriptionValidation`, `articles/event-grid/webhook-event-delivery.md`)
//!   — the webhooks are given on the command line, so there is no subscription to validate.

use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::header::{CONTENT_LENGTH, HOST};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::time::Instant;

use super::schema::{DATA_VERSION, METADATA_VERSION};
use super::webhook::WebhookUrl;

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// 200 … 204: delivered.
    Delivered,
    /// A failure worth retrying (other statuses, connection errors, timeouts).
    Retry(String),
    /// A failure Event Grid does not retry for webhooks (400, 401, 403, 413).
    GiveUp(String),
}

/// What Event Grid makes of a webhook's status.
pub fn classify(status: StatusCode) -> Outcome {
    match status.as_u16() {
        200..=204 => Outcome::Delivered,
        400 | 401 | 403 | 413 => Outcome::GiveUp(format!("HTTP {}", status.as_u16())),
        other => Outcome::Retry(format!("HTTP {other}")),
    }
}

/// The wait after failed attempt number `attempt` (1-based): `first`, doubled each time,
/// at most `cap`.
pub fn backoff(first: Duration, cap: Duration, attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(1).min(31);
    first.saturating_mul(1u32 << doublings).min(cap)
}

/// The headers of a delivery, in the order they are sent (besides `Host` and
/// `Content-Length`).
pub fn delivery_headers(
    subscription_name: &str,
    event_id: &str,
    delivery_count: u32,
) -> [(&'static str, String); 7] {
    [
        ("content-type", "application/json; charset=utf-8".to_owned()),
        ("aeg-event-type", "Notification".to_owned()),
        ("aeg-subscription-name", subscription_name.to_owned()),
        ("aeg-delivery-count", delivery_count.to_string()),
        ("aeg-data-version", DATA_VERSION.to_owned()),
        ("aeg-metadata-version", METADATA_VERSION.to_owned()),
        ("aeg-output-event-id", event_id.to_owned()),
    ]
}

/// POSTs `body` to `hook` on a fresh connection and classifies the answer. The whole attempt —
/// connect, send, response head — gets `timeout`; the response body is then read (and thrown
/// away) within what is left of it, so the connection ends cleanly. Never panics.
pub async fn post(
    hook: &WebhookUrl,
    headers: &[(&'static str, String)],
    body: Bytes,
    timeout: Duration,
) -> Outcome {
    let deadline = Instant::now() + timeout;
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(hook.path_and_query.as_str())
        .header(HOST, hook.authority.as_str())
        .header(CONTENT_LENGTH, body.len());
    for (name, value) in headers {
        request = request.header(*name, value.as_str());
    }
    let request = match request.body(Full::new(body)) {
        Ok(request) => request,
        Err(e) => return Outcome::GiveUp(format!("cannot build the request: {e}")),
    };

    let exchange = async {
        let tcp = TcpStream::connect((hook.host.as_str(), hook.port))
            .await
            .map_err(|e| format!("cannot connect: {e}"))?;
        let _ = tcp.set_nodelay(true);
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
            .await
            .map_err(|e| format!("HTTP handshake failed: {e}"))?;
        // The connection is driven here rather than spawned: when the attempt ends (answer,
        // error or timeout) it is dropped, and so is the socket; nothing is left behind.
        let mut connection = Some(Box::pin(connection));
        let mut response = Box::pin(sender.send_request(request));
        let response = tokio::select! {
            response = &mut response => response,
            ended = async { connection.as_mut()?.as_mut().await.err() }, if connection.is_some() => {
                // A server that answers and closes ends the connection as soon as the answer
                // is handed over: the answer (if any) is waiting.
                connection = None;
                match response.await {
                    Ok(response) => Ok(response),
                    Err(e) => {
                        return Err(match ended {
                            None => format!("connection closed without a response ({e})"),
                            Some(c) => format!("connection failed: {c}"),
                        })
                    }
                }
            }
        }
        .map_err(|e| format!("request failed: {e}"))?;
        Ok::<_, String>((response, connection))
    };
    let (response, mut connection) = match tokio::time::timeout_at(deadline, exchange).await {
        Ok(Ok(done)) => done,
        Ok(Err(e)) => return Outcome::Retry(e),
        Err(_) => return Outcome::Retry(format!("no response within {} ms", timeout.as_millis())),
    };
    let outcome = classify(response.status());
    // Drain the answer (bounded by the deadline, not by its size: nothing is kept).
    let mut body = response.into_body();
    let drain = async {
        while let Some(frame) = body.frame().await {
            if frame.is_err() {
                break;
            }
        }
    };
    let _ = tokio::time::timeout_at(deadline, async {
        match connection.as_mut() {
            Some(connection) => tokio::select! {
                () = drain => {}
                _ = connection.as_mut() => {}
            },
            None => drain.await,
        }
    })
    .await;
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        for s in [200, 201, 202, 203, 204] {
            assert_eq!(
                classify(StatusCode::from_u16(s).unwrap()),
                Outcome::Delivered
            );
        }
        for s in [400, 401, 403, 413] {
            assert!(matches!(
                classify(StatusCode::from_u16(s).unwrap()),
                Outcome::GiveUp(_)
            ));
        }
        for s in [100, 205, 206, 301, 302, 404, 408, 429, 500, 503] {
            assert_eq!(
                classify(StatusCode::from_u16(s).unwrap()),
                Outcome::Retry(format!("HTTP {s}"))
            );
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let s = Duration::from_secs;
        let waits: Vec<_> = (1..=8).map(|n| backoff(s(1), s(30), n)).collect();
        assert_eq!(waits, [s(1), s(2), s(4), s(8), s(16), s(30), s(30), s(30)]);
        assert_eq!(backoff(s(1), s(30), 0), s(1));
        assert_eq!(backoff(s(u64::MAX / 2), s(u64::MAX), 40), s(u64::MAX));
        assert_eq!(backoff(Duration::ZERO, s(30), 10), Duration::ZERO);
    }

    /// A one-shot server answering the first request with `answer`, then keeping the socket
    /// open for a while (or closing it at once when `close`).
    fn answering(answer: &'static str, close: bool) -> WebhookUrl {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            let (mut tcp, _) = listener.accept().unwrap();
            let mut seen = Vec::new();
            let mut buf = [0u8; 1024];
            while !seen.windows(6).any(|w| w == b"\r\n\r\n[]") {
                let n = tcp.read(&mut buf).unwrap();
                assert!(n > 0, "the request ended early");
                seen.extend_from_slice(&buf[..n]);
            }
            tcp.write_all(answer.as_bytes()).unwrap();
            if !close {
                std::thread::sleep(Duration::from_secs(30));
            }
        });
        super::super::parse_webhook(&url).unwrap()
    }

    #[tokio::test]
    async fn answers_are_read_however_they_end() {
        for (answer, close, expected) in [
            // Keep-alive with an empty body: done at once, not at the deadline.
            (
                "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
                false,
                Outcome::Delivered,
            ),
            (
                "HTTP/1.1 202 Accepted\r\ncontent-length: 5\r\n\r\nhello",
                false,
                Outcome::Delivered,
            ),
            (
                "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                false,
                Outcome::Delivered,
            ),
            // A body that ends when the server closes.
            ("HTTP/1.1 204 No Content\r\n\r\n", true, Outcome::Delivered),
            (
                "HTTP/1.1 500 Oops\r\nconnection: close\r\n\r\nbody until close",
                true,
                Outcome::Retry("HTTP 500".into()),
            ),
            (
                "HTTP/1.1 401 No\r\ncontent-length: 0\r\n\r\n",
                true,
                Outcome::GiveUp("HTTP 401".into()),
            ),
        ] {
            let hook = answering(answer, close);
            let started = std::time::Instant::now();
            let outcome = post(
                &hook,
                &[],
                Bytes::from_static(b"[]"),
                Duration::from_secs(10),
            )
            .await;
            assert_eq!(outcome, expected, "{answer:?}");
            assert!(started.elapsed() < Duration::from_secs(5), "{answer:?}");
        }
        // Garbage, then close: retried.
        let hook = answering("not http\r\n\r\n", true);
        let outcome = post(
            &hook,
            &[],
            Bytes::from_static(b"[]"),
            Duration::from_secs(10),
        )
        .await;
        assert!(matches!(outcome, Outcome::Retry(_)), "{outcome:?}");
    }

    #[tokio::test]
    async fn unreachable_and_silent_webhooks_are_retryable() {
        // Nothing listens on a port just released.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let hook = super::super::parse_webhook(&format!("http://127.0.0.1:{port}/")).unwrap();
        let outcome = post(
            &hook,
            &[],
            Bytes::from_static(b"[]"),
            Duration::from_secs(5),
        )
        .await;
        assert!(
            matches!(&outcome, Outcome::Retry(e) if e.starts_with("cannot connect")),
            "{outcome:?}"
        );

        // A listener that accepts and never answers.
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let hook =
            super::super::parse_webhook(&format!("http://{}/", silent.local_addr().unwrap()))
                .unwrap();
        let started = std::time::Instant::now();
        let outcome = post(
            &hook,
            &[],
            Bytes::from_static(b"[]"),
            Duration::from_millis(200),
        )
        .await;
        assert_eq!(outcome, Outcome::Retry("no response within 200 ms".into()));
        assert!(started.elapsed() < Duration::from_secs(3));
    }
}

//! When to try a request again, and how long to wait first.
//!
//! Transient statuses (408, 429, 500, 502, 503, 504) and transient failures without a response
//! (the connection reset, refused or timed out) are retried with exponential backoff and
//! jitter, or after the delay the service asks for (`retry-after-ms`, `x-ms-retry-after-ms`,
//! `Retry-After` in seconds or as an HTTP date). Every wait is capped at `max_retry_delay_ms`,
//! whatever the service asked for, and no retry is scheduled once `max_retry_elapsed_ms` have
//! passed since the call began. The real service sends its 429s without any of those headers,
//! so a bare 429 is retried with backoff too. A failure that another try cannot mend (a
//! request that cannot be sent as built, a response that cannot be read, a TLS handshake that
//! failed) is final at once.

use super::pipeline::Response;

#[derive(Debug, Clone, PartialEq)]
pub struct RetryOptions {
    pub max_retries: u32,
    /// The first backoff; doubled for each retry.
    pub retry_delay_ms: f64,
    /// No wait is longer, including one the service asks for.
    pub max_retry_delay_ms: f64,
    /// No retry is scheduled once this long has passed since the call began.
    pub max_retry_elapsed_ms: f64,
}

impl Default for RetryOptions {
    fn default() -> Self {
        RetryOptions {
            max_retries: 8,
            retry_delay_ms: 800.0,
            max_retry_delay_ms: 60_000.0,
            max_retry_elapsed_ms: 60_000.0,
        }
    }
}

/// Why a request got no response, as the host classifies its transport's error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportFailure {
    /// The connection failed: reset, refused, closed early, timed out, or anything the host
    /// cannot classify. Another try may succeed.
    Connection,
    /// The vault's host name was not resolved. A resolver that failed for a moment may answer
    /// on a second try; a name that does not exist never will: one retry at most, so a
    /// mistyped vault fails within seconds, not after the whole retry budget.
    Name,
    /// The request could not be sent as built (a character a URL or header cannot carry).
    Request,
    /// The response could not be read: malformed, its head too large, its body over the limit.
    Response,
    /// The TLS handshake failed: the server's certificate was refused, or no protocol could be
    /// agreed.
    Tls,
}

impl TransportFailure {
    /// Whether another try of the same request can succeed.
    pub fn is_transient(self) -> bool {
        matches!(self, TransportFailure::Connection | TransportFailure::Name)
    }
}

/// What a try came to, short of success.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    Answered(&'a Response<'a>),
    NoResponse(TransportFailure),
}

pub fn is_transient(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// Exponential backoff for retry number `retry` (0-based), with ±20% jitter from `random`
/// (uniform in [0, 1)), capped by `max_retry_delay_ms`.
pub fn backoff_ms(options: &RetryOptions, retry: u32, random: f64) -> f64 {
    let exp = options.retry_delay_ms * 2f64.powi(retry.min(30) as i32);
    let jittered = exp * (0.8 + 0.4 * random.clamp(0.0, 1.0));
    jittered.min(options.max_retry_delay_ms)
}

/// A non-negative decimal number of units; a fraction is dropped (no float parsing: its code
/// would be a large part of the wasm module).
fn whole_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let digits = text.split_once('.').map_or(text, |(whole, fraction)| {
        if fraction.bytes().all(|b| b.is_ascii_digit()) {
            whole
        } else {
            ""
        }
    });
    if digits.is_empty() || digits.len() > 15 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(
        digits
            .bytes()
            .fold(0.0, |n, d| n * 10.0 + f64::from(d - b'0')),
    )
}

/// The delay the service asked for, if any, in milliseconds.
pub fn requested_delay_ms(response: &Response, now_ms: f64) -> Option<f64> {
    let number = |v: Option<&str>| v.and_then(whole_number);
    if let Some(ms) =
        number(response.retry_after_ms).or_else(|| number(response.x_ms_retry_after_ms))
    {
        return Some(ms);
    }
    let retry_after = response.retry_after?.trim();
    if let Some(seconds) = whole_number(retry_after) {
        return Some(seconds * 1000.0);
    }
    http_date_ms(retry_after).map(|at| (at - now_ms).max(0.0))
}

/// An IMF-fixdate (`Wed, 21 Oct 2015 07:28:00 GMT`) as milliseconds since the epoch.
fn http_date_ms(text: &str) -> Option<f64> {
    let mut parts = text.split_whitespace();
    let _weekday = parts.next()?;
    let day: u32 = parts.next()?.parse().ok()?;
    let month_name = parts.next()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == month_name)? as u32
        + 1;
    let year: i64 = parts.next()?.parse().ok()?;
    let mut hms = parts.next()?.split(':').map(|p| p.parse::<i64>().ok());
    let (h, mi, s) = (hms.next()??, hms.next()??, hms.next()??);
    if parts.next()? != "GMT" || !(1..=31).contains(&day) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let days = super::duration::days_from_civil(year, month, day);
    Some(((days * 86_400 + h * 3_600 + mi * 60 + s) * 1000) as f64)
}

/// How long to wait before retry number `retry` (0-based), or `None` when this outcome is final.
pub fn delay_before_retry(
    options: &RetryOptions,
    retry: u32,
    outcome: Outcome,
    elapsed_ms: f64,
    now_ms: f64,
    random: f64,
) -> Option<f64> {
    if retry >= options.max_retries || elapsed_ms >= options.max_retry_elapsed_ms {
        return None;
    }
    let requested = match outcome {
        Outcome::Answered(r) if !is_transient(r.status) => return None,
        Outcome::Answered(r) => requested_delay_ms(r, now_ms),
        Outcome::NoResponse(f) if !f.is_transient() => return None,
        Outcome::NoResponse(TransportFailure::Name) if retry >= 1 => return None,
        Outcome::NoResponse(_) => None,
    };
    Some(
        requested
            .unwrap_or_else(|| backoff_ms(options, retry, random))
            .min(options.max_retry_delay_ms),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp<'a>(status: u16, headers: &[(&str, &'a str)]) -> Response<'a> {
        let get = |name: &str| headers.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
        Response {
            status,
            www_authenticate: None,
            retry_after: get("retry-after"),
            retry_after_ms: get("retry-after-ms"),
            x_ms_retry_after_ms: get("x-ms-retry-after-ms"),
        }
    }

    #[test]
    fn an_unresolved_name_is_retried_once() {
        let o = RetryOptions::default();
        let name = Outcome::NoResponse(TransportFailure::Name);
        let first = delay_before_retry(&o, 0, name, 0.0, 0.0, 0.5);
        assert!(first.is_some_and(|ms| ms <= 2_000.0), "{first:?}");
        assert_eq!(delay_before_retry(&o, 1, name, 1_000.0, 0.0, 0.5), None);
    }

    #[test]
    fn which_outcomes_are_retried() {
        let o = RetryOptions::default();
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(
                delay_before_retry(&o, 0, Outcome::Answered(&resp(s, &[])), 0.0, 0.0, 0.5)
                    .is_some(),
                "{s}"
            );
        }
        for s in [200, 400, 401, 403, 404, 409, 413, 501, 505] {
            assert!(
                delay_before_retry(&o, 0, Outcome::Answered(&resp(s, &[])), 0.0, 0.0, 0.5)
                    .is_none(),
                "{s}"
            );
        }
        let lost = Outcome::NoResponse(TransportFailure::Connection);
        assert!(
            delay_before_retry(&o, 0, lost, 0.0, 0.0, 0.5).is_some(),
            "no response: retried"
        );
        assert!(
            delay_before_retry(&o, 8, lost, 0.0, 0.0, 0.5).is_none(),
            "8 retries at most"
        );
        assert!(
            delay_before_retry(&o, 0, lost, 59_500.0, 0.0, 0.5).is_some(),
            "scheduled within the budget, though the wait ends past it"
        );
        assert!(
            delay_before_retry(&o, 0, lost, 60_000.0, 0.0, 0.5).is_none(),
            "not once the budget has passed"
        );
    }

    #[test]
    fn failures_another_try_cannot_mend_are_final() {
        let o = RetryOptions::default();
        for f in [
            TransportFailure::Request,
            TransportFailure::Response,
            TransportFailure::Tls,
        ] {
            assert!(!f.is_transient(), "{f:?}");
            assert_eq!(
                delay_before_retry(&o, 0, Outcome::NoResponse(f), 0.0, 0.0, 0.5),
                None,
                "{f:?}"
            );
        }
        assert!(TransportFailure::Connection.is_transient());
    }

    #[test]
    fn a_long_retry_after_is_capped_not_fatal() {
        let wait = |max_retry_delay_ms: f64, retry_after: &str| {
            let o = RetryOptions {
                max_retry_delay_ms,
                ..RetryOptions::default()
            };
            let r = resp(503, &[("retry-after", retry_after)]);
            delay_before_retry(&o, 0, Outcome::Answered(&r), 150.0, 0.0, 0.5)
        };
        assert_eq!(
            wait(120_000.0, "61"),
            Some(61_000.0),
            "asked for, under the cap"
        );
        assert_eq!(wait(120_000.0, "1000000000"), Some(120_000.0), "capped");
        assert_eq!(
            wait(60_000.0, "60"),
            Some(60_000.0),
            "the defaults: capped at 60 s"
        );
        assert_eq!(wait(60_000.0, "61"), Some(60_000.0));
        assert_eq!(wait(50.0, "61"), Some(50.0));
        assert_eq!(wait(50.0, "1000000000"), Some(50.0));
    }

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        let o = RetryOptions::default();
        assert_eq!(backoff_ms(&o, 0, 0.5), 800.0);
        assert_eq!(backoff_ms(&o, 1, 0.5), 1_600.0);
        assert_eq!(backoff_ms(&o, 0, 0.0), 640.0);
        assert!((backoff_ms(&o, 0, 0.999_999) - 960.0).abs() < 0.01);
        assert_eq!(backoff_ms(&o, 20, 0.5), 60_000.0);
        let small = RetryOptions {
            max_retry_delay_ms: 1_000.0,
            ..o
        };
        assert_eq!(backoff_ms(&small, 3, 0.5), 1_000.0);
    }

    #[test]
    fn honours_the_services_delay_capped() {
        let o = RetryOptions {
            max_retry_delay_ms: 10_000.0,
            ..RetryOptions::default()
        };
        let d = |h: &[(&str, &str)]| {
            delay_before_retry(
                &o,
                0,
                Outcome::Answered(&resp(503, h)),
                0.0,
                1_445_412_470_000.0,
                0.5,
            )
        };
        // now = 2015-10-21T07:27:50Z
        assert_eq!(d(&[("retry-after-ms", "250")]), Some(250.0));
        assert_eq!(d(&[("x-ms-retry-after-ms", "300")]), Some(300.0));
        assert_eq!(d(&[("retry-after", "2")]), Some(2_000.0));
        assert_eq!(d(&[("retry-after", "120")]), Some(10_000.0), "capped");
        assert_eq!(
            d(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]),
            Some(10_000.0),
            "ten seconds from now"
        );
        assert_eq!(
            d(&[("retry-after", "Wed, 21 Oct 2015 07:27:55 GMT")]),
            Some(5_000.0)
        );
        assert_eq!(
            http_date_ms("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(1_445_412_480_000.0)
        );
        // Past 2038-01-19, where 32-bit seconds end.
        assert_eq!(
            http_date_ms("Sun, 01 Jan 2040 00:00:00 GMT"),
            Some(2_208_988_800_000.0)
        );
        assert_eq!(
            d(&[("retry-after", "soon")]),
            Some(800.0),
            "unreadable: backoff"
        );
        assert_eq!(d(&[("retry-after", "-1")]), Some(800.0));
        assert_eq!(
            d(&[("retry-after", "1.5")]),
            Some(1_000.0),
            "a fraction is dropped"
        );
        assert_eq!(d(&[("retry-after-ms", "12.75")]), Some(12.0));
        assert_eq!(
            d(&[("retry-after", "1e3")]),
            Some(800.0),
            "not a delay-seconds"
        );
        assert_eq!(d(&[("retry-after", "1.x")]), Some(800.0));
        for bad in [
            "",
            "Wed, 32 Oct 2015 07:28:00 GMT",
            "Wed, 21 Foo 2015 07:28:00 GMT",
            "Wed, 21 Oct 2015 07:28 GMT",
            "Wed, 21 Oct 2015 07:28:00 UTC",
        ] {
            assert_eq!(http_date_ms(bad), None, "{bad}");
        }
    }
}

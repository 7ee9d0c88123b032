//! The service's error response: `{"error":{"code":...,"message":...,"innererror":{"code":...}}}`.
//!
//! Every failure the emulator reports goes through [`ApiError`], so every error body has the
//! real service's shape (`ref/SERVICE-NOTES.md` §4) and the common headers are added once, by
//! the middleware in `http.rs`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::plane::Object;

/// Largest request body accepted, in bytes; larger bodies get 413.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// An error response: status, service error code, message and optional inner code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub inner_code: Option<&'static str>,
}

impl ApiError {
    /// An error without an inner error.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            inner_code: None,
        }
    }

    /// 400 `BadParameter`, the service's code for every validation failure.
    pub fn bad_parameter(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadParameter", message)
    }

    /// 400 for a name that is not `[0-9a-zA-Z-]{1,127}` (wording quoted in third-party reports).
    pub fn invalid_name(name: &str) -> Self {
        Self::bad_parameter(format!("The request URI contains an invalid name: {name}"))
    }

    /// 404 `SecretNotFound` / `KeyNotFound`; `id` is `<name>` or `<name>/<version>`, as the
    /// service words it.
    pub fn not_found(kind: Object, id: &str) -> Self {
        let noun = kind.noun();
        Self::new(
            StatusCode::NOT_FOUND,
            kind.not_found_code(),
            format!(
                "A {noun} with (name/id) {id} was not found in this key vault. If you recently \
                 deleted this {noun} you may be able to recover it using the correct recovery \
                 command. For help resolving this issue, please see \
                 https://go.microsoft.com/fwlink/?linkid=2125182"
            ),
        )
    }

    /// 404 for a name with no (visible) soft-deleted object, as recorded.
    pub fn deleted_not_found(kind: Object, name: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            kind.not_found_code(),
            format!("Deleted {} not found: {name}", kind.title()),
        )
    }

    /// 409 `Conflict` with an inner code.
    fn conflict(inner: &'static str, message: String) -> Self {
        ApiError {
            inner_code: Some(inner),
            ..Self::new(StatusCode::CONFLICT, "Conflict", message)
        }
    }

    /// 409 for reusing the name of a soft-deleted object (recorded for keys; quoted for
    /// secrets in third-party reports).
    pub fn deleted_but_recoverable(kind: Object, name: &str) -> Self {
        let (title, noun) = (kind.title(), kind.noun());
        Self::conflict(
            "ObjectIsDeletedButRecoverable",
            format!(
                "{title} {name} is currently in a deleted but recoverable state, and its name \
                 cannot be reused; in this state, the {noun} can only be recovered or purged."
            ),
        )
    }

    /// 409 for creating a name whose delete or purge has not finished (reported wording; the
    /// inner code is a guess modelled on `ObjectIsBeingRecovered`).
    pub fn being_deleted(kind: Object, name: &str) -> Self {
        Self::conflict(
            "ObjectIsBeingDeleted",
            format!(
                "{} {name} is currently being deleted and cannot be re-created; retry later.",
                kind.title()
            ),
        )
    }

    /// 409 for purging an object whose deletion has not finished (reported wording).
    pub fn purge_while_deleting(kind: Object) -> Self {
        Self::conflict(
            "ObjectIsBeingDeleted",
            format!("{} is currently being deleted.", kind.title()),
        )
    }

    /// 409 for creating a name whose recovery has not finished (reported wording).
    pub fn being_recovered(kind: Object, name: &str) -> Self {
        Self::conflict(
            "ObjectIsBeingRecovered",
            format!(
                "{} {name} is currently being recovered and cannot be re-created; retry later.",
                kind.title()
            ),
        )
    }

    /// 409 for restoring a backup over a live object (wording is ours).
    pub fn already_exists(kind: Object, name: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "Conflict",
            format!(
                "{} {name} already exists; a backup can only be restored under a name that is \
                 not in use.",
                kind.title()
            ),
        )
    }

    /// 500 when the database could not take a write; nothing was changed.
    pub fn storage(detail: &str) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            format!("The emulator could not store the change: {detail}"),
        )
    }

    /// 400 for a clock move (`POST /_emulator/clock`) that would leave `min..=max`.
    pub fn clock_out_of_range(target: Option<i64>, (min, max): (i64, i64)) -> Self {
        let target = match target {
            Some(t) => format!("it would read {t} (Unix seconds)"),
            None => "it would read a time beyond 64-bit Unix seconds".to_owned(),
        };
        Self::bad_parameter(format!(
            "The clock cannot be moved there: {target}. It must stay between {} and {} \
             ({min} … {max} Unix seconds), so that every date it produces, a scheduledPurgeDate \
             included, is within years 1 to 9999.",
            iso_time(min),
            iso_time(max),
        ))
    }

    /// 403 for an operation on a disabled version (`SecretDisabled` / `KeyDisabled`).
    pub fn disabled(kind: Object, operation: &str) -> Self {
        ApiError {
            inner_code: Some(kind.disabled_code()),
            ..Self::new(
                StatusCode::FORBIDDEN,
                "Forbidden",
                format!(
                    "Operation {operation} is not allowed on a disabled {}.",
                    kind.noun()
                ),
            )
        }
    }

    /// 403 for a key operation that is not in the key's `key_ops` (reported raw body).
    pub fn operation_not_permitted(operation: &str) -> Self {
        ApiError {
            inner_code: Some("KeyOperationForbidden"),
            ..Self::new(
                StatusCode::FORBIDDEN,
                "Forbidden",
                format!("Operation {operation} is not permitted on this key."),
            )
        }
    }

    /// 404 for a path no route matches.
    pub fn no_route(path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("No HTTP resource was found that matches the request URI '{path}'."),
        )
    }

    /// 405 for a known path with a method it does not support.
    pub fn method_not_allowed(method: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            format!("The requested resource does not support http method '{method}'."),
        )
    }

    /// 413 for a body over `limit` bytes ([`MAX_BODY_BYTES`], or the restore routes' larger
    /// limit).
    pub fn body_too_large(limit: usize) -> Self {
        let mib = limit >> 20;
        let size = if mib > 0 && mib << 20 == limit {
            format!("{mib} MiB ({limit} bytes)")
        } else {
            format!("{limit} bytes")
        };
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            format!("The request body is larger than the maximum of {size}."),
        )
    }

    /// The JSON body, serialized in the service's field order.
    pub fn body(&self) -> String {
        #[derive(Serialize)]
        struct Inner<'a> {
            code: &'a str,
        }
        #[derive(Serialize)]
        struct Error<'a> {
            code: &'a str,
            message: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            innererror: Option<Inner<'a>>,
        }
        #[derive(Serialize)]
        struct Envelope<'a> {
            error: Error<'a>,
        }
        let envelope = Envelope {
            error: Error {
                code: self.code,
                message: &self.message,
                innererror: self.inner_code.map(|code| Inner { code }),
            },
        };
        // Serializing plain strings into a String cannot fail.
        serde_json::to_string(&envelope).unwrap_or_default()
    }
}

/// `YYYY-MM-DDTHH:MM:SSZ` of a Unix time.
fn iso_time(secs: i64) -> String {
    let (y, m, d) = crate::duration::civil_from_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // Content-Type and the other common headers are set by the middleware.
        (self.status, self.body()).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_the_service_shape() {
        assert_eq!(
            ApiError::disabled(Object::Secret, "get").body(),
            r#"{"error":{"code":"Forbidden","message":"Operation get is not allowed on a disabled secret.","innererror":{"code":"SecretDisabled"}}}"#
        );
        assert_eq!(
            ApiError::bad_parameter("x \"y\"").body(),
            r#"{"error":{"code":"BadParameter","message":"x \"y\""}}"#
        );
    }
}

//! The service's error response: `{"error":{"code":...,"message":...,"innererror":{"code":...}}}`.
//!
//! Every failure the emulator reports goes through [`ApiError`], so every error body has the
//! real service's shape (`ref/SERVICE-NOTES.md` §4) and the common headers are added once, by
//! the middleware in `http.rs`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

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

    /// 404 `SecretNotFound`; `id` is `<name>` or `<name>/<version>`, as the service words it.
    pub fn secret_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "SecretNotFound",
            format!(
                "A secret with (name/id) {id} was not found in this key vault. If you recently \
                 deleted this secret you may be able to recover it using the correct recovery \
                 command. For help resolving this issue, please see \
                 https://go.microsoft.com/fwlink/?linkid=2125182"
            ),
        )
    }

    /// 404 `SecretNotFound` for a name with no (visible) soft-deleted secret, as recorded.
    pub fn deleted_secret_not_found(name: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "SecretNotFound",
            format!("Deleted Secret not found: {name}"),
        )
    }

    /// 409 `Conflict` with an inner code.
    fn conflict(inner: &'static str, message: String) -> Self {
        ApiError {
            inner_code: Some(inner),
            ..Self::new(StatusCode::CONFLICT, "Conflict", message)
        }
    }

    /// 409 for reusing the name of a soft-deleted secret (wording of the recorded key case,
    /// and as quoted for secrets in third-party reports).
    pub fn deleted_but_recoverable(name: &str) -> Self {
        Self::conflict(
            "ObjectIsDeletedButRecoverable",
            format!(
                "Secret {name} is currently in a deleted but recoverable state, and its name \
                 cannot be reused; in this state, the secret can only be recovered or purged."
            ),
        )
    }

    /// 409 for creating a name whose delete or purge has not finished (reported wording; the
    /// inner code is a guess modelled on `ObjectIsBeingRecovered`).
    pub fn being_deleted(name: &str) -> Self {
        Self::conflict(
            "ObjectIsBeingDeleted",
            format!(
                "Secret {name} is currently being deleted and cannot be re-created; retry later."
            ),
        )
    }

    /// 409 for purging a secret whose deletion has not finished (reported wording).
    pub fn purge_while_deleting() -> Self {
        Self::conflict(
            "ObjectIsBeingDeleted",
            "Secret is currently being deleted.".to_owned(),
        )
    }

    /// 409 for creating a name whose recovery has not finished (reported wording).
    pub fn being_recovered(name: &str) -> Self {
        Self::conflict(
            "ObjectIsBeingRecovered",
            format!(
                "Secret {name} is currently being recovered and cannot be re-created; retry later."
            ),
        )
    }

    /// 409 for restoring a backup over a live secret (wording is ours).
    pub fn already_exists(name: &str) -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "Conflict",
            format!("Secret {name} already exists; a backup can only be restored under a name that is not in use."),
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

    /// 403 for an operation on a disabled secret version.
    pub fn secret_disabled(operation: &str) -> Self {
        ApiError {
            inner_code: Some("SecretDisabled"),
            ..Self::new(
                StatusCode::FORBIDDEN,
                "Forbidden",
                format!("Operation {operation} is not allowed on a disabled secret."),
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

    /// 413 for a body over [`MAX_BODY_BYTES`].
    pub fn body_too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLarge",
            format!("The request body is larger than the maximum of {MAX_BODY_BYTES} bytes."),
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
            ApiError::secret_disabled("get").body(),
            r#"{"error":{"code":"Forbidden","message":"Operation get is not allowed on a disabled secret.","innererror":{"code":"SecretDisabled"}}}"#
        );
        assert_eq!(
            ApiError::bad_parameter("x \"y\"").body(),
            r#"{"error":{"code":"BadParameter","message":"x \"y\""}}"#
        );
    }
}

//! The one error type of the client; `wasm::error` turns it into JavaScript errors.

/// Which JavaScript built-in an argument error becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgError {
    /// The argument has the wrong type (`TypeError`).
    Type,
    /// The argument has the right type but an unacceptable value (`RangeError`).
    Range,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A caller passed a bad argument; nothing was sent.
    #[error("{message}")]
    Argument { kind: ArgError, message: String },

    /// The service answered with an error status.
    #[error("{message}")]
    Service {
        status: u16,
        code: Option<String>,
        message: String,
        request_id: Option<String>,
    },

    /// The service answered with a success status but a body this client cannot read.
    #[error("{message}")]
    Parse {
        status: u16,
        message: String,
        request_id: Option<String>,
    },

    /// The request never produced a response (connection refused, reset, DNS, CORS...).
    #[error("{message}")]
    Transport { message: String },

    /// The caller aborted the call (its signal fired while the client waited to retry).
    #[error("the operation was aborted")]
    Aborted,

    /// Obtaining or applying a token failed: a bad challenge, a rejected challenge resource,
    /// or a credential that threw or returned no token.
    #[error("{message}")]
    Authentication { message: String, cause: Option<Cause> },
}

/// The platform's own error value behind an authentication failure (a JavaScript exception
/// thrown by the credential), carried through the core untouched.
#[derive(Clone)]
pub struct Cause(pub std::rc::Rc<dyn std::any::Any>);

impl std::fmt::Debug for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cause(..)")
    }
}

impl PartialEq for Cause {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Error {
    pub fn type_error(message: impl Into<String>) -> Self {
        Error::Argument { kind: ArgError::Type, message: message.into() }
    }

    pub fn range_error(message: impl Into<String>) -> Self {
        Error::Argument { kind: ArgError::Range, message: message.into() }
    }

    pub fn auth(message: impl Into<String>) -> Self {
        Error::Authentication { message: message.into(), cause: None }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

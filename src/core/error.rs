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

    /// Obtaining or applying a token failed: a bad challenge, a rejected challenge resource,
    /// or a credential that threw or returned no token. `cause` is the credential's own error
    /// when there was one; it is carried by the boundary, not here.
    #[error("{message}")]
    Authentication { message: String },
}

impl Error {
    pub fn type_error(message: impl Into<String>) -> Self {
        Error::Argument { kind: ArgError::Type, message: message.into() }
    }

    pub fn range_error(message: impl Into<String>) -> Self {
        Error::Argument { kind: ArgError::Range, message: message.into() }
    }

    pub fn auth(message: impl Into<String>) -> Self {
        Error::Authentication { message: message.into() }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

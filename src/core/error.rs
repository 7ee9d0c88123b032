//! The errors the core itself decides. Failures of the service or the network are reported by
//! the pipeline as a [`Failure`](super::pipeline::Failure): the host holds that response.

/// Which JavaScript built-in an argument error becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgError {
    /// The argument has the wrong type (`TypeError`).
    Type,
    /// The argument has the right type but an unacceptable value (`RangeError`).
    Range,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A caller passed a bad argument; nothing was sent.
    Argument { kind: ArgError, message: String },
    /// The service's authentication challenge could not be used (unreadable, or naming a
    /// resource that does not belong to the vault).
    Authentication { message: String },
}

impl Error {
    pub fn range_error(message: impl Into<String>) -> Self {
        Error::Argument {
            kind: ArgError::Range,
            message: message.into(),
        }
    }

    pub fn auth(message: impl Into<String>) -> Self {
        Error::Authentication {
            message: message.into(),
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Error::Argument { message, .. } | Error::Authentication { message } => message,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

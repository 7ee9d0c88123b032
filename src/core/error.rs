//! The errors the core itself decides. Failures of the service or the network are reported by
//! the pipeline as a [`Failure`](super::pipeline::Failure): the host holds that response.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A caller passed an argument of the right type (the host checks types) but an
    /// unacceptable value: a `RangeError`. Nothing was sent.
    Argument { message: String },
    /// The service's authentication challenge could not be used (unreadable, or naming a
    /// resource that does not belong to the vault).
    Authentication { message: String },
}

impl Error {
    pub fn range_error(message: impl Into<String>) -> Self {
        Error::Argument {
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
            Error::Argument { message } | Error::Authentication { message } => message,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

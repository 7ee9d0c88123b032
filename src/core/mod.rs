//! The platform-independent client: no JavaScript types in here.

pub mod challenge;
pub mod duration;
pub mod error;
#[cfg(feature = "keys")]
pub mod keys;
pub mod listing;
pub mod pipeline;
pub mod retry;
#[cfg(feature = "secrets")]
pub mod secrets;
#[cfg(test)]
mod test_support;
pub mod text;
pub mod validate;
pub mod vault_url;

pub use error::Error;

//! The JavaScript boundary: the `KeyClient` facade, conversions, errors and the JS-side host.
//! Everything exported to JavaScript is marked `#[wasm_bindgen]` in these files.

mod client;
mod convert;
mod error;
mod host;

pub use client::KeyClient;

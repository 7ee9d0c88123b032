//! keyvault-keys-wasm: Azure Key Vault clients for JavaScript hosts.
//!
//! `core` is plain Rust (validation, requests, the pipeline as a state machine) and is tested
//! natively; `wasm` is the only JavaScript boundary and exists only on `wasm32`.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

//! keyvault-keys-wasm: an Azure Key Vault `KeyClient` for JavaScript hosts.
//!
//! `core` is plain Rust (models, validation, the request pipeline) and is tested natively;
//! `wasm` is the only JavaScript boundary and exists only on `wasm32`.

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

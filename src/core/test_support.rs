//! What the planes' unit tests share: a client's configuration and the request a started call
//! would send.

use super::pipeline::{user_agent, Action, Call, Config, Method};
use super::retry::RetryOptions;
use super::vault_url::VaultUrl;
use super::Error;

/// A configuration for `https://v.vault.azure.net`, api-version 7.5, default retries.
pub fn config() -> Config {
    Config {
        vault: VaultUrl::parse("https://v.vault.azure.net", false).unwrap(),
        api_version: "7.5".into(),
        verify_challenge_resource: true,
        retry: RetryOptions::default(),
        user_agent: user_agent(None),
    }
}

/// The method, path and body of a started call.
pub fn request(r: Result<(Call, Action), Error>) -> (Method, String, Option<String>) {
    let (call, _) = r.unwrap();
    (
        call.method(),
        call.path().to_string(),
        call.body().map(str::to_string),
    )
}

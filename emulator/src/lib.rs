//! keyvault-emulator: a local server that speaks the Azure Key Vault secrets data plane the way
//! the real service does (see `README.md` for the routes and the deliberate differences).
//!
//! [`bind`] opens the listener; [`Server::serve_until`] runs it until a shutdown future
//! completes. The binary (`main.rs`) and the integration tests both go through these two calls.

pub mod cli;
mod error;
mod http;
mod model;
mod secrets;
pub mod store;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::serve::ListenerExt;
use tokio::net::TcpListener;

pub use error::{ApiError, MAX_BODY_BYTES};
pub use http::{Challenge, LATEST_API_VERSION, STABLE_API_VERSIONS};
pub use store::Store;

/// How to run the emulator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Address or host name to listen on.
    pub host: String,
    /// Port to listen on; 0 picks a free one.
    pub port: u16,
    /// Seeds version-id generation, for reproducible runs.
    pub seed: Option<u64>,
    /// What the 401 challenge names.
    pub challenge: Challenge,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: "127.0.0.1".into(),
            port: 0,
            seed: None,
            challenge: Challenge::default(),
        }
    }
}

/// A bound, not yet serving, emulator.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    local_addr: SocketAddr,
    state: http::AppState,
}

/// Binds the listener and sets up an empty vault.
pub async fn bind(config: Config) -> io::Result<Server> {
    let listener = TcpListener::bind((config.host.as_str(), config.port)).await?;
    let local_addr = listener.local_addr()?;
    let state = http::AppState {
        store: Arc::new(Store::new(config.seed)),
        challenge: Arc::new(config.challenge),
        listen_authority: local_addr.to_string().into(),
    };
    Ok(Server {
        listener,
        local_addr,
        state,
    })
}

impl Server {
    /// The address actually bound (the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://HOST:PORT` of the bound address.
    pub fn url(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// The vault state, e.g. for tests that inspect or prepare it directly.
    pub fn store(&self) -> Arc<Store> {
        self.state.store.clone()
    }

    /// Serves HTTP/1.1 (keep-alive) until `shutdown` completes, then stops accepting and lets
    /// in-flight requests finish.
    pub async fn serve_until<F>(self, shutdown: F) -> io::Result<()>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        // Small request/response pairs: don't let Nagle delay them.
        let listener = self.listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, http::router(self.state))
            .with_graceful_shutdown(shutdown)
            .await
    }
}

//! keyvault-emulator: a local server that speaks the Azure Key Vault secrets data plane the way
//! the real service does (see `README.md` for the routes and the deliberate differences).
//!
//! [`bind`] opens the listener (and the `--data` database); [`Server::serve_until`] runs it
//! until a shutdown future completes. The binary (`main.rs`) and the integration tests both go
//! through these two calls.

mod backup;
pub mod cli;
pub mod connections;
pub mod crypto;
mod duration;
mod error;
pub mod events;
mod extract;
pub mod faults;
mod guid;
mod http;
mod keys;
mod lifecycle;
mod management;
mod model;
mod objects;
mod paging;
pub mod plane;
mod render;
mod secrets;
mod stats;
pub mod store;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower_service::Service;

pub use connections::ConnectionConfig;
pub use error::{ApiError, MAX_BODY_BYTES};
pub use events::EventConfig;
pub use faults::FaultConfig;
pub use http::{Challenge, LATEST_API_VERSION, STABLE_API_VERSIONS};
pub use store::{Store, StoreConfig};

/// How to run the emulator.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Address or host name to listen on.
    pub host: String,
    /// Port to listen on; 0 picks a free one.
    pub port: u16,
    /// What the 401 challenge names.
    pub challenge: Challenge,
    /// Seed (version ids and fault decisions) and soft-delete settings.
    pub store: StoreConfig,
    /// SQLite file to keep state in; `None` keeps it in memory.
    pub data: Option<PathBuf>,
    /// Fault injection at start-up (changeable at run time through `/_emulator/faults`).
    pub faults: FaultConfig,
    /// Accept only this bearer token; `None` accepts any.
    pub require_token: Option<String>,
    /// Where to deliver Key Vault events (`--event-webhook`) and how.
    pub events: EventConfig,
    /// Header and idle timeouts, and the cap on open connections.
    pub connections: ConnectionConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            host: "127.0.0.1".into(),
            port: 0,
            challenge: Challenge::default(),
            store: StoreConfig::default(),
            data: None,
            faults: FaultConfig::default(),
            require_token: None,
            events: EventConfig::default(),
            connections: ConnectionConfig::default(),
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

/// Opens the database (if any), binds the listener and sets up the vault. The error says
/// which of the two failed: `cannot open the data file PATH: …` or `cannot listen on
/// HOST:PORT: …`.
pub async fn bind(config: Config) -> io::Result<Server> {
    let store = match &config.data {
        None => Store::new(config.store.clone()),
        Some(path) => Store::open(config.store.clone(), path).map_err(|e| {
            io::Error::other(format!("cannot open the data file {}: {e}", path.display()))
        })?,
    };
    let listener = TcpListener::bind((config.host.as_str(), config.port))
        .await
        .map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot listen on {}:{}: {e}", config.host, config.port),
            )
        })?;
    let local_addr = listener.local_addr()?;
    let store = Arc::new(store);
    let events = events::Events::new(EventConfig {
        seed: config.events.seed.or(config.store.seed),
        ..config.events
    });
    let lifecycle = lifecycle::Lifecycle::new(events, format!("http://{local_addr}"), &store);
    let state = http::AppState(Arc::new(http::Shared {
        store,
        lifecycle,
        challenge: config.challenge,
        faults: faults::Faults::new(config.faults, config.store.seed),
        stats: stats::Stats::default(),
        settings: http::Settings {
            data_file: config.data.map(|p| p.display().to_string()),
            require_token: config.require_token,
        },
        listen_authority: local_addr.to_string(),
        connections: connections::Connections::new(config.connections),
    }));
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

    /// Serves HTTP/1.1 (keep-alive) until `shutdown` completes, then stops accepting (new
    /// connections are refused), closes idle connections and waits for in-flight requests.
    ///
    /// Every connection has the header and idle timeouts of [`ConnectionConfig`], and open
    /// connections are capped (see [`connections`]).
    ///
    /// hyper is driven directly (rather than through `axum::serve`) so that a request can end
    /// its connection without any response: `--drop-rate`.
    pub async fn serve_until<F>(self, shutdown: F) -> io::Result<()>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.state.lifecycle.start(self.state.clone());
        let connections = self.state.connections.clone();
        let app = http::router(self.state);
        let graceful = GracefulShutdown::new();
        tokio::pin!(shutdown);
        loop {
            // At the cap with every connection busy: leave new ones in the backlog.
            if !connections.has_room() {
                tokio::select! {
                    () = connections.changed() => continue,
                    () = &mut shutdown => break,
                }
            }
            let tcp = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((tcp, _)) => tcp,
                    Err(e) => {
                        // Out of file descriptors and the like: make room, and back off
                        // instead of spinning.
                        if !is_connection_error(&e) {
                            connections.evict_one();
                            tokio::time::sleep(Duration::from_millis(10)).await;
                        }
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            // Small request/response pairs: don't let Nagle delay them.
            let _ = tcp.set_nodelay(true);
            let registered = connections.register(tcp);
            if registered.evicted {
                // Let the evicted connection close its socket before the next accept.
                tokio::task::yield_now().await;
            }
            let activity = registered.activity.clone();
            let app = app.clone();
            let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                let mut app = app.clone();
                let activity = activity.clone();
                activity.request_started(!hyper::body::Body::is_end_stream(request.body()));
                let request =
                    request.map(|body| connections::TrackedBody::new(body, activity.clone()));
                async move {
                    let response = match app.call(request).await {
                        Ok(response) => response,
                        Err(never) => match never {},
                    };
                    activity.request_done();
                    if response
                        .extensions()
                        .get::<http::DropConnection>()
                        .is_some()
                    {
                        // hyper closes the connection without writing anything.
                        Err(http::DropConnection)
                    } else {
                        Ok::<_, http::DropConnection>(response)
                    }
                }
            });
            let io = TokioIo::new(registered.io);
            let connection = hyper::server::conn::http1::Builder::new()
                .keep_alive(true)
                .serve_connection(io, service);
            let connection = graceful.watch(connection);
            let (supervised, guard) = registered.ticket.supervise(connection);
            tokio::spawn(async move {
                // Timed out or evicted: dropping the connection closes the socket.
                let _ = supervised.await;
                drop(guard);
            });
        }
        drop(self.listener);
        graceful.shutdown().await;
        Ok(())
    }
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

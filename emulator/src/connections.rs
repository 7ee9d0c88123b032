//! What keeps slow, idle or too many connections from starving the server.
//!
//! Every connection is in one of four phases:
//!
//! | phase | from … to | closed when |
//! |---|---|---|
//! | idle | accepted, or its last response was handled … the first byte of the next request | `idle_timeout` passes |
//! | head | that first byte … the request line and headers are complete | `header_timeout` after the first byte |
//! | body | the headers … the last byte of the body | still `header_timeout` after the first byte |
//! | busy | the request is complete … its handler answered | never (handlers do not wait on clients) |
//!
//! A timed-out connection is closed without a response. The bytes a connection reads, the
//! start and end of its requests and the end of its body are observed by [`TrackedIo`],
//! [`Activity::request_started`] / [`Activity::request_done`] and [`TrackedBody`]; the
//! deadline is recomputed each time the connection's future is polled ([`Supervised`]), so a
//! phase change moves it at once.
//!
//! Open connections are capped ([`Connections`]) below the process's open-file limit: when a
//! connection arrives over the cap, the connection that has been idle (or sending an
//! unfinished request head) the longest is closed to make room; when every connection is busy,
//! the server stops accepting until one finishes (new clients wait in the listen backlog).

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{oneshot, Notify};
use tokio::time::Sleep;

/// Default `--header-timeout-ms`.
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Default `--idle-timeout-ms`.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Default `--max-connections` (lowered further under a small open-file limit).
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;
/// Descriptors kept free under the open-file limit for everything that is not a client
/// connection: stdio, the listener, the runtime, the signal pipe, the database and its WAL,
/// webhook deliveries.
pub const RESERVED_FDS: u64 = 32;

/// How long connections may take and how many may be open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionConfig {
    /// From a request's first byte until its head and body are complete.
    pub header_timeout: Duration,
    /// Without a request in progress (before the first one and between keep-alive requests).
    pub idle_timeout: Duration,
    /// Open connections at most; lowered to leave [`RESERVED_FDS`] descriptors free under the
    /// open-file limit.
    pub max_connections: usize,
}

impl Default for ConnectionConfig {
    fn default() -> Self {
        ConnectionConfig {
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

impl ConnectionConfig {
    /// The cap in force: `max_connections`, lowered so that the connections and the reserved
    /// descriptors fit under the soft open-file limit (with a small limit, half of it).
    pub fn effective_max_connections(&self) -> usize {
        let room = open_file_limit().map(|limit| {
            let room = limit.saturating_sub(RESERVED_FDS).max(limit / 2).max(1);
            usize::try_from(room).unwrap_or(usize::MAX)
        });
        room.map_or(self.max_connections, |room| self.max_connections.min(room))
            .max(1)
    }
}

/// The soft `RLIMIT_NOFILE`, when there is one.
#[cfg(unix)]
#[allow(clippy::useless_conversion)] // `rlim_t` is not 64 bits on every platform
fn open_file_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `getrlimit` only writes the `rlimit` it is given.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    (ok && limit.rlim_cur != libc::RLIM_INFINITY).then(|| u64::try_from(limit.rlim_cur).ok())?
}

#[cfg(not(unix))]
fn open_file_limit() -> Option<u64> {
    None
}

const IDLE: u64 = 0;
const HEAD: u64 = 1;
const BODY: u64 = 2;
const BUSY: u64 = 3;
const PHASE_SHIFT: u32 = 62;
const SINCE_MASK: u64 = (1 << PHASE_SHIFT) - 1;

/// One connection's phase and when it began (milliseconds after the registry's epoch), in one
/// word: written by the connection's own task, read by the accept loop when it picks a
/// connection to close.
#[derive(Debug)]
pub struct Activity {
    state: AtomicU64,
    epoch: Instant,
}

impl Activity {
    fn new(epoch: Instant) -> Self {
        let activity = Activity {
            state: AtomicU64::new(0),
            epoch,
        };
        activity.set(IDLE, activity.millis_now());
        activity
    }

    fn millis_now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(SINCE_MASK) & SINCE_MASK
    }

    fn set(&self, phase: u64, since: u64) {
        self.state
            .store((phase << PHASE_SHIFT) | since, Ordering::Relaxed);
    }

    fn get(&self) -> (u64, u64) {
        let state = self.state.load(Ordering::Relaxed);
        (state >> PHASE_SHIFT, state & SINCE_MASK)
    }

    /// Bytes arrived: an idle connection starts receiving a request.
    fn bytes_arrived(&self) {
        if self.get().0 == IDLE {
            self.set(HEAD, self.millis_now());
        }
    }

    /// The request head is complete; `has_body` when a body is still to come.
    pub fn request_started(&self, has_body: bool) {
        let (_, since) = self.get();
        self.set(if has_body { BODY } else { BUSY }, since);
    }

    fn body_done(&self) {
        let (phase, since) = self.get();
        if phase == BODY {
            self.set(BUSY, since);
        }
    }

    /// The handler answered: the connection waits for its next request.
    pub fn request_done(&self) {
        self.set(IDLE, self.millis_now());
    }

    /// When the connection is to be closed if nothing changes; `None` while a request is
    /// being handled.
    fn deadline(&self, config: &ConnectionConfig) -> Option<Instant> {
        let (phase, since) = self.get();
        let timeout = match phase {
            IDLE => config.idle_timeout,
            HEAD | BODY => config.header_timeout,
            _ => return None,
        };
        Some(self.epoch + Duration::from_millis(since) + timeout)
    }

    /// Whether closing the connection loses nothing: no request is being received past its
    /// head or handled.
    fn evictable(&self) -> Option<u64> {
        let (phase, since) = self.get();
        matches!(phase, IDLE | HEAD).then_some(since)
    }
}

/// The socket of a connection, telling its [`Activity`] when bytes arrive.
#[derive(Debug)]
pub struct TrackedIo {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for TrackedIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.bytes_arrived();
        }
        result
    }
}

impl AsyncWrite for TrackedIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A request body that tells its connection's [`Activity`] when it has been read to the end.
#[derive(Debug)]
pub struct TrackedBody {
    inner: Incoming,
    activity: Arc<Activity>,
}

impl TrackedBody {
    pub fn new(inner: Incoming, activity: Arc<Activity>) -> Self {
        TrackedBody { inner, activity }
    }
}

impl Body for TrackedBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let frame = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(frame, Poll::Ready(None | Some(Err(_)))) || self.inner.is_end_stream() {
            self.activity.body_done();
        }
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Why a supervised connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The connection finished on its own (either side closed it, or an error).
    Finished,
    /// A header or idle timeout passed.
    TimedOut,
    /// Closed to make room for a new connection.
    Evicted,
}

/// A connection future with its timeouts and its eviction signal.
pub struct Supervised<F> {
    connection: Pin<Box<F>>,
    activity: Arc<Activity>,
    config: ConnectionConfig,
    sleep: Pin<Box<Sleep>>,
    armed: Option<Instant>,
    evict: Option<oneshot::Receiver<()>>,
}

impl<F: Future> Future for Supervised<F> {
    type Output = End;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<End> {
        let this = &mut *self;
        if let Some(evict) = &mut this.evict {
            match Pin::new(evict).poll(cx) {
                Poll::Ready(Ok(())) => return Poll::Ready(End::Evicted),
                Poll::Ready(Err(_)) => this.evict = None,
                Poll::Pending => {}
            }
        }
        if this.connection.as_mut().poll(cx).is_ready() {
            return Poll::Ready(End::Finished);
        }
        // Every phase change happens while the connection is polled, so the deadline read
        // now is current. The timer is only moved earlier; a deadline that moved later is
        // found when the timer fires, so a busy keep-alive connection does not re-arm it for
        // every request.
        if let Some(deadline) = this.activity.deadline(&this.config) {
            if this.armed.is_none_or(|armed| deadline < armed) {
                this.sleep.as_mut().reset(deadline.into());
                this.armed = Some(deadline);
            }
        }
        while this.armed.is_some() {
            if this.sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.armed = None;
            match this.activity.deadline(&this.config) {
                Some(deadline) if deadline <= Instant::now() => return Poll::Ready(End::TimedOut),
                Some(deadline) => {
                    this.sleep.as_mut().reset(deadline.into());
                    this.armed = Some(deadline);
                }
                // Handling a request: armed again when it is done.
                None => {}
            }
        }
        Poll::Pending
    }
}

struct Entry {
    activity: Arc<Activity>,
    /// Taken when the connection is told to close.
    evict: Option<oneshot::Sender<()>>,
}

#[derive(Default)]
struct Registry {
    next_id: u64,
    open: HashMap<u64, Entry>,
    /// Entries not yet told to close.
    counted: usize,
}

/// The open connections of a server.
pub struct Connections {
    registry: Mutex<Registry>,
    /// Signalled when a connection ends.
    ended: Notify,
    epoch: Instant,
    config: ConnectionConfig,
    cap: usize,
}

impl std::fmt::Debug for Connections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connections")
            .field("config", &self.config)
            .field("cap", &self.cap)
            .finish_non_exhaustive()
    }
}

/// A registered connection: its socket, its activity, and its place in the registry.
pub struct Registered {
    pub io: TrackedIo,
    pub activity: Arc<Activity>,
    pub ticket: Ticket,
    /// Whether another connection was told to close to make room.
    pub evicted: bool,
}

/// A connection's place in the registry, until it is supervised.
pub struct Ticket {
    id: u64,
    activity: Arc<Activity>,
    evict: oneshot::Receiver<()>,
    connections: Arc<Connections>,
}

/// Removes its connection from the registry when the connection's task ends.
pub struct Guard {
    id: u64,
    connections: Arc<Connections>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        let mut registry = self.connections.lock();
        if let Some(entry) = registry.open.remove(&self.id) {
            if entry.evict.is_some() {
                registry.counted -= 1;
            }
        }
        drop(registry);
        self.connections.ended.notify_one();
    }
}

impl Ticket {
    /// The connection future `connection` under its timeouts and eviction, and the guard to
    /// keep until it ends.
    pub fn supervise<F: Future>(self, connection: F) -> (Supervised<F>, Guard) {
        let connections = self.connections;
        let supervised = Supervised {
            connection: Box::pin(connection),
            activity: self.activity,
            config: connections.config,
            sleep: Box::pin(tokio::time::sleep(Duration::ZERO)),
            armed: None,
            evict: Some(self.evict),
        };
        let guard = Guard {
            id: self.id,
            connections,
        };
        (supervised, guard)
    }
}

impl Connections {
    pub fn new(config: ConnectionConfig) -> Arc<Self> {
        Arc::new(Connections {
            registry: Mutex::new(Registry::default()),
            ended: Notify::new(),
            epoch: Instant::now(),
            cap: config.effective_max_connections(),
            config,
        })
    }

    /// The cap in force.
    pub fn cap(&self) -> usize {
        self.cap
    }

    /// `{headerTimeoutMs, idleTimeoutMs, maxConnections, open}` for `/_emulator/config`
    /// (`maxConnections` is the cap in force).
    pub fn snapshot(&self) -> serde_json::Value {
        let millis = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        serde_json::json!({
            "headerTimeoutMs": millis(self.config.header_timeout),
            "idleTimeoutMs": millis(self.config.idle_timeout),
            "maxConnections": self.cap,
            "open": self.open(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Registry> {
        self.registry
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Open connections not yet told to close.
    pub fn open(&self) -> usize {
        self.lock().counted
    }

    /// Whether another connection may be accepted now: under the cap, or some connection can
    /// be closed to make room.
    pub fn has_room(&self) -> bool {
        let registry = self.lock();
        registry.counted < self.cap
            || registry
                .open
                .values()
                .any(|e| e.evict.is_some() && e.activity.evictable().is_some())
    }

    /// Waits until a connection ends (or a short while, as connections also become idle).
    pub async fn changed(&self) {
        let _ = tokio::time::timeout(Duration::from_millis(50), self.ended.notified()).await;
    }

    /// Registers an accepted socket; closes the longest-idle connection when over the cap.
    pub fn register(self: &Arc<Self>, tcp: TcpStream) -> Registered {
        let activity = Arc::new(Activity::new(self.epoch));
        let (tx, rx) = oneshot::channel();
        let mut registry = self.lock();
        let id = registry.next_id;
        registry.next_id += 1;
        registry.open.insert(
            id,
            Entry {
                activity: activity.clone(),
                evict: Some(tx),
            },
        );
        registry.counted += 1;
        let evicted = registry.counted > self.cap && evict_oldest(&mut registry, Some(id));
        drop(registry);
        Registered {
            io: TrackedIo {
                inner: tcp,
                activity: activity.clone(),
            },
            activity: activity.clone(),
            ticket: Ticket {
                id,
                activity,
                evict: rx,
                connections: self.clone(),
            },
            evicted,
        }
    }

    /// Closes the connection idle the longest (out of descriptors: make room for `accept`).
    pub fn evict_one(&self) -> bool {
        evict_oldest(&mut self.lock(), None)
    }
}

/// Tells the connection that has been idle (or in an unfinished head) the longest to close.
fn evict_oldest(registry: &mut Registry, except: Option<u64>) -> bool {
    let oldest = registry
        .open
        .iter()
        .filter(|(id, e)| Some(**id) != except && e.evict.is_some())
        .filter_map(|(id, e)| e.activity.evictable().map(|since| (since, *id)))
        .min();
    let Some((_, id)) = oldest else {
        return false;
    };
    if let Some(tx) = registry.open.get_mut(&id).and_then(|e| e.evict.take()) {
        let _ = tx.send(());
        registry.counted -= 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_and_deadlines() {
        let epoch = Instant::now();
        let config = ConnectionConfig {
            header_timeout: Duration::from_secs(2),
            idle_timeout: Duration::from_secs(7),
            max_connections: 4,
        };
        let a = Activity::new(epoch);
        let idle = a.deadline(&config).unwrap();
        assert!(idle >= epoch + Duration::from_secs(7));
        assert!(a.evictable().is_some());
        a.bytes_arrived();
        let head = a.deadline(&config).unwrap();
        assert!(head < idle, "the header timeout starts at the first byte");
        a.bytes_arrived();
        assert_eq!(
            a.deadline(&config),
            Some(head),
            "more bytes do not extend it"
        );
        a.request_started(true);
        assert_eq!(a.deadline(&config), Some(head), "the body shares it");
        assert!(a.evictable().is_none());
        a.body_done();
        assert_eq!(
            a.deadline(&config),
            None,
            "a request being handled never times out"
        );
        a.request_done();
        assert!(a.deadline(&config).unwrap() >= idle);
        a.request_started(false);
        assert_eq!(a.deadline(&config), None);
    }

    #[test]
    fn the_cap_stays_under_the_open_file_limit() {
        let config = ConnectionConfig {
            max_connections: usize::MAX,
            ..ConnectionConfig::default()
        };
        let cap = config.effective_max_connections();
        if let Some(limit) = open_file_limit() {
            assert!((cap as u64) < limit, "{cap} < {limit}");
        }
        let small = ConnectionConfig {
            max_connections: 3,
            ..ConnectionConfig::default()
        };
        assert_eq!(small.effective_max_connections(), 3);
    }
}

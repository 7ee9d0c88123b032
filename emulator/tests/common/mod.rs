//! Starts an in-process emulator on an ephemeral port and speaks real HTTP to it.
#![allow(dead_code)] // each test file uses a different subset

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use keyvault_emulator::Config;
use serde_json::Value;

pub const API: &str = "api-version=7.5";
pub const TOKEN: &str = "Bearer test-token";

/// An emulator running on its own thread; stops when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    pub url: String,
    agent: ureq::Agent,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// A response, fully read.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// `error.code` of an error body.
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// `error.message` of an error body.
    pub fn message(&self) -> String {
        self.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

impl TestServer {
    pub fn start() -> Self {
        Self::start_with(Config::default())
    }

    pub fn start_with(config: Config) -> Self {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let server = keyvault_emulator::bind(config).await.expect("bind");
                addr_tx.send(server.local_addr()).expect("send addr");
                let _ = server
                    .serve_until(async move {
                        let _ = stop_rx.await;
                    })
                    .await;
            });
        });
        let addr = addr_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("server start");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // Long enough for an RSA-4096 key to be generated on a busy 2-core machine.
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        TestServer {
            addr,
            url: format!("http://{addr}"),
            agent,
            stop: Some(stop_tx),
        }
    }

    /// Any request; `path` includes the query. Headers are sent as given (no implicit auth).
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Resp {
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.url));
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let result = match body {
            Some(body) => self
                .agent
                .run(builder.body(body.to_owned()).expect("request")),
            None => self.agent.run(builder.body(()).expect("request")),
        };
        let mut response = result.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.body_mut().read_to_string().expect("body");
        Resp {
            status,
            headers,
            body,
        }
    }

    pub fn get(&self, path: &str) -> Resp {
        self.request("GET", path, &[("authorization", TOKEN)], None)
    }

    pub fn put(&self, path: &str, body: &str) -> Resp {
        self.request(
            "PUT",
            path,
            &[
                ("authorization", TOKEN),
                ("content-type", "application/json"),
            ],
            Some(body),
        )
    }

    pub fn patch(&self, path: &str, body: &str) -> Resp {
        self.request(
            "PATCH",
            path,
            &[
                ("authorization", TOKEN),
                ("content-type", "application/json"),
            ],
            Some(body),
        )
    }

    pub fn delete(&self, path: &str) -> Resp {
        self.request("DELETE", path, &[("authorization", TOKEN)], None)
    }

    pub fn post(&self, path: &str, body: &str) -> Resp {
        self.request(
            "POST",
            path,
            &[
                ("authorization", TOKEN),
                ("content-type", "application/json"),
            ],
            Some(body),
        )
    }

    /// A management call (`/_emulator/...`): no token, no api-version.
    pub fn manage(&self, method: &str, path: &str, body: Option<&str>) -> Resp {
        self.request(method, path, &[("content-type", "application/json")], body)
    }

    /// GETs an absolute URL on this server (e.g. a `nextLink`).
    pub fn follow(&self, url: &str) -> Resp {
        let path = url
            .strip_prefix(&self.url)
            .unwrap_or_else(|| panic!("{url} is not on {}", self.url));
        self.get(path)
    }

    /// PUTs a secret that must succeed; returns the bundle.
    pub fn set(&self, name: &str, body: &str) -> Value {
        let resp = self.put(&format!("/secrets/{name}?{API}"), body);
        assert_eq!(resp.status, 200, "{}", resp.body);
        resp.json()
    }

    /// Writes raw bytes on a new connection and reads until the server closes it.
    pub fn raw(&self, request: &[u8]) -> String {
        let mut stream = TcpStream::connect(self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let _ = stream.write_all(request);
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out);
        String::from_utf8_lossy(&out).into_owned()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The version id at the end of a bundle's `id`.
pub fn version_of(bundle: &Value) -> String {
    let id = bundle["id"].as_str().expect("id");
    id.rsplit('/').next().unwrap_or_default().to_owned()
}

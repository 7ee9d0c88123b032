//! What the two replays share (`replay.rs`: secrets, `replay_keys.rs`: keys): reading the
//! recordings, one recorded call, the shape of a JSON body, URL normalisation and the header
//! comparison.
#![allow(dead_code)] // each replay uses a different subset

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::common::{Resp, TestServer, TOKEN};

/// Response headers that are specific to the real deployment.
pub const DEPLOYMENT_HEADERS: &[&str] = &["x-ms-keyvault-network-info", "x-powered-by"];

/// Recorder fields of a response that are not headers.
const NOT_HEADERS: &[&str] = &["BODY", "STATUS_CODE", "REASON_PHRASE"];

/// Every JSON field path of a body with its JSON type.
pub type Shape = BTreeSet<(String, &'static str)>;

fn shape(value: &Value, path: &str, out: &mut Shape) {
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "float",
        Value::String(_) => "string",
        Value::Array(items) => {
            for item in items {
                shape(item, &format!("{path}[]"), out);
            }
            "array"
        }
        Value::Object(map) => {
            for (key, v) in map {
                // Tag names are data, not fields.
                let key = if path.ends_with("tags") { "*" } else { key };
                shape(v, &format!("{path}.{key}"), out);
            }
            "object"
        }
    };
    out.insert((path.to_owned(), kind));
}

pub fn shape_of(value: &Value) -> Shape {
    let mut out = Shape::new();
    shape(value, "", &mut out);
    out
}

/// `https://x.vault.azure.net[:443]` or `http://127.0.0.1:PORT` → `{vault}`; 32-hex segments →
/// `{version}`; the skiptoken → `{token}`.
pub fn normalize_url(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let segments: Vec<String> = path
        .split('/')
        .map(|s| {
            if s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
                "{version}".to_owned()
            } else {
                s.to_owned()
            }
        })
        .collect();
    let query: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some(("$skiptoken", _)) => "$skiptoken={token}".to_owned(),
            _ => p.to_owned(),
        })
        .collect();
    let mut out = format!("{{vault}}{}", segments.join("/"));
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query.join("&"));
    }
    out
}

/// Like [`normalize_url`], also replacing the object name: the shape of a list item's id.
pub fn url_shape(url: &str) -> String {
    let normalized = normalize_url(url);
    let mut parts: Vec<&str> = normalized.split('/').collect();
    if parts.len() >= 3 {
        parts[2] = "{name}";
    }
    parts.join("/")
}

/// The path and query of a recorded URL (`https://REDACTED.vault.azure.net/secrets?...`).
pub fn path_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/')
        .map_or("/".to_owned(), |i| rest[i..].to_owned())
}

/// The path a recorded URL is replayed at: a recorded `$skiptoken` page follows the emulator's
/// own previous `nextLink` (`None` when the emulator had no further page: the recorded vault
/// held other tests' objects), and recorded version ids become the emulator's.
pub fn replay_path(
    url: &str,
    server: &TestServer,
    next_link: Option<&str>,
    versions: &HashMap<String, String>,
) -> Option<String> {
    let mut path = path_of(url);
    if path.contains("$skiptoken=") {
        path = next_link?
            .strip_prefix(&server.url)
            .expect("own nextLink")
            .to_owned();
    }
    for (recorded, ours) in versions {
        path = path.replace(recorded.as_str(), ours);
    }
    Some(path)
}

/// Sends a recorded call (with its `x-ms-client-request-id`). The recorded poller saw the
/// service's eventual consistency (a 404 right after a DELETE or a recover, then 200), so a
/// GET is repeated, for up to 3 s, until the recorded status comes.
pub fn send(server: &TestServer, call: &Call, path: &str, body: Option<&str>) -> Resp {
    let mut headers = vec![
        ("authorization", TOKEN),
        ("content-type", "application/json"),
    ];
    if let Some(id) = call.client_id {
        headers.push(("x-ms-client-request-id", id));
    }
    let started = Instant::now();
    loop {
        let resp = server.request(call.method, path, &headers, body);
        if resp.status == call.status
            || call.method != "GET"
            || started.elapsed() > Duration::from_secs(3)
        {
            return resp;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// The version at the end of an id, if it ends with one.
pub fn version_in(id: &str) -> Option<&str> {
    id.rsplit('/')
        .next()
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The recordings in `tests/recordings/` whose file name starts with `prefix`, sorted by name:
/// `(file name, networkCallRecords)`.
pub fn recordings(prefix: &str) -> Vec<(String, Vec<Value>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/recordings");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("recordings")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    files.sort();
    files
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(file).expect("read");
            let mut recording: Value = serde_json::from_str(&text).expect("JSON");
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            let records = match recording["networkCallRecords"].take() {
                Value::Array(records) => records,
                other => panic!("{name}: networkCallRecords {other}"),
            };
            (name, records)
        })
        .collect()
}

/// One recorded call.
pub struct Call<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub status: u16,
    /// The response body, `null` when empty.
    pub body: Value,
    /// The recorded response: status, body and headers.
    pub response: &'a Value,
    pub client_id: Option<&'a str>,
}

impl<'a> Call<'a> {
    pub fn of(record: &'a Value) -> Self {
        let response = &record["Response"];
        let status = response["STATUS_CODE"]
            .as_str()
            .expect("status")
            .parse()
            .expect("status");
        let body = match response["BODY"].as_str() {
            Some(text) if !text.is_empty() => serde_json::from_str(text).expect("recorded JSON"),
            _ => Value::Null,
        };
        Call {
            method: record["Method"].as_str().expect("Method"),
            url: record["Url"].as_str().expect("Url"),
            status,
            body,
            response,
            client_id: record["Headers"]["x-ms-client-request-id"].as_str(),
        }
    }
}

/// Every recorded response header is present (the fixed ones with the recorded value), no
/// `Content-Type` on a 204, and the client request id echoed.
pub fn compare_headers(at: &str, recorded: &Value, resp: &Resp, client_id: Option<&str>) {
    for (name, value) in recorded.as_object().expect("response") {
        if NOT_HEADERS.contains(&name.as_str()) || DEPLOYMENT_HEADERS.contains(&name.as_str()) {
            continue;
        }
        let ours = resp
            .header(name)
            .unwrap_or_else(|| panic!("{at}: no {name} header"));
        if matches!(
            name.as_str(),
            "cache-control"
                | "pragma"
                | "expires"
                | "content-type"
                | "strict-transport-security"
                | "x-content-type-options"
        ) {
            assert_eq!(ours, value.as_str().unwrap(), "{at}: {name}");
        }
    }
    if resp.status == 204 {
        assert_eq!(resp.header("content-type"), None, "{at}");
    }
    assert_eq!(
        resp.header("x-ms-client-request-id"),
        client_id,
        "{at}: echo"
    );
}

/// A list page: our item fields (but `ignored` paths) a subset of the recorded items' fields,
/// our item ids (field `id_field`) of a recorded shape, the same `nextLink` shape (or none where
/// the recorded vault, holding more, went on), an empty page where the recording has one.
/// Returns our `nextLink`.
pub fn compare_page(
    at: &str,
    recorded: &Value,
    ours: &Value,
    id_field: &str,
    ignored: &[&str],
) -> Option<String> {
    let comparable = |s: Shape| -> Shape {
        s.into_iter()
            .filter(|(p, _)| p != ".nextLink" && !ignored.iter().any(|i| p.ends_with(i)))
            .collect()
    };
    let ours_shape = comparable(shape_of(ours));
    let recorded_shape = comparable(shape_of(recorded));
    assert!(
        ours_shape.is_subset(&recorded_shape),
        "{at}: fields not in the recording: {:?}",
        ours_shape.difference(&recorded_shape).collect::<Vec<_>>()
    );
    let item_ids = |v: &Value| -> BTreeSet<String> {
        v["value"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| url_shape(i[id_field].as_str().unwrap()))
            .collect()
    };
    let recorded_ids = item_ids(recorded);
    for id in item_ids(ours) {
        assert!(
            recorded_ids.contains(&id),
            "{at}: {id_field} shape {id} vs {recorded_ids:?}"
        );
    }
    match (&ours["nextLink"], &recorded["nextLink"]) {
        (Value::String(o), Value::String(r)) => {
            assert_eq!(normalize_url(o), normalize_url(r), "{at}: nextLink");
        }
        (Value::String(o), Value::Null) => panic!("{at}: nextLink {o} where the service ended"),
        (Value::Null, _) => {}
        (other, _) => panic!("{at}: nextLink {other}"),
    }
    if recorded["value"].as_array().is_some_and(|v| v.is_empty()) {
        assert_eq!(ours["value"], json!([]), "{at}");
    }
    ours["nextLink"].as_str().map(str::to_owned)
}

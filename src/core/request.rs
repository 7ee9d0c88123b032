//! Operations as HTTP requests, and HTTP responses as results or errors.

use serde::Deserialize;

use super::error::{Error, Result};
use super::model::{request_body, KeyOptions};
use super::validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Patch,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// One operation, before the pipeline adds the vault, api-version, headers and token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub method: Method,
    /// Starts with `/`, may carry a query (never `api-version`, which the pipeline adds).
    /// Built only from validated names and versions, so it needs no escaping.
    pub path: String,
    pub body: Option<String>,
}

/// A request ready for a transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
}

/// The response headers the client reads; transports fetch these and no others.
pub const RESPONSE_HEADERS: [&str; 5] =
    ["www-authenticate", "x-ms-request-id", "retry-after", "retry-after-ms", "x-ms-retry-after-ms"];

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HttpResponse {
    pub status: u16,
    /// Lower-case names, only those in [`RESPONSE_HEADERS`].
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    pub fn request_id(&self) -> Option<&str> {
        self.header("x-ms-request-id")
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

#[derive(Deserialize)]
struct WireErrorBody {
    error: Option<WireError>,
}

#[derive(Deserialize)]
struct WireError {
    code: Option<String>,
    message: Option<String>,
}

/// `{"error":{"code","message"}}` as a `Service` error; any other body still yields an error
/// that names the status.
pub fn service_error(resp: &HttpResponse) -> Error {
    let parsed = serde_json::from_str::<WireErrorBody>(&resp.body).ok().and_then(|b| b.error);
    let (code, message) = match parsed {
        Some(WireError { code, message: Some(m) }) if !m.is_empty() => (code, m),
        Some(WireError { code, .. }) => {
            let m = format!("the service answered {} {}", resp.status, code.as_deref().unwrap_or(""));
            (code, m.trim_end().to_string())
        }
        None => (None, format!("the service answered {} without a Key Vault error body", resp.status)),
    };
    Error::Service { status: resp.status, code, message, request_id: resp.request_id().map(str::to_string) }
}

fn validate_options(o: &KeyOptions) -> Result<()> {
    if let Some(ct) = &o.content_type {
        validate::content_type(ct)?;
    }
    if let Some(tags) = &o.tags {
        validate::tags(tags)?;
    }
    Ok(())
}

fn versioned_path(name: &str, version: Option<&str>) -> Result<String> {
    validate::name(name)?;
    match version {
        Some(v) => {
            validate::version(v)?;
            Ok(format!("/secrets/{name}/{v}"))
        }
        None => Ok(format!("/secrets/{name}")),
    }
}

/// `setKey`: `PUT /secrets/{name}` — a new version with exactly the given properties.
pub fn set_key(name: &str, value: &str, options: &KeyOptions) -> Result<Operation> {
    validate::name(name)?;
    validate::value(value)?;
    validate_options(options)?;
    Ok(Operation { method: Method::Put, path: format!("/secrets/{name}"), body: Some(request_body(Some(value), options)) })
}

/// `getKey`: `GET /secrets/{name}[/{version}]`.
pub fn get_key(name: &str, version: Option<&str>) -> Result<Operation> {
    Ok(Operation { method: Method::Get, path: versioned_path(name, version)?, body: None })
}

/// `updateKeyProperties`: `PATCH /secrets/{name}[/{version}]` — never carries the value.
pub fn update_key_properties(name: &str, version: Option<&str>, options: &KeyOptions) -> Result<Operation> {
    let path = versioned_path(name, version)?;
    validate_options(options)?;
    Ok(Operation { method: Method::Patch, path, body: Some(request_body(None, options)) })
}

fn op(method: Method, path: String, body: Option<String>) -> Operation {
    Operation { method, path, body }
}

fn page_size(max_page_size: Option<u32>) -> Result<String> {
    match max_page_size {
        None => Ok(String::new()),
        Some(n @ 1..=25) => Ok(format!("?maxresults={n}")),
        Some(n) => Err(Error::range_error(format!("maxPageSize must be 1-25, not {n}"))),
    }
}

/// `listPropertiesOfKeys`: `GET /secrets`.
pub fn list_keys(max_page_size: Option<u32>) -> Result<Operation> {
    Ok(op(Method::Get, format!("/secrets{}", page_size(max_page_size)?), None))
}

/// `listPropertiesOfKeyVersions`: `GET /secrets/{name}/versions`.
pub fn list_key_versions(name: &str, max_page_size: Option<u32>) -> Result<Operation> {
    validate::name(name)?;
    Ok(op(Method::Get, format!("/secrets/{name}/versions{}", page_size(max_page_size)?), None))
}

/// `listDeletedKeys`: `GET /deletedsecrets`.
pub fn list_deleted_keys(max_page_size: Option<u32>) -> Result<Operation> {
    Ok(op(Method::Get, format!("/deletedsecrets{}", page_size(max_page_size)?), None))
}

/// The start of a deletion: `DELETE /secrets/{name}`.
pub fn delete_key(name: &str) -> Result<Operation> {
    validate::name(name)?;
    Ok(op(Method::Delete, format!("/secrets/{name}"), None))
}

/// `getDeletedKey`: `GET /deletedsecrets/{name}`.
pub fn get_deleted_key(name: &str) -> Result<Operation> {
    validate::name(name)?;
    Ok(op(Method::Get, format!("/deletedsecrets/{name}"), None))
}

/// The start of a recovery: `POST /deletedsecrets/{name}/recover`.
pub fn recover_deleted_key(name: &str) -> Result<Operation> {
    validate::name(name)?;
    Ok(op(Method::Post, format!("/deletedsecrets/{name}/recover"), None))
}

/// `purgeDeletedKey`: `DELETE /deletedsecrets/{name}`.
pub fn purge_deleted_key(name: &str) -> Result<Operation> {
    validate::name(name)?;
    Ok(op(Method::Delete, format!("/deletedsecrets/{name}"), None))
}

/// `backupKey`: `POST /secrets/{name}/backup`.
pub fn backup_key(name: &str) -> Result<Operation> {
    validate::name(name)?;
    Ok(op(Method::Post, format!("/secrets/{name}/backup"), None))
}

/// `restoreKeyBackup`: `POST /secrets/restore`.
pub fn restore_key(backup: &[u8]) -> Result<Operation> {
    if backup.is_empty() {
        return Err(Error::range_error("backup is empty"));
    }
    Ok(op(Method::Post, "/secrets/restore".into(), Some(super::model::restore_body(backup))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse { status, headers: vec![("x-ms-request-id", "rid".into())], body: body.into() }
    }

    #[test]
    fn maps_service_errors() {
        let e = service_error(&resp(404, r#"{"error":{"code":"SecretNotFound","message":"A secret with (name/id) x was not found"}}"#));
        assert_eq!(
            e,
            Error::Service {
                status: 404,
                code: Some("SecretNotFound".into()),
                message: "A secret with (name/id) x was not found".into(),
                request_id: Some("rid".into())
            }
        );
        for body in ["", "<html>bad gateway</html>", "{", r#"{"error":null}"#, r#"{"error":{"code":5}}"#] {
            match service_error(&resp(502, body)) {
                Error::Service { status: 502, message, .. } => assert!(message.contains("502"), "{body}: {message}"),
                other => panic!("{body}: {other:?}"),
            }
        }
        assert!(resp(204, "").is_success() && !resp(502, "").is_success());
    }

    #[test]
    fn operations() {
        let op = set_key("myKey", "v", &KeyOptions::default()).unwrap();
        assert_eq!((op.method, op.path.as_str()), (Method::Put, "/secrets/myKey"));
        let v = "62909adf7f044dc8b1838da90306af40";
        assert_eq!(get_key("a", Some(v)).unwrap().path, format!("/secrets/a/{v}"));
        assert_eq!(get_key("a", None).unwrap().path, "/secrets/a");
        let op = update_key_properties("a", None, &KeyOptions { enabled: Some(true), ..Default::default() }).unwrap();
        assert_eq!((op.method, op.body.as_deref()), (Method::Patch, Some(r#"{"attributes":{"enabled":true}}"#)));
        assert!(get_key("../a", None).is_err());
        assert!(get_key("a", Some("../../x")).is_err());
        let many = KeyOptions { tags: Some((0..16).map(|i| (i.to_string(), String::new())).collect()), ..Default::default() };
        assert!(set_key("a", "v", &many).is_err());
        assert!(update_key_properties("a", None, &many).is_err());
    }

    #[test]
    fn lifecycle_operations() {
        assert_eq!(list_keys(None).unwrap().path, "/secrets");
        assert_eq!(list_keys(Some(25)).unwrap().path, "/secrets?maxresults=25");
        assert!(list_keys(Some(0)).is_err() && list_keys(Some(26)).is_err());
        assert_eq!(list_key_versions("k", Some(3)).unwrap().path, "/secrets/k/versions?maxresults=3");
        assert_eq!(list_deleted_keys(None).unwrap().path, "/deletedsecrets");
        assert_eq!((delete_key("k").unwrap().method, purge_deleted_key("k").unwrap().method), (Method::Delete, Method::Delete));
        assert_eq!(purge_deleted_key("k").unwrap().path, "/deletedsecrets/k");
        assert_eq!(recover_deleted_key("k").unwrap().path, "/deletedsecrets/k/recover");
        assert_eq!(backup_key("k").unwrap().path, "/secrets/k/backup");
        assert_eq!(restore_key(&[1, 2, 255]).unwrap().body.as_deref(), Some(r#"{"value":"AQL_"}"#));
        assert!(restore_key(&[]).is_err());
        for f in [delete_key, get_deleted_key, recover_deleted_key, purge_deleted_key, backup_key] {
            assert!(f("../x").is_err());
        }
    }
}

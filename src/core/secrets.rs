//! The secrets plane: each operation validated and built into a request, then run by the
//! pipeline. The root entry's `KeyClient` (string-valued keys) is this plane.
//!
//! What a successful response means is read by the host (`js/secrets-model.mjs`): it parses
//! JSON natively, and building its own objects from it costs less than building them here
//! and carrying them across (measured: bench/README.md).

use super::error::{Error, Result};
use super::listing::{self, Listing};
use super::pipeline::{Action, Call, Config, Method, Operation, Pipeline};
use super::text::{concat, JsonObject};
use super::validate;

/// What `set` and `update` may send besides the value. `None` = not sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct SecretOptions<'a> {
    pub content_type: Option<&'a str>,
    pub enabled: Option<bool>,
    /// Unix seconds.
    pub not_before: Option<i64>,
    pub expires_on: Option<i64>,
    /// Name, value, name, value...
    pub tags: Option<&'a [String]>,
}

impl SecretOptions<'_> {
    fn validate(&self) -> Result<()> {
        if let Some(ct) = self.content_type {
            validate::content_type(ct)?;
        }
        if let Some(tags) = self.tags {
            validate::tags(tags)?;
        }
        Ok(())
    }

    /// The JSON body of `PUT /secrets/{name}` (with a value) or `PATCH` (without).
    fn body(&self, value: Option<&str>) -> String {
        let mut body = JsonObject::new();
        if let Some(v) = value {
            body.string("value", v);
        }
        if let Some(ct) = self.content_type {
            body.string("contentType", ct);
        }
        let mut attributes = JsonObject::new();
        if let Some(enabled) = self.enabled {
            attributes.bool("enabled", enabled);
        }
        if let Some(nbf) = self.not_before {
            attributes.int("nbf", nbf);
        }
        if let Some(exp) = self.expires_on {
            attributes.int("exp", exp);
        }
        if !attributes.is_empty() {
            body.object("attributes", attributes);
        }
        if let Some(tags) = self.tags {
            let mut t = JsonObject::new();
            for pair in tags.chunks(2) {
                t.string(&pair[0], pair.get(1).map_or("", |v| v.as_str()));
            }
            body.object("tags", t);
        }
        body.finish()
    }
}

/// The operations on one secret by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// `DELETE /secrets/{name}`: starts a deletion.
    Delete,
    /// `GET /deletedsecrets/{name}`
    GetDeleted,
    /// `POST /deletedsecrets/{name}/recover`: starts a recovery.
    Recover,
    /// `DELETE /deletedsecrets/{name}`
    Purge,
    /// `POST /secrets/{name}/backup`
    Backup,
}

/// A secrets-plane client: operations in, [`Call`]s and their first [`Action`] out.
pub struct SecretsClient {
    pub pipeline: Pipeline,
}

fn versioned_path(name: &str, version: Option<&str>) -> Result<String> {
    validate::name(name)?;
    match version {
        Some(v) => {
            validate::version(v)?;
            Ok(concat(&["/secrets/", name, "/", v]))
        }
        None => Ok(concat(&["/secrets/", name])),
    }
}

fn op(method: Method, path: String, body: Option<String>) -> Operation {
    Operation { method, path, body }
}

impl SecretsClient {
    pub fn new(config: Config, seed: u64) -> Self {
        SecretsClient {
            pipeline: Pipeline::new(config, seed),
        }
    }

    fn start(&mut self, op: Result<Operation>, now_ms: f64) -> Result<(Call, Action)> {
        Ok(self.pipeline.start(op?, now_ms))
    }

    /// `PUT /secrets/{name}`: a new version with exactly the given properties.
    pub fn set(
        &mut self,
        name: &str,
        value: &str,
        options: &SecretOptions,
        now_ms: f64,
    ) -> Result<(Call, Action)> {
        let op = (|| {
            validate::name(name)?;
            validate::value(value)?;
            options.validate()?;
            Ok(op(
                Method::Put,
                concat(&["/secrets/", name]),
                Some(options.body(Some(value))),
            ))
        })();
        self.start(op, now_ms)
    }

    /// `GET /secrets/{name}[/{version}]`.
    pub fn get(
        &mut self,
        name: &str,
        version: Option<&str>,
        now_ms: f64,
    ) -> Result<(Call, Action)> {
        let op = versioned_path(name, version).map(|path| op(Method::Get, path, None));
        self.start(op, now_ms)
    }

    /// `PATCH /secrets/{name}[/{version}]`: only the given properties, never the value.
    pub fn update(
        &mut self,
        name: &str,
        version: Option<&str>,
        options: &SecretOptions,
        now_ms: f64,
    ) -> Result<(Call, Action)> {
        let op = versioned_path(name, version).and_then(|path| {
            options.validate()?;
            Ok(op(Method::Patch, path, Some(options.body(None))))
        });
        self.start(op, now_ms)
    }

    /// One page of a listing (see [`listing::page`]).
    pub fn list(
        &mut self,
        listing: Listing,
        name: Option<&str>,
        max_page_size: Option<u32>,
        continuation_token: Option<&str>,
        now_ms: f64,
    ) -> Result<(Call, Action)> {
        let op = listing::page(
            &self.pipeline,
            "secrets",
            listing,
            name,
            max_page_size,
            continuation_token,
        );
        self.start(op, now_ms)
    }

    pub fn named(&mut self, which: Named, name: &str, now_ms: f64) -> Result<(Call, Action)> {
        let op = validate::name(name).map(|()| match which {
            Named::Delete => op(Method::Delete, concat(&["/secrets/", name]), None),
            Named::GetDeleted => op(Method::Get, concat(&["/deletedsecrets/", name]), None),
            Named::Recover => op(
                Method::Post,
                concat(&["/deletedsecrets/", name, "/recover"]),
                None,
            ),
            Named::Purge => op(Method::Delete, concat(&["/deletedsecrets/", name]), None),
            Named::Backup => op(Method::Post, concat(&["/secrets/", name, "/backup"]), None),
        });
        self.start(op, now_ms)
    }

    /// `POST /secrets/restore` with a backup (its bytes as base64url, as the host encodes them).
    pub fn restore(&mut self, backup: &str, now_ms: f64) -> Result<(Call, Action)> {
        let op = if backup.is_empty() {
            Err(Error::range_error("backup is empty"))
        } else {
            let mut body = JsonObject::new();
            body.string("value", backup);
            Ok(op(
                Method::Post,
                "/secrets/restore".into(),
                Some(body.finish()),
            ))
        };
        self.start(op, now_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::test_support::{config, request};

    fn client() -> SecretsClient {
        SecretsClient::new(config(), 1)
    }

    #[test]
    fn bodies() {
        let mut c = client();
        let tags = ["b".to_string(), "1".into(), "a".into(), "\"q\"".into()];
        let opts = SecretOptions {
            content_type: Some("application/json"),
            expires_on: Some(4_102_444_800),
            tags: Some(&tags),
            ..Default::default()
        };
        let (_, _, body) = request(c.set("k", "v", &opts, 0.0));
        assert_eq!(
            body.as_deref(),
            Some(
                r#"{"value":"v","contentType":"application/json","attributes":{"exp":4102444800},"tags":{"b":"1","a":"\"q\""}}"#
            )
        );
        let off = SecretOptions {
            enabled: Some(false),
            not_before: Some(-1),
            ..Default::default()
        };
        assert_eq!(
            request(c.update("k", None, &off, 0.0)).2.as_deref(),
            Some(r#"{"attributes":{"enabled":false,"nbf":-1}}"#)
        );
        assert_eq!(
            request(c.set("k", "", &SecretOptions::default(), 0.0))
                .2
                .as_deref(),
            Some(r#"{"value":""}"#)
        );
        assert_eq!(
            request(c.restore("AQL_", 0.0)).2.as_deref(),
            Some(r#"{"value":"AQL_"}"#)
        );
    }

    #[test]
    fn paths() {
        let mut c = client();
        let v = "62909adf7f044dc8b1838da90306af40";
        assert_eq!(
            request(c.get("a", Some(v), 0.0)),
            (Method::Get, format!("/secrets/a/{v}?api-version=7.5"), None)
        );
        assert_eq!(
            request(c.get("a", None, 0.0)).1,
            "/secrets/a?api-version=7.5"
        );
        assert_eq!(
            request(c.list(Listing::Items, None, Some(25), None, 0.0)).1,
            "/secrets?maxresults=25&api-version=7.5"
        );
        assert_eq!(
            request(c.list(Listing::Versions, Some("k"), Some(3), None, 0.0)).1,
            "/secrets/k/versions?maxresults=3&api-version=7.5"
        );
        assert_eq!(
            request(c.list(Listing::Deleted, None, None, None, 0.0)).1,
            "/deletedsecrets?api-version=7.5"
        );
        let next =
            "https://v.vault.azure.net:443/secrets?api-version=7.5&$skiptoken=abc&maxresults=3";
        assert_eq!(
            request(c.list(Listing::Items, None, None, Some(next), 0.0)).1,
            "/secrets?api-version=7.5&$skiptoken=abc&maxresults=3"
        );
        for (which, method, path) in [
            (Named::Delete, Method::Delete, "/secrets/k"),
            (Named::GetDeleted, Method::Get, "/deletedsecrets/k"),
            (Named::Recover, Method::Post, "/deletedsecrets/k/recover"),
            (Named::Purge, Method::Delete, "/deletedsecrets/k"),
            (Named::Backup, Method::Post, "/secrets/k/backup"),
        ] {
            let expected = (method, format!("{path}?api-version=7.5"), None);
            assert_eq!(request(c.named(which, "k", 0.0)), expected);
        }
    }

    #[test]
    fn refuses_bad_arguments_before_anything_is_sent() {
        let mut c = client();
        let many: Vec<String> = (0..16)
            .flat_map(|i| [i.to_string(), String::new()])
            .collect();
        let many = SecretOptions {
            tags: Some(&many),
            ..Default::default()
        };
        let none = SecretOptions::default();
        let refused = [
            c.get("../a", None, 0.0).err(),
            c.get("a", Some("../../x"), 0.0).err(),
            c.set("a", "v", &many, 0.0).err(),
            c.update("a", None, &many, 0.0).err(),
            c.set("a", &"x".repeat(25 * 1024 + 1), &none, 0.0).err(),
            c.list(Listing::Items, None, Some(0), None, 0.0).err(),
            c.list(Listing::Items, None, Some(26), None, 0.0).err(),
            c.list(Listing::Versions, Some("a b"), None, None, 0.0)
                .err(),
            c.list(
                Listing::Items,
                None,
                None,
                Some("https://evil.example/secrets"),
                0.0,
            )
            .err(),
            c.restore("", 0.0).err(),
        ];
        for (i, e) in refused.into_iter().enumerate() {
            assert!(matches!(e, Some(Error::Argument { .. })), "case {i}: {e:?}");
        }
        for which in [
            Named::Delete,
            Named::GetDeleted,
            Named::Recover,
            Named::Purge,
            Named::Backup,
        ] {
            assert!(c.named(which, "../x", 0.0).is_err());
        }
    }
}

//! The keys plane: each operation validated and built into a request, then run by the
//! pipeline, as the secrets plane does.
//!
//! Everything arrives as strings, integers, booleans and flat string lists (the host has
//! checked JavaScript types); binary data arrives as base64url text, which the host encodes.
//! Values the service defines as a closed set (key types, curves, operations, algorithms) are
//! refused here when they are not in it, so a typo costs no round trip and names what is
//! accepted. What only the service can judge (whether a key may do an operation, policy
//! contents, the key material itself) is left to it.
//!
//! Messages name arguments the way the JavaScript API does (`keySize`, `keyOps`, `plaintext`),
//! and never quote base64url input: it may be key material or plaintext.
//!
//! Versions: `get` and `update` without one address the latest version (`/keys/{name}`). The
//! cryptographic operations and `release` require one: the REST spec's only paths for them
//! name a version, and what the service's recorded behaviour shows of an empty version segment
//! (`/keys/{name}/` meaning the latest) covers GET and PATCH only. So a missing version is
//! refused with a RangeError rather than guessed.

use super::duration::Duration;
use super::error::{Error, Result};
use super::listing::{self, Listing};
use super::pipeline::{Action, Call, Config, Method, Operation, Pipeline};
use super::text::{concat, int, quoted, JsonArray, JsonObject};
use super::validate;

pub const KEY_TYPES: [&str; 6] = ["RSA", "RSA-HSM", "EC", "EC-HSM", "oct", "oct-HSM"];
pub const CURVES: [&str; 4] = ["P-256", "P-384", "P-521", "P-256K"];
pub const KEY_OPS: [&str; 8] = [
    "encrypt",
    "decrypt",
    "sign",
    "verify",
    "wrapKey",
    "unwrapKey",
    "import",
    "export",
];
pub const SIGNATURE_ALGORITHMS: [&str; 10] = [
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "ES256K",
];
pub const ENCRYPTION_ALGORITHMS: [&str; 12] = [
    "RSA1_5",
    "RSA-OAEP",
    "RSA-OAEP-256",
    "A128GCM",
    "A192GCM",
    "A256GCM",
    "A128CBC",
    "A192CBC",
    "A256CBC",
    "A128CBCPAD",
    "A192CBCPAD",
    "A256CBCPAD",
];
pub const WRAP_ALGORITHMS: [&str; 6] = [
    "RSA1_5",
    "RSA-OAEP",
    "RSA-OAEP-256",
    "A128KW",
    "A192KW",
    "A256KW",
];
/// How a released key's material is wrapped (`enc` of a release).
pub const RELEASE_ALGORITHMS: [&str; 3] = [
    "CKM_RSA_AES_KEY_WRAP",
    "RSA_AES_KEY_WRAP_256",
    "RSA_AES_KEY_WRAP_384",
];

/// The members an imported JWK may carry, as the caller names them and as the service does:
/// the protected key of "Bring Your Own Key" is `t` in JavaScript and `key_hsm` on the wire.
/// All but `kty` and `crv` are base64url.
const JWK_MEMBERS: [(&str, &str); 14] = [
    ("kty", "kty"),
    ("n", "n"),
    ("e", "e"),
    ("d", "d"),
    ("dp", "dp"),
    ("dq", "dq"),
    ("qi", "qi"),
    ("p", "p"),
    ("q", "q"),
    ("crv", "crv"),
    ("x", "x"),
    ("y", "y"),
    ("k", "k"),
    ("t", "key_hsm"),
];

/// A key's attributes as create, import and update send them. `None` = not sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KeyAttributes {
    pub enabled: Option<bool>,
    /// Unix seconds.
    pub not_before: Option<i64>,
    pub expires_on: Option<i64>,
    pub exportable: Option<bool>,
}

impl KeyAttributes {
    fn write(&self, body: &mut JsonObject) {
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
        if let Some(exportable) = self.exportable {
            attributes.bool("exportable", exportable);
        }
        if !attributes.is_empty() {
            body.object("attributes", attributes);
        }
    }
}

/// The rules under which a key may be released (exported).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReleasePolicy<'a> {
    /// The policy document as base64url text.
    pub data: &'a str,
    pub content_type: Option<&'a str>,
    pub immutable: Option<bool>,
}

impl ReleasePolicy<'_> {
    fn validate(&self) -> Result<()> {
        bytes("releasePolicy.encodedPolicy", self.data)
    }

    fn write(&self, body: &mut JsonObject) {
        let mut policy = JsonObject::new();
        if let Some(ct) = self.content_type {
            policy.string("contentType", ct);
        }
        if let Some(immutable) = self.immutable {
            policy.bool("immutable", immutable);
        }
        policy.string("data", self.data);
        body.object("release_policy", policy);
    }
}

/// What `create` sends. `None` = not sent: the service's defaults apply.
#[derive(Debug, Clone, Copy, Default)]
pub struct CreateKey<'a> {
    /// One of [`KEY_TYPES`].
    pub kty: &'a str,
    /// RSA: 2048, 3072 or 4096; oct: 128, 192 or 256. EC keys take `curve` instead.
    pub key_size: Option<u32>,
    /// RSA only.
    pub public_exponent: Option<u32>,
    /// EC only: one of [`CURVES`].
    pub curve: Option<&'a str>,
    pub key_ops: Option<&'a [String]>,
    pub attributes: KeyAttributes,
    /// Name, value, name, value...
    pub tags: Option<&'a [String]>,
    pub release_policy: Option<ReleasePolicy<'a>>,
}

/// What `import` sends.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportKey<'a> {
    /// The JSON Web Key as name, value, name, value...: `kty` and `crv` as plain text, every
    /// other member base64url. Its operations come separately, as `key_ops`.
    pub jwk: &'a [String],
    pub key_ops: Option<&'a [String]>,
    /// Whether the service holds it in an HSM (sent as `Hsm`).
    pub hsm: Option<bool>,
    pub attributes: KeyAttributes,
    pub tags: Option<&'a [String]>,
    pub release_policy: Option<ReleasePolicy<'a>>,
}

/// The operations on one key by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// `DELETE /keys/{name}`: starts a deletion.
    Delete,
    /// `GET /deletedkeys/{name}`
    GetDeleted,
    /// `POST /deletedkeys/{name}/recover`: starts a recovery.
    Recover,
    /// `DELETE /deletedkeys/{name}`
    Purge,
    /// `POST /keys/{name}/backup`
    Backup,
    /// `POST /keys/{name}/rotate`: a new version made now.
    Rotate,
    /// `GET /keys/{name}/rotationpolicy`
    GetRotationPolicy,
}

/// The cryptographic operations that send `{alg, value, ...}` ([`KeysClient::verify`] sends
/// a digest besides, so it has its own method).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptoOp {
    Encrypt,
    Decrypt,
    WrapKey,
    UnwrapKey,
    Sign,
}

impl CryptoOp {
    /// The last path segment.
    fn segment(self) -> &'static str {
        match self {
            CryptoOp::Encrypt => "encrypt",
            CryptoOp::Decrypt => "decrypt",
            CryptoOp::WrapKey => "wrapkey",
            CryptoOp::UnwrapKey => "unwrapkey",
            CryptoOp::Sign => "sign",
        }
    }

    /// Its name in messages, as in `key_ops`.
    fn name(self) -> &'static str {
        match self {
            CryptoOp::Encrypt => "encrypt",
            CryptoOp::Decrypt => "decrypt",
            CryptoOp::WrapKey => "wrapKey",
            CryptoOp::UnwrapKey => "unwrapKey",
            CryptoOp::Sign => "sign",
        }
    }

    /// What its `value` is called in messages.
    fn input(self) -> &'static str {
        match self {
            CryptoOp::Encrypt => "plaintext",
            CryptoOp::Decrypt => "ciphertext",
            CryptoOp::WrapKey => "key",
            CryptoOp::UnwrapKey => "encryptedKey",
            CryptoOp::Sign => "digest",
        }
    }

    fn algorithms(self) -> &'static [&'static str] {
        match self {
            CryptoOp::Encrypt | CryptoOp::Decrypt => &ENCRYPTION_ALGORITHMS,
            CryptoOp::WrapKey | CryptoOp::UnwrapKey => &WRAP_ALGORITHMS,
            CryptoOp::Sign => &SIGNATURE_ALGORITHMS,
        }
    }
}

/// A keys-plane client: operations in, [`Call`]s and their first [`Action`] out.
pub struct KeysClient {
    pub pipeline: Pipeline,
}

fn op(method: Method, path: String, body: Option<String>) -> Operation {
    Operation { method, path, body }
}

/// `value` is one of `accepted` (compared exactly, as the service's enums are).
fn one_of(what: &str, value: &str, accepted: &[&str]) -> Result<()> {
    if accepted.contains(&value) {
        return Ok(());
    }
    Err(Error::range_error(concat(&[
        what,
        " must be one of ",
        &accepted.join(", "),
        ": ",
        &quoted(value),
    ])))
}

/// base64url text: `A-Z a-z 0-9 - _`, padding with `=` allowed but not needed. The message
/// names the offending character, not the text.
fn base64url(what: &str, text: &str) -> Result<()> {
    let data = text.trim_end_matches('=');
    let bad = data
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    if let Some((at, c)) = bad {
        // Everything before `at` is ASCII, so `at` counts characters.
        return Err(Error::range_error(concat(&[
            what,
            " must be base64url (A-Z, a-z, 0-9, '-', '_'); it has ",
            &quoted(c.encode_utf8(&mut [0; 4])),
            " at ",
            &int(at as i64),
        ])));
    }
    let padding = text.len() - data.len();
    if data.len() % 4 == 1 || padding > 2 || (padding > 0 && text.len() % 4 != 0) {
        return Err(Error::range_error(concat(&[
            what,
            " is not base64url: a length of ",
            &int(text.len() as i64),
            " cannot encode whole bytes",
        ])));
    }
    Ok(())
}

/// Non-empty base64url text.
fn bytes(what: &str, text: &str) -> Result<()> {
    if text.is_empty() {
        return Err(Error::range_error(concat(&[what, " is empty"])));
    }
    base64url(what, text)
}

fn key_ops(ops: &[String]) -> Result<()> {
    ops.iter()
        .try_for_each(|o| one_of("keyOps entries", o, &KEY_OPS))
}

fn strings(items: &[String]) -> JsonArray {
    let mut array = JsonArray::new();
    for item in items {
        array.string(item);
    }
    array
}

/// An ISO-8601 duration, its message naming the argument.
fn duration(what: &str, text: &str) -> Result<()> {
    Duration::parse(text)
        .map(|_| ())
        .map_err(|e| Error::range_error(concat(&[what, " is ", e.message()])))
}

/// Checks what create, import and update have in common.
fn validate_properties(
    ops: Option<&[String]>,
    tags: Option<&[String]>,
    release_policy: Option<&ReleasePolicy>,
) -> Result<()> {
    if let Some(ops) = ops {
        key_ops(ops)?;
    }
    if let Some(tags) = tags {
        validate::tags(tags)?;
    }
    if let Some(policy) = release_policy {
        policy.validate()?;
    }
    Ok(())
}

/// Writes `attributes`, `tags` and `release_policy`, in that order, each if given.
fn write_properties(
    body: &mut JsonObject,
    attributes: &KeyAttributes,
    tags: Option<&[String]>,
    release_policy: Option<&ReleasePolicy>,
) {
    attributes.write(body);
    if let Some(tags) = tags {
        let mut t = JsonObject::new();
        for pair in tags.chunks(2) {
            t.string(&pair[0], pair.get(1).map_or("", |v| v.as_str()));
        }
        body.object("tags", t);
    }
    if let Some(policy) = release_policy {
        policy.write(body);
    }
}

/// `/keys/{name}[/{version}]`. Without a version the service answers for the latest one
/// (recorded for `GET /keys/{name}`; `PATCH` takes the same path, as in the secrets plane).
fn key_path(name: &str, version: Option<&str>) -> Result<String> {
    validate::name(name)?;
    match version {
        Some(v) => {
            validate::version(v)?;
            Ok(concat(&["/keys/", name, "/", v]))
        }
        None => Ok(concat(&["/keys/", name])),
    }
}

/// `/keys/{name}/{version}/{segment}`, for the cryptographic operations and release: the
/// version is required (see the module's docs).
fn operation_path(name: &str, version: Option<&str>, what: &str, segment: &str) -> Result<String> {
    validate::name(name)?;
    let version =
        version.ok_or_else(|| Error::range_error(concat(&["version is required for ", what])))?;
    validate::version(version)?;
    Ok(concat(&["/keys/", name, "/", version, "/", segment]))
}

/// The JWK's members by [`JWK_MEMBERS`] position, each checked; `kty` is required.
fn jwk_members(flat: &[String]) -> Result<[Option<&str>; 14]> {
    if flat.len() % 2 != 0 {
        return Err(Error::range_error(
            "jwk must be name, value pairs; it has an odd number of entries",
        ));
    }
    let mut members = [None; 14];
    for pair in flat.chunks(2) {
        let (name, value) = (pair[0].as_str(), pair[1].as_str());
        let Some(i) = JWK_MEMBERS.iter().position(|(n, _)| *n == name) else {
            let accepted: Vec<&str> = JWK_MEMBERS.iter().map(|(n, _)| *n).collect();
            return Err(Error::range_error(concat(&[
                "jwk member ",
                &quoted(name),
                " is not one of ",
                &accepted.join(", "),
                " (keyOps are given separately)",
            ])));
        };
        if members[i].replace(value).is_some() {
            return Err(Error::range_error(concat(&[
                "jwk member ",
                &quoted(name),
                " is given twice",
            ])));
        }
        match name {
            "kty" => one_of("jwk.kty", value, &KEY_TYPES)?,
            "crv" => one_of("jwk.crv", value, &CURVES)?,
            _ => bytes(&concat(&["jwk.", name]), value)?,
        }
    }
    if members[0].is_none() {
        return Err(Error::range_error("jwk.kty is required"));
    }
    Ok(members)
}

/// `{lifetimeActions, attributes}` of a rotation policy (see `update_rotation_policy`).
fn rotation_policy_body(expires_after: Option<&str>, actions: &[String]) -> Result<String> {
    if actions.len() % 3 != 0 {
        return Err(Error::range_error(
            "lifetimeActions must be triples of action, timeAfterCreate, timeBeforeExpiry",
        ));
    }
    let mut list = JsonArray::new();
    for (i, triple) in actions.chunks(3).enumerate() {
        let at = concat(&["lifetimeActions[", &int(i as i64), "]"]);
        let kind = match triple[0].as_str() {
            k if k.eq_ignore_ascii_case("rotate") => "Rotate",
            k if k.eq_ignore_ascii_case("notify") => "Notify",
            k => {
                return Err(Error::range_error(concat(&[
                    &at,
                    ".action must be Rotate or Notify: ",
                    &quoted(k),
                ])))
            }
        };
        let (after, before) = (triple[1].as_str(), triple[2].as_str());
        let (when, time) = match (after.is_empty(), before.is_empty()) {
            (false, true) => ("timeAfterCreate", after),
            (true, false) => ("timeBeforeExpiry", before),
            _ => {
                return Err(Error::range_error(concat(&[
                    &at,
                    " needs exactly one of timeAfterCreate and timeBeforeExpiry",
                ])))
            }
        };
        // The spec: timeAfterCreate "only applies to rotate".
        if kind == "Notify" && when == "timeAfterCreate" {
            return Err(Error::range_error(concat(&[
                &at,
                ": a Notify action is triggered by timeBeforeExpiry only",
            ])));
        }
        duration(&concat(&[&at, ".", when]), time)?;
        let mut trigger = JsonObject::new();
        trigger.string(when, time);
        let mut action = JsonObject::new();
        action.string("type", kind);
        let mut item = JsonObject::new();
        item.object("trigger", trigger);
        item.object("action", action);
        list.object(item);
    }
    let mut attributes = JsonObject::new();
    if let Some(expiry) = expires_after {
        duration("expiresIn", expiry)?;
        attributes.string("expiryTime", expiry);
    }
    let mut body = JsonObject::new();
    body.array("lifetimeActions", list);
    body.object("attributes", attributes);
    Ok(body.finish())
}

impl KeysClient {
    pub fn new(config: Config, seed: u64) -> Self {
        KeysClient {
            pipeline: Pipeline::new(config, seed),
        }
    }

    fn start(&mut self, op: Result<Operation>, now_ms: f64) -> Result<(Call, Action)> {
        Ok(self.pipeline.start(op?, now_ms))
    }

    /// `POST /keys/{name}/create`: a new key, or a new version of one, made by the service.
    pub fn create(&mut self, name: &str, key: &CreateKey, now_ms: f64) -> Result<(Call, Action)> {
        let op = (|| {
            validate::name(name)?;
            one_of("keyType", key.kty, &KEY_TYPES)?;
            let family = key.kty.trim_end_matches("-HSM");
            match (family, key.key_size) {
                (_, None) | ("RSA", Some(2048 | 3072 | 4096)) | ("oct", Some(128 | 192 | 256)) => {}
                ("RSA", Some(n)) => {
                    return Err(Error::range_error(concat(&[
                        "keySize of an RSA key must be 2048, 3072 or 4096, not ",
                        &int(n.into()),
                    ])))
                }
                ("oct", Some(n)) => {
                    return Err(Error::range_error(concat(&[
                        "keySize of an oct key must be 128, 192 or 256, not ",
                        &int(n.into()),
                    ])))
                }
                (_, Some(_)) => {
                    return Err(Error::range_error(
                        "keySize does not apply to EC keys: their curve sets it",
                    ))
                }
            }
            if let Some(e) = key.public_exponent {
                if family != "RSA" {
                    return Err(Error::range_error(
                        "publicExponent applies to RSA keys only",
                    ));
                }
                if e < 3 || e % 2 == 0 {
                    return Err(Error::range_error(concat(&[
                        "publicExponent must be odd and at least 3, not ",
                        &int(e.into()),
                    ])));
                }
            }
            if let Some(curve) = key.curve {
                if family != "EC" {
                    return Err(Error::range_error("curve applies to EC keys only"));
                }
                one_of("curve", curve, &CURVES)?;
            }
            validate_properties(key.key_ops, key.tags, key.release_policy.as_ref())?;

            let mut body = JsonObject::new();
            body.string("kty", key.kty);
            if let Some(size) = key.key_size {
                body.int("key_size", size.into());
            }
            if let Some(e) = key.public_exponent {
                body.int("public_exponent", e.into());
            }
            if let Some(curve) = key.curve {
                body.string("crv", curve);
            }
            if let Some(ops) = key.key_ops {
                body.array("key_ops", strings(ops));
            }
            write_properties(
                &mut body,
                &key.attributes,
                key.tags,
                key.release_policy.as_ref(),
            );
            Ok(op(
                Method::Post,
                concat(&["/keys/", name, "/create"]),
                Some(body.finish()),
            ))
        })();
        self.start(op, now_ms)
    }

    /// `PUT /keys/{name}`: a new version holding the caller's key material.
    pub fn import(&mut self, name: &str, key: &ImportKey, now_ms: f64) -> Result<(Call, Action)> {
        let op = (|| {
            validate::name(name)?;
            let members = jwk_members(key.jwk)?;
            validate_properties(key.key_ops, key.tags, key.release_policy.as_ref())?;

            let mut jwk = JsonObject::new();
            for (i, &(_, wire)) in JWK_MEMBERS.iter().enumerate() {
                if let Some(value) = members[i] {
                    jwk.string(wire, value);
                }
                if i == 0 {
                    if let Some(ops) = key.key_ops {
                        jwk.array("key_ops", strings(ops));
                    }
                }
            }
            let mut body = JsonObject::new();
            body.object("key", jwk);
            if let Some(hsm) = key.hsm {
                body.bool("Hsm", hsm);
            }
            write_properties(
                &mut body,
                &key.attributes,
                key.tags,
                key.release_policy.as_ref(),
            );
            Ok(op(
                Method::Put,
                concat(&["/keys/", name]),
                Some(body.finish()),
            ))
        })();
        self.start(op, now_ms)
    }

    /// `GET /keys/{name}[/{version}]`: the public part and the properties.
    pub fn get(
        &mut self,
        name: &str,
        version: Option<&str>,
        now_ms: f64,
    ) -> Result<(Call, Action)> {
        let op = key_path(name, version).map(|path| op(Method::Get, path, None));
        self.start(op, now_ms)
    }

    /// `PATCH /keys/{name}[/{version}]`: only the given properties; never the key itself.
    #[allow(clippy::too_many_arguments)] // one for one with the JavaScript method's inputs
    pub fn update(
        &mut self,
        name: &str,
        version: Option<&str>,
        ops: Option<&[String]>,
        attributes: &KeyAttributes,
        tags: Option<&[String]>,
        release_policy: Option<&ReleasePolicy>,
        now_ms: f64,
    ) -> Result<(Call, Action)> {
        let op = key_path(name, version).and_then(|path| {
            validate_properties(ops, tags, release_policy)?;
            let mut body = JsonObject::new();
            if let Some(ops) = ops {
                body.array("key_ops", strings(ops));
            }
            write_properties(&mut body, attributes, tags, release_policy);
            Ok(op(Method::Patch, path, Some(body.finish())))
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
            "keys",
            listing,
            name,
            max_page_size,
            continuation_token,
        );
        self.start(op, now_ms)
    }

    pub fn named(&mut self, which: Named, name: &str, now_ms: f64) -> Result<(Call, Action)> {
        let op = validate::name(name).map(|()| {
            let (method, path) = match which {
                Named::Delete => (Method::Delete, concat(&["/keys/", name])),
                Named::GetDeleted => (Method::Get, concat(&["/deletedkeys/", name])),
                Named::Recover => (Method::Post, concat(&["/deletedkeys/", name, "/recover"])),
                Named::Purge => (Method::Delete, concat(&["/deletedkeys/", name])),
                Named::Backup => (Method::Post, concat(&["/keys/", name, "/backup"])),
                Named::Rotate => (Method::Post, concat(&["/keys/", name, "/rotate"])),
                Named::GetRotationPolicy => {
                    (Method::Get, concat(&["/keys/", name, "/rotationpolicy"]))
                }
            };
            op(method, path, None)
        });
        self.start(op, now_ms)
    }

    /// `POST /keys/restore` with a backup (its bytes as base64url, as the host encodes them).
    pub fn restore(&mut self, backup: &str, now_ms: f64) -> Result<(Call, Action)> {
        let op = bytes("backup", backup).map(|()| {
            let mut body = JsonObject::new();
            body.string("value", backup);
            op(Method::Post, "/keys/restore".into(), Some(body.finish()))
        });
        self.start(op, now_ms)
    }

    /// `PUT /keys/{name}/rotationpolicy`: replaces the policy. `expires_after` is the new
    /// versions' lifetime (`expiryTime`). `actions` are flat triples: the action (`Rotate` or
    /// `Notify`, in any case, sent in the service's), `timeAfterCreate` and `timeBeforeExpiry`,
    /// exactly one of the two non-empty. Durations are checked for form only: their minimums
    /// (28 days for `expiryTime`) are the service's to enforce.
    pub fn update_rotation_policy(
        &mut self,
        name: &str,
        expires_after: Option<&str>,
        actions: &[String],
        now_ms: f64,
    ) -> Result<(Call, Action)> {
        let op = validate::name(name)
            .and_then(|()| rotation_policy_body(expires_after, actions))
            .map(|body| {
                op(
                    Method::Put,
                    concat(&["/keys/", name, "/rotationpolicy"]),
                    Some(body),
                )
            });
        self.start(op, now_ms)
    }

    /// `POST /keys/{name}/{version}/release`: the key's material, wrapped for the attested
    /// target (`enc`: one of [`RELEASE_ALGORITHMS`]). The version is required (see the
    /// module's docs).
    pub fn release(
        &mut self,
        name: &str,
        version: Option<&str>,
        target: &str,
        nonce: Option<&str>,
        enc: Option<&str>,
        now_ms: f64,
    ) -> Result<(Call, Action)> {
        let op = (|| {
            let path = operation_path(name, version, "release", "release")?;
            if target.is_empty() {
                return Err(Error::range_error("targetAttestationToken is empty"));
            }
            if let Some(enc) = enc {
                one_of("algorithm", enc, &RELEASE_ALGORITHMS)?;
            }
            let mut body = JsonObject::new();
            body.string("target", target);
            if let Some(nonce) = nonce {
                body.string("nonce", nonce);
            }
            if let Some(enc) = enc {
                body.string("enc", enc);
            }
            Ok(op(Method::Post, path, Some(body.finish())))
        })();
        self.start(op, now_ms)
    }

    /// `POST /rng`: `count` (1-128) random bytes from the service's HSM.
    pub fn random_bytes(&mut self, count: u32, now_ms: f64) -> Result<(Call, Action)> {
        let op = if (1..=128).contains(&count) {
            let mut body = JsonObject::new();
            body.int("count", count.into());
            Ok(op(Method::Post, "/rng".into(), Some(body.finish())))
        } else {
            Err(Error::range_error(concat(&[
                "count must be 1-128, not ",
                &int(count.into()),
            ])))
        };
        self.start(op, now_ms)
    }

    /// `POST /keys/{name}/{version}/{op}` with `{alg, value, iv?, aad?, tag?}`. The version is
    /// required (see the module's docs).
    ///
    /// `iv`, `aad` and `tag` are refused where they mean nothing, so a misplaced one is not
    /// silently ignored: all three belong to AES encryption only, `aad` and `tag` to AES-GCM
    /// only, and `tag` (an output of encrypt) to decrypt only. Decryption needs what encryption
    /// produced: `iv` for AES, and `tag` for AES-GCM. An empty `aad` is valid (no data).
    #[allow(clippy::too_many_arguments)] // one for one with the JavaScript method's inputs
    pub fn crypto(
        &mut self,
        name: &str,
        version: Option<&str>,
        which: CryptoOp,
        alg: &str,
        value: &str,
        iv: Option<&str>,
        aad: Option<&str>,
        tag: Option<&str>,
        now_ms: f64,
    ) -> Result<(Call, Action)> {
        let op = (|| {
            let path = operation_path(name, version, which.name(), which.segment())?;
            one_of(
                &concat(&["algorithm for ", which.name()]),
                alg,
                which.algorithms(),
            )?;
            bytes(which.input(), value)?;
            let aes =
                matches!(which, CryptoOp::Encrypt | CryptoOp::Decrypt) && alg.starts_with('A');
            let gcm = aes && alg.ends_with("GCM");
            let decrypt = which == CryptoOp::Decrypt;
            for (what, given, applies, needed) in [
                ("iv", iv, aes, aes && decrypt),
                ("additionalAuthenticatedData", aad, gcm, false),
                ("authenticationTag", tag, gcm && decrypt, gcm && decrypt),
            ] {
                match given {
                    Some(_) if !applies => {
                        return Err(Error::range_error(concat(&[
                            what,
                            " does not apply to ",
                            which.name(),
                            " with ",
                            alg,
                        ])))
                    }
                    Some(text) if what == "additionalAuthenticatedData" => base64url(what, text)?,
                    Some(text) => bytes(what, text)?,
                    None if needed => {
                        return Err(Error::range_error(concat(&[
                            what,
                            " is required to decrypt with ",
                            alg,
                        ])))
                    }
                    None => {}
                }
            }
            let mut body = JsonObject::new();
            body.string("alg", alg);
            body.string("value", value);
            for (key, given) in [("iv", iv), ("aad", aad), ("tag", tag)] {
                if let Some(text) = given {
                    body.string(key, text);
                }
            }
            Ok(op(Method::Post, path, Some(body.finish())))
        })();
        self.start(op, now_ms)
    }

    /// `POST /keys/{name}/{version}/verify` with `{alg, digest, value}` (`value` is the
    /// signature). The version is required (see the module's docs).
    pub fn verify(
        &mut self,
        name: &str,
        version: Option<&str>,
        alg: &str,
        digest: &str,
        signature: &str,
        now_ms: f64,
    ) -> Result<(Call, Action)> {
        let op = (|| {
            let path = operation_path(name, version, "verify", "verify")?;
            one_of("algorithm for verify", alg, &SIGNATURE_ALGORITHMS)?;
            bytes("digest", digest)?;
            bytes("signature", signature)?;
            let mut body = JsonObject::new();
            body.string("alg", alg);
            body.string("digest", digest);
            body.string("value", signature);
            Ok(op(Method::Post, path, Some(body.finish())))
        })();
        self.start(op, now_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::pipeline::user_agent;
    use crate::core::retry::RetryOptions;
    use crate::core::vault_url::VaultUrl;

    const V: &str = "62909adf7f044dc8b1838da90306af40";

    fn client() -> KeysClient {
        let config = Config {
            vault: VaultUrl::parse("https://v.vault.azure.net", false).unwrap(),
            api_version: "7.5".into(),
            verify_challenge_resource: true,
            retry: RetryOptions::default(),
            user_agent: user_agent(None),
        };
        KeysClient::new(config, 1)
    }

    fn request(r: Result<(Call, Action)>) -> (Method, String, Option<String>) {
        let (call, _) = r.unwrap();
        (
            call.method(),
            call.path().to_string(),
            call.body().map(str::to_string),
        )
    }

    /// The request, its body checked to be JSON.
    fn sent(r: Result<(Call, Action)>) -> (Method, String, String) {
        let (method, path, body) = request(r);
        let body = body.expect("a body");
        serde_json::from_str::<serde_json::Value>(&body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
        (method, path, body)
    }

    fn owned(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn versioned(path: &str) -> String {
        format!("{path}?api-version=7.5")
    }

    #[test]
    fn create_bodies() {
        let mut c = client();
        let ops = owned(&["sign", "verify"]);
        let tags = owned(&["env", "\"prod\""]);
        let rsa = CreateKey {
            kty: "RSA-HSM",
            key_size: Some(3072),
            public_exponent: Some(65537),
            key_ops: Some(&ops),
            attributes: KeyAttributes {
                enabled: Some(true),
                not_before: Some(-1),
                expires_on: Some(4_102_444_800),
                exportable: Some(true),
            },
            tags: Some(&tags),
            release_policy: Some(ReleasePolicy {
                data: "eyJhbnlPZiI6W119",
                content_type: Some("application/json; charset=utf-8"),
                immutable: Some(false),
            }),
            ..Default::default()
        };
        assert_eq!(
            sent(c.create("k", &rsa, 0.0)),
            (
                Method::Post,
                versioned("/keys/k/create"),
                concat(&[
                    r#"{"kty":"RSA-HSM","key_size":3072,"public_exponent":65537,"key_ops":["sign","verify"],"#,
                    r#""attributes":{"enabled":true,"nbf":-1,"exp":4102444800,"exportable":true},"tags":{"env":"\"prod\""},"#,
                    r#""release_policy":{"contentType":"application/json; charset=utf-8","immutable":false,"data":"eyJhbnlPZiI6W119"}}"#,
                ])
            )
        );
        let ec = CreateKey {
            kty: "EC",
            curve: Some("P-256K"),
            key_ops: Some(&[]),
            ..Default::default()
        };
        assert_eq!(
            sent(c.create("k", &ec, 0.0)).2,
            r#"{"kty":"EC","crv":"P-256K","key_ops":[]}"#
        );
        let oct = CreateKey {
            kty: "oct-HSM",
            key_size: Some(256),
            release_policy: Some(ReleasePolicy {
                data: "e30",
                content_type: None,
                immutable: Some(true),
            }),
            ..Default::default()
        };
        assert_eq!(
            sent(c.create("k", &oct, 0.0)).2,
            r#"{"kty":"oct-HSM","key_size":256,"release_policy":{"immutable":true,"data":"e30"}}"#
        );
        let bare = CreateKey {
            kty: "RSA",
            ..Default::default()
        };
        assert_eq!(sent(c.create("k", &bare, 0.0)).2, r#"{"kty":"RSA"}"#);
    }

    #[test]
    fn import_bodies() {
        let mut c = client();
        // Given in any order; sent in the JWK's order, `t` as `key_hsm`.
        let jwk = owned(&[
            "e", "AQAB", "n", "nKAw-_", "kty", "RSA", "d", "GeQ=", "p", "v1je", "q", "0Yv-", "dp",
            "ZGnm", "dq", "dtpk", "qi", "Y9KD", "crv", "P-521", "t", "AAEC",
        ]);
        let ops = owned(&["encrypt"]);
        let tags = owned(&["purpose", "unit test"]);
        let key = ImportKey {
            jwk: &jwk,
            key_ops: Some(&ops),
            hsm: Some(true),
            attributes: KeyAttributes {
                exportable: Some(false),
                ..Default::default()
            },
            tags: Some(&tags),
            release_policy: None,
        };
        assert_eq!(
            sent(c.import("ImportSoftKeyTest", &key, 0.0)),
            (
                Method::Put,
                versioned("/keys/ImportSoftKeyTest"),
                concat(&[
                    r#"{"key":{"kty":"RSA","key_ops":["encrypt"],"n":"nKAw-_","e":"AQAB","d":"GeQ=","#,
                    r#""dp":"ZGnm","dq":"dtpk","qi":"Y9KD","p":"v1je","q":"0Yv-","crv":"P-521","key_hsm":"AAEC"},"#,
                    r#""Hsm":true,"attributes":{"exportable":false},"tags":{"purpose":"unit test"}}"#,
                ])
            )
        );
        let ec = owned(&[
            "kty", "EC", "crv", "P-256", "x", "f83O", "y", "x_FE", "d", "870M",
        ]);
        let key = ImportKey {
            jwk: &ec,
            ..Default::default()
        };
        assert_eq!(
            sent(c.import("k", &key, 0.0)).2,
            r#"{"key":{"kty":"EC","d":"870M","crv":"P-256","x":"f83O","y":"x_FE"}}"#
        );
        let oct = owned(&["k", "GawgguFyGrWKav7AX4VKUg", "kty", "oct-HSM"]);
        let key = ImportKey {
            jwk: &oct,
            release_policy: Some(ReleasePolicy {
                data: "e30",
                content_type: None,
                immutable: None,
            }),
            ..Default::default()
        };
        assert_eq!(
            sent(c.import("k", &key, 0.0)).2,
            r#"{"key":{"kty":"oct-HSM","k":"GawgguFyGrWKav7AX4VKUg"},"release_policy":{"data":"e30"}}"#
        );
    }

    #[test]
    fn get_and_update() {
        let mut c = client();
        assert_eq!(
            request(c.get("k", Some(V), 0.0)),
            (Method::Get, versioned(&format!("/keys/k/{V}")), None)
        );
        assert_eq!(
            request(c.get("k", None, 0.0)),
            (Method::Get, versioned("/keys/k"), None)
        );
        let ops = owned(&["wrapKey", "unwrapKey"]);
        let tags = owned(&["a", ""]);
        let attributes = KeyAttributes {
            enabled: Some(false),
            ..Default::default()
        };
        let policy = ReleasePolicy {
            data: "e30",
            content_type: None,
            immutable: None,
        };
        assert_eq!(
            sent(c.update(
                "k",
                Some(V),
                Some(&ops),
                &attributes,
                Some(&tags),
                Some(&policy),
                0.0
            )),
            (
                Method::Patch,
                versioned(&format!("/keys/k/{V}")),
                r#"{"key_ops":["wrapKey","unwrapKey"],"attributes":{"enabled":false},"tags":{"a":""},"release_policy":{"data":"e30"}}"#.into()
            )
        );
        let none = KeyAttributes::default();
        assert_eq!(
            sent(c.update("k", None, None, &none, None, None, 0.0)),
            (Method::Patch, versioned("/keys/k"), "{}".into())
        );
    }

    #[test]
    fn listings_and_named_operations() {
        let mut c = client();
        for (listing, name, size, path) in [
            (Listing::Items, None, Some(25), "/keys?maxresults=25"),
            (Listing::Items, None, None, "/keys"),
            (
                Listing::Versions,
                Some("k"),
                Some(1),
                "/keys/k/versions?maxresults=1",
            ),
            (Listing::Deleted, None, Some(3), "/deletedkeys?maxresults=3"),
        ] {
            let expected = if path.contains('?') {
                format!("{path}&api-version=7.5")
            } else {
                versioned(path)
            };
            assert_eq!(
                request(c.list(listing, name, size, None, 0.0)),
                (Method::Get, expected, None)
            );
        }
        let next = "https://v.vault.azure.net:443/keys?api-version=7.5&$skiptoken=abc&maxresults=3";
        assert_eq!(
            request(c.list(Listing::Items, None, None, Some(next), 0.0)).1,
            "/keys?api-version=7.5&$skiptoken=abc&maxresults=3"
        );
        for (which, method, path) in [
            (Named::Delete, Method::Delete, "/keys/k"),
            (Named::GetDeleted, Method::Get, "/deletedkeys/k"),
            (Named::Recover, Method::Post, "/deletedkeys/k/recover"),
            (Named::Purge, Method::Delete, "/deletedkeys/k"),
            (Named::Backup, Method::Post, "/keys/k/backup"),
            (Named::Rotate, Method::Post, "/keys/k/rotate"),
            (
                Named::GetRotationPolicy,
                Method::Get,
                "/keys/k/rotationpolicy",
            ),
        ] {
            assert_eq!(
                request(c.named(which, "k", 0.0)),
                (method, versioned(path), None)
            );
        }
    }

    #[test]
    fn restore_rng_and_release() {
        let mut c = client();
        assert_eq!(
            sent(c.restore("JkF6dXJlS2V5VmF1bHRLZXlCYWNrdXBWMS5taWNyb3NvZnQuY29t", 0.0)),
            (
                Method::Post,
                versioned("/keys/restore"),
                r#"{"value":"JkF6dXJlS2V5VmF1bHRLZXlCYWNrdXBWMS5taWNyb3NvZnQuY29t"}"#.into()
            )
        );
        for n in [1, 128] {
            assert_eq!(
                sent(c.random_bytes(n, 0.0)),
                (
                    Method::Post,
                    versioned("/rng"),
                    format!(r#"{{"count":{n}}}"#)
                )
            );
        }
        assert_eq!(
            sent(c.release(
                "k",
                Some(V),
                "eyJ0.eyJ1.c2ln",
                Some("n\"1"),
                Some("RSA_AES_KEY_WRAP_256"),
                0.0
            )),
            (
                Method::Post,
                versioned(&format!("/keys/k/{V}/release")),
                r#"{"target":"eyJ0.eyJ1.c2ln","nonce":"n\"1","enc":"RSA_AES_KEY_WRAP_256"}"#.into()
            )
        );
        assert_eq!(
            sent(c.release("k", Some(V), "t", None, None, 0.0)).2,
            r#"{"target":"t"}"#
        );
    }

    #[test]
    fn rotation_policies() {
        let mut c = client();
        let actions = owned(&["rotate", "P90D", "", "NOTIFY", "", "P30D"]);
        assert_eq!(
            sent(c.update_rotation_policy("k", Some("P2Y"), &actions, 0.0)),
            (
                Method::Put,
                versioned("/keys/k/rotationpolicy"),
                concat(&[
                    r#"{"lifetimeActions":[{"trigger":{"timeAfterCreate":"P90D"},"action":{"type":"Rotate"}},"#,
                    r#"{"trigger":{"timeBeforeExpiry":"P30D"},"action":{"type":"Notify"}}],"#,
                    r#""attributes":{"expiryTime":"P2Y"}}"#,
                ])
            )
        );
        assert_eq!(
            sent(c.update_rotation_policy("k", None, &[], 0.0)).2,
            r#"{"lifetimeActions":[],"attributes":{}}"#
        );
        let rotate_before = owned(&["Rotate", "", "PT48H"]);
        assert_eq!(
            sent(c.update_rotation_policy("k", Some("P1Y10D"), &rotate_before, 0.0)).2,
            r#"{"lifetimeActions":[{"trigger":{"timeBeforeExpiry":"PT48H"},"action":{"type":"Rotate"}}],"attributes":{"expiryTime":"P1Y10D"}}"#
        );
    }

    #[test]
    fn cryptographic_operations() {
        let mut c = client();
        let path = |op: &str| versioned(&format!("/keys/k/{V}/{op}"));
        assert_eq!(
            sent(c.crypto(
                "k",
                Some(V),
                CryptoOp::Sign,
                "ES256K",
                "AQID",
                None,
                None,
                None,
                0.0
            )),
            (
                Method::Post,
                path("sign"),
                r#"{"alg":"ES256K","value":"AQID"}"#.into()
            )
        );
        assert_eq!(
            sent(c.verify("k", Some(V), "PS512", "AQID", "BAUG", 0.0)),
            (
                Method::Post,
                path("verify"),
                r#"{"alg":"PS512","digest":"AQID","value":"BAUG"}"#.into()
            )
        );
        for (op, segment, alg) in [
            (CryptoOp::Encrypt, "encrypt", "RSA-OAEP-256"),
            (CryptoOp::Decrypt, "decrypt", "RSA1_5"),
            (CryptoOp::WrapKey, "wrapkey", "A256KW"),
            (CryptoOp::UnwrapKey, "unwrapkey", "RSA-OAEP"),
        ] {
            assert_eq!(
                sent(c.crypto("k", Some(V), op, alg, "AQID", None, None, None, 0.0)),
                (
                    Method::Post,
                    path(segment),
                    format!(r#"{{"alg":"{alg}","value":"AQID"}}"#)
                )
            );
        }
        let gcm = |c: &mut KeysClient, op, iv, aad, tag| {
            sent(c.crypto("k", Some(V), op, "A256GCM", "AQID", iv, aad, tag, 0.0)).2
        };
        assert_eq!(
            gcm(
                &mut c,
                CryptoOp::Decrypt,
                Some("AAAA"),
                Some(""),
                Some("BBBB")
            ),
            r#"{"alg":"A256GCM","value":"AQID","iv":"AAAA","aad":"","tag":"BBBB"}"#
        );
        assert_eq!(
            gcm(&mut c, CryptoOp::Encrypt, None, Some("Y3R4"), None),
            r#"{"alg":"A256GCM","value":"AQID","aad":"Y3R4"}"#
        );
        assert_eq!(
            sent(c.crypto(
                "k",
                Some(V),
                CryptoOp::Encrypt,
                "A128CBCPAD",
                "AQID",
                Some("AAAAAAAAAAAAAAAAAAAAAA=="),
                None,
                None,
                0.0
            ))
            .2,
            r#"{"alg":"A128CBCPAD","value":"AQID","iv":"AAAAAAAAAAAAAAAAAAAAAA=="}"#
        );
    }

    #[test]
    fn base64url_text() {
        for ok in ["AQID", "AQI", "AQ", "AQ==", "AQI=", "-_-_", "abcdABCD0189"] {
            assert!(base64url("x", ok).is_ok(), "{ok}");
        }
        for bad in [
            "A", "AQIDB", "AQ=", "A===", "AQ===", "A=Q=", "AQ+/", "AQ ID", "é", "AQID\n",
        ] {
            assert!(base64url("x", bad).is_err(), "{bad}");
        }
        assert!(base64url("x", "").is_ok() && bytes("x", "").is_err());
        let secret = "c2VjcmV0+key";
        let message = bytes("jwk.d", secret).unwrap_err().message().to_string();
        assert_eq!(
            message,
            r#"jwk.d must be base64url (A-Z, a-z, 0-9, '-', '_'); it has "+" at 8"#
        );
        assert!(!message.contains("c2Vj"), "the text itself is never quoted");
    }

    #[test]
    fn messages_say_what_is_wrong() {
        let mut c = client();
        let message = |r: Result<(Call, Action)>| r.unwrap_err().message().to_string();
        let rsa = CreateKey {
            kty: "rsa",
            ..Default::default()
        };
        assert_eq!(
            message(c.create("k", &rsa, 0.0)),
            r#"keyType must be one of RSA, RSA-HSM, EC, EC-HSM, oct, oct-HSM: "rsa""#
        );
        let small = CreateKey {
            kty: "RSA",
            key_size: Some(1024),
            ..Default::default()
        };
        assert_eq!(
            message(c.create("k", &small, 0.0)),
            "keySize of an RSA key must be 2048, 3072 or 4096, not 1024"
        );
        assert_eq!(
            message(c.crypto(
                "k",
                None,
                CryptoOp::Sign,
                "RS256",
                "AQID",
                None,
                None,
                None,
                0.0
            )),
            "version is required for sign"
        );
        assert_eq!(
            message(c.crypto("k", Some(V), CryptoOp::WrapKey, "A128GCM", "AQID", None, None, None, 0.0)),
            "algorithm for wrapKey must be one of RSA1_5, RSA-OAEP, RSA-OAEP-256, A128KW, A192KW, A256KW: \"A128GCM\""
        );
        let kid = owned(&["kty", "RSA", "kid", "x"]);
        let key = ImportKey {
            jwk: &kid,
            ..Default::default()
        };
        assert_eq!(
            message(c.import("k", &key, 0.0)),
            r#"jwk member "kid" is not one of kty, n, e, d, dp, dq, qi, p, q, crv, x, y, k, t (keyOps are given separately)"#
        );
        let actions = owned(&["Rotate", "P1X", ""]);
        assert_eq!(
            message(c.update_rotation_policy("k", None, &actions, 0.0)),
            r#"lifetimeActions[0].timeAfterCreate is not an ISO-8601 duration such as P30D or PT12H: "P1X""#
        );
    }

    #[test]
    fn refuses_bad_arguments_before_anything_is_sent() {
        let mut c = client();
        let create = |kty, key_size, public_exponent, curve| CreateKey {
            kty,
            key_size,
            public_exponent,
            curve,
            ..Default::default()
        };
        let policy = |data| ReleasePolicy {
            data,
            content_type: None,
            immutable: None,
        };
        let with_policy = |data| CreateKey {
            kty: "RSA",
            release_policy: Some(policy(data)),
            ..Default::default()
        };
        let bad_ops = owned(&["sign", "fly"]);
        let case_ops = owned(&["Sign"]);
        let many_tags: Vec<String> = (0..16)
            .flat_map(|i| [i.to_string(), String::new()])
            .collect();
        let no = KeyAttributes::default();
        let jwk = |flat: &[&str]| owned(flat);
        let bad_jwks = [
            jwk(&["kty", "RSA", "n"]),
            jwk(&["kty", "RSA", "kid", "https://v/keys/k"]),
            jwk(&["kty", "RSA", "key_ops", "sign"]),
            jwk(&["kty", "RSA", "key_hsm", "AQID"]),
            jwk(&["kty", "RSA", "n", "AQID", "n", "AQID"]),
            jwk(&["kty", "RSA", "kty", "RSA"]),
            jwk(&["n", "AQID", "e", "AQAB"]),
            jwk(&["kty", "rsa"]),
            jwk(&["kty", "EC", "crv", "P-192"]),
            jwk(&["kty", "RSA", "n", "nKAw+/"]),
            jwk(&["kty", "RSA", "d", ""]),
            jwk(&["kty", "oct", "k", "A"]),
            jwk(&[]),
        ];
        let import = |jwk| ImportKey {
            jwk,
            ..Default::default()
        };
        let rsa = owned(&["kty", "RSA", "n", "AQID", "e", "AQAB"]);
        let triples = |t: &[&str]| owned(t);
        let bad_policies = [
            triples(&["Rotate", "P90D"]),
            triples(&["Explode", "P90D", ""]),
            triples(&["Rotate", "", ""]),
            triples(&["Rotate", "P90D", "P30D"]),
            triples(&["Notify", "P90D", ""]),
            triples(&["Rotate", "90 days", ""]),
            triples(&["Notify", "", "p30d"]),
            triples(&["Rotate", "P90D", "", "Notify", "", "PT"]),
        ];
        let sign = CryptoOp::Sign;
        let enc = CryptoOp::Encrypt;
        let dec = CryptoOp::Decrypt;
        let mut refused: Vec<Option<Error>> = vec![
            // create
            c.create("a_b", &create("RSA", None, None, None), 0.0).err(),
            c.create("k", &create("", None, None, None), 0.0).err(),
            c.create("k", &create("rsa", None, None, None), 0.0).err(),
            c.create("k", &create("RSA", Some(1024), None, None), 0.0)
                .err(),
            c.create("k", &create("RSA-HSM", Some(256), None, None), 0.0)
                .err(),
            c.create("k", &create("oct", Some(512), None, None), 0.0)
                .err(),
            c.create("k", &create("oct-HSM", Some(2048), None, None), 0.0)
                .err(),
            c.create("k", &create("EC", Some(256), None, None), 0.0)
                .err(),
            c.create("k", &create("EC", None, Some(65537), None), 0.0)
                .err(),
            c.create("k", &create("RSA", None, Some(65536), None), 0.0)
                .err(),
            c.create("k", &create("RSA", None, Some(1), None), 0.0)
                .err(),
            c.create("k", &create("RSA", None, None, Some("P-256")), 0.0)
                .err(),
            c.create("k", &create("EC-HSM", None, None, Some("P-192")), 0.0)
                .err(),
            c.create("k", &create("EC", None, None, Some("p-256")), 0.0)
                .err(),
            c.create("k", &with_policy(""), 0.0).err(),
            c.create("k", &with_policy("eyJ+"), 0.0).err(),
            c.create("k", &with_policy("e30=="), 0.0).err(),
            c.create(
                "k",
                &CreateKey {
                    kty: "RSA",
                    key_ops: Some(&bad_ops),
                    ..Default::default()
                },
                0.0,
            )
            .err(),
            c.create(
                "k",
                &CreateKey {
                    kty: "RSA",
                    key_ops: Some(&case_ops),
                    ..Default::default()
                },
                0.0,
            )
            .err(),
            c.create(
                "k",
                &CreateKey {
                    kty: "RSA",
                    tags: Some(&many_tags),
                    ..Default::default()
                },
                0.0,
            )
            .err(),
            // import
            c.import("../k", &import(&rsa), 0.0).err(),
            c.import(
                "k",
                &ImportKey {
                    jwk: &rsa,
                    key_ops: Some(&bad_ops),
                    ..Default::default()
                },
                0.0,
            )
            .err(),
            c.import(
                "k",
                &ImportKey {
                    jwk: &rsa,
                    release_policy: Some(policy("a b")),
                    ..Default::default()
                },
                0.0,
            )
            .err(),
            // get, update
            c.get("", None, 0.0).err(),
            c.get("k", Some("latest"), 0.0).err(),
            c.get("k", Some(""), 0.0).err(),
            c.update("k", Some("../x"), None, &no, None, None, 0.0)
                .err(),
            c.update("k b", None, None, &no, None, None, 0.0).err(),
            c.update("k", None, Some(&bad_ops), &no, None, None, 0.0)
                .err(),
            c.update("k", None, None, &no, Some(&many_tags), None, 0.0)
                .err(),
            c.update("k", None, None, &no, None, Some(&policy("")), 0.0)
                .err(),
            // list
            c.list(Listing::Items, None, Some(0), None, 0.0).err(),
            c.list(Listing::Deleted, None, Some(26), None, 0.0).err(),
            c.list(Listing::Versions, None, None, None, 0.0).err(),
            c.list(Listing::Versions, Some("k/x"), None, None, 0.0)
                .err(),
            c.list(
                Listing::Items,
                None,
                None,
                Some("https://evil.example/keys"),
                0.0,
            )
            .err(),
            // restore, rng
            c.restore("", 0.0).err(),
            c.restore("AQ ID", 0.0).err(),
            c.random_bytes(0, 0.0).err(),
            c.random_bytes(129, 0.0).err(),
            c.random_bytes(u32::MAX, 0.0).err(),
            // rotation policy
            c.update_rotation_policy("k_", None, &[], 0.0).err(),
            c.update_rotation_policy("k", Some("90D"), &[], 0.0).err(),
            c.update_rotation_policy("k", Some(""), &[], 0.0).err(),
            // release
            c.release("k", None, "t", None, None, 0.0).err(),
            c.release("k", Some("x"), "t", None, None, 0.0).err(),
            c.release("k", Some(V), "", None, None, 0.0).err(),
            c.release("k", Some(V), "t", None, Some("RSA-OAEP"), 0.0)
                .err(),
            c.release("../k", Some(V), "t", None, None, 0.0).err(),
            // crypto
            c.crypto("k", None, sign, "RS256", "AQID", None, None, None, 0.0)
                .err(),
            c.crypto("k", Some("x"), sign, "RS256", "AQID", None, None, None, 0.0)
                .err(),
            c.crypto("k/x", Some(V), sign, "RS256", "AQID", None, None, None, 0.0)
                .err(),
            c.crypto("k", Some(V), sign, "HS256", "AQID", None, None, None, 0.0)
                .err(),
            c.crypto(
                "k",
                Some(V),
                sign,
                "RSA-OAEP",
                "AQID",
                None,
                None,
                None,
                0.0,
            )
            .err(),
            c.crypto("k", Some(V), sign, "rs256", "AQID", None, None, None, 0.0)
                .err(),
            c.crypto("k", Some(V), sign, "RS256", "", None, None, None, 0.0)
                .err(),
            c.crypto("k", Some(V), sign, "RS256", "AQ/D", None, None, None, 0.0)
                .err(),
            c.crypto(
                "k",
                Some(V),
                sign,
                "RS256",
                "AQID",
                Some("AAAA"),
                None,
                None,
                0.0,
            )
            .err(),
            c.crypto("k", Some(V), enc, "A128KW", "AQID", None, None, None, 0.0)
                .err(),
            c.crypto("k", Some(V), enc, "ES256", "AQID", None, None, None, 0.0)
                .err(),
            c.crypto(
                "k",
                Some(V),
                CryptoOp::WrapKey,
                "A128GCM",
                "AQID",
                None,
                None,
                None,
                0.0,
            )
            .err(),
            c.crypto(
                "k",
                Some(V),
                CryptoOp::UnwrapKey,
                "A256KW",
                "AQID",
                None,
                None,
                Some("AAAA"),
                0.0,
            )
            .err(),
            c.crypto(
                "k",
                Some(V),
                enc,
                "RSA-OAEP",
                "AQID",
                Some("AAAA"),
                None,
                None,
                0.0,
            )
            .err(),
            c.crypto(
                "k",
                Some(V),
                enc,
                "RSA1_5",
                "AQID",
                None,
                Some("AAAA"),
                None,
                0.0,
            )
            .err(),
            c.crypto(
                "k",
                Some(V),
                enc,
                "A128GCM",
                "AQID",
                None,
                None,
                Some("AAAA"),
                0.0,
            )
            .err(),
            c.crypto(
                "k",
                Some(V),
                enc,
                "A128CBC",
                "AQID",
                None,
                Some("AAAA"),
                None,
                0.0,
            )
            .err(),
            c.crypto(
                "k",
                Some(V),
                enc,
                "A128CBC",
                "AQID",
                Some(""),
                None,
                None,
                0.0,
            )
            .err(),
            c.crypto(
                "k",
                Some(V),
                enc,
                "A128GCM",
                "AQID",
                None,
                Some("a+b"),
                None,
                0.0,
            )
            .err(),
            c.crypto(
                "k",
                Some(V),
                dec,
                "A128GCM",
                "AQID",
                None,
                None,
                Some("AAAA"),
                0.0,
            )
            .err(),
            c.crypto(
                "k",
                Some(V),
                dec,
                "A128GCM",
                "AQID",
                Some("AAAA"),
                None,
                None,
                0.0,
            )
            .err(),
            c.crypto(
                "k",
                Some(V),
                dec,
                "A192CBCPAD",
                "AQID",
                None,
                None,
                None,
                0.0,
            )
            .err(),
            c.crypto(
                "k",
                Some(V),
                dec,
                "A192CBCPAD",
                "AQID",
                Some("AAAA"),
                None,
                Some("AAAA"),
                0.0,
            )
            .err(),
            c.crypto(
                "k",
                Some(V),
                dec,
                "A256GCM",
                "AQID",
                Some("AAAA"),
                None,
                Some("AA=A"),
                0.0,
            )
            .err(),
            // verify
            c.verify("k", None, "ES256", "AQID", "AQID", 0.0).err(),
            c.verify("k", Some(V), "ES257", "AQID", "AQID", 0.0).err(),
            c.verify("k", Some(V), "ES256", "", "AQID", 0.0).err(),
            c.verify("k", Some(V), "ES256", "AQID", "", 0.0).err(),
            c.verify("k", Some(V), "ES256", "AQID", "AQID!", 0.0).err(),
        ];
        refused.extend(
            bad_jwks
                .iter()
                .map(|j| c.import("k", &import(j), 0.0).err()),
        );
        refused.extend(
            bad_policies
                .iter()
                .map(|a| c.update_rotation_policy("k", Some("P1Y"), a, 0.0).err()),
        );
        for which in [
            Named::Delete,
            Named::GetDeleted,
            Named::Recover,
            Named::Purge,
            Named::Backup,
            Named::Rotate,
            Named::GetRotationPolicy,
        ] {
            refused.push(c.named(which, "../x", 0.0).err());
        }
        assert!(refused.len() >= 100, "{}", refused.len());
        for (i, e) in refused.into_iter().enumerate() {
            assert!(
                matches!(
                    e,
                    Some(Error::Argument {
                        kind: crate::core::ArgError::Range,
                        ..
                    })
                ),
                "case {i}: {e:?}"
            );
        }
    }
}

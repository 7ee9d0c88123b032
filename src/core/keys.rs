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
//! Versions: every operation without one addresses the latest version. `get` and `update` use
//! `/keys/{name}`, `release` and `attestation` `/keys/{name}/{op}` (the spec's optional version
//! segment). The cryptographic operations' paths always have a version segment, so without one
//! they send it empty (`/keys/{name}//sign`), as the official clients do: the service reads an
//! empty version as the latest (recorded for GET and PATCH; the official SDK's remote
//! cryptography relies on it for every operation).

use super::duration::Duration;
use super::error::{Error, Result};
use super::listing::{self, Listing};
use super::pipeline::{Action, Call, Config, Method, Operation, Pipeline};
use super::text::{concat, int, list, quoted, JsonArray, JsonObject};
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
/// The service's closed sets of algorithms (`JsonWebKeySignatureAlgorithm`,
/// `JsonWebKeyEncryptionAlgorithm` of the REST spec). Some apply to Managed HSM keys only
/// (`HS*`, `CKM_AES_KEY_WRAP*`); a vault refuses them itself.
pub const SIGNATURE_ALGORITHMS: [&str; 14] = [
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "ES256K",
    "HS256", "HS384", "HS512", "RSNULL",
];
pub const ENCRYPTION_ALGORITHMS: [&str; 14] = [
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
    "CKM_AES_KEY_WRAP",
    "CKM_AES_KEY_WRAP_PAD",
];
pub const WRAP_ALGORITHMS: [&str; 8] = [
    "RSA1_5",
    "RSA-OAEP",
    "RSA-OAEP-256",
    "A128KW",
    "A192KW",
    "A256KW",
    "CKM_AES_KEY_WRAP",
    "CKM_AES_KEY_WRAP_PAD",
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
        &list(accepted),
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

/// `/keys/{name}/{version}/{segment}`; without a version, `/keys/{name}//{segment}` when the
/// segment is always there (`empty_segment`), else `/keys/{name}/{segment}` (see the module's
/// docs).
fn operation_path(
    name: &str,
    version: Option<&str>,
    segment: &str,
    empty_segment: bool,
) -> Result<String> {
    validate::name(name)?;
    let version = match version {
        Some(v) => {
            validate::version(v)?;
            v
        }
        None => "",
    };
    let slash = if version.is_empty() && !empty_segment {
        ""
    } else {
        "/"
    };
    Ok(concat(&["/keys/", name, "/", version, slash, segment]))
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
                &list(&accepted),
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

/// Checks a cryptographic operation's algorithm and inputs (see [`KeysClient::crypto`]);
/// `value` only when given, so a host can check an algorithm before it has the input.
pub fn check_crypto(
    which: CryptoOp,
    alg: &str,
    value: Option<&str>,
    iv: Option<&str>,
    aad: Option<&str>,
    tag: Option<&str>,
) -> Result<()> {
    one_of(
        &concat(&["algorithm for ", which.name()]),
        alg,
        which.algorithms(),
    )?;
    if let Some(value) = value {
        bytes(which.input(), value)?;
    }
    let aes = matches!(which, CryptoOp::Encrypt | CryptoOp::Decrypt) && alg.starts_with('A');
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
    Ok(())
}

/// Checks a verification's algorithm and, when given, its digest and signature.
pub fn check_verify(alg: &str, digest: Option<&str>, signature: Option<&str>) -> Result<()> {
    one_of("algorithm for verify", alg, &SIGNATURE_ALGORITHMS)?;
    for (what, given) in [("digest", digest), ("signature", signature)] {
        if let Some(text) = given {
            bytes(what, text)?;
        }
    }
    Ok(())
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
            let family = key.kty.strip_suffix("-HSM").unwrap_or(key.kty);
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

    /// `POST /keys/{name}[/{version}]/release`: the key's material, wrapped for the attested
    /// target (`enc`: one of [`RELEASE_ALGORITHMS`]).
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
            let path = operation_path(name, version, "release", false)?;
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

    /// `GET /keys/{name}[/{version}]/attestation`: the key with its attestation blobs.
    pub fn attestation(
        &mut self,
        name: &str,
        version: Option<&str>,
        now_ms: f64,
    ) -> Result<(Call, Action)> {
        let op = operation_path(name, version, "attestation", false)
            .map(|path| op(Method::Get, path, None));
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

    /// `POST /keys/{name}/{version}/{op}` with `{alg, value, iv?, aad?, tag?}`.
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
            let path = operation_path(name, version, which.segment(), true)?;
            check_crypto(which, alg, Some(value), iv, aad, tag)?;
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
    /// signature).
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
            let path = operation_path(name, version, "verify", true)?;
            check_verify(alg, Some(digest), Some(signature))?;
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
mod tests;

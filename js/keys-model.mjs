/**
 * Keys-plane responses (`KeyBundle`, `KeyItem`, `DeletedKeyBundle`, `DeletedKeyItem`, rotation
 * policies, random bytes, releases) read into the shapes of @azure/keyvault-keys: `KeyVaultKey`
 * with a `JsonWebKey` whose key material is `Uint8Array`s, `KeyProperties`, `DeletedKey`,
 * `KeyRotationPolicy`. The one place where the keys plane's wire names meet public names; the
 * official package's own mapping is the yardstick (tests/js/keys-model.test.mjs). Anything the
 * service would not send is a PARSE_ERROR (js/model.mjs), never a half-filled result.
 */
import { shorten } from "./args.mjs";
import { decodeBase64 } from "./base64.mjs";
import { attributes as commonAttributes, check, date, deletion, parseId, tags, unreadable } from "./model.mjs";

/** base64url text as bytes, undefined if absent; anything else is unreadable. */
function bytes(value, what) {
  if (value === undefined || value === null) return undefined;
  const decoded = typeof value === "string" ? decodeBase64(value) : undefined;
  if (!decoded) unreadable(`${what} is not base64url`);
  return decoded;
}

function object(value, what) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) unreadable(`${what} is not an object`);
  return value;
}

function strings(value, what) {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) unreadable(`${what} is not a list of strings`);
  return [...value];
}

/** The JWK members that are key material (base64url on the wire). */
const MATERIAL = ["n", "e", "d", "dp", "dq", "qi", "p", "q", "k"];

/** The length of an EC key's coordinates on each curve Key Vault names. */
const COORDINATE_BYTES = { "P-256": 32, "P-384": 48, "P-521": 66, "P-256K": 32 };
/** 1024 bits: Key Vault's RSA keys are 2048 bits or more; anything under this is not an RSA key. */
const MIN_MODULUS_BYTES = 128;

/** A `JsonWebKey` as the official package gives it: every member present, material as bytes. */
function jsonWebKey(wire) {
  const key = object(wire, "key");
  if (!key) unreadable("the key is missing");
  const kid = check(key.kid, "string", "key.kid");
  const out = { kid, kty: check(key.kty, "string", "key.kty"), keyOps: strings(key.key_ops, "key.key_ops") };
  for (const member of MATERIAL) out[member] = bytes(key[member], `key.${member}`);
  out.t = bytes(key.key_hsm, "key.key_hsm");
  out.crv = check(key.crv, "string", "key.crv");
  out.x = bytes(key.x, "key.x");
  out.y = bytes(key.y, "key.y");
  // Material of the wrong length would fail later, in a cryptographic operation, far from here.
  const size = Object.hasOwn(COORDINATE_BYTES, out.crv) ? COORDINATE_BYTES[out.crv] : undefined;
  for (const c of ["x", "y"]) {
    if (size !== undefined && out[c] !== undefined && out[c].length !== size) {
      unreadable(`key.${c} of a ${out.crv} key is ${out[c].length} bytes, not ${size}`);
    }
  }
  if (out.n !== undefined && out.n.length < MIN_MODULUS_BYTES) unreadable(`key.n is ${out.n.length} bytes, too short for an RSA key`);
  return out;
}

/** `attributes`, read once: the dates as Dates, the attestation's blobs as bytes. */
function attributes(wire) {
  const common = commonAttributes(wire);
  const a = wire ?? {};
  const attestation = object(a.attestation, "attributes.attestation");
  return {
    ...common,
    exportable: check(a.exportable, "boolean", "attributes.exportable"),
    hsmPlatform: check(a.hsmPlatform, "string", "attributes.hsmPlatform"),
    attestation: attestation && {
      certificatePemFile: bytes(attestation.certificatePemFile, "attestation.certificatePemFile"),
      privateKeyAttestation: bytes(attestation.privateKeyAttestation, "attestation.privateKeyAttestation"),
      publicKeyAttestation: bytes(attestation.publicKeyAttestation, "attestation.publicKeyAttestation"),
      version: check(attestation.version, "string", "attestation.version"),
    },
  };
}

function releasePolicy(wire) {
  const policy = object(wire, "release_policy");
  return (
    policy && {
      contentType: check(policy.contentType, "string", "release_policy.contentType"),
      immutable: check(policy.immutable, "boolean", "release_policy.immutable"),
      encodedPolicy: bytes(policy.data, "release_policy.data"),
    }
  );
}

/** A `KeyBundle` or `DeletedKeyBundle` as a `KeyVaultKey` (or `DeletedKey`). */
function keyVaultKey(wire) {
  const key = jsonWebKey(wire.key);
  if (key.kid === undefined) unreadable("the key has no kid");
  const { vaultUrl, name, version } = parseId(key.kid, "keys");
  const a = attributes(wire.attributes);
  const properties = {
    tags: tags(wire.tags),
    enabled: a.enabled,
    notBefore: a.notBefore,
    expiresOn: a.expiresOn,
    createdOn: a.createdOn,
    updatedOn: a.updatedOn,
    recoverableDays: a.recoverableDays,
    recoveryLevel: a.recoveryLevel,
    exportable: a.exportable,
    releasePolicy: releasePolicy(wire.release_policy),
    hsmPlatform: a.hsmPlatform,
    vaultUrl,
    version,
    name,
    managed: check(wire.managed, "boolean", "managed"),
    id: key.kid,
  };
  const deleted = deletion(wire);
  if (deleted.recoveryId !== undefined) Object.assign(properties, deleted);
  if (a.attestation) properties.attestation = a.attestation;
  return { key, id: key.kid, name, keyOperations: key.keyOps, keyType: key.kty, properties };
}

/** A `KeyItem` (listings) as `KeyProperties`. */
function keyProperties(wire) {
  const item = object(wire, "an item");
  const kid = check(item?.kid, "string", "kid");
  if (kid === undefined) unreadable("an item has no kid");
  const { vaultUrl, name, version } = parseId(kid, "keys");
  const a = attributes(item.attributes);
  return {
    createdOn: a.createdOn,
    enabled: a.enabled,
    expiresOn: a.expiresOn,
    id: kid,
    managed: check(item.managed, "boolean", "managed"),
    name,
    notBefore: a.notBefore,
    recoverableDays: a.recoverableDays,
    recoveryLevel: a.recoveryLevel,
    hsmPlatform: a.hsmPlatform,
    tags: tags(item.tags),
    updatedOn: a.updatedOn,
    vaultUrl,
    version,
  };
}

/** A `DeletedKeyItem` (the deleted listing) as a `DeletedKey`. */
function deletedKeyItem(wire) {
  const properties = { ...keyProperties(wire), ...deletion(wire) };
  return { key: { kid: properties.id }, id: properties.id, name: properties.name, properties };
}

const ACTIONS = { rotate: "Rotate", notify: "Notify" };

/** A `KeyRotationPolicy`: the actions' names in their canonical case, as the official package gives them. */
function rotationPolicy(wire) {
  const a = object(wire.attributes, "attributes") ?? {};
  const actions = wire.lifetimeActions ?? undefined;
  if (actions !== undefined && !Array.isArray(actions)) unreadable("lifetimeActions is not a list");
  return {
    id: check(wire.id, "string", "id"),
    createdOn: date(check(a.created, "integer", "attributes.created"), "attributes.created"),
    updatedOn: date(check(a.updated, "integer", "attributes.updated"), "attributes.updated"),
    expiresIn: check(a.expiryTime, "string", "attributes.expiryTime"),
    lifetimeActions: actions?.map((entry) => {
      const trigger = object(entry?.trigger, "trigger") ?? {};
      const type = check(object(entry?.action, "action")?.type, "string", "action.type");
      const action = ACTIONS[type?.toLowerCase()];
      if (!action) unreadable(`the action ${JSON.stringify(shorten(String(type)))} is neither Rotate nor Notify`);
      return {
        action,
        timeAfterCreate: check(trigger.timeAfterCreate, "string", "trigger.timeAfterCreate"),
        timeBeforeExpiry: check(trigger.timeBeforeExpiry, "string", "trigger.timeBeforeExpiry"),
      };
    }),
  };
}

/** A cryptographic operation's `KeyOperationResult`: the output and what AES adds to it. */
function operated(wire) {
  const result = bytes(wire.value, "value");
  if (!result) unreadable("value is missing");
  return {
    kid: check(wire.kid, "string", "kid"),
    result,
    iv: bytes(wire.iv, "iv"),
    authenticationTag: bytes(wire.tag, "tag"),
    additionalAuthenticatedData: bytes(wire.aad, "aad"),
  };
}

const recoveredKey = { shape: keyVaultKey, fromValue: (k) => k };

export const keysShapes = {
  key: keyVaultKey,
  /** What the plane reads whole (`get`): the key. */
  value: keyVaultKey,
  /** `restoreKeyBackup`, and a recovery's answer and result: the key. */
  restored: keyVaultKey,
  recovered: recoveredKey,
  deleted: keyVaultKey,
  properties: keyProperties,
  deletedItem: deletedKeyItem,
  rotationPolicy,
  /** `getRandomBytes`: the bytes. */
  randomBytes: (wire) => {
    const value = bytes(wire.value, "value");
    if (!value) unreadable("value is missing");
    return value;
  },
  operated,
  /** `verify`: `{ result }`, whether the signature holds. */
  verified: (wire) => {
    const result = check(wire.value, "boolean", "value");
    if (result === undefined) unreadable("value is missing");
    return { result };
  },
  /** `releaseKey`: `{ value }`, the service's signed release token. */
  release: (wire) => {
    const value = check(wire.value, "string", "value");
    if (value === undefined) unreadable("value is missing");
    return { value };
  },
};

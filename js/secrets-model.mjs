/**
 * Secrets-plane responses (`SecretBundle`, `DeletedSecretBundle`, backups) read once into a
 * checked record, then shaped for each entry: the root entry's `KeyVaultKey` / `KeyProperties`
 * / `DeletedKey`, and the secrets drop-in's `KeyVaultSecret` / `SecretProperties` /
 * `DeletedSecret` (the shapes of @azure/keyvault-secrets). This file is the one place where the
 * secrets plane's wire names meet public names. A body that is not what the service sends is a
 * PARSE_ERROR of the entry's kind (js/model.mjs), never a half-filled result.
 */
import { attributes, check, deletion as deletionOf, parseId, tags, Unreadable, unreadable } from "./model.mjs";

/** One bundle or list item, checked: every field the service may send, typed, or undefined. */
function bundle(wire) {
  if (wire === null || typeof wire !== "object" || Array.isArray(wire)) unreadable("an item is not an object");
  const id = check(wire.id, "string", "id");
  return {
    id,
    ...parseId(id, "secrets"),
    value: check(wire.value, "string", "value"),
    contentType: check(wire.contentType, "string", "contentType"),
    tags: tags(wire.tags),
    managed: check(wire.managed, "boolean", "managed"),
    kid: check(wire.kid, "string", "kid"),
    previousVersion: check(wire.previousVersion, "string", "previousVersion"),
    ...attributes(wire.attributes),
    ...deletionOf(wire),
  };
}

/** A bundle that must carry a value (set, get). */
function withValue(b) {
  if (b.value === undefined) throw new Unreadable("the service's response has no value");
  return b;
}

/** The deletion's facts, on the result and (as the official SDKs put them) on its properties. */
function deletion(b, properties) {
  const { recoveryId, deletedOn, scheduledPurgeDate } = b;
  Object.assign(properties, { recoveryId, deletedOn, scheduledPurgeDate });
  return { recoveryId, deletedOn, scheduledPurgeDate };
}

// ---- the root entry: KeyVaultKey, KeyProperties, DeletedKey ------------------------------

function keyProperties(b) {
  return {
    id: b.id,
    name: b.name,
    vaultUrl: b.vaultUrl,
    version: b.version,
    enabled: b.enabled,
    notBefore: b.notBefore,
    expiresOn: b.expiresOn,
    createdOn: b.createdOn,
    updatedOn: b.updatedOn,
    recoveryLevel: b.recoveryLevel,
    recoverableDays: b.recoverableDays,
    contentType: b.contentType,
    tags: b.tags ?? {},
    managed: b.managed,
  };
}

export const keyShapes = {
  value: (wire) => {
    const b = withValue(bundle(wire));
    return { name: b.name, value: b.value, properties: keyProperties(b) };
  },
  properties: (wire) => keyProperties(bundle(wire)),
  deleted: (wire) => {
    const b = bundle(wire);
    const properties = keyProperties(b);
    return { name: b.name, ...deletion(b, properties), properties };
  },
};

// ---- the secrets drop-in: KeyVaultSecret, SecretProperties, DeletedSecret -----------------

function secretProperties(b) {
  return {
    expiresOn: b.expiresOn,
    createdOn: b.createdOn,
    updatedOn: b.updatedOn,
    enabled: b.enabled,
    notBefore: b.notBefore,
    recoverableDays: b.recoverableDays,
    recoveryLevel: b.recoveryLevel,
    id: b.id,
    contentType: b.contentType,
    tags: b.tags,
    managed: b.managed,
    previousVersion: b.previousVersion,
    vaultUrl: b.vaultUrl,
    version: b.version,
    name: b.name,
    certificateKeyId: b.kid,
  };
}

export const secretShapes = {
  value: (wire) => {
    const b = withValue(bundle(wire));
    return { value: b.value, name: b.name, properties: secretProperties(b) };
  },
  properties: (wire) => secretProperties(bundle(wire)),
  deleted: (wire) => {
    const b = bundle(wire);
    const properties = secretProperties(b);
    return { value: b.value, name: b.name, properties, ...deletion(b, properties) };
  },
};

/** `{"value": "<base64url>"}` of a backup, decoded with `decode` (bytes, or undefined). */
export function backup(decode) {
  return (wire) => {
    const bytes = typeof wire.value === "string" ? decode(wire.value) : undefined;
    if (!bytes?.length) throw new Unreadable("the service's backup is not base64url data");
    return bytes;
  };
}

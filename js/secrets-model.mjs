/**
 * Secrets-plane responses (`SecretBundle`, `DeletedSecretBundle`, pages, backups) read into the
 * root entry's public shapes (`KeyVaultKey`, `KeyProperties`, `DeletedKey`). This file is the
 * one place where wire names meet public names. A body that is not what the service sends is a
 * KeyVaultError with code PARSE_ERROR, never a half-filled result.
 */
import { parseError } from "./pipeline.mjs";
import { shorten } from "./args.mjs";

/** Thrown inside this file and turned into a PARSE_ERROR with the response's details. */
class Unreadable {
  constructor(message) {
    this.message = message;
  }
}

const unreadable = (what) => {
  throw new Unreadable(`the service's response could not be read: ${what}`);
};

function check(value, type, what) {
  if (value === undefined || value === null) return undefined;
  const ok = type === "integer" ? Number.isSafeInteger(value) : typeof value === type;
  if (!ok) unreadable(`${what} is not ${type === "integer" ? "an integer" : `a ${type}`}`);
  return value;
}

const date = (seconds) => (seconds === undefined ? undefined : new Date(seconds * 1000));

/** Tags, keeping the service's order; a tag named "__proto__" stays an ordinary tag. */
function tags(wire) {
  const out = {};
  if (wire === undefined || wire === null) return out;
  if (typeof wire !== "object" || Array.isArray(wire)) unreadable("tags is not an object");
  for (const name of Object.keys(wire)) {
    const value = wire[name];
    if (typeof value !== "string") unreadable("a tag's value is not a string");
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** `https://{host}/secrets/{name}[/{version}]` -> [vault URL, name, version], or undefined. */
function parseId(id) {
  const schemeEnd = id.indexOf("://");
  if (schemeEnd === -1) return undefined;
  const pathStart = id.indexOf("/", schemeEnd + 3);
  if (pathStart === -1) return undefined;
  const [kind, name, version = "", ...rest] = id.slice(pathStart + 1).split("/");
  if (kind !== "secrets" || !name || rest.length > 0) return undefined;
  return [id.slice(0, pathStart), name, version];
}

/** The public properties of a bundle or list item. */
function properties(wire) {
  if (wire === null || typeof wire !== "object" || Array.isArray(wire)) unreadable("an item is not an object");
  const id = check(wire.id, "string", "id");
  const parts = id === undefined ? undefined : parseId(id);
  if (!parts) throw new Unreadable(`the service's response has an unexpected id: "${shorten(id ?? "")}"`);
  const a = wire.attributes ?? {};
  if (typeof a !== "object" || Array.isArray(a)) unreadable("attributes is not an object");
  return {
    id,
    name: parts[1],
    vaultUrl: parts[0],
    // List items name no version: undefined, as in the official SDKs.
    version: parts[2] || undefined,
    enabled: check(a.enabled, "boolean", "attributes.enabled"),
    notBefore: date(check(a.nbf, "integer", "attributes.nbf")),
    expiresOn: date(check(a.exp, "integer", "attributes.exp")),
    createdOn: date(check(a.created, "integer", "attributes.created")),
    updatedOn: date(check(a.updated, "integer", "attributes.updated")),
    recoveryLevel: check(a.recoveryLevel, "string", "attributes.recoveryLevel"),
    recoverableDays: check(a.recoverableDays, "integer", "attributes.recoverableDays"),
    contentType: check(wire.contentType, "string", "contentType"),
    tags: tags(wire.tags),
    managed: check(wire.managed, "boolean", "managed"),
  };
}

/** `DeletedKey`: the deletion's facts are also on `properties`, as in the official SDKs. */
function deletedKey(wire) {
  const props = properties(wire);
  props.recoveryId = check(wire.recoveryId, "string", "recoveryId");
  props.deletedOn = date(check(wire.deletedDate, "integer", "deletedDate"));
  props.scheduledPurgeDate = date(check(wire.scheduledPurgeDate, "integer", "scheduledPurgeDate"));
  const { recoveryId, deletedOn, scheduledPurgeDate } = props;
  return { name: props.name, recoveryId, deletedOn, scheduledPurgeDate, properties: props };
}

function keyVaultKey(wire) {
  const props = properties(wire);
  const value = check(wire.value, "string", "value");
  if (value === undefined) throw new Unreadable("the service's response has no value");
  return { name: props.name, value, properties: props };
}

function page(item) {
  return (wire) => {
    const list = wire.value ?? [];
    if (!Array.isArray(list)) unreadable("value is not an array");
    const next = check(wire.nextLink, "string", "nextLink");
    return { items: list.map(item), continuationToken: next || undefined };
  };
}

/** Reads `response` with `read(json)`; anything unexpected is a PARSE_ERROR. */
function reader(read) {
  return (response) => {
    try {
      let json;
      try {
        json = JSON.parse(response.bodyAsText);
      } catch (e) {
        unreadable(e.message);
      }
      if (json === null || typeof json !== "object" || Array.isArray(json)) unreadable("the body is not a JSON object");
      return read(json);
    } catch (e) {
      if (e instanceof Unreadable) throw parseError(response, e.message);
      throw e;
    }
  };
}

export const readKey = reader(keyVaultKey);
export const readProperties = reader(properties);
export const readDeletedKey = reader(deletedKey);
export const readPropertiesPage = reader(page(properties));
export const readDeletedPage = reader(page(deletedKey));

/** `{"value": "<base64url>"}` of a backup, decoded with `decode` (the core's base64url). */
export function readBackup(response, decode) {
  return reader((json) => {
    const bytes = typeof json.value === "string" ? decode(json.value) : new Uint8Array();
    if (bytes.length === 0) throw new Unreadable("the service's backup is not base64url data");
    return bytes;
  })(response);
}

/**
 * Reading the service's JSON answers: the checks every shape uses, pages, and `read`, which turns
 * anything unexpected into the entry's PARSE_ERROR. The shapes themselves are per plane:
 * js/secrets-model.mjs, js/keys-model.mjs.
 */

import { shorten } from "./args.mjs";

/** Thrown by a shape and turned into the entry's PARSE_ERROR by `read`. */
export class Unreadable {
  constructor(message) {
    this.message = message;
  }
}

export const unreadable = (what) => {
  throw new Unreadable(`the service's response could not be read: ${what}`);
};

/** `value` if it is of `type` ("integer" or a `typeof` name), undefined if absent; else unreadable. */
export function check(value, type, what) {
  if (value === undefined || value === null) return undefined;
  const ok = type === "integer" ? Number.isSafeInteger(value) : typeof value === type;
  if (!ok) unreadable(`${what} is not ${type === "integer" ? "an integer" : `a ${type}`}`);
  return value;
}

/** The largest time a Date holds, in Unix seconds (±100,000,000 days from 1970). */
const MAX_DATE_SECONDS = 8.64e12;

/** Unix seconds as a Date; a time no Date can hold (an Invalid Date) is unreadable. */
export function date(seconds, what) {
  if (seconds === undefined) return undefined;
  if (!(Math.abs(seconds) <= MAX_DATE_SECONDS)) unreadable(`${what} is out of range: ${seconds}`);
  return new Date(seconds * 1000);
}

/** Tags in the service's order, or undefined; a tag named "__proto__" stays an ordinary tag. */
export function tags(wire) {
  if (wire === undefined || wire === null) return undefined;
  if (typeof wire !== "object" || Array.isArray(wire)) unreadable("tags is not an object");
  const out = {};
  for (const name of Object.keys(wire)) {
    const value = wire[name];
    if (typeof value !== "string") unreadable("a tag's value is not a string");
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The attributes both planes share (`enabled`, the dates, recovery), read from `attributes`. */
export function attributes(wire) {
  const a = wire ?? {};
  if (typeof a !== "object" || Array.isArray(a)) unreadable("attributes is not an object");
  return {
    enabled: check(a.enabled, "boolean", "attributes.enabled"),
    notBefore: date(check(a.nbf, "integer", "attributes.nbf"), "attributes.nbf"),
    expiresOn: date(check(a.exp, "integer", "attributes.exp"), "attributes.exp"),
    createdOn: date(check(a.created, "integer", "attributes.created"), "attributes.created"),
    updatedOn: date(check(a.updated, "integer", "attributes.updated"), "attributes.updated"),
    recoveryLevel: check(a.recoveryLevel, "string", "attributes.recoveryLevel"),
    recoverableDays: check(a.recoverableDays, "integer", "attributes.recoverableDays"),
  };
}

/** The deletion's facts of a deleted object (bundle or list item). */
export function deletion(wire) {
  return {
    recoveryId: check(wire.recoveryId, "string", "recoveryId"),
    scheduledPurgeDate: date(check(wire.scheduledPurgeDate, "integer", "scheduledPurgeDate"), "scheduledPurgeDate"),
    deletedOn: date(check(wire.deletedDate, "integer", "deletedDate"), "deletedDate"),
  };
}

/**
 * The vault URL of an id, as `new URL(id)` would give `${protocol}//${host}` (lower case, no
 * default port), which is what the official packages return, without parsing a URL per item.
 */
function vaultUrlOf(id, pathStart) {
  const origin = id.slice(0, pathStart).toLowerCase();
  if (origin.startsWith("https://") && origin.endsWith(":443")) return origin.slice(0, -4);
  if (origin.startsWith("http://") && origin.endsWith(":80")) return origin.slice(0, -3);
  return origin;
}

/** A version id: 32 hexadecimal characters, as the service makes them (and as requests take them). */
const VERSION = /^[0-9A-Fa-f]{32}$/;

/**
 * `https://{host}/{collection}/{name}[/{version}]` -> { vaultUrl, name, version }; an id that
 * is missing, not one of `collection`, or with a version that is not 32 hexadecimal characters
 * is unreadable. List items name no version: undefined, as in the official SDKs.
 */
export function parseId(id, collection) {
  const schemeEnd = typeof id === "string" ? id.indexOf("://") : -1;
  const pathStart = schemeEnd === -1 ? -1 : id.indexOf("/", schemeEnd + 3);
  const [kind, name, version, ...rest] = pathStart === -1 ? [] : id.slice(pathStart + 1).split("/");
  if (kind !== collection || !name || rest.length > 0 || (version && !VERSION.test(version))) {
    throw new Unreadable(`the service's response has an unexpected id: "${shorten(id ?? "")}"`);
  }
  return { vaultUrl: vaultUrlOf(id, pathStart), name, version: version || undefined };
}

/** A page of items read with `item`: `{ items, continuationToken }`. */
export function page(item) {
  return (wire) => {
    const list = wire.value ?? [];
    if (!Array.isArray(list)) unreadable("value is not an array");
    const next = check(wire.nextLink, "string", "nextLink");
    return { items: list.map(item), continuationToken: next || undefined };
  };
}

/**
 * Reads `response` with `shape(json)`; anything unexpected is the pipeline's PARSE_ERROR (of
 * the entry's kind). With `name` (an operation on one object by name: get, set, update, create,
 * delete, recover), a result that names another object is unexpected too; names are compared
 * as the service does, without case. Listings and restores name what they find.
 */
export function read(pipeline, response, shape, name) {
  try {
    let json;
    try {
      json = JSON.parse(response.bodyAsText);
    } catch (e) {
      unreadable(e.message);
    }
    if (json === null || typeof json !== "object" || Array.isArray(json)) unreadable("the body is not a JSON object");
    const result = shape(json);
    const named = typeof result?.name === "string" ? result.name : undefined;
    if (name !== undefined && named !== undefined && named.toLowerCase() !== name.toLowerCase()) {
      throw new Unreadable(`the service's response is for "${shorten(named)}", not "${shorten(name)}"`);
    }
    return result;
  } catch (e) {
    if (e instanceof Unreadable) throw pipeline.unreadable(response, e.message);
    throw e;
  }
}

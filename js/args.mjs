/**
 * JavaScript argument types, checked before anything reaches the wasm core: strings, booleans,
 * numbers, Dates, option bags, tags. The core then checks the values against Key Vault's rules
 * (names, versions, lengths, URLs). A bad type is a TypeError, a bad number a RangeError.
 */

const DAY_MS = 86_400_000;

/** How a value is named in a message. */
export function typeName(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v;
}

/** Error messages quote the input, but never an unbounded amount of it. */
export function shorten(text) {
  const chars = [...String(text)];
  return chars.length > 80 ? `${chars.slice(0, 80).join("")}...` : String(text);
}

const absent = (v) => v === undefined || v === null;

export function string(v, what) {
  if (typeof v !== "string") throw new TypeError(`${what} must be a string, not ${typeName(v)}`);
  return v;
}

/** A string argument that may be left out (`undefined`/`null`). */
export function optString(v, what) {
  return absent(v) ? undefined : string(v, what);
}

/** An options bag: `undefined`/`null` mean none; anything but a plain object is refused. */
export function options(v, what) {
  if (absent(v)) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw new TypeError(`${what} must be an object, not ${typeName(v)}`);
  return v;
}

/** `obj[key]`, with a throwing getter reported as a bad argument rather than escaping. */
function get(obj, key, what) {
  try {
    return obj[key];
  } catch {
    throw new TypeError(`${what}.${key} could not be read`);
  }
}

export function optStringOption(obj, key, what) {
  const v = get(obj, key, what);
  return absent(v) ? undefined : string(v, `${what}.${key}`);
}

export function optBoolOption(obj, key, what) {
  const v = get(obj, key, what);
  if (absent(v)) return undefined;
  if (typeof v !== "boolean") throw new TypeError(`${what}.${key} must be a boolean, not ${typeName(v)}`);
  return v;
}

/** A non-negative number option (milliseconds, counts), at most `max`. */
export function optNumberOption(obj, key, what, max, integer) {
  const v = get(obj, key, what);
  if (absent(v)) return undefined;
  if (typeof v !== "number") throw new TypeError(`${what}.${key} must be a number, not ${typeName(v)}`);
  if (!(v >= 0 && v <= max) || (integer && !Number.isInteger(v))) {
    throw new RangeError(`${what}.${key} must be ${integer ? "an integer" : "a number"} from 0 to ${max}, not ${v}`);
  }
  return v;
}

/** `retryOptions { maxRetries, retryDelayInMs, maxRetryDelayInMs, maxRetryElapsedTimeInMs, tryTimeoutInMs }`. */
export function retryOptions(v) {
  const what = "options.retryOptions";
  const o = options(v, what);
  if (!o) return {};
  const r = {
    maxRetries: optNumberOption(o, "maxRetries", what, 100, true),
    retryDelayInMs: optNumberOption(o, "retryDelayInMs", what, DAY_MS, false),
    maxRetryDelayInMs: optNumberOption(o, "maxRetryDelayInMs", what, DAY_MS, false),
    maxRetryElapsedTimeInMs: optNumberOption(o, "maxRetryElapsedTimeInMs", what, DAY_MS, false),
    tryTimeoutInMs: optNumberOption(o, "tryTimeoutInMs", what, DAY_MS, false),
  };
  if (r.tryTimeoutInMs === 0) throw new RangeError(`${what}.tryTimeoutInMs must be more than 0`);
  return r;
}

/** A `Date` option as Unix seconds (floored, so a time before 1970 lands in its own second). */
export function optDateOption(obj, key, what) {
  const v = get(obj, key, what);
  if (absent(v)) return undefined;
  if (!(v instanceof Date)) throw new TypeError(`${what}.${key} must be a Date, not ${typeName(v)}`);
  const ms = v.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${what}.${key} is an invalid Date`);
  return Math.floor(ms / 1000);
}

/** Tags, a plain object (not a Map, not an array) of strings, as [name, value, name, value...]. */
export function optTagsOption(obj, key, what) {
  const v = get(obj, key, what);
  if (absent(v)) return undefined;
  const proto = typeof v === "object" && !Array.isArray(v) ? Object.getPrototypeOf(v) : undefined;
  if (!(proto === null || proto === Object.prototype)) {
    throw new TypeError(`${what}.${key} must be a plain object of strings, not ${typeName(v)}`);
  }
  const flat = [];
  for (const [name, value] of Object.entries(v)) {
    if (typeof value !== "string") {
      throw new TypeError(`${what}.${key}["${shorten(name)}"] must be a string, not ${typeName(value)}`);
    }
    flat.push(name, value);
  }
  return flat;
}

/** A list of strings, or absent. */
export function optStringsOption(obj, key, what) {
  const v = get(obj, key, what);
  if (absent(v)) return undefined;
  if (!Array.isArray(v)) throw new TypeError(`${what}.${key} must be an array of strings, not ${typeName(v)}`);
  v.forEach((item, i) => string(item, `${what}.${key}[${i}]`));
  return [...v];
}

/** An optional boolean as the core's tri-state: 0, 1, or 2 for absent. */
export const tri = (b) => (b === undefined ? 2 : Number(b));

/** The options of `setKey` and `updateKeyProperties`; `enabled` as 0, 1, or 2 for absent. */
export function keyOptions(v) {
  const o = options(v, "options");
  if (!o) return { enabled: 2 };
  return {
    contentType: optStringOption(o, "contentType", "options"),
    enabled: tri(optBoolOption(o, "enabled", "options")),
    notBefore: optDateOption(o, "notBefore", "options"),
    expiresOn: optDateOption(o, "expiresOn", "options"),
    tags: optTagsOption(o, "tags", "options"),
  };
}

/** `maxPageSize`: an integer 1-25, or absent. */
export function pageSize(v) {
  if (absent(v)) return undefined;
  if (typeof v !== "number") throw new TypeError(`maxPageSize must be a number, not ${typeName(v)}`);
  if (!Number.isInteger(v) || v < 1 || v > 25) throw new RangeError(`maxPageSize must be an integer from 1 to 25, not ${v}`);
  return v;
}

/** Bytes from a `Uint8Array`. */
export function bytes(v, what) {
  if (!(v instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array, not ${typeName(v)}`);
  return v;
}

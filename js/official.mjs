/**
 * What the drop-in entries share with the official packages they replace: client options, the
 * identifier parser, the no-op logger, the recovery levels.
 */
import * as args from "./args.mjs";
import { officialHttpClient } from "./rest-error.mjs";

/**
 * The client options of the official packages read as the plane's: the same names, with an
 * official `HttpClient` (whose requests carry `HttpHeaders`) adapted. Options that only shape
 * the official pipeline (policies, logging, telemetry, proxy, redirects) have no counterpart:
 * this client never follows redirects.
 */
export function planeOptions(options) {
  const o = args.options(options, "options");
  if (!o?.httpClient || typeof o.httpClient.sendRequest !== "function") return o;
  return { ...o, httpClient: officialHttpClient(o.httpClient) };
}

/** A version that may be given as "" (the latest), as the official clients accept. */
export const version = (v, what) => (v === undefined || v === null || v === "" ? undefined : args.string(v, what));

/** The recovery levels the service names (`DeletionRecoveryLevel` is any string). */
export const KnownDeletionRecoveryLevel = Object.freeze({
  Purgeable: "Purgeable",
  RecoverablePurgeable: "Recoverable+Purgeable",
  Recoverable: "Recoverable",
  RecoverableProtectedSubscription: "Recoverable+ProtectedSubscription",
  CustomizedRecoverablePurgeable: "CustomizedRecoverable+Purgeable",
  CustomizedRecoverable: "CustomizedRecoverable",
  CustomizedRecoverableProtectedSubscription: "CustomizedRecoverable+ProtectedSubscription",
});

/**
 * `https://{vault}/{collection}/{name}[/{version}]` as `{ sourceId, vaultUrl, name, version }`;
 * throws an Error for anything else, with the official messages.
 */
export function parseKeyVaultIdentifier(id) {
  // The official parser's checks, in its order and with its messages.
  const sourceId = id;
  const collection = typeof id === "string" ? id.split("/")[3]?.trim() : undefined;
  if (!collection) throw new Error("Invalid collection argument");
  if (!(id = id.trim())) throw new Error("Invalid identifier argument");
  let url;
  try {
    url = new URL(id);
  } catch {
    throw new Error(`Invalid ${collection} identifier: ${id}. Not a valid URI`);
  }
  const segments = url.pathname.split("/");
  if (segments.length !== 3 && segments.length !== 4) {
    throw new Error(`Invalid ${collection} identifier: ${id}. Bad number of segments: ${segments.length}`);
  }
  if (segments[1] !== collection) {
    throw new Error(`Invalid ${collection} identifier: ${id}. segment [1] should be "${collection}", found "${segments[1]}"`);
  }
  return {
    sourceId,
    vaultUrl: `${url.protocol}//${url.host}`,
    name: segments[2],
    version: segments.length === 4 ? segments[3] : undefined,
  };
}

/** A `Debugger` of `@azure/logger`: this client logs nothing. */
function debuggerFor(namespace) {
  const log = () => {};
  return Object.assign(log, { namespace, enabled: false, log, destroy: () => true, extend: (sub) => debuggerFor(`${namespace}:${sub}`) });
}

/** `@azure/logger`'s `AzureLogger` shape, for programs that import `logger`. */
export const loggerFor = (pkg) =>
  Object.freeze(Object.fromEntries(["error", "warning", "info", "verbose"].map((level) => [level, debuggerFor(`${pkg}:${level}`)])));

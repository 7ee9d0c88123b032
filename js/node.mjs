// Source of pkg/node.cjs (the Node build of the root and /secrets entries, CommonJS), bundled by
// `npm run build`. It is not loaded from here: __dirname below is pkg/, where the bundle lives
// beside the wasm. It exports one object per entry (`root`, `secrets`); each entry's files pick
// theirs (js/index.cjs, js/index.mjs, js/secrets.cjs, ...), so they share the wasm instance and
// no entry shows another's names. It also exports the error classes and RestError's helpers,
// which pkg/keys.cjs (the /keys entry, js/node-keys.mjs) takes from here so every entry throws
// the same classes.
import * as glue from "../pkg/web/keyvault_secrets.js";
import { defineKeyClient } from "./client.mjs";
import { AbortError, AuthenticationError, KeyVaultError, PollerStoppedError } from "./errors.mjs";
import { nodeSocketClient } from "./node-socket.mjs";
import { nodeWasm } from "./node-wasm.mjs";
import { isRestError, RestError } from "./rest-error.mjs";
import * as secretsEntry from "./secret-client.mjs";

export * from "./errors.mjs";
export * from "./rest-error.mjs";

const wasm = nodeWasm(glue, "web/keyvault_secrets_bg.wasm");

export const root = {
  AbortError,
  AuthenticationError,
  KeyClient: defineKeyClient(wasm, nodeSocketClient),
  KeyVaultError,
  PollerStoppedError,
  ready: wasm.ready,
};

export const secrets = {
  isRestError,
  KnownContentType: secretsEntry.KnownContentType,
  KnownDeletionRecoveryLevel: secretsEntry.KnownDeletionRecoveryLevel,
  logger: secretsEntry.logger,
  parseKeyVaultSecretIdentifier: secretsEntry.parseKeyVaultSecretIdentifier,
  ready: wasm.ready,
  RestError,
  SecretClient: secretsEntry.defineSecretClient(wasm, nodeSocketClient),
};

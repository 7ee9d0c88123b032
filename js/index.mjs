// The Node ES module entry: the CommonJS build re-exported, so `import` and `require` share one
// wasm instance and one set of error classes.
export { AbortError, AuthenticationError, KeyClient, KeyVaultError, PollerStoppedError } from "../pkg/node.cjs";

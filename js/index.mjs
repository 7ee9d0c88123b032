// The Node ES module entry: the CommonJS build, loaded with require() so `import` and `require`
// share one wasm instance and one set of error classes. (Importing the .cjs file through the ESM
// loader instead costs ~24 ms more at startup: Node re-lexes it to find its exports.)
import { createRequire } from "node:module";

const { root } = createRequire(import.meta.url)("../pkg/node.cjs");

export const { AbortError, AuthenticationError, KeyClient, KeyVaultError, PollerStoppedError, ready } = root;

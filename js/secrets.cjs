// The CommonJS entry of keyvault-keys-wasm/secrets (see js/node.mjs).
"use strict";
module.exports = require("../pkg/node.cjs").secrets;

// The CommonJS entry of keyvault-keys-wasm/keys (see js/node-keys.mjs).
"use strict";
module.exports = require("../pkg/keys.cjs").keys;

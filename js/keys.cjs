// The CommonJS entry of keyvault-keys-wasm/keys (see js/node.mjs).
"use strict";
module.exports = require("../pkg/node.cjs").keys();

// The CommonJS root entry: the root entry's names from the one Node bundle (see js/node.mjs).
"use strict";
module.exports = require("../pkg/node.cjs").root;

// Every ```js example of README.md, executed against the emulator. A block that starts with
// `import` starts a new module; the blocks after it continue that module (they share `client`).
// `console.log(...); // expected` lines are checked: the logged line must equal the comment. A
// console.log whose output is not the same every run (a new version id) has no comment; its
// output is checked against its shape in SHAPES below, and a console.log with neither fails.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { format } from "node:util";
import { codeBlocks, emulatorUrl, repoFile } from "./helpers.mjs";

/** The console.log lines of README.md without an expected comment, and what they must print. */
const SHAPES = {
  "console.log(created.name, created.value, created.properties.version);": /^myKey myKeyValue [0-9a-f]{32}$/,
};

const modules = [];
for (const block of codeBlocks("README.md", ["js"])) {
  if (/^import /.test(block) || modules.length === 0) modules.push([]);
  modules.at(-1).push(block);
}

test("the README has examples to run", () => {
  assert.ok(modules.length >= 2 && modules.flat().length >= 7, `${modules.flat().length} blocks`);
  // A shape whose line is no longer in the README checks nothing.
  const lines = new Set(modules.flat().join("\n").split("\n").map((l) => l.trim()));
  assert.deepEqual(Object.keys(SHAPES).filter((l) => !lines.has(l)), []);
});

modules.forEach((blocks, i) => {
  const source = blocks.join("\n");
  // One entry per console.log line: the expected output (a string), or its shape (a RegExp)
  // when there is no comment.
  const expected = source
    .split("\n")
    .filter((l) => /console\.log\(/.test(l))
    .map((l) => /\);\s*\/\/ (.+)$/.exec(l)?.[1] ?? SHAPES[l.trim()] ?? { unchecked: l.trim() });
  test(`README module ${i + 1}: ${source.split("\n")[0]}`, async () => {
    process.env.KEYVAULT_EMULATOR_URL = await emulatorUrl();
    // Inside the package directory, so `import "keyvault-keys-wasm"` resolves to this package.
    const dir = repoFile("target/readme-examples");
    mkdirSync(dir, { recursive: true });
    const file = `${dir}/example-${i + 1}-${Date.now()}.mjs`;
    writeFileSync(file, source);

    const logged = [];
    const log = console.log;
    console.log = (...args) => logged.push(format(...args));
    try {
      await import(file);
    } finally {
      console.log = log;
    }
    assert.deepEqual(
      expected.filter((want) => want.unchecked !== undefined),
      [],
      "every console.log has an expected comment or a shape in SHAPES",
    );
    assert.equal(logged.length, expected.length, "every console.log ran once");
    expected.forEach((want, j) => {
      if (want instanceof RegExp) assert.match(logged[j], want, `console.log #${j + 1}`);
      else assert.equal(logged[j], want, `console.log #${j + 1}`);
    });
  });
});

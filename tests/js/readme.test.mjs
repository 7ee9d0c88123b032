// Every ```js example of README.md, executed against the emulator. A block that starts with
// `import` starts a new module; the blocks after it continue that module (they share `client`).
// `console.log(...); // expected` lines are checked: the logged line must equal the comment.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { format } from "node:util";
import { codeBlocks, emulatorUrl, repoFile } from "./helpers.mjs";

const modules = [];
for (const block of codeBlocks("README.md", ["js"])) {
  if (/^import /.test(block) || modules.length === 0) modules.push([]);
  modules.at(-1).push(block);
}

test("the README has examples to run", () => {
  assert.ok(modules.length >= 2 && modules.flat().length >= 7, `${modules.flat().length} blocks`);
});

modules.forEach((blocks, i) => {
  const source = blocks.join("\n");
  // One entry per console.log line: the expected output, or undefined when there is no comment.
  const expected = source
    .split("\n")
    .filter((l) => /console\.log\(/.test(l))
    .map((l) => /\);\s*\/\/ (.+)$/.exec(l)?.[1]);
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
    assert.equal(logged.length, expected.length, "every console.log ran once");
    expected.forEach((want, j) => {
      if (want !== undefined) assert.equal(logged[j], want, `console.log #${j + 1}`);
    });
  });
});

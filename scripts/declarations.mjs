// The CommonJS declarations (js/*.d.cts) from the hand-written ES module ones (js/*.d.ts, the
// contracts): the same text, with each relative import naming the .cjs sibling, so TypeScript
// gives `require()` callers CommonJS types. `node scripts/declarations.mjs` writes them;
// `--check` fails when a committed one differs from what it would write.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./lib.mjs";

const ENTRIES = ["index", "keys", "secrets"];
const check = process.argv.includes("--check");
const stale = [];
for (const entry of ENTRIES) {
  const source = readFileSync(join(root, "js", `${entry}.d.ts`), "utf8");
  const header = `// Generated from js/${entry}.d.ts by scripts/declarations.mjs: edit that file, not this one.\n`;
  const text = header + source.replace(/from "\.\/(\w+)\.js"/g, 'from "./$1.cjs"');
  const target = join(root, "js", `${entry}.d.cts`);
  let current;
  try {
    current = readFileSync(target, "utf8");
  } catch {}
  if (current === text) continue;
  if (check) stale.push(`js/${entry}.d.cts`);
  else writeFileSync(target, text);
}
if (stale.length) {
  console.error(`out of date (run node scripts/declarations.mjs): ${stale.join(", ")}`);
  process.exit(1);
}

// Preloaded with `node -r` into every cold-start process (bare `node -e 0` included): at exit,
// writes this process's own CPU (getrusage RUSAGE_SELF: all threads, from exec to here, µs),
// its peak RSS and the CPU noted after each step by bench/lib/cold*.{mjs,cjs} (ms) as one JSON
// line to stdout.
"use strict";
const { writeSync } = require("node:fs");
process.on("exit", () => {
  const u = process.resourceUsage();
  const result = { userUs: u.userCPUTime, systemUs: u.systemCPUTime, maxRssKb: u.maxRSS, phases: globalThis.__coldPhases };
  writeSync(1, `\n${JSON.stringify(result)}\n`);
});

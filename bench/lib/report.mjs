// The report of a bench run (bench/run.mjs): the table rows with their targets and whether each
// is met, the markdown table, the results JSON and the SVG chart of the ratios.
import { mkdirSync, writeFileSync } from "node:fs";
import { ratioChart } from "./chart.mjs";
import { benchFile, root } from "./env.mjs";

/** The per-request shapes, in measurement and table order (run.mjs measures each). */
export const SHAPES = ["set-seq", "get-seq", "set-conc", "get-conc", "set-hot", "get-hot"];
/** The keys-plane shapes (the /keys drop-in against @azure/keyvault-keys), in the same order. */
export const KEY_SHAPES = ["getkey-conc", "sign-conc"];

export const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const kb = (b) => `${(b / 1000).toFixed(1)} KB`;
const fmt = (x, digits = 0) => (Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "–");

/**
 * Rows: { metric, ours, official, raw?, ratio, target?: { direction: "max"|"min", value, text },
 * met?, chart?: short label }.
 */
function tableRows(results) {
  const rows = [];
  const judge = (ratio, target) =>
    target === undefined ? undefined : target.direction === "max" ? ratio <= target.value : ratio >= target.value;
  const add = (row) =>
    rows.push({
      ...row,
      met: row.met ?? judge(row.ratio, row.target),
      milestoneMet: row.target?.milestone === undefined ? undefined : row.ratio <= row.target.milestone,
    });
  /** The p50 / p99 latency row of a per-request shape. */
  const addLatency = (metric, x) =>
    add({
      metric,
      ours: `${fmt(x.ours.p50Ms, 2)} / ${fmt(x.ours.p99Ms, 2)}`,
      official: `${fmt(x.official.p50Ms, 2)} / ${fmt(x.official.p99Ms, 2)}`,
      raw: `${fmt(x.raw.p50Ms, 2)} / ${fmt(x.raw.p99Ms, 2)}`,
      ratio: x.ratio.p50Ms,
      ratioText: `${fmt(x.ratio.p50Ms, 2)} / ${fmt(x.ratio.p99Ms, 2)}`,
    });

  if (results.cold) {
    const s = results.cold.summary;
    const ours = s.ours.cpuMs - s.bare.cpuMs;
    const official = s.official.cpuMs - s.bare.cpuMs;
    add({
      metric: "cold start: CPU over bare `node -e 0` (import, construct, one set), ms",
      chart: "cold start CPU over bare node",
      ours: fmt(ours, 1),
      official: fmt(official, 1),
      raw: `${fmt(s.raw.cpuMs - s.bare.cpuMs, 1)} (bare node: ${fmt(s.bare.cpuMs, 1)})`,
      ratio: ours / official,
      target: { direction: "max", value: 0.15, text: "≤ 0.15" },
    });
    const viaRequire = s.oursRequire.cpuMs - s.bare.cpuMs;
    add({
      metric: "cold start through `require()` (CommonJS): CPU over bare, ms",
      chart: "cold start CPU, require()",
      ours: fmt(viaRequire, 1),
      official: fmt(official, 1),
      raw: "",
      ratio: viaRequire / official,
      target: { direction: "max", value: 0.15, text: "≤ 0.15" },
    });
    const steps = (p) => ["start", "import", "construct", "set", "exit"].map((k) => fmt(p[k], 1)).join(" / ");
    add({
      metric: "cold start, where the CPU goes (medians, ms): node + ESM start / import / construct / first set / exit",
      ours: steps(s.ours.phases),
      official: steps(s.official.phases),
      raw: steps(s.raw.phases),
      ratio: NaN,
      ratioText: "",
    });
    add({
      metric: "cold start through `require()`, where the CPU goes (medians, ms): node start / require / construct / first set / exit",
      ours: steps(s.oursRequire.phases),
      official: "",
      raw: "",
      ratio: NaN,
      ratioText: "",
    });
    add({
      metric: "cold start: wall time of the process, ms",
      chart: "cold start wall time",
      ours: fmt(s.ours.wallMs, 0),
      official: fmt(s.official.wallMs, 0),
      raw: `${fmt(s.raw.wallMs, 0)} (bare node: ${fmt(s.bare.wallMs, 0)})`,
      ratio: s.ours.wallMs / s.official.wallMs,
    });
  }
  if (results.requests) {
    const s = results.requests.summary;
    const { seq, conc, inFlight } = results.requests.params;
    const shapeText = {
      "set-seq": `setKey vs setSecret, ${fmt(seq)} sequential`,
      "get-seq": `getKey vs getSecret, ${fmt(seq)} sequential`,
      "set-conc": `setKey vs setSecret, ${fmt(conc)} at ${inFlight} in flight (100 names)`,
      "get-conc": `getKey vs getSecret, ${fmt(conc)} at ${inFlight} in flight (100 names)`,
      "set-hot": `setKey vs setSecret, ${fmt(conc)} at ${inFlight} in flight, 1 hot name`,
      "get-hot": `getKey vs getSecret, ${fmt(conc)} at ${inFlight} in flight, 1 hot name`,
    };
    const short = {
      "set-seq": "set seq",
      "get-seq": "get seq",
      "set-conc": `set @${inFlight}`,
      "get-conc": `get @${inFlight}`,
      "set-hot": `set @${inFlight} 1 name`,
      "get-hot": `get @${inFlight} 1 name`,
    };
    for (const shape of SHAPES) {
      const conc = !shape.endsWith("seq");
      const x = s[shape];
      if (!x) continue;
      add({
        metric: `${shapeText[shape]}: client CPU µs/op`,
        chart: `${short[shape]}: client CPU per op`,
        ours: fmt(x.ours.cpuUsPerOp),
        official: fmt(x.official.cpuUsPerOp),
        raw: fmt(x.raw.cpuUsPerOp),
        ratio: x.ratio.cpuUsPerOp,
        target: conc ? { direction: "max", value: 0.45, text: "≤ 0.45" } : undefined,
      });
      add({
        metric: `${shapeText[shape]}: ops/s`,
        chart: `${short[shape]}: ops/s (higher is better)`,
        ours: fmt(x.ours.opsPerSec),
        official: fmt(x.official.opsPerSec),
        raw: fmt(x.raw.opsPerSec),
        ratio: x.ratio.opsPerSec,
        target: conc ? { direction: "min", value: 2, text: "≥ 2.0" } : undefined,
      });
      if (conc && x.oursSecrets) {
        add({
          metric: `${shapeText[shape]}, through the /secrets drop-in (setSecret / getSecret): client CPU µs/op`,
          chart: `${short[shape]}: CPU per op, /secrets drop-in`,
          ours: fmt(x.oursSecrets.cpuUsPerOp),
          official: fmt(x.official.cpuUsPerOp),
          raw: fmt(x.raw.cpuUsPerOp),
          ratio: x.secretsRatio.cpuUsPerOp,
        });
      }
      addLatency(`${shapeText[shape]}: p50 / p99 latency, ms`, x);
    }
  }
  if (results.keys) {
    const s = results.keys.summary;
    const { conc, inFlight } = results.keys.params;
    const shapeText = {
      "getkey-conc": `/keys getKey vs @azure/keyvault-keys getKey (EC P-256 key, latest version), ${fmt(conc)} at ${inFlight} in flight`,
      "sign-conc": `/keys CryptographyClient.sign vs @azure/keyvault-keys (ES256 over a 32-byte digest, at the service), ${fmt(conc)} at ${inFlight} in flight`,
    };
    const short = { "getkey-conc": `keys getKey @${inFlight}`, "sign-conc": `keys sign ES256 @${inFlight}` };
    for (const shape of KEY_SHAPES) {
      const x = s[shape];
      if (!x) continue;
      add({
        metric: `${shapeText[shape]}: client CPU µs/op`,
        chart: `${short[shape]}: client CPU per op`,
        ours: fmt(x.ours.cpuUsPerOp),
        official: fmt(x.official.cpuUsPerOp),
        raw: fmt(x.raw.cpuUsPerOp),
        ratio: x.ratio.cpuUsPerOp,
        target: { direction: "max", value: 0.6, text: "≤ 0.6" },
      });
      add({
        metric: `${shapeText[shape]}: ops/s`,
        chart: `${short[shape]}: ops/s (higher is better)`,
        ours: fmt(x.ours.opsPerSec),
        official: fmt(x.official.opsPerSec),
        raw: fmt(x.raw.opsPerSec),
        ratio: x.ratio.opsPerSec,
      });
      addLatency(`${shapeText[shape]}: p50 / p99 latency, ms`, x);
    }
  }
  if (results.bundle) {
    const b = results.bundle;
    /** One bundle row: our app against an official one, in one compression (`gzip`, `brotli`, `raw`). */
    const bundleRow = (metric, chart, ours, official, size, target) =>
      add({
        metric,
        chart,
        ours: `${kb(ours.total[size])} (JS ${kb(ours.js[size])} + wasm ${kb(ours.wasm[size])})`,
        official: kb(official.total[size]),
        raw: "",
        ratio: ours.total[size] / official.total[size],
        target,
      });
    const twice = { direction: "max", value: 2, text: "≤ 2.0" };
    bundleRow("browser bundle, JS + .wasm, gzip -9, vs official KeyClient", "bundle gzip vs official KeyClient", b.ours, b.officialKeys, "gzip", {
      ...twice,
      text: "≤ 2.0 (goal beyond: ≤ 1.0)",
    });
    bundleRow("browser bundle, JS + .wasm, brotli 11, vs official KeyClient", "bundle brotli vs official KeyClient", b.ours, b.officialKeys, "brotli");
    if (b.oursSecrets) {
      const what = "browser bundle of the secrets drop-in (keyvault-keys-wasm/secrets SecretClient app) vs official SecretClient";
      bundleRow(`${what}, gzip`, "bundle gzip, /secrets vs official SecretClient", b.oursSecrets, b.officialSecrets, "gzip", twice);
      bundleRow(`${what}, brotli`, undefined, b.oursSecrets, b.officialSecrets, "brotli");
    }
    if (b.oursKeys) {
      const what = "browser bundle of the keys drop-in (keyvault-keys-wasm/keys KeyClient + CryptographyClient app) vs the same app on @azure/keyvault-keys";
      bundleRow(`${what}, gzip`, "bundle gzip, /keys vs official (Key + Crypto client)", b.oursKeys, b.officialKeysCrypto, "gzip", twice);
      bundleRow(`${what}, brotli`, undefined, b.oursKeys, b.officialKeysCrypto, "brotli");
    }
    bundleRow("browser bundle uncompressed (minified JS + .wasm) vs official KeyClient", undefined, b.ours, b.officialKeys, "raw");
  }
  if (results.memory) {
    const m = results.memory.summary;
    add({
      metric: `memory: RSS after ${fmt(results.memory.ops)} operations, after GC`,
      chart: `RSS after ${fmt(results.memory.ops)} ops`,
      ours: mb(m.ours.rssAfter),
      official: mb(m.official.rssAfter),
      raw: mb(m.raw.rssAfter),
      ratio: m.ours.rssAfter / m.official.rssAfter,
    });
    add({
      metric: `memory: JS heap used after ${fmt(results.memory.ops)} operations, after GC`,
      chart: `heap after ${fmt(results.memory.ops)} ops`,
      ours: mb(m.ours.heapAfter),
      official: mb(m.official.heapAfter),
      raw: mb(m.raw.heapAfter),
      ratio: m.ours.heapAfter / m.official.heapAfter,
    });
  }
  if (results.listing) {
    const l = results.listing.summary;
    const { items, every } = results.listing;
    add({
      metric: `listing ${fmt(items)} items (first pass): peak RSS while iterating`,
      chart: `peak RSS listing ${fmt(items)} items`,
      ours: mb(l.ours.rssPeak),
      official: mb(l.official.rssPeak),
      raw: mb(l.raw.rssPeak),
      ratio: l.ours.rssPeak / l.official.rssPeak,
    });
    add({
      metric: `listing (first pass): RSS growth per item, item ${fmt(every)} → ${fmt(items)}, bytes`,
      ours: fmt(l.ours.rssGrowthPerItem, 1),
      official: fmt(l.official.rssGrowthPerItem, 1),
      raw: fmt(l.raw.rssGrowthPerItem, 1),
      ratio: NaN,
      ratioText: "",
    });
    add({
      metric: `listing (first pass): heap growth per item after GC, item ${fmt(every)} → ${fmt(items)}, bytes (code warming up included)`,
      ours: fmt(l.ours.heapGrowthPerItemFirstPass, 1),
      official: fmt(l.official.heapGrowthPerItemFirstPass, 1),
      raw: fmt(l.raw.heapGrowthPerItemFirstPass, 1),
      ratio: NaN,
      ratioText: "",
    });
    add({
      metric: `listing (second pass, same process): heap retained per item after GC, item ${fmt(every)} → ${fmt(items)}, bytes`,
      ours: fmt(l.ours.heapGrowthPerItem, 1),
      official: fmt(l.official.heapGrowthPerItem, 1),
      raw: fmt(l.raw.heapGrowthPerItem, 1),
      ratio: NaN,
      ratioText: "",
      target: { text: `flat: < ${FLAT_BYTES_PER_ITEM} B/item` },
      met: l.ours.heapGrowthPerItem < FLAT_BYTES_PER_ITEM,
    });
  }
  return rows;
}

/**
 * "Flat": a listing that kept its items would retain hundreds of bytes per item (a properties
 * object with its id, name, URL and dates). Once the code is warm, what nothing keeps still
 * shows as ~15 B/item (the raw floor, which holds no item, measures that much).
 */
const FLAT_BYTES_PER_ITEM = 64;

function markdownTable(rows) {
  const lines = [
    "| metric | ours | official | raw node:http floor | ours ÷ official | target | met? |",
    "|---|---:|---:|---:|---:|---|:-:|",
  ];
  for (const r of rows) {
    const ratio = r.ratioText ?? (Number.isFinite(r.ratio) ? `${fmt(r.ratio, 2)}×` : "");
    let met = r.met === true ? "yes" : r.met === false ? "**no**" : "";
    if (r.lever) met = r.met ? "(would be met)" : "(still missed)";
    if (r.milestoneMet !== undefined) met += ` (milestone: ${r.milestoneMet ? "yes" : "**no**"})`;
    lines.push(`| ${r.metric} | ${r.ours} | ${r.official} | ${r.raw ?? ""} | ${ratio} | ${r.target?.text ?? ""} | ${met} |`);
  }
  return lines.join("\n");
}

/**
 * Prints the table of `results` (a run's measurements, or saved results when `render`), and
 * writes `results/<out>.json` (with the table) and the ratio chart beside it.
 */
export function report(results, { out, render }) {
  const rows = tableRows(results);
  results.table = rows.map(({ metric, ours, official, raw, ratio, target, met, milestoneMet, lever }) => ({
    metric,
    ours,
    official,
    raw,
    ratio: Number.isFinite(ratio) ? ratio : null,
    target: target?.text ?? null,
    met: met ?? null,
    ...(milestoneMet === undefined ? {} : { milestoneMet }),
    ...(lever ? { lever: true } : {}),
  }));

  mkdirSync(benchFile("results"), { recursive: true });
  const jsonPath = benchFile(`results/${out}.json`);
  const svgPath = benchFile(`results/${out === "latest" ? "ratios" : `${out}-ratios`}.svg`);
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  const chartRows = rows
    .filter((r) => r.chart && Number.isFinite(r.ratio))
    .map((r) => ({ label: r.chart, ratio: r.ratio, target: r.target?.value, milestone: r.target?.milestone, met: r.met, lever: r.lever }));
  writeFileSync(
    svgPath,
    ratioChart(chartRows, {
      title: "keyvault-keys-wasm ÷ official Azure SDK (same run)",
      subtitle: `${results.meta.date.slice(0, 10)} · ${results.meta.command} · node ${results.meta.node} · ${results.meta.cpus} × ${results.meta.cpuModel ?? "cpu"}`,
    }),
  );

  const met = rows.filter((r) => r.met === true && !r.lever).length;
  const judged = rows.filter((r) => r.met !== undefined && !r.lever).length;
  console.log(`\n${markdownTable(rows)}\n`);
  console.log(`${met} of ${judged} targets met. ${render ? "Rendered again from the saved results" : `${results.meta.seconds} s`}. Wrote ${jsonPath.slice(root.length)} and ${svgPath.slice(root.length)}.`);
}

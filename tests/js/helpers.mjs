// Test helpers: the emulator URL, clients pointed at it, code blocks from Markdown files,
// programs run with either import, a Chromium page beside the package.
import assert from "node:assert/strict";
import { execFile, execFileSync, spawn } from "node:child_process";
import { constants as cryptoConstants, createPublicKey, verify as cryptoVerify } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const repoFile = (path) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** The emulator binary: KEYVAULT_EMULATOR_BIN, or the one `npm test` builds. */
const emulatorBin = process.env.KEYVAULT_EMULATOR_BIN ?? repoFile("target/emulator/keyvault-emulator");

let started;

/** The emulator `npm test` started (KEYVAULT_EMULATOR_URL), or one started here for this file. */
export async function emulatorUrl() {
  if (process.env.KEYVAULT_EMULATOR_URL) return process.env.KEYVAULT_EMULATOR_URL;
  started ??= new Promise((resolve, reject) => {
    const child = spawn(emulatorBin, ["--port", "0"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.on("error", reject);
    process.on("exit", () => child.kill());
    createInterface({ input: child.stdout }).once("line", (line) => {
      // From here on it must not keep the test process alive; it is killed on exit.
      child.unref();
      child.stdout.destroy();
      const m = /listening on (\S+)$/.exec(line);
      m ? resolve(m[1]) : reject(new Error(line));
    });
  });
  return started;
}

/**
 * A separate emulator for one test file, with its own flags (faults, data file, ...).
 * Resolves to { url, child, stop() }; stop() resolves when the process has exited.
 */
export function startEmulator(args = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(emulatorBin, ["--port", "0", ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.on("error", reject);
    const exited = new Promise((r) => child.on("exit", r));
    process.on("exit", () => child.kill("SIGKILL"));
    createInterface({ input: child.stdout }).once("line", (line) => {
      const m = /listening on (\S+)$/.exec(line);
      if (!m) return reject(new Error(line));
      resolve({
        url: m[1],
        child,
        stop(signal = "SIGTERM") {
          child.kill(signal);
          return exited;
        },
      });
    });
  });
}

export const emulatorOptions = Object.freeze({
  allowInsecureConnection: true,
  disableChallengeResourceVerification: true,
});

export function uniqueName(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Fenced code blocks of a Markdown file whose info string is one of `langs`, in order. */
export function codeBlocks(path, langs = ["js", "javascript"]) {
  const text = readFileSync(repoFile(path), "utf8");
  const blocks = [];
  const re = /^```(\S*)[^\n]*\n([\s\S]*?)^```/gm;
  for (let m; (m = re.exec(text)); ) {
    if (langs.includes(m[1])) blocks.push(m[2]);
  }
  return blocks;
}

/** Runs `count` calls of `fn(i)` with at most `limit` in flight; returns results in order. */
export async function pool(count, limit, fn) {
  const results = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await fn(i).then(
          (value) => ({ ok: true, value }),
          (error) => ({ ok: false, error }),
        );
      }
    }),
  );
  return results;
}

// --- Keys plane: node:crypto counterparts of Key Vault's signature algorithms ----------------

/** Hash (node name) and kind of each Key Vault signature algorithm. */
export const SIGNATURE_ALGORITHMS = Object.freeze({
  RS256: { hash: "sha256", kind: "RS" },
  RS384: { hash: "sha384", kind: "RS" },
  RS512: { hash: "sha512", kind: "RS" },
  PS256: { hash: "sha256", kind: "PS", saltLength: 32 },
  PS384: { hash: "sha384", kind: "PS", saltLength: 48 },
  PS512: { hash: "sha512", kind: "PS", saltLength: 64 },
  ES256: { hash: "sha256", kind: "ES", crv: "P-256" },
  ES384: { hash: "sha384", kind: "ES", crv: "P-384" },
  ES512: { hash: "sha512", kind: "ES", crv: "P-521" },
  ES256K: { hash: "sha256", kind: "ES", crv: "P-256K" },
});

const b64url = (v) => (typeof v === "string" ? v : Buffer.from(v).toString("base64url"));

/**
 * A node:crypto public KeyObject from a Key Vault JWK: the REST form (base64url strings) or the
 * official SDK's (Uint8Array fields). Key Vault's curve `P-256K` is node's `secp256k1`.
 */
export function nodePublicKey(jwk) {
  const kty = jwk.kty.replace(/-HSM$/, "");
  const key =
    kty === "RSA"
      ? { kty, n: b64url(jwk.n), e: b64url(jwk.e) }
      : { kty, crv: jwk.crv === "P-256K" ? "secp256k1" : jwk.crv, x: b64url(jwk.x), y: b64url(jwk.y) };
  return createPublicKey({ key, format: "jwk" });
}

/** node:crypto's verdict on a Key Vault signature (`alg`) of `data` under `publicKey`. */
export function nodeVerify(alg, publicKey, data, signature) {
  const a = SIGNATURE_ALGORITHMS[alg];
  const key =
    a.kind === "ES"
      ? { key: publicKey, dsaEncoding: "ieee-p1363" }
      : a.kind === "PS"
        ? { key: publicKey, padding: cryptoConstants.RSA_PKCS1_PSS_PADDING, saltLength: a.saltLength }
        : { key: publicKey, padding: cryptoConstants.RSA_PKCS1_PADDING };
  return cryptoVerify(a.hash, data, key, signature);
}

// --- What the witnesses share ------------------------------------------------------------------

/** The error of a call that must fail. */
export async function failure(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("expected the call to fail");
}

/** Every item of an async iterable. */
export async function collect(iterable) {
  const out = [];
  for await (const x of iterable) out.push(x);
  return out;
}

/** The page sizes and the items of a `byPage()` iterable. */
export async function pages(iterable) {
  const sizes = [];
  const items = [];
  for await (const page of iterable) {
    sizes.push(page.length);
    items.push(...page);
  }
  return { sizes, items };
}

/** Case-insensitive name order, the service's listing order. */
export const byName = (a, b) => (a.toUpperCase() < b.toUpperCase() ? -1 : a.toUpperCase() > b.toUpperCase() ? 1 : 0);

/** Node's names of the curves Key Vault names, their coordinate lengths, and their group orders. */
export const NODE_CURVE = { "P-256": "prime256v1", "P-384": "secp384r1", "P-521": "secp521r1", "P-256K": "secp256k1" };
export const COORDINATE = { "P-256": 32, "P-384": 48, "P-521": 66, "P-256K": 32 };
/** Group orders: (r, s) and (r, n − s) are both valid ECDSA signatures (no low-S rule). */
export const ORDER = {
  "P-256": 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  "P-384": 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  "P-521": 0x1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  "P-256K": 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n,
};

/**
 * One test per program of `programs` (written for the official package, imported as
 * `official`): run against the emulator as written and with the import changed to `ours`, it
 * prints the same.
 */
export function testProgramsBothWays(test, programs, official, ours, scratch) {
  for (const file of readdirSync(programs).filter((f) => f.endsWith(".mjs"))) {
    test(`${file}: the same output with the official import and with ours`, async () => {
      const outputs = await runBothWays(programs, file, official, ours, scratch);
      assert.ok(outputs.official.split("\n").length > 3, outputs.official);
      assert.equal(outputs.ours, outputs.official);
    });
  }
}

/**
 * A drop-in's error for a 404 of `collection` (`keys`, `secrets`): a RestError both
 * `isRestError`s recognise, with the request (without its authorization) and the response,
 * and never `token`.
 */
export function assertNotFoundRestError(e, { RestError, isRestError, officialIsRestError, code, collection, token }) {
  assert.ok(e instanceof RestError && isRestError(e) && officialIsRestError(e));
  assert.equal(e.name, "RestError");
  assert.equal(e.statusCode, 404);
  assert.equal(e.code, code);
  assert.equal(e.request.method, "GET");
  assert.match(e.request.url, new RegExp(`/${collection}/`));
  assert.equal(e.request.headers.get("authorization"), undefined);
  assert.equal(e.response.status, 404);
  assert.match(e.response.bodyAsText, new RegExp(code));
  assert.ok(!JSON.stringify({ ...e, request: e.request.headers.toJSON() }).includes(token));
  assert.deepEqual(Object.keys(e).sort(), ["code", "name", "statusCode"], "request and response are not enumerable");
}

/**
 * Runs `file` of `programs` (written for the official package, imported as `official`) against
 * the emulator as written and with the import changed to `ours`; resolves to both outputs, with
 * the run's name prefix replaced by PREFIX.
 */
async function runBothWays(programs, file, official, ours, scratch) {
  const url = await emulatorUrl();
  const source = readFileSync(`${programs}/${file}`, "utf8");
  assert.equal(source.split(official).length, 2, "the program imports the official package once");
  mkdirSync(scratch, { recursive: true });
  const outputs = {};
  for (const [which, specifier] of [["official", official], ["ours", ours]]) {
    const path = `${scratch}/${which}-${file}`;
    writeFileSync(path, source.replace(official, specifier));
    const prefix = uniqueName(which);
    const { stdout } = await promisify(execFile)(process.execPath, [path], { env: { ...process.env, KEYVAULT_URI: url, PREFIX: prefix } });
    outputs[which] = stdout.replaceAll(prefix, "PREFIX");
  }
  return outputs;
}

const CONTENT_TYPES = { ".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };

/**
 * An HTTP server on 127.0.0.1 serving the files under `root`, by default the repository's (so a
 * page can `import("/js/...")` the package's browser entries), and, at `/`, a blank page that records its own errors in
 * `window.__pageErrors` (uncaught exceptions, unhandled rejections, resources that failed to
 * load) and has `window.__run(source, arg)`, which runs a function's source in the page's own
 * realm, whatever drives the browser. Paths for which `hidden(path)` is true answer 404.
 * Resolves to `{ origin, close() }`.
 */
export async function servePackageFiles(title = "kv", { hidden = () => false, root = repoFile("") } = {}) {
  const page =
    `<!doctype html><title>${title}</title><script>` +
    "window.__pageErrors = [];" +
    'addEventListener("error", (e) => __pageErrors.push(e.target === window || !e.target ? `error: ${e.message} (${e.filename}:${e.lineno})` : `failed to load: ${e.target.src || e.target.href}`), true);' +
    'addEventListener("unhandledrejection", (e) => __pageErrors.push(`unhandled rejection: ${e.reason}${e.reason && e.reason.stack ? `\\n${e.reason.stack}` : ""}`));' +
    // Runs a function's source in the page's own realm; resolves to JSON text of
    // { ok: true, value } or { ok: false, error } (never rejects).
    "window.__run = (source, arg) => Promise.resolve().then(() => (0, eval)(`(${source})`)(arg)).then(" +
    "(value) => JSON.stringify({ ok: true, value }), (e) => JSON.stringify({ ok: false, error: `${e}${e && e.stack ? `\\n${e.stack}` : \"\"}` }));" +
    "</script>";
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (hidden(path)) {
      res.writeHead(404).end();
      return;
    }
    if (path === "/") {
      res.writeHead(200, { "content-type": "text/html" }).end(page);
      return;
    }
    try {
      const body = await readFile(root + path);
      res.writeHead(200, { "content-type": CONTENT_TYPES[extname(path)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

/**
 * The package as users get it: `npm pack` of the repository into `dir` (emptied first), installed
 * there (offline, from the tarball) into a fresh `package.json` project of type module.
 * Resolves to the tarball's file name.
 */
export async function installPackedPackage(dir) {
  const run = promisify(execFile);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: repoFile("") });
  const tarball = stdout.trim().split("\n").at(-1);
  writeFileSync(`${dir}/package.json`, JSON.stringify({ name: "app", private: true, type: "module" }));
  await run("npm", ["install", "--no-audit", "--no-fund", "--offline", `./${tarball}`], { cwd: dir });
  return tarball;
}

/**
 * The ```js examples of a Markdown file as modules: a block that starts with `import` starts a
 * new module, the blocks after it continue it. Each is { source, expected }, `expected` holding
 * one entry per `console.log(` line: the text of its trailing `// comment` (what it must print),
 * or undefined where there is none.
 */
export function markdownModules(path) {
  const modules = [];
  for (const block of codeBlocks(path, ["js"])) {
    if (/^import /.test(block) || modules.length === 0) modules.push([]);
    modules.at(-1).push(block);
  }
  return modules.map((blocks) => {
    const source = blocks.join("\n");
    const expected = source
      .split("\n")
      .filter((l) => /console\.log\(/.test(l))
      .map((l) => /\);\s*\/\/ (.+)$/.exec(l)?.[1]);
    return { source, expected };
  });
}

/** README.md's modules whose every import is an entry of this package, numbered from 1 in README order. */
export function packageReadmeModules() {
  const pkg = "keyvault-keys-wasm";
  return markdownModules("README.md")
    .map((m, i) => ({ ...m, index: i + 1, imports: [...m.source.matchAll(/^import [^;]*? from "([^"]+)";?$/gm)].map((x) => x[1]) }))
    .filter((m) => m.imports.length > 0 && m.imports.every((s) => s === pkg || s.startsWith(`${pkg}/`)));
}

/** Where the npm packages of the runtimes under test put their binaries (see runtimeBinary). */
const RUNTIME_PACKAGES = { bun: { scope: "@oven", binary: "bin/bun" }, deno: { scope: "@deno", binary: "deno" } };

/**
 * A runtime's binary (`bun`, `deno`) as its npm devDependency installed it: node_modules/.bin/NAME
 * (what its postinstall links), else the platform package's own binary (when install scripts did
 * not run, .bin/bun is a placeholder that exits with an error). Resolves to { bin, version }.
 */
export async function runtimeBinary(name) {
  const { scope, binary } = RUNTIME_PACKAGES[name];
  const scopeDir = repoFile(`node_modules/${scope}`);
  const candidates = [
    repoFile(`node_modules/.bin/${name}`),
    ...(existsSync(scopeDir) ? readdirSync(scopeDir).map((p) => `${scopeDir}/${p}/${binary}`).filter(existsSync) : []),
  ];
  const tried = [];
  for (const bin of candidates) {
    try {
      const { stdout } = await promisify(execFile)(bin, ["--version"], { timeout: 30_000 });
      return { bin, version: /(\d+\.\d+\.\d+)/.exec(stdout)?.[1] };
    } catch (e) {
      tried.push(`${bin}: ${e.message.split("\n")[0]}`);
    }
  }
  assert.fail(`no working ${name} binary (npm devDependency \`${name}\`):\n${tried.join("\n")}`);
}

/** Asserts that a README module (see markdownModules) printed `logged`: one line per console.log, each what its comment says. */
export function assertPrintsComments(m, logged) {
  assert.equal(logged.length, m.expected.length, `every console.log ran once:\n${logged.join("\n")}`);
  m.expected.forEach((want, j) => {
    if (want !== undefined) assert.equal(logged[j], want, `console.log #${j + 1}`);
  });
  assert.ok(m.expected.some((e) => e !== undefined), "the module checks what it prints");
}

/**
 * A throwaway self-signed P-256 certificate for `cn`, valid for `altNames` (openssl's
 * subjectAltName list, e.g. "DNS:localhost,IP:127.0.0.1"), written to key.pem and cert.pem in
 * `dir`. Resolves to { key, cert, certFile }; throws when openssl cannot make one.
 */
export function selfSignedCertificate(dir, cn, altNames) {
  const keyFile = join(dir, "key.pem");
  const certFile = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj", `/CN=${cn}`,
      "-addext", `subjectAltName=${altNames}`, "-keyout", keyFile, "-out", certFile],
    { stdio: "ignore" },
  );
  return { key: readFileSync(keyFile), cert: readFileSync(certFile), certFile };
}

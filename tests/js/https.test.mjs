// An https:// vault with challenge verification on, as in production: a TLS front with a
// throwaway certificate for myvault.vault.azure.net (trusted through NODE_EXTRA_CA_CERTS)
// relays to the emulator, and the client's process resolves *.vault.azure.net to loopback. The
// emulator's challenge names https://vault.azure.net, which a *.vault.azure.net host passes.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:tls";
import { promisify } from "node:util";
import { after, before, test } from "node:test";
import { emulatorUrl, repoFile, selfSignedCertificate } from "./helpers.mjs";

const HOST = "myvault.vault.azure.net";
/** A host outside vault.azure.net, which the emulator's challenge does not name. */
const OTHER = "myvault.example.test";
let dir, front, vaultUrl;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "kv-https-"));
  const { key, cert } = selfSignedCertificate(dir, HOST, `DNS:${HOST},DNS:${OTHER}`);
  const emulator = new URL(await emulatorUrl());
  front = createServer({ key, cert }, (socket) => {
    const upstream = connect(Number(emulator.port), emulator.hostname);
    socket.pipe(upstream).pipe(socket);
    const close = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on("error", close);
    upstream.on("error", close);
  });
  await new Promise((resolve) => front.listen(0, "127.0.0.1", resolve));
  vaultUrl = `https://${HOST}:${front.address().port}`;
  // Resolves HOST and OTHER to loopback in the client's process.
  writeFileSync(
    join(dir, "loopback.mjs"),
    `import dns from "node:dns";
const lookup = dns.lookup;
dns.lookup = (host, options, callback) => {
  if (typeof options === "function") [callback, options] = [options, {}];
  if (host !== "${HOST}" && host !== "${OTHER}") return lookup(host, options, callback);
  if (options?.all) return process.nextTick(callback, null, [{ address: "127.0.0.1", family: 4 }]);
  process.nextTick(callback, null, "127.0.0.1", 4);
};
`,
  );
});

after(() => {
  front?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `program` (an ES module's text) in a process of its own; its output. */
async function run(program, env) {
  const file = join(repoFile("target"), `https-${process.pid}-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, program);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", join(dir, "loopback.mjs"), file], {
      env: { ...process.env, VAULT: vaultUrl, ...env },
    });
    return stdout.trim();
  } finally {
    rmSync(file, { force: true });
  }
}

const PROGRAM = `
import { KeyClient } from "keyvault-keys-wasm";
import { KeyClient as CryptoKeyClient } from "keyvault-keys-wasm/keys";
const credential = { getToken: async (scopes) => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000, scopes }) };
const scopes = [];
const recording = { getToken: async (s, o) => (scopes.push(s.join(" ")), credential.getToken(s, o)) };
const out = [];
try {
  const keys = new KeyClient(process.env.VAULT, recording);
  const name = "https-" + Date.now();
  out.push((await keys.setKey(name, "over tls")).value);
  const crypto = new CryptoKeyClient(process.env.VAULT, recording);
  const key = await crypto.createEcKey("https-ec-" + Date.now(), { curve: "P-256" });
  out.push(key.keyType, new URL(key.id).hostname);
  out.push([...new Set(scopes)].join(","));
} catch (e) {
  out.push(e.name + ": " + e.message, "tokens asked: " + scopes.length);
}
console.log(out.join(" | "));
`;

test("an https:// *.vault.azure.net vault, challenge verification on: every entry works, the token asked for the vault's scope", async () => {
  const output = await run(PROGRAM, { NODE_EXTRA_CA_CERTS: join(dir, "cert.pem") });
  assert.equal(output, `over tls | EC | ${HOST} | https://vault.azure.net/.default`);
});

test("an untrusted certificate fails at once, naming TLS (not retried)", async () => {
  const output = await run(PROGRAM, { NODE_EXTRA_CA_CERTS: "" });
  assert.match(output, /^KeyVaultError: PUT https:\/\/myvault\.vault\.azure\.net:\d+\/secrets\/https-\d+ failed: .*; not retried: the TLS connection cannot be made \| tokens asked: 0$/);
});

test("verification is on: a vault host the challenge does not name is refused before any token is asked for", async () => {
  const output = await run(PROGRAM, { NODE_EXTRA_CA_CERTS: join(dir, "cert.pem"), VAULT: vaultUrl.replace(HOST, OTHER) });
  assert.match(output, /^AuthenticationError: the challenge resource 'https:\/\/vault\.azure\.net' does not match the vault host 'myvault\.example\.test'.* \| tokens asked: 0$/);
});

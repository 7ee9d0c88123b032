// Random bytes from the vault's generator, in the style of the official README's example; the
// test swaps only the import line.
import { KeyClient } from "@azure/keyvault-keys";

const url = process.env.KEYVAULT_URI;
const credential = { getToken: async () => ({ token: "sample-token", expiresOnTimestamp: Date.now() + 3_600_000 }) };
const client = new KeyClient(url, credential, { allowInsecureConnection: true, disableChallengeResourceVerification: true });

for (const count of [1, 10, 32, 128]) {
  const bytes = await client.getRandomBytes(count);
  console.log("random bytes:", count, bytes instanceof Uint8Array, bytes.length);
}
const a = await client.getRandomBytes(32);
const b = await client.getRandomBytes(32);
console.log("two draws differ:", Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0);

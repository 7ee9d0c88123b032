// `npm start`: build, start the emulator (unless AZURE_KEYVAULT_URL and AZURE_ACCESS_TOKEN name
// a real vault), run the seed document's flows, print what happened.
import { buildEmulator, buildPackage, ensureNpmPackages, ensureToolchain, startEmulator, step } from "./lib.mjs";

const realVault = process.env.AZURE_KEYVAULT_URL && process.env.AZURE_ACCESS_TOKEN;

ensureNpmPackages();
ensureToolchain({ browser: false });
buildPackage();
if (!realVault) buildEmulator();

// After the build: the package entry exists only now.
const { demo } = await import("./demo.mjs");
let emulator;
try {
  if (realVault) {
    step(`the seed's flows against ${process.env.AZURE_KEYVAULT_URL}`);
    await demo(process.env.AZURE_KEYVAULT_URL, () => process.env.AZURE_ACCESS_TOKEN, { local: false });
  } else {
    emulator = await startEmulator();
    step(`the seed's flows against the emulator at ${emulator.url}`);
    await demo(emulator.url, async () => "any-token", { local: true });
  }
  step("done");
} finally {
  emulator?.stop();
}

import { AuthenticationError, KeyVaultError } from "./errors.mjs";

/**
 * Builds the public KeyClient class over an initialised wasm module. The wasm object stays
 * private: callers cannot free it or reach the credential through it.
 */
export function defineKeyClient(wasm, defaultHttpClient) {
  wasm.__registerErrorClasses(KeyVaultError, AuthenticationError);

  return class KeyClient {
    #inner;

    constructor(vaultUrl, credential, options) {
      this.#inner = new wasm.KeyClient(vaultUrl, credential, options, defaultHttpClient);
    }

    /** The vault's URL, normalised. */
    get vaultUrl() {
      return this.#inner.vaultUrl;
    }

    setKey(name, value, options) {
      return this.#inner.setKey(name, value, options);
    }

    getKey(name, options) {
      return this.#inner.getKey(name, options);
    }

    updateKeyProperties(name, versionOrOptions, options) {
      return this.#inner.updateKeyProperties(name, versionOrOptions, options);
    }
  };
}

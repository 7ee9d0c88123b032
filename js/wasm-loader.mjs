/**
 * A plane's wasm module, loaded on first use rather than at import, so importing an entry
 * never fails: a module that cannot be loaded rejects the call that needed it (or `ready()`),
 * with an error that says what failed to load and from where, and a later call tries again.
 *
 * `instantiate(source)` loads it: `source` is what `ready(source)` was given (a
 * `WebAssembly.Module`, bytes, a URL or a `Response`), or undefined for the entry's default.
 * Where it can run synchronously (`sync`: Node, which reads the file), a client constructed
 * before any load loads the module at once and checks its arguments in the constructor, as
 * everywhere once the module is loaded.
 */
export function wasmLoader(glue, instantiate, { sync = false, where }) {
  let instance;
  let loading;
  const failure = (e, source) => {
    const from = source === undefined ? describe(where) : typeof source === "string" || source instanceof URL ? String(source) : "the module given to ready()";
    const why = typeof e?.message === "string" && e.message ? e.message : String(e);
    return new Error(`keyvault-keys-wasm could not load its WebAssembly module from ${from}: ${why}`, { cause: e });
  };
  const load = (source) => {
    if (instance) return Promise.resolve(instance);
    // A module handed in while the default one is still loading: used if the default fails.
    if (loading && source !== undefined) return loading.catch(() => load(source));
    loading ??= Promise.resolve()
      .then(() => instantiate(source))
      .then(
        (exports) => (instance = { glue, exports }),
        (e) => {
          loading = undefined;
          throw failure(e, source);
        },
      );
    return loading;
  };
  return {
    /** The loaded module, or undefined (where loading is synchronous, tried at once). */
    loaded() {
      if (!instance && sync && !loading) {
        try {
          instance = { glue, exports: instantiate(undefined) };
        } catch {
          // load() tries again and reports why.
        }
      }
      return instance;
    },
    load,
    /** `ready(source)` of the entries: resolves once the module is loaded. */
    ready: (source) => load(source).then(() => undefined),
  };
}

/**
 * The loader of a plane whose glue fetches the module (browsers): by default the glue's
 * `new URL("<stem>.wasm", import.meta.url)`, which bundlers that emit assets rewrite and others
 * leave relative to the bundle. `here` is the caller's import.meta.url, for messages: in the
 * package it is js/wasm-*.mjs, beside pkg/<dir>/; in a bundle it is the bundle's, as the glue's is.
 */
export function fetchedWasm(glue, init, { here, dir, stem }) {
  const file = `${stem}.wasm`;
  const inPackage = /\/js\/wasm-[\w-]+\.mjs$/;
  return wasmLoader(glue, (source) => init(source === undefined ? undefined : { module_or_path: source }), {
    where: () => (inPackage.test(here) ? here.replace(inPackage, `/pkg/${dir}/${file}`) : new URL(file, here).href),
  });
}

/** The loader of a plane whose module the runtime imported (Workers): `ready(source)` may still replace it. */
export function importedWasm(glue, init, module, stem) {
  return wasmLoader(glue, (source) => init({ module_or_path: source ?? module }), {
    where: () => `the ${stem}.wasm module the package imports`,
  });
}

/** Where the default module is, or what it is where that cannot be told (a runtime without file URLs). */
function describe(where) {
  try {
    return where();
  } catch {
    return "the .wasm file beside the package's glue";
  }
}

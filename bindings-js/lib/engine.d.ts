/** Nesting depth limit for JSON values, actions included: 64 (`JSON_TOO_DEEP`). */
export declare const MAX_JSON_DEPTH: number;
/** Size limit for JSON text, actions included, in UTF-8 bytes: 1 MiB (`JSON_TOO_LARGE`). */
export declare const MAX_JSON_BYTES: number;

/** Where to load the WebAssembly module from. */
export type ModuleSource =
  | string
  | URL
  | Request
  | Response
  | Promise<Response>
  | BufferSource
  | WebAssembly.Module;

/**
 * Loads and instantiates the module: by default the
 * `openleash_core_wasm_bg.wasm` next to the package's JavaScript, fetched
 * relative to its URL. Resolves at once when already loaded.
 */
export declare function init(source?: ModuleSource): Promise<void>;

/**
 * Instantiates the module synchronously from its bytes or a compiled
 * `WebAssembly.Module`. Browsers allow compiling more than 4 KB
 * synchronously only in workers; on a page's main thread use `init`, or
 * pass a module compiled with `WebAssembly.compile`.
 */
export declare function initSync(options: { module: BufferSource | WebAssembly.Module }): void;

// The WebAssembly module: loading it, and turning what it throws into the
// package's errors.
//
// The module is instantiated once per JavaScript realm (page, worker,
// Node process). `init` fetches and compiles it asynchronously;
// `initSync` takes its bytes or a compiled WebAssembly.Module, for
// runtimes that cannot fetch local files. Every API function checks that
// the module is ready.
//
// A panic inside the module is a bug in the engine. The module is built
// to abort on panic, so a panic traps: the call throws a
// WebAssembly.RuntimeError and the instance's memory may be left in any
// state. The package then refuses every further call with INTERNAL_ERROR.
// NOTE: the package does not re-create the instance itself, because every
// Policy, KeySet and other handle points into the old memory; a new
// instance needs a new realm (reload the page, restart the worker or the
// process).

import initModule, * as module from '../wasm/openleash_core_wasm.js';
import { ERROR_CLASSES, OpenLeashError } from './errors.js';

export { module };

/** Nesting depth limit for JSON values, actions included (`JSON_TOO_DEEP`). */
export const MAX_JSON_DEPTH = 64;
/** Size limit for JSON text, actions included, in UTF-8 bytes (`JSON_TOO_LARGE`). */
export const MAX_JSON_BYTES = 1_048_576;

const UNINITIALIZED = 0;
const READY = 1;
const TRAPPED = 2;

let state = UNINITIALIZED;
/** The RuntimeError of the trap that stopped the instance. */
let trap;
/** The pending instantiation of `init`. */
let loading;

/**
 * Loads and instantiates the module. `source` is where to get it: a URL or
 * path string, a URL, a Request, a Response, its bytes (ArrayBuffer,
 * typed array) or a compiled WebAssembly.Module; by default the
 * `openleash_core_wasm_bg.wasm` file next to the package's JavaScript,
 * fetched relative to its URL. Resolves at once when already loaded.
 */
export function init(source) {
  if (state !== UNINITIALIZED) {
    return Promise.resolve();
  }
  // Concurrent calls share one instantiation; a failed one can be retried.
  loading ??= initModule(source === undefined ? undefined : { module_or_path: source }).then(
    () => {
      if (state === UNINITIALIZED) {
        finishInit();
      }
    },
    (problem) => {
      loading = undefined;
      throw problem;
    },
  );
  return loading;
}

/**
 * Instantiates the module synchronously from `options.module`: its bytes
 * (a Uint8Array, ArrayBuffer or Node Buffer) or a compiled
 * WebAssembly.Module. Browsers refuse to compile more than 4 KB
 * synchronously on their main thread: there, use `init`, or pass a module
 * compiled with `WebAssembly.compile`. Does nothing when already loaded.
 */
export function initSync(options) {
  if (state !== UNINITIALIZED) {
    return;
  }
  if (options === null || typeof options !== 'object' || options.module === undefined) {
    const error = new TypeError('initSync takes {module}: the bytes of openleash_core_wasm_bg.wasm or a WebAssembly.Module');
    error.code = 'ERR_INVALID_ARG_TYPE';
    throw error;
  }
  module.initSync({ module: options.module });
  finishInit();
}

function finishInit() {
  // The limits are literals above so that they exist before loading; a
  // module built from another core would differ.
  if (module.maxJsonDepth() !== MAX_JSON_DEPTH || module.maxJsonBytes() !== MAX_JSON_BYTES) {
    throw new OpenLeashError('the WebAssembly module does not match this package version', {
      code: 'INTERNAL_ERROR',
    });
  }
  state = READY;
}

/** Throws unless the module can be called. */
export function ready() {
  if (state === READY) {
    return;
  }
  if (state === UNINITIALIZED) {
    throw new OpenLeashError(
      'openleash-core-wasm is not initialized: call `await init()` (or `initSync({module})`) before using it',
      { code: 'ENGINE_NOT_INITIALIZED' },
    );
  }
  throw new OpenLeashError(
    'the engine stopped after an internal error earlier; this is a bug in openleash-core-wasm. Load the package in a new realm (reload the page, restart the worker or the process)',
    { code: 'INTERNAL_ERROR', cause: trap },
  );
}

/** Calls into the module: checks that it is ready and converts what the call throws. */
export function callEngine(body) {
  ready();
  try {
    return body();
  } catch (thrown) {
    throw engineError(thrown);
  }
}

/**
 * Converts what a module call threw: the JSON fields of one of the
 * package's errors (see src/errors.rs), or a trap, which stops the
 * instance. Anything else (a TypeError from the generated bindings) is
 * returned unchanged.
 */
export function engineError(thrown) {
  if (typeof thrown === 'string') {
    const { class: className, message, ...details } = JSON.parse(thrown);
    const ErrorClass = ERROR_CLASSES[className] ?? OpenLeashError;
    return new ErrorClass(message, details);
  }
  if (thrown instanceof WebAssembly.RuntimeError) {
    state = TRAPPED;
    trap = thrown;
    return new OpenLeashError(
      `the engine failed unexpectedly (${thrown.message}); this is a bug in openleash-core-wasm. The module instance cannot be used again: load the package in a new realm (reload the page, restart the worker or the process)`,
      { code: 'INTERNAL_ERROR', cause: thrown },
    );
  }
  return thrown;
}

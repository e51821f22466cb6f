// openleash-core-wasm for Node.js: the module is loaded from the package's
// files when this entry is imported, so the API is ready at once, and
// Policy.fromFile reads policy files. `init` and `initSync` are exported
// too and do nothing, so code shared with browsers can call them.

import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

import { Policy, policyFromYamlBytes } from './lib/api.js';
import { initSync } from './lib/engine.js';
import { PolicyError, invalidArgument } from './lib/errors.js';

initSync({ module: readFileSync(new URL('./wasm/openleash_core_wasm_bg.wasm', import.meta.url)) });

/** Largest policy file read, in bytes: the core's YAML size limit. */
const MAX_POLICY_FILE_BYTES = 1_048_576;

/**
 * Reads a YAML policy file (synchronously) and loads it as
 * `Policy.fromYaml` does. A file that cannot be read is a PolicyError whose
 * code and only diagnostic are POLICY_FILE_UNREADABLE; a file over 1 MiB is
 * YAML_TOO_LARGE and is not read past the limit; bytes that are not UTF-8
 * are YAML_INVALID_UTF8.
 */
function fromFile(path) {
  if (typeof path !== 'string') {
    throw invalidArgument('path must be a string');
  }
  let bytes;
  try {
    bytes = readLimited(path, MAX_POLICY_FILE_BYTES + 1);
  } catch (problem) {
    const message = `cannot read ${path}: ${problem.message}`;
    throw new PolicyError(message, {
      code: 'POLICY_FILE_UNREADABLE',
      diagnostics: [{ code: 'POLICY_FILE_UNREADABLE', message, path: '', line: 0, column: 0 }],
      cause: problem,
    });
  }
  return policyFromYamlBytes(bytes);
}

/** Reads at most `limit` bytes of a file. */
function readLimited(path, limit) {
  const descriptor = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(limit);
    let length = 0;
    while (length < limit) {
      const read = readSync(descriptor, buffer, length, limit - length, null);
      if (read === 0) {
        break;
      }
      length += read;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(descriptor);
  }
}

Object.defineProperty(Policy, 'fromFile', { value: fromFile, writable: true, configurable: true });

export * from './index.js';
export { init as default } from './lib/engine.js';

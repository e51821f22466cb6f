// Types of openleash-core-wasm for Node.js: the module is loaded on import
// (init and initSync do nothing) and Policy has fromFile.

import { Policy as PortablePolicy } from './lib/api.js';

export * from './index.js';
export { init as default } from './lib/engine.js';

/**
 * A validated, compiled policy document; see the portable declaration.
 * In Node.js it also has `fromFile`.
 */
export declare const Policy: typeof PortablePolicy & {
  /**
   * Reads a YAML policy file (synchronously) and loads it as
   * `Policy.fromYaml` does. A file that cannot be read is a `PolicyError`
   * whose code and only diagnostic are `POLICY_FILE_UNREADABLE`; a file
   * over 1 MiB is `YAML_TOO_LARGE` and is not read past the limit.
   */
  fromFile(path: string): PortablePolicy;
};
export type Policy = PortablePolicy;

// What the shared test helpers need from the platform, for Node: which
// implementation to test, and reading the repository's data files. A
// browser harness provides the same three functions over fetch.
//
// Environment:
//   OPENLEASH_IMPL       node (default) or wasm
//   OPENLEASH_MODULE     the package to load: a package name, or a path
//                        (default: openleash-core, or openleash-core-wasm
//                        for wasm)
//   OPENLEASH_ENTRY      import (default) or require: which entry point of
//                        the package to load
//   OPENLEASH_REPO_ROOT  the repository root holding tests/ (default: three
//                        folders above this file)

import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const implementation = process.env.OPENLEASH_IMPL ?? 'node';
const entry = process.env.OPENLEASH_ENTRY ?? 'import';
const repoRoot = process.env.OPENLEASH_REPO_ROOT ?? fileURLToPath(new URL('../../../', import.meta.url));

/** Which implementation and entry point the suite runs against, for test names. */
export const target = { implementation, entry };

/**
 * What each implementation offers beyond the API both share, so that a
 * test of something one lacks is skipped by name rather than failing:
 *
 * - `require`: a CommonJS entry point whose classes the ES module entry
 *   shares (the wasm package is an ES module only);
 * - `nativeAddon`: a native addon that unwinds a Rust panic into an
 *   exception (the wasm module aborts and traps instead; its own tests
 *   cover that);
 * - `failingRandomness`: the platform randomness can be made to fail from
 *   JavaScript (the wasm module reads `crypto.getRandomValues`; the addon
 *   reads the operating system's).
 *
 * `internalFile` is a file of the package that its `exports` hide.
 */
export const capabilities = {
  node: { require: true, nativeAddon: true, failingRandomness: false, internalFile: 'native.js' },
  wasm: { require: false, nativeAddon: false, failingRandomness: true, internalFile: 'lib/api.js' },
}[implementation];
if (capabilities === undefined) {
  throw new Error(`OPENLEASH_IMPL must be node or wasm, found ${implementation}`);
}

/** Capability tests skipped in this run, by test file. */
const skippedByCapability = new Map();

/**
 * Test options that skip a test unless the implementation has
 * `capability`, recording the skip for `capabilitySkips`.
 */
export function requires(capability, file) {
  if (capabilities[capability]) {
    return {};
  }
  skippedByCapability.set(file, (skippedByCapability.get(file) ?? 0) + 1);
  return { skip: `${implementation} has no ${capability} capability` };
}

/** How many tests of `file` were skipped for a missing capability. */
export function capabilitySkips(file) {
  return skippedByCapability.get(file) ?? 0;
}

/**
 * Loads the implementation under test. A package name resolves from this
 * file's location: in the scratch project the test script installs the
 * package into, that is the installed package; in the repository it is
 * the package itself (a self-reference).
 */
export async function loadImplementation() {
  const name = process.env.OPENLEASH_MODULE ?? (implementation === 'wasm' ? 'openleash-core-wasm' : 'openleash-core');
  const specifier = name.startsWith('.') || isAbsolute(name) ? resolve(name) : name;
  if (entry === 'require') {
    return createRequire(import.meta.url)(specifier);
  }
  if (entry !== 'import') {
    throw new Error(`OPENLEASH_ENTRY must be import or require, found ${entry}`);
  }
  return import(specifier === name ? name : pathToFileURL(specifier).href);
}

/**
 * Imports a module of the package by its path inside the package, past
 * the `exports` map, for tests of internals. Both packages keep their
 * entry points at the package root.
 */
export async function importPackageFile(path) {
  const name = process.env.OPENLEASH_MODULE ?? (implementation === 'wasm' ? 'openleash-core-wasm' : 'openleash-core');
  const entryUrl =
    name.startsWith('.') || isAbsolute(name)
      ? pathToFileURL(createRequire(import.meta.url).resolve(resolve(name))).href
      : import.meta.resolve(name);
  const module = await import(new URL(path, entryUrl).href);
  return module.default ?? module;
}

/** Reads a repository file as text; `path` is relative to the repository root. */
export function readRepoText(path) {
  return readFile(join(repoRoot, path), 'utf8');
}

/** Lists the file names in a repository folder, sorted. */
export async function listRepoFiles(folder) {
  return (await readdir(join(repoRoot, folder))).sort();
}

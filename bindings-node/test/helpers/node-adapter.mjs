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

/** Reads a repository file as text; `path` is relative to the repository root. */
export function readRepoText(path) {
  return readFile(join(repoRoot, path), 'utf8');
}

/** Lists the file names in a repository folder, sorted. */
export async function listRepoFiles(folder) {
  return (await readdir(join(repoRoot, folder))).sort();
}

// Benchmarks of openleash-core-wasm in Node.js (bench/cases.mjs has the
// cases).
//
//   node bench/bench.mjs            (from bindings-js/, after scripts/build-wasm.sh)
//   OPENLEASH_MODULE=/path/to/node.js node bench/bench.mjs

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { formatRows, runCases } from './cases.mjs';

const entry = process.env.OPENLEASH_MODULE ?? resolve(import.meta.dirname, '../node.js');
const openleash = await import(pathToFileURL(entry).href);

const rows = runCases(openleash, () => Number(process.hrtime.bigint()));
console.log(`node ${process.version}, ${process.platform}-${process.arch}; median of 15 rounds (7 for fromYaml)`);
console.log(formatRows(rows));

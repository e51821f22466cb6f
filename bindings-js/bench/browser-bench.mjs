// Benchmarks of openleash-core-wasm in headless Chromium: the cases of
// bench/cases.mjs in a page that loads the package with `await init()`.
//
//   node bench/browser-bench.mjs     (from bindings-js/, after scripts/build-wasm.sh)
//
// CHROMIUM sets the browser (default /usr/bin/chromium). Chromium's
// performance.now() is coarsened to 5 µs without cross-origin isolation,
// so each round times thousands of calls.

import { resolve } from 'node:path';

import { launchChromium } from '../test/helpers/chromium.mjs';
import { startServer } from '../test/helpers/server.mjs';

const packageDir = resolve(import.meta.dirname, '..');
const server = await startServer({ packageDir, testDir: resolve(packageDir, 'test'), repoRoot: resolve(packageDir, '..') });
const browser = await launchChromium(server.origin);
try {
  const page = await browser.context.newPage();
  // Any page of the origin will do; the suite page would run the tests.
  await page.goto(`${server.origin}/pkg/package.json`);
  const report = await page.evaluate(async () => {
    const openleash = await import('/pkg/index.js');
    const { formatRows, runCases } = await import('/pkg/bench/cases.mjs');
    await openleash.init();
    const rows = runCases(openleash, () => performance.now() * 1e6);
    return `${navigator.userAgent}\n${formatRows(rows)}`;
  });
  console.log(report);
} finally {
  await browser.close();
  await server.close();
}

// The package in real headless Chromium: the browser suite page
// (test/browser/suite.mjs) runs the corpus and the vectors and reports
// counts, which are checked here; then the example page
// (examples/browser) verifies a known token, refuses a tampered one and
// evaluates an action, checked in its DOM and in screenshots.
//
// Environment: OPENLEASH_MODULE (the package's node.js; default: the
// installed openleash-core-wasm), OPENLEASH_REPO_ROOT (default: two
// folders above this one) and CHROMIUM (default: /usr/bin/chromium).

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { launchChromium } from './helpers/chromium.mjs';
import { startServer } from './helpers/server.mjs';

const entry = process.env.OPENLEASH_MODULE ?? fileURLToPath(import.meta.resolve('openleash-core-wasm'));
const repoRoot = process.env.OPENLEASH_REPO_ROOT ?? fileURLToPath(new URL('../../', import.meta.url));
const testDir = fileURLToPath(new URL('./', import.meta.url));
const vectors = JSON.parse(readFileSync(join(repoRoot, 'tests/conformance/openleash/openleash-testvectors.json'), 'utf8'));

let server;
let browser;
/** Messages the pages wrote to the console as errors, and uncaught exceptions. */
const pageErrors = [];

before(async () => {
  server = await startServer({ packageDir: dirname(entry), testDir, repoRoot });
  browser = await launchChromium(server.origin);
  browser.context.on('page', (page) => {
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') {
        pageErrors.push(`${page.url()}: ${message.text()}`);
      }
    });
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

describe('browser suite', () => {
  let results;

  before(async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/test/browser/index.html`);
    results = await page.evaluate(() => window.suiteResults);
    await page.close();
    console.log(`# ${results.userAgent ?? ''}: ${results.elapsedMs} ms`);
  });

  test('the suite ran', () => {
    assert.equal(results.error, undefined, results.error);
  });

  // The 8 skipped cases are the proof-token cases, run below.
  test('conformance corpus: 300 cases, 8 skipped, none failed', () => {
    const { corpus } = results;
    assert.deepEqual(corpus.failures, []);
    assert.equal(corpus.total, 300);
    assert.equal(corpus.skipped, 8);
    assert.equal(corpus.passed + corpus.deviation, corpus.total - corpus.skipped);
  });

  test('RFC 8785 vectors', () => {
    assert.deepEqual(results.jcs.failures, []);
    assert.equal(results.jcs.checked, readdirSync(join(repoRoot, 'tests/vectors/jcs/input')).length);
  });

  test('proof token cases: 7 passed, 1 deviation', () => {
    assert.deepEqual(results.tokens.failures, []);
    assert.deepEqual([results.tokens.total, results.tokens.passed, results.tokens.deviation], [8, 7, 1]);
  });

  test('OpenLeash request signature and token vectors', () => {
    assert.deepEqual(results.tokenVectors.failures, []);
    assert.equal(results.tokenVectors.passed, 2);
  });

  test('PASERK vectors: 9 passed, 9 out of the API', () => {
    assert.deepEqual(results.paserk.failures, []);
    assert.deepEqual([results.paserk.total, results.paserk.passed, results.paserk.skipped], [18, 9, 9]);
  });

  test('PASETO v4 vectors: 3 signed and verified, 14 refused', () => {
    assert.deepEqual(results.paseto, { signed: 3, refused: 14, failures: [] });
  });

  test('Wycheproof Ed25519: 151 cases', () => {
    assert.deepEqual(results.wycheproof.failures, []);
    assert.equal(results.wycheproof.checked, 151);
    assert.equal(results.wycheproof.total, 151);
  });

  test('the API decides, signs and verifies in the page', () => {
    assert.deepEqual(results.api, {
      result: 'ALLOW',
      matchedRuleId: 'small_purchases',
      policyError: [true, true, 'POLICY_MISSING_FIELD'],
      fromFile: 'undefined',
      verifiedAgent: 'shopper-agent',
    });
  });

  test('a worker loads the module from bytes with initSync', () => {
    assert.deepEqual(results.worker, {
      decisionId: vectors.paseto_claims.decision_id,
      result: 'ALLOW',
      hashMatches: true,
    });
  });
});

describe('example page', () => {
  let page;

  before(async () => {
    page = await browser.context.newPage();
    await page.goto(`${server.origin}/repo/examples/browser/index.html`);
    await page.waitForSelector('body[data-ready="true"]');
  });

  after(async () => {
    await page.close();
  });

  /** Counts pixels of a PNG screenshot that differ from its top-left pixel, decoded by the browser. */
  async function inkedPixels(png) {
    return page.evaluate(async (base64) => {
      const image = new Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const canvas = new OffscreenCanvas(image.width, image.height);
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, image.width, image.height);
      let count = 0;
      for (let index = 0; index < data.length; index += 4) {
        if (data[index] !== data[0] || data[index + 1] !== data[1] || data[index + 2] !== data[2]) {
          count += 1;
        }
      }
      return count;
    }, png.toString('base64'));
  }

  async function verify(token, key, time) {
    await page.fill('#token', token);
    await page.fill('#key', key);
    await page.fill('#verify-time', time);
    await page.click('#verify-button');
    await page.waitForSelector('#verify-result h3');
  }

  test('renders and verifies a known token', async () => {
    const section = page.locator('section').first();
    const before = await section.screenshot();
    await verify(vectors.paseto_token, vectors.public_key_b64, '2024-01-15T10:31:00Z');
    const claims = await page.locator('#claims').innerText();
    assert.match(await page.locator('#verify-result h3').first().innerText(), /Valid proof token/);
    assert.match(claims, new RegExp(vectors.paseto_claims.decision_id));
    assert.match(claims, new RegExp(vectors.paseto_claims.action_hash));
    const result = await page.locator('#verify-result').screenshot();
    const after = await section.screenshot();
    assert.ok((await inkedPixels(result)) > 2000, 'the result area is blank');
    assert.notDeepEqual(after, before);
    assert.equal(await page.locator('#verify-result').evaluate((element) => getComputedStyle(element).backgroundColor), 'rgb(232, 246, 236)');
  });

  test('shows the exact reason a token is refused', async () => {
    await verify(vectors.paseto_token, vectors.public_key_b64, '2024-01-15T10:32:00Z');
    assert.match(await page.locator('#verify-result').innerText(), /Refused: TOKEN_EXPIRED/);
    const paserk = `k4.public.${Buffer.from(vectors.public_key_b64, 'base64').subarray(12).toString('base64url')}`;
    const tampered = vectors.paseto_token.replace('v4.public.eyJ', 'v4.public.eyK');
    await verify(tampered, paserk, '2024-01-15T10:31:00Z');
    assert.match(await page.locator('#verify-result').innerText(), /Refused: TOKEN_(BAD_SIGNATURE|INVALID_CLAIMS|UNKNOWN_KEY)/);
    await verify(vectors.paseto_token, 'not a key', '');
    assert.match(await page.locator('#verify-result').innerText(), /Refused: KEY_INVALID_BASE64/);
  });

  test('issues and verifies its own example token', async () => {
    await page.click('#verify-example');
    await page.click('#verify-button');
    await page.waitForSelector('#claims');
    assert.match(await page.locator('#claims').innerText(), /shopper-agent/);
  });

  test('evaluates an action and shows the decision and trace', async () => {
    await page.click('#evaluate-example');
    await page.click('#evaluate-button');
    await page.waitForSelector('#trace');
    assert.equal(await page.locator('#decision-result').innerText(), 'ALLOW');
    const trace = await page.locator('#trace').innerText();
    assert.match(trace, /small_purchases/);
    assert.equal((await page.locator('#trace tr').count()) - 1, 3);
    assert.ok((await inkedPixels(await page.locator('#evaluate-result').screenshot())) > 2000);
  });

  test('shows policy diagnostics with line and column', async () => {
    await page.fill('#policy', 'version: 1\ndefault: deny\nrules:\n  - id: r\n    effect: maybe\n    action: a\n');
    await page.click('#evaluate-button');
    await page.waitForSelector('#evaluate-result table');
    const text = await page.locator('#evaluate-result').innerText();
    assert.match(text, /Invalid policy: POLICY_INVALID_VALUE|Invalid policy: POLICY_/);
    assert.match(text, /5:13/);
  });
});

test('no page logged an error', () => {
  assert.deepEqual(pageErrors, []);
});

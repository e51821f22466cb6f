// What only Node.js has: two module systems sharing one set of classes,
// worker threads, other realms, files, and panic isolation. These tests
// use Node APIs and do not run in a browser; tests of what the package
// under test lacks are skipped by capability, and the skips are counted.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

import { NOW, PURCHASE_POLICY, purchase, thrown } from './helpers/fixtures.mjs';
import { capabilities, capabilitySkips, loadImplementation, requires, target } from './helpers/node-adapter.mjs';

const openleash = await loadImplementation();
const require = createRequire(import.meta.url);
const defaultPackage = target.implementation === 'wasm' ? 'openleash-core-wasm' : 'openleash-core';
const packageName = process.env.OPENLEASH_MODULE ?? defaultPackage;
const FILE = 'node.test.mjs';

test('require and import share one set of classes', requires('require', FILE), async () => {
  const required = require(packageName);
  const imported = await import(packageName);
  for (const name of ['Policy', 'PolicyStack', 'OpenLeashError', 'PolicyError', 'ActionError', 'ValueConversionError', 'ActionNotAllowedError']) {
    assert.equal(imported[name], required[name], name);
  }
  assert.equal(imported.default, required);
});

test('errors thrown through import are instanceof the require classes', requires('require', FILE), async () => {
  const required = require(packageName);
  const imported = await import(packageName);
  const error = thrown(() => imported.Policy.fromYaml('version: 2\n'));
  assert.ok(error instanceof required.PolicyError);
  assert.ok(error instanceof required.OpenLeashError);
  const policy = required.Policy.fromYaml(PURCHASE_POLICY);
  assert.ok(policy instanceof imported.Policy);
});

test('internal files are not exported', async () => {
  const error = await import(`${defaultPackage}/${capabilities.internalFile}`).then(
    () => assert.fail('the internal file must not be exported'),
    (problem) => problem,
  );
  assert.equal(error.code, 'ERR_PACKAGE_PATH_NOT_EXPORTED');
});

test('a Rust panic becomes an OpenLeashError and the process goes on', requires('nativeAddon', FILE), () => {
  const script = `
    const path = require('node:path');
    const openleash = require(${JSON.stringify(packageName)});
    const native = require(path.join(path.dirname(require.resolve(${JSON.stringify(packageName)})), 'native.js'));
    try { native.panicForTests(); } catch (error) {
      console.log(JSON.stringify([error instanceof openleash.OpenLeashError, error.code]));
    }
    console.log('still running');
  `;
  const child = spawnSync(process.execPath, ['-e', script], { cwd: dirname(require.resolve(packageName)), encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  assert.equal(child.stdout, '[true,"INTERNAL_ERROR"]\nstill running\n');
  assert.match(child.stderr, /deliberate panic/);
});

test('evaluate methods reject a receiver of the wrong class', () => {
  const policy = openleash.Policy.fromYaml(PURCHASE_POLICY);
  const stack = new openleash.PolicyStack([policy]);
  // Evaluate each first, so that a registered target is also rejected
  // through the other class's method.
  policy.evaluate(purchase(), { now: NOW });
  stack.evaluate(purchase(), { now: NOW });
  for (const [method, receiver] of [
    [openleash.Policy.prototype.evaluate, stack],
    [openleash.PolicyStack.prototype.evaluate, policy],
    [openleash.Policy.prototype.evaluate, {}],
    [openleash.Policy.prototype.evaluate, Object.create(openleash.Policy.prototype)],
  ]) {
    assert.throws(() => method.call(receiver, purchase(), { now: NOW }), TypeError);
  }
  const forged = Object.create(openleash.Policy.prototype);
  assert.throws(() => openleash.evaluate(forged, purchase(), { now: NOW }), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('collected policies leave later policies their own rules', async () => {
  v8.setFlagsFromString('--expose-gc');
  const collectGarbage = vm.runInNewContext('gc');
  const policyText = (effect) => `version: 1\ndefault: ${effect}\nrules: []\n`;
  const resultOf = { allow: 'ALLOW', deny: 'DENY' };
  const kept = ['allow', 'deny'].map((effect) => [openleash.Policy.fromYaml(policyText(effect)), effect]);
  for (let round = 0; round < 4; round += 1) {
    // Policies evaluated once and dropped: their finalizers free their
    // places, which the next round's policies take.
    const effects = Array.from({ length: 50 }, (_, index) => ((index + round) % 2 === 0 ? 'allow' : 'deny'));
    const policies = effects.map((effect) => openleash.Policy.fromYaml(policyText(effect)));
    const stacks = policies.map((policy) => new openleash.PolicyStack([policy]));
    policies.forEach((policy, index) => {
      assert.equal(policy.evaluate(purchase(), { now: NOW }).result, resultOf[effects[index]]);
      assert.equal(openleash.evaluate(stacks[index], purchase(), { now: NOW }).result, resultOf[effects[index]]);
    });
    for (const [policy, effect] of kept) {
      assert.equal(policy.evaluate(purchase(), { now: NOW }).result, resultOf[effect]);
    }
    policies.length = 0;
    stacks.length = 0;
    for (let pass = 0; pass < 3; pass += 1) {
      collectGarbage();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
});

test('worker threads load the package and its error classes', async () => {
  const resolved = require.resolve(packageName);
  const load = capabilities.require
    ? `require(${JSON.stringify(resolved)})`
    : `await import(${JSON.stringify(pathToFileURL(resolved).href)})`;
  const source = `(async () => {
    const { parentPort } = require('node:worker_threads');
    const openleash = ${load};
    const policy = openleash.Policy.fromYaml(${JSON.stringify(PURCHASE_POLICY)});
    const decision = policy.evaluate(${JSON.stringify(purchase())}, { now: ${JSON.stringify(NOW)} });
    let instance = false;
    try { openleash.Policy.fromYaml('rules: 3'); } catch (error) { instance = error instanceof openleash.PolicyError; }
    parentPort.postMessage([decision.result, instance]);
  })();`;
  const worker = new Worker(source, { eval: true });
  const [message] = await Promise.all([
    new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    }),
  ]);
  await worker.terminate();
  assert.deepEqual(message, ['ALLOW', true]);
});

test('plain objects from another realm are plain data', () => {
  const foreign = vm.runInNewContext('({ b: [1, { c: null }], a: "x" })');
  assert.equal(openleash.canonicalJson(foreign), '{"a":"x","b":[1,{"c":null}]}');
});

test('Dates from another realm are rejected', () => {
  const foreign = vm.runInNewContext('({ when: new Date(0) })');
  const error = thrown(() => openleash.canonicalJson(foreign));
  assert.equal(error.code, 'VALUE_UNSUPPORTED_TYPE');
  assert.match(error.message, /Date/);
});

test(`suite runs against ${target.implementation} through ${target.entry}`, () => {
  assert.equal(typeof openleash.Policy.fromYaml, 'function');
});

const folder = mkdtempSync(join(tmpdir(), 'openleash-node-'));

test('fromFile loads a policy file', () => {
  const path = join(folder, 'policy.yaml');
  writeFileSync(path, PURCHASE_POLICY);
  assert.deepEqual(openleash.Policy.fromFile(path).ruleIds, ['small_purchases', 'large_purchases_need_approval']);
});

test('fromFile of a missing file is POLICY_FILE_UNREADABLE', () => {
  const error = thrown(() => openleash.Policy.fromFile(join(folder, 'missing.yaml')));
  assert.ok(error instanceof openleash.PolicyError);
  assert.equal(error.code, 'POLICY_FILE_UNREADABLE');
  assert.equal(error.diagnostics[0].line, 0);
  assert.match(error.message, /missing\.yaml/);
});

test('fromFile of a directory is POLICY_FILE_UNREADABLE', () => {
  const path = join(folder, 'a-directory');
  mkdirSync(path);
  assert.equal(thrown(() => openleash.Policy.fromFile(path)).code, 'POLICY_FILE_UNREADABLE');
});

test('fromFile reports diagnostics of an invalid file', () => {
  const path = join(folder, 'invalid.yaml');
  writeFileSync(path, 'version: 1\ndefault: sometimes\nrules: []\n');
  const error = thrown(() => openleash.Policy.fromFile(path));
  assert.equal(error.diagnostics[0].path, 'default');
  assert.equal(error.diagnostics[0].line, 2);
});

test('fromFile of non-UTF-8 bytes is YAML_INVALID_UTF8', () => {
  const path = join(folder, 'latin1.yaml');
  writeFileSync(path, Buffer.from([0x23, 0x20, 0xe9, 0x0a]));
  assert.equal(thrown(() => openleash.Policy.fromFile(path)).code, 'YAML_INVALID_UTF8');
});

test('fromFile of a file over 1 MiB is YAML_TOO_LARGE', () => {
  const path = join(folder, 'large.yaml');
  writeFileSync(path, `# ${'x'.repeat(1024 * 1024)}\n`);
  assert.equal(thrown(() => openleash.Policy.fromFile(path)).code, 'YAML_TOO_LARGE');
});

test('fromFile of a non-string path is a TypeError', () => {
  assert.ok(thrown(() => openleash.Policy.fromFile(undefined)) instanceof TypeError);
});

test(`capability skips (${target.implementation})`, () => {
  // The wasm package has no CommonJS entry (2 tests) and no native addon
  // (1 test; its trap handling is tested in bindings-js/test).
  const expected = { node: 0, wasm: 3 }[target.implementation];
  assert.equal(capabilitySkips(FILE), expected);
});

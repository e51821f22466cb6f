// The official PASETO v4 and Wycheproof Ed25519 vectors through the Node
// package's addon. The vectors are not OpenLeash tokens, so they go through
// raw signing functions of native.js that the package does not export. The
// WebAssembly package runs the same vectors in its own tests
// (bindings-js/test), so this file is for the Node addon only.

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';

import { capabilities, loadImplementation, readRepoText, requires, target } from './helpers/node-adapter.mjs';

const FILE = 'vectors.test.mjs';
// Loading the package registers its error classes with the addon.
await loadImplementation();
const defaultPackage = target.implementation === 'wasm' ? 'openleash-core-wasm' : 'openleash-core';
const packageName = process.env.OPENLEASH_MODULE ?? defaultPackage;

/** The addon's native.js, beside the package's entry point. */
function nativeModule() {
  const require = createRequire(import.meta.url);
  return require(join(dirname(require.resolve(packageName)), 'native.js'));
}

const paseto = JSON.parse(await readRepoText('tests/vectors/paseto/v4.json')).tests;
const wycheproof = JSON.parse(await readRepoText('tests/vectors/wycheproof/ed25519_test.json'));
const bytes = (hex) => Buffer.from(hex, 'hex');
const text = (value) => Buffer.from(value ?? '', 'utf8');

describe('PASETO v4 vectors', () => {
  const native = capabilities.nativeAddon ? nativeModule() : undefined;
  const signing = paseto.filter((vector) => vector.name.startsWith('4-S-'));
  const refused = paseto.filter((vector) => !vector.name.startsWith('4-S-'));

  test('the file holds 3 public vectors and 14 to refuse', () => {
    assert.equal(signing.length, 3);
    assert.equal(refused.length, 14);
  });

  for (const vector of signing) {
    test(`${vector.name} signs to its token and verifies to its payload`, requires('nativeAddon', FILE), () => {
      const token = native.testingPasetoSign(bytes(vector['secret-key-seed']), text(vector.payload), text(vector.footer), text(vector['implicit-assertion']));
      assert.equal(token, vector.token);
      const payload = native.testingPasetoVerify(vector.token, bytes(vector['public-key']), text(vector.footer), text(vector['implicit-assertion']));
      assert.equal(payload.toString('utf8'), vector.payload);
    });
  }

  for (const vector of refused) {
    test(`${vector.name} is refused`, requires('nativeAddon', FILE), () => {
      const publicKey = vector['public-key'] ?? signing[0]['public-key'];
      const footer = vector.footer === null || vector.footer === undefined ? undefined : text(vector.footer);
      assert.throws(
        () => native.testingPasetoVerify(vector.token, bytes(publicKey), footer, text(vector['implicit-assertion'])),
        { code: 'TOKEN_REFUSED' },
      );
    });
  }
});

describe('Wycheproof Ed25519', () => {
  test('every case gives its result', requires('nativeAddon', FILE), () => {
    const native = nativeModule();
    let checked = 0;
    for (const group of wycheproof.testGroups) {
      for (const vector of group.tests) {
        const valid = native.testingEd25519Verify(bytes(group.publicKey.pk), bytes(vector.msg), bytes(vector.sig));
        assert.equal(valid, vector.result === 'valid', `tcId ${vector.tcId} ${vector.comment}`);
        checked += 1;
      }
    }
    assert.equal(checked, wycheproof.numberOfTests);
    assert.equal(checked, 151);
  });
});

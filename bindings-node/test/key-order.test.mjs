// Object keys in canonical order. Actions are written with their keys in
// RFC 8785 order, so that the engine can hash the text as it is. The
// converter remembers the order of each key list it has seen. The
// canonical JSON and the action hash must not depend on the order of a
// value's keys, nor on whether its key list was seen before.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { NOW, PURCHASE_POLICY, purchase } from './helpers/fixtures.mjs';
import { importPackageFile, loadImplementation } from './helpers/node-adapter.mjs';
import { referenceCanonicalJson as reference } from './helpers/canonical.mjs';
import { sha256Hex } from './helpers/sha256.mjs';

const openleash = await loadImplementation();
const { actionHash, canonicalJson, Policy, MAX_JSON_BYTES, MAX_JSON_DEPTH } = openleash;
const { toJsonBytes } = await importPackageFile('lib/convert.js');
const policy = Policy.fromYaml(PURCHASE_POLICY);

/** Returns the text the converter writes for `value` in canonical order. */
function written(value) {
  const { bytes, length } = toJsonBytes(value, MAX_JSON_DEPTH, MAX_JSON_BYTES, true);
  return new TextDecoder().decode(bytes.subarray(0, length));
}

/** Returns a copy of `object` with its keys inserted in reverse order. */
function reversed(object) {
  return Object.fromEntries(Object.entries(object).reverse());
}

/** Returns an object with `count` keys named from `prefix`, in descending order. */
function keyed(prefix, count) {
  const object = {};
  for (let index = count - 1; index >= 0; index -= 1) {
    object[`${prefix}${String(index).padStart(3, '0')}`] = index;
  }
  return object;
}

const values = [
  ['an action', purchase({ amount_minor: 1999, currency: 'EUR', items: [{ sku: 'A-1', qty: 2 }] })],
  ['nested objects in reverse order', { z: { y: 1, x: [{ b: 2, a: 1 }] }, a: null }],
  ['integer-like keys, sorted as strings', { 10: 'ten', 9: 'nine', a: 'a', 1: 'one' }],
  ['keys whose UTF-8 and UTF-16 orders differ', { '\uffff': 1, '\u{1f600}': 2, '\ue000': 3, é: 4, z: 5 }],
  ['keys that need escapes', { 'quote"': 1, 'back\\slash': 2, 'line\nbreak': 3, '\u0001': 4, '/': 5 }],
  ['empty and one-character keys', { b: 1, '': 0, a: 2 }],
  ['undefined properties', { c: undefined, b: 1, a: undefined }],
  ['more keys than a remembered order holds', keyed('k', 40)],
  ['keys longer than a remembered order holds', { [`b${'x'.repeat(700)}`]: 1, [`a${'y'.repeat(700)}`]: 2 }],
  ['numbers in ECMAScript form', { n: [1e21, 1.5e-7, -0, 0.1, 1e300, 9007199254740991] }],
  ['keys of every length from 1 to 9 bytes', { abcdefghi: 9, abcdefgh: 8, abcdefg: 7, abcdef: 6, abcde: 5, abcd: 4, abc: 3, ab: 2, a: 1 }],
  ['a key list whose values outgrow the buffer', { c: 'x'.repeat(20_000), b: 'y'.repeat(40_000), a: 1, d: 'é'.repeat(9_000), e: 2 }],
];

describe('canonical key order', () => {
  for (const [name, value] of values) {
    test(`${name}: written and canonicalized as RFC 8785 orders it`, () => {
      const expected = reference(value);
      // Twice: the first conversion sorts the keys, the second finds the
      // remembered order.
      for (let round = 0; round < 2; round += 1) {
        assert.equal(written(value), expected);
        assert.equal(canonicalJson(value), expected);
        assert.equal(canonicalJson(reversed(value)), expected);
      }
    });
  }

  test('the action hash does not depend on key order', async () => {
    const action = purchase({ currency: 'EUR', amount_minor: 1999, merchant: { name: 'Shop', domain: 'shop.example' } });
    const expected = await sha256Hex(reference(action));
    const variants = [action, reversed(action), { ...reversed(action), payload: reversed(action.payload) }];
    for (const variant of variants) {
      assert.equal(actionHash(variant), expected);
      assert.equal(policy.evaluate(variant, { now: NOW }).action_hash, expected);
    }
  });

  test('key lists that share a first key are told apart', () => {
    // Same first key, different lengths and different later keys.
    const shapes = [
      { a: 1, c: 2 },
      { a: 1, b: 2 },
      { a: 1, c: 2, b: 3 },
      { a: 1, b: 2, c: 3 },
      { a: 1, d: { c: 1, b: 2 } },
    ];
    for (let round = 0; round < 3; round += 1) {
      for (const shape of shapes) {
        assert.equal(canonicalJson(shape), reference(shape));
      }
    }
  });

  test('more shapes than the converter remembers', () => {
    const shapes = [];
    for (let index = 0; index < 600; index += 1) {
      shapes.push({ [`z${index}`]: index, [`y${index % 7}`]: [index], x: { b: index, a: -index } });
    }
    for (let round = 0; round < 2; round += 1) {
      for (const shape of shapes) {
        assert.equal(written(shape), reference(shape));
      }
    }
  });

  test('each property is read once, in canonical order', () => {
    const reads = [];
    const object = {};
    for (const key of ['c', 'a', 'b']) {
      Object.defineProperty(object, key, {
        enumerable: true,
        get() {
          reads.push(key);
          return key.toUpperCase();
        },
      });
    }
    for (let round = 0; round < 2; round += 1) {
      reads.length = 0;
      assert.equal(canonicalJson(object), '{"a":"A","b":"B","c":"C"}');
      assert.deepEqual(reads, ['a', 'b', 'c']);
    }
  });

  test('remembered keys are copied whole after the buffer was replaced', () => {
    // A conversion past the shared buffer's size leaves a new buffer for
    // the next one; remembered keys must then be copied into that buffer.
    const small = { beta: 'b', alpha: 'a', gamma: [1, { zeta: 'z', eta: 'e' }] };
    const expected = reference(small);
    assert.equal(written(small), expected);
    for (let round = 0; round < 3; round += 1) {
      const large = { second: 'x'.repeat(30_000 + round), first: round };
      assert.equal(written(large), reference(large));
      assert.equal(written(small), expected);
      assert.equal(canonicalJson(small), expected);
    }
  });

  test('a failing property is reported by its path on a remembered order', () => {
    const make = (amount) => ({ payload: { currency: 'EUR', amount_minor: amount } });
    assert.equal(canonicalJson(make(5)), '{"payload":{"amount_minor":5,"currency":"EUR"}}');
    let failure;
    try {
      canonicalJson(make(Number.NaN));
    } catch (problem) {
      failure = problem;
    }
    assert.equal(failure?.code, 'JSON_NUMBER_OUT_OF_RANGE');
    assert.equal(failure.path, 'payload.amount_minor');
  });
});

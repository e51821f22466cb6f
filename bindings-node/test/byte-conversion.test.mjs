// Values at the edges of the byte-buffer converter: the size limit in UTF-8
// bytes, and conversions that re-enter the package from getters and Proxy
// traps while another conversion is writing.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { NOW, PURCHASE_POLICY, purchase, thrown } from './helpers/fixtures.mjs';
import { loadImplementation } from './helpers/node-adapter.mjs';

const openleash = await loadImplementation();
const { canonicalJson, actionHash, Authorizer, Policy, ValueConversionError, MAX_JSON_BYTES } = openleash;
const policy = Policy.fromYaml(PURCHASE_POLICY);

/** The key of the corpus: seed of 32 zero bytes. */
const ZERO_KEY = {
  kid: '00000000-0000-0000-0000-000000000088',
  public_key_b64: 'MCowBQYDK2VwAyEAO2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik=',
  private_key_b64: 'MC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
};

/** The message the converter writes for JSON over the size limit. */
const CONVERTER_TOO_LARGE = `the value is larger than the limit of ${MAX_JSON_BYTES} bytes of JSON`;

/** Returns the ValueConversionError that canonicalJson throws for `value`. */
function conversionError(value) {
  const error = thrown(() => canonicalJson(value));
  assert.ok(error instanceof ValueConversionError, `expected ValueConversionError, got ${error}`);
  return error;
}

describe('size limit in UTF-8 bytes', () => {
  // Each value below writes a few bytes more than MAX_JSON_BYTES, passing the
  // limit with its closing bracket or inside a top-level string. The
  // converter rejects them itself, with its message, before they reach the
  // engine.
  const overByOne = [
    ['array closed past the limit', ['a'.repeat(MAX_JSON_BYTES - 3)]],
    ['object closed past the limit', { a: 'a'.repeat(MAX_JSON_BYTES - 7) }],
    ['top-level string of two-byte characters', 'é'.repeat(MAX_JSON_BYTES / 2 - 1) + 'a'],
    ['top-level string of escapes', '\u0000'.repeat(MAX_JSON_BYTES / 6 + 1)],
  ];

  for (const [name, value] of overByOne) {
    test(`canonicalJson: ${name}`, () => {
      const error = conversionError(value);
      assert.equal(error.code, 'JSON_TOO_LARGE');
      assert.equal(error.message, CONVERTER_TOO_LARGE);
    });

    test(`evaluate: ${name}`, () => {
      const decision = policy.evaluate(value, { now: NOW });
      assert.equal(decision.result, 'DENY');
      assert.equal(decision.error.code, 'JSON_TOO_LARGE');
      assert.equal(decision.error.message, CONVERTER_TOO_LARGE);
    });
  }

  test('exactly at the limit converts', () => {
    assert.equal(canonicalJson(['a'.repeat(MAX_JSON_BYTES - 4)]).length, MAX_JSON_BYTES);
    assert.equal(canonicalJson('é'.repeat(MAX_JSON_BYTES / 2 - 1)).length, MAX_JSON_BYTES / 2 + 1);
  });

  test('64 MiB strings are rejected', () => {
    const huge = 'x'.repeat(64 * MAX_JSON_BYTES);
    const values = { 'top-level': huge, 'property value': { key: huge }, 'array element': [huge], key: { [huge]: 1 } };
    for (const [name, value] of Object.entries(values)) {
      const error = conversionError(value);
      assert.equal(error.code, 'JSON_TOO_LARGE', name);
      assert.equal(error.message.endsWith(CONVERTER_TOO_LARGE.slice('the value'.length)), true, name);
    }
  });
});

describe('conversions re-entered from getters', () => {
  const authorizer = new Authorizer(policy, ZERO_KEY);
  const large = { text: 'é€😀"\\\n'.repeat(5000), list: Array.from({ length: 3000 }, (_, index) => index) };
  const nestedCalls = {
    canonicalJson: () => canonicalJson(large),
    actionHash: () => actionHash(purchase({ amount_minor: 1, currency: 'USD', large })),
    evaluate: () => policy.evaluate(purchase({ amount_minor: 7, currency: 'EUR', pad: 'x'.repeat(20_000) }), { now: NOW }),
    authorize: () => authorizer.authorize(purchase({ amount_minor: 8, currency: 'EUR' }), { now: NOW }),
    rejected: () => thrown(() => canonicalJson({ bad: Number.NaN, pad: 'y'.repeat(30_000) })),
  };
  const payload = { amount_minor: 1999, currency: 'EUR', items: ['a', { c: 'é' }], tail: '😀'.repeat(50) };
  const expectedHash = actionHash(purchase(payload));
  const paths = [
    ['action_id'],
    ['payload'],
    ['payload', 'amount_minor'],
    ['payload', 'items', 0],
    ['payload', 'items', 1, 'c'],
    ['payload', 'tail'],
    ['subject', 'principal_id'],
  ];

  /** Returns the purchase with `path` replaced by a getter that calls `call` first. */
  function withGetter(path, call) {
    const action = structuredClone(purchase(payload));
    let holder = action;
    for (const segment of path.slice(0, -1)) {
      holder = holder[segment];
    }
    const key = path.at(-1);
    const value = holder[key];
    Object.defineProperty(holder, key, {
      enumerable: true,
      get() {
        call();
        return value;
      },
    });
    return action;
  }

  for (const [name, call] of Object.entries(nestedCalls)) {
    test(`${name} inside every property keeps the outer action`, () => {
      for (const path of paths) {
        const where = path.join('.');
        assert.equal(actionHash(withGetter(path, call)), expectedHash, where);
        assert.equal(policy.evaluate(withGetter(path, call), { now: NOW }).action_hash, expectedHash, where);
        assert.equal(authorizer.authorize(withGetter(path, call), { now: NOW }).action_hash, expectedHash, where);
      }
    });

    test(`${name} inside every Proxy trap keeps the outer action`, () => {
      for (const trap of ['getPrototypeOf', 'ownKeys', 'getOwnPropertyDescriptor', 'get']) {
        const handler = {
          [trap](...parts) {
            call();
            return Reflect[trap](...parts);
          },
        };
        const proxied = purchase(new Proxy({ ...payload }, handler));
        assert.equal(actionHash(proxied), expectedHash, trap);
      }
    });

    test(`${name}, then a throw, leaves no stale bytes`, () => {
      const action = withGetter(['payload', 'currency'], () => {
        call();
        throw new Error('getter failed');
      });
      assert.equal(policy.evaluate(action, { now: NOW }).error.code, 'VALUE_UNREADABLE');
      assert.equal(canonicalJson({ b: 'small', a: 1 }), '{"a":1,"b":"small"}');
      assert.equal(actionHash(purchase(payload)), expectedHash);
    });
  }

  test('getter chain 200 levels deep', () => {
    // Each level returns the length of its inner canonical JSON, so the
    // text stays small while the conversions nest.
    const levels = (depth) => ({
      depth,
      get inner() {
        return depth === 0 ? 0 : canonicalJson(levels(depth - 1)).length;
      },
    });
    assert.equal(canonicalJson(levels(1)), '{"depth":1,"inner":21}');
    assert.match(canonicalJson(levels(200)), /^\{"depth":200,"inner":\d+\}$/);
    assert.equal(canonicalJson([1]), '[1]');
  });
});

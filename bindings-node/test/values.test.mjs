// How JavaScript values cross into the engine: every conversion rule the
// package documents, through canonicalJson, actionHash and evaluate.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { NOW, PURCHASE_POLICY, nestedArrays, purchase, thrown } from './helpers/fixtures.mjs';
import { loadImplementation } from './helpers/node-adapter.mjs';

const openleash = await loadImplementation();
const { canonicalJson, actionHash, parseJson, Policy, ValueConversionError, MAX_JSON_DEPTH, MAX_JSON_BYTES } = openleash;
const policy = Policy.fromYaml(PURCHASE_POLICY);

/** The ValueConversionError canonicalJson throws for `value`. */
function conversionError(value) {
  const error = thrown(() => canonicalJson(value));
  assert.ok(error instanceof ValueConversionError, `expected ValueConversionError, got ${error}`);
  return error;
}

/** The error of the DENY decision evaluate returns for a payload. */
function denial(payload) {
  const decision = policy.evaluate(purchase(payload), { now: NOW });
  assert.equal(decision.result, 'DENY');
  assert.equal(decision.action_hash, '');
  assert.deepEqual(decision.trace, []);
  return decision.error;
}

describe('undefined', () => {
  test('undefined properties are left out of canonical JSON', () => {
    assert.equal(canonicalJson({ b: 1, a: undefined }), '{"b":1}');
  });

  test('undefined properties are absent from the action hash', () => {
    const base = purchase({ amount_minor: 10 });
    const withUndefined = purchase({ amount_minor: 10, note: undefined });
    assert.equal(actionHash(withUndefined), actionHash(base));
  });

  test('undefined optional relying party is absent, not null', () => {
    const action = { ...purchase(), relying_party: undefined };
    assert.equal(actionHash(action), actionHash(purchase()));
    assert.equal(policy.evaluate(action, { now: NOW }).result, 'ALLOW');
  });

  test('undefined array element is rejected with its path', () => {
    const error = conversionError({ list: [1, undefined] });
    assert.equal(error.code, 'VALUE_UNSUPPORTED_TYPE');
    assert.equal(error.path, 'list[1]');
  });

  test('empty array slot is rejected', () => {
    // eslint-disable-next-line no-sparse-arrays
    const error = conversionError([1, , 3]);
    assert.equal(error.code, 'VALUE_UNSUPPORTED_TYPE');
    assert.equal(error.path, '[1]');
  });

  test('undefined as the whole value is rejected', () => {
    assert.equal(conversionError(undefined).code, 'VALUE_UNSUPPORTED_TYPE');
  });
});

describe('numbers', () => {
  for (const [name, value] of [
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ]) {
    test(`${name} is rejected with JSON_NUMBER_OUT_OF_RANGE`, () => {
      const error = conversionError({ amount: value });
      assert.equal(error.code, 'JSON_NUMBER_OUT_OF_RANGE');
      assert.equal(error.path, 'amount');
      assert.match(error.message, new RegExp(`^amount is ${name}`));
    });

    test(`${name} in an action is a DENY decision`, () => {
      const error = denial({ amount_minor: value });
      assert.equal(error.code, 'JSON_NUMBER_OUT_OF_RANGE');
      assert.match(error.message, /payload\.amount_minor/);
    });
  }

  test('-0 is written as 0, as JSON.stringify does', () => {
    assert.equal(canonicalJson({ z: -0 }), '{"z":0}');
    assert.equal(actionHash(purchase({ amount_minor: -0 })), actionHash(purchase({ amount_minor: 0 })));
  });

  test('doubles keep ECMAScript number form', () => {
    assert.equal(canonicalJson([0.1 + 0.2, 1e-7, 1e21, 4.5, 2 ** 53]), '[0.30000000000000004,1e-7,1e+21,4.5,9007199254740992]');
  });

  test('integer beyond 2^53 that a double holds exactly is accepted', () => {
    assert.equal(canonicalJson(2 ** 53 + 2), '9007199254740994');
  });

  test('integer beyond 2^53 written inexactly is rejected', () => {
    // The literal rounds to 12345678901234567168, which ECMAScript writes
    // as 12345678901234567000: not the value, so the core rejects it.
    const error = conversionError({ big: 12345678901234567890 });
    assert.equal(error.code, 'JSON_NUMBER_OUT_OF_RANGE');
    // 2^60 is a double exactly, but ECMAScript writes it as
    // 1152921504606847000, which the double does not equal.
    const power = conversionError({ nested: { big: 2 ** 60 } });
    assert.equal(power.code, 'JSON_NUMBER_OUT_OF_RANGE');
    assert.equal(power.path, 'nested.big');
    assert.match(power.message, /1152921504606847000 .*1152921504606846976/);
    assert.equal(conversionError([-(2 ** 60)]).path, '[0]');
    assert.equal(canonicalJson({ exact: 2 ** 53 }), '{"exact":9007199254740992}');
  });

  test('inexact big integer in an action is a DENY decision', () => {
    const error = denial({ amount_minor: 12345678901234567890 });
    assert.equal(error.code, 'JSON_NUMBER_OUT_OF_RANGE');
    assert.match(error.message, /^payload\.amount_minor is 12345678901234567000 /);
  });

  test('exact integers beyond 2^53 and exponent forms pass', () => {
    assert.equal(canonicalJson([2 ** 53 + 2, -(2 ** 54), 1e21, 2 ** 70]), '[9007199254740994,-18014398509481984,1e+21,1.1805916207174113e+21]');
  });

  test('BigInt is rejected', () => {
    const error = conversionError({ amount: 10n });
    assert.equal(error.code, 'VALUE_UNSUPPORTED_TYPE');
    assert.match(error.message, /BigInt/);
  });

  test('BigInt in an action is a DENY decision', () => {
    assert.equal(denial({ amount_minor: 10n }).code, 'VALUE_UNSUPPORTED_TYPE');
  });
});

describe('objects that are not plain data', () => {
  class Purchase {
    constructor() {
      this.amount = 1;
    }
  }
  const cases = [
    ['Date', new Date(0), /toISOString/],
    ['Map', new Map([['a', 1]]), /Object\.fromEntries/],
    ['Set', new Set([1]), /Array\.from/],
    ['Uint8Array', new Uint8Array([1, 2]), /Uint8Array/],
    ['ArrayBuffer', new ArrayBuffer(4), /ArrayBuffer/],
    ['DataView', new DataView(new ArrayBuffer(4)), /DataView/],
    ['RegExp', /x/, /RegExp/],
    ['class instance', new Purchase(), /instance of Purchase/],
    ['boxed number', Object(5), /boxed Number/],
    ['Promise', Promise.resolve(1), /Promise/],
    ['Error', new Error('x'), /Error/],
  ];
  for (const [name, value, hint] of cases) {
    test(`${name} is rejected with VALUE_UNSUPPORTED_TYPE`, () => {
      const error = conversionError({ payload: { value } });
      assert.equal(error.code, 'VALUE_UNSUPPORTED_TYPE');
      assert.equal(error.path, 'payload.value');
      assert.match(error.message, hint);
    });
  }

  test('function is rejected', () => {
    const error = conversionError({ callback() {} });
    assert.equal(error.code, 'VALUE_UNSUPPORTED_TYPE');
    assert.match(error.message, /function/);
  });

  test('symbol value is rejected', () => {
    const error = conversionError({ tag: Symbol('x') });
    assert.equal(error.code, 'VALUE_UNSUPPORTED_TYPE');
    assert.match(error.message, /symbol/);
  });

  test('Date in an action is a DENY decision naming the path', () => {
    const error = denial({ amount_minor: 1, when: new Date(0) });
    assert.equal(error.code, 'VALUE_UNSUPPORTED_TYPE');
    assert.match(error.message, /^payload\.when is a Date/);
  });

  test('toJSON methods are not called', () => {
    const error = conversionError({ value: { toJSON: () => 'x' } });
    assert.equal(error.path, 'value.toJSON');
  });

  test('object with a null prototype is plain data', () => {
    const value = Object.create(null);
    value.b = 2;
    value.a = 1;
    assert.equal(canonicalJson(value), '{"a":1,"b":2}');
  });

  test('symbol keys and non-enumerable properties are left out', () => {
    const value = { a: 1, [Symbol('hidden')]: 2 };
    Object.defineProperty(value, 'b', { value: 3, enumerable: false });
    assert.equal(canonicalJson(value), '{"a":1}');
  });

  test('__proto__ own key is an ordinary key', () => {
    const value = JSON.parse('{"__proto__": {"x": 1}, "a": 2}');
    assert.equal(canonicalJson(value), '{"__proto__":{"x":1},"a":2}');
  });

  test('getters are read once', () => {
    let reads = 0;
    const value = {
      get amount() {
        reads += 1;
        return reads;
      },
    };
    assert.equal(canonicalJson(value), '{"amount":1}');
    assert.equal(reads, 1);
  });

  test('a throwing getter is VALUE_UNREADABLE with the cause', () => {
    const problem = new Error('no access');
    const error = conversionError({
      payload: {
        get secret() {
          throw problem;
        },
      },
    });
    assert.equal(error.code, 'VALUE_UNREADABLE');
    assert.equal(error.path, 'payload.secret');
    assert.equal(error.cause, problem);
  });

  test('a throwing getter in an action is a DENY decision', () => {
    const error = denial({
      get amount_minor() {
        throw new Error('no access');
      },
    });
    assert.equal(error.code, 'VALUE_UNREADABLE');
  });
});

describe('cycles, depth and size', () => {
  test('cyclic object is VALUE_CYCLIC at the key that closes the cycle', () => {
    const value = { list: [] };
    value.list.push(value);
    const error = conversionError({ value });
    assert.equal(error.code, 'VALUE_CYCLIC');
    assert.equal(error.path, 'value.list[0]');
  });

  test('cyclic action is a DENY decision', () => {
    const payload = { amount_minor: 1 };
    payload.self = payload;
    const error = denial(payload);
    assert.equal(error.code, 'VALUE_CYCLIC');
    assert.match(error.message, /^payload\.self /);
  });

  test('cycle behind an earlier sibling is VALUE_CYCLIC', () => {
    // `a` sorts before `self`, so each repetition of the cycle writes `a`
    // first, and the value at the depth limit is `a`, not the cycle's object.
    const value = { a: { b: 1 } };
    value.self = value;
    const error = conversionError({ value });
    assert.equal(error.code, 'VALUE_CYCLIC');
    assert.equal(error.path, 'value.self');
    const payload = { a: { b: 1 } };
    payload.self = payload;
    const denied = denial(payload);
    assert.equal(denied.code, 'VALUE_CYCLIC');
    assert.match(denied.message, /^payload\.self /);
  });

  test(`${MAX_JSON_DEPTH} nested arrays are accepted`, () => {
    assert.equal(canonicalJson(nestedArrays(MAX_JSON_DEPTH)), `${'['.repeat(64)}0${']'.repeat(64)}`);
  });

  test(`${MAX_JSON_DEPTH + 1} nested arrays are JSON_TOO_DEEP`, () => {
    assert.equal(conversionError(nestedArrays(MAX_JSON_DEPTH + 1)).code, 'JSON_TOO_DEEP');
  });

  test('action nested to the limit is evaluated', () => {
    // The action object and the payload are two of the 64 levels.
    const decision = policy.evaluate(purchase({ amount_minor: 1, currency: 'EUR', deep: nestedArrays(MAX_JSON_DEPTH - 2) }), { now: NOW });
    assert.equal(decision.result, 'ALLOW');
  });

  test('action nested past the limit is a DENY decision', () => {
    assert.equal(denial({ deep: nestedArrays(MAX_JSON_DEPTH - 1) }).code, 'JSON_TOO_DEEP');
  });

  test('10,000 nested arrays are JSON_TOO_DEEP, not a crash', () => {
    assert.equal(conversionError(nestedArrays(10_000)).code, 'JSON_TOO_DEEP');
    assert.equal(denial({ deep: nestedArrays(10_000) }).code, 'JSON_TOO_DEEP');
  });

  test(`JSON of exactly ${MAX_JSON_BYTES} bytes is accepted`, () => {
    const text = 'x'.repeat(MAX_JSON_BYTES - 2);
    assert.equal(canonicalJson(text).length, MAX_JSON_BYTES);
  });

  test('JSON one byte over the limit is JSON_TOO_LARGE', () => {
    assert.equal(conversionError('x'.repeat(MAX_JSON_BYTES - 1)).code, 'JSON_TOO_LARGE');
    assert.equal(conversionError({ text: 'x'.repeat(MAX_JSON_BYTES) }).code, 'JSON_TOO_LARGE');
  });

  test('limit counts UTF-8 bytes, not UTF-16 units', () => {
    // Each é is one UTF-16 unit but two UTF-8 bytes.
    const error = conversionError('é'.repeat(MAX_JSON_BYTES / 2));
    assert.equal(error.code, 'JSON_TOO_LARGE');
    // Rejected while converting, before the value reaches the engine.
    assert.match(error.message, /^the value is larger than the limit/);
    assert.equal(conversionError({ text: 'é'.repeat(MAX_JSON_BYTES / 2) }).code, 'JSON_TOO_LARGE');
  });

  test('shared objects repeated exponentially stop at the size limit', () => {
    let value = ['x'.repeat(100)];
    for (let level = 0; level < 40; level += 1) {
      value = [value, value];
    }
    const started = Date.now();
    assert.equal(conversionError(value).code, 'JSON_TOO_LARGE');
    assert.ok(Date.now() - started < 5000, 'conversion must stop early');
  });
});

describe('strings', () => {
  test('lone surrogate in a string is JSON_LONE_SURROGATE', () => {
    const error = conversionError({ text: 'a\ud800b' });
    assert.equal(error.code, 'JSON_LONE_SURROGATE');
    assert.equal(error.path, 'text');
    assert.match(error.message, /lone UTF-16 surrogate \\ud800/);
  });

  test('lone surrogate in a key is JSON_LONE_SURROGATE', () => {
    const alone = conversionError({ ['\udc00']: 1 });
    assert.equal(alone.code, 'JSON_LONE_SURROGATE');
    assert.equal(alone.path, '["\\udc00"]');
    // Among other keys, whose order the converter would remember.
    const among = conversionError({ b: 1, a: { ['x\ud800']: 2, c: 3 } });
    assert.equal(among.code, 'JSON_LONE_SURROGATE');
    assert.equal(among.path, 'a["x\\ud800"]');
  });

  test('lone surrogate in an action is a DENY decision', () => {
    const error = denial({ note: '\ud83d' });
    assert.equal(error.code, 'JSON_LONE_SURROGATE');
    assert.match(error.message, /^payload\.note contains the lone UTF-16 surrogate/);
  });

  test('surrogate pairs and escapes follow RFC 8785', () => {
    assert.equal(canonicalJson('😀"\\\n\u0001\u2028é'), '"😀\\"\\\\\\n\\u0001\u2028é"');
  });

  test('keys sort by UTF-16 code units', () => {
    assert.equal(canonicalJson({ '\ufb01': 1, '😀': 2, a: 3 }), '{"a":3,"😀":2,"\ufb01":1}');
  });

  test('every UTF-16 range round-trips', () => {
    // A fixed-seed generator, so a failure names a reproducible string.
    let seed = 0x2545f491;
    const next = (limit) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % limit;
    };
    const ranges = [
      [0x00, 0x20],
      [0x20, 0x80],
      [0x80, 0x800],
      [0x800, 0xd800],
      [0xe000, 0x10000],
    ];
    for (let round = 0; round < 2000; round += 1) {
      let text = '';
      const length = next(40);
      for (let index = 0; index < length; index += 1) {
        if (next(6) === 0) {
          text += String.fromCodePoint(0x10000 + next(0x100000));
        } else {
          const [low, high] = ranges[next(ranges.length)];
          text += String.fromCharCode(low + next(high - low));
        }
      }
      assert.equal(canonicalJson(text), JSON.stringify(text), `string ${JSON.stringify(text)}`);
      assert.equal(canonicalJson({ [text]: 1 }), JSON.stringify({ [text]: 1 }), `key ${JSON.stringify(text)}`);
      assert.equal(parseJson(canonicalJson(text)), text);
    }
  });

  test('large value, then a small one', () => {
    const large = { text: 'é€😀x'.repeat(50_000), list: Array.from({ length: 5_000 }, (_, index) => index) };
    assert.equal(canonicalJson(large), JSON.stringify({ list: large.list, text: large.text }));
    assert.equal(canonicalJson({ b: 'small', a: 1 }), '{"a":1,"b":"small"}');
  });

  test('getter converting another value', () => {
    const value = {
      a: 'before',
      get nested() {
        return canonicalJson({ z: 'inner', y: ['x'.repeat(1000)] });
      },
      c: 'after',
    };
    const expected = { a: 'before', nested: canonicalJson({ z: 'inner', y: ['x'.repeat(1000)] }), c: 'after' };
    assert.equal(canonicalJson(value), canonicalJson(expected));
  });

  test('getter evaluating another action', () => {
    const inner = purchase({ amount_minor: 5, currency: 'EUR' });
    let innerDecision;
    const payload = {
      amount_minor: 1999,
      get currency() {
        innerDecision = policy.evaluate(inner, { now: NOW });
        return 'EUR';
      },
    };
    const decision = policy.evaluate(purchase(payload), { now: NOW });
    assert.equal(decision.action_hash, actionHash(purchase({ amount_minor: 1999, currency: 'EUR' })));
    assert.equal(innerDecision.action_hash, actionHash(inner));
    assert.notEqual(decision.action_hash, innerDecision.action_hash);
  });
});

describe('parseJson', () => {
  test('parses with double semantics', () => {
    assert.deepEqual(parseJson('{"a": [1.0, 2.5e1, null, true, "x"]}'), { a: [1, 25, null, true, 'x'] });
  });

  test('duplicate keys are JSON_DUPLICATE_KEY with line and column', () => {
    const error = thrown(() => parseJson('\n\n{"a": 1, "a": 2}'));
    assert.ok(error instanceof ValueConversionError);
    assert.equal(error.code, 'JSON_DUPLICATE_KEY');
    assert.equal(error.line, 3);
    assert.ok(error.column > 1);
  });

  test('big integers are JSON_NUMBER_OUT_OF_RANGE', () => {
    assert.equal(thrown(() => parseJson('[9007199254740993]')).code, 'JSON_NUMBER_OUT_OF_RANGE');
    assert.equal(thrown(() => parseJson('1e400')).code, 'JSON_NUMBER_OUT_OF_RANGE');
  });

  test('escaped lone surrogate is JSON_LONE_SURROGATE', () => {
    assert.equal(thrown(() => parseJson('"\\ud800"')).code, 'JSON_LONE_SURROGATE');
  });

  test('raw lone surrogate in the text is VALUE_LONE_SURROGATE', () => {
    const error = thrown(() => parseJson('"\ud800"'));
    assert.ok(error instanceof ValueConversionError);
    assert.equal(error.code, 'VALUE_LONE_SURROGATE');
  });

  test('U+FFFD itself is an ordinary character', () => {
    assert.equal(parseJson('"\ufffd"'), '\ufffd');
  });

  test('syntax errors are JSON_SYNTAX', () => {
    assert.equal(thrown(() => parseJson('{"a": }')).code, 'JSON_SYNTAX');
  });

  test('nesting past the limit is JSON_TOO_DEEP', () => {
    assert.equal(thrown(() => parseJson('['.repeat(10_000))).code, 'JSON_TOO_DEEP');
  });

  test('__proto__ key becomes an own property', () => {
    const value = parseJson('{"__proto__": {"x": 1}}');
    assert.deepEqual(Object.keys(value), ['__proto__']);
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
  });
});

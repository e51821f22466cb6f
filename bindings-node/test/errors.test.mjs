// Errors: classes, codes, diagnostics and issues, and the rule that a DENY
// is returned, never thrown.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { NOW, PURCHASE_POLICY, purchase, thrown } from './helpers/fixtures.mjs';
import { loadImplementation } from './helpers/node-adapter.mjs';

const openleash = await loadImplementation();
const {
  Policy,
  PolicyStack,
  OpenLeashError,
  PolicyError,
  ActionError,
  ValueConversionError,
  TokenError,
  SignatureError,
  ActionNotAllowedError,
} = openleash;
const policy = Policy.fromYaml(PURCHASE_POLICY);

describe('error classes', () => {
  const classes = [
    [PolicyError, 'PolicyError'],
    [ActionError, 'ActionError'],
    [ValueConversionError, 'ValueConversionError'],
    [TokenError, 'TokenError'],
    [SignatureError, 'SignatureError'],
  ];
  for (const [ErrorClass, name] of classes) {
    test(`${name} extends OpenLeashError and Error`, () => {
      const error = new ErrorClass('message', { code: 'SOME_CODE' });
      assert.ok(error instanceof OpenLeashError);
      assert.ok(error instanceof Error);
      assert.equal(error.name, name);
      assert.equal(error.code, 'SOME_CODE');
      assert.equal(error.message, 'message');
    });
  }

  test('ActionNotAllowedError carries the decision', () => {
    const decision = policy.evaluate({ ...purchase(), action_type: 'refund' }, { now: NOW });
    const error = new ActionNotAllowedError(decision);
    assert.ok(error instanceof OpenLeashError);
    assert.equal(error.code, 'ACTION_NOT_ALLOWED');
    assert.equal(error.decision, decision);
    assert.equal(error.result, 'DENY');
    assert.equal(error.reason, decision.reason);
    assert.equal(error.obligations, decision.obligations);
  });
});

describe('PolicyError', () => {
  const text = 'version: 1\ndefault: deny\nrules:\n  - id: r1\n    effect: maybe\n    action: purchase\n    colour: red\n';

  test('lists every problem with code, path, line and column', () => {
    const error = thrown(() => Policy.fromYaml(text));
    assert.ok(error instanceof PolicyError);
    assert.ok(error instanceof OpenLeashError);
    assert.equal(error.name, 'PolicyError');
    assert.equal(error.diagnostics.length, 2);
    const [effect, unknown] = error.diagnostics;
    assert.equal(effect.path, 'rules[0].effect');
    assert.equal(effect.line, 5);
    assert.equal(effect.column, 13);
    assert.equal(unknown.code, 'POLICY_UNKNOWN_KEY');
    assert.equal(unknown.path, 'rules[0].colour');
    assert.equal(unknown.line, 7);
  });

  test('code is the first diagnostic code', () => {
    const error = thrown(() => Policy.fromYaml(text));
    assert.equal(error.code, error.diagnostics[0].code);
    assert.match(error.message, /^invalid policy: 2 problems/);
  });

  test('YAML syntax errors have YAML_ codes and positions', () => {
    const error = thrown(() => Policy.fromYaml('version: 1\ndefault: [\n'));
    assert.ok(error instanceof PolicyError);
    assert.equal(error.code, 'YAML_SYNTAX');
    assert.equal(error.diagnostics[0].line, 3);
  });

  test('non-string text is a TypeError', () => {
    const error = thrown(() => Policy.fromYaml(42));
    assert.ok(error instanceof TypeError);
    assert.equal(error.code, 'ERR_INVALID_ARG_TYPE');
  });

  test('lone surrogate in the text is VALUE_LONE_SURROGATE', () => {
    const error = thrown(() => Policy.fromYaml('version: 1\ndefault: deny\nrules: []\n# \ud800\n'));
    assert.ok(error instanceof ValueConversionError);
    assert.equal(error.code, 'VALUE_LONE_SURROGATE');
  });

  test('U+FFFD in the text is an ordinary character', () => {
    const loaded = Policy.fromYaml('version: 1\ndefault: deny\nrules: []\n# \ufffd\n');
    assert.equal(loaded.default, 'deny');
  });
});

describe('validatePolicy', () => {
  test('returns every diagnostic without throwing', () => {
    const diagnostics = openleash.validatePolicy('version: 1\nrules: 3\n');
    assert.deepEqual(
      diagnostics.map((diagnostic) => diagnostic.code),
      ['POLICY_MISSING_FIELD', 'POLICY_INVALID_TYPE'],
    );
    assert.equal(diagnostics[1].line, 2);
    assert.equal(diagnostics[1].column, 8);
  });

  test('returns an empty list for a valid policy', () => {
    assert.deepEqual(openleash.validatePolicy(PURCHASE_POLICY), []);
  });

  test('non-string text is a TypeError', () => {
    assert.ok(thrown(() => openleash.validatePolicy(null)) instanceof TypeError);
  });
});

describe('ActionError', () => {
  test('actionHash lists every issue with code and path', () => {
    const action = { ...purchase(), action_id: 'not-a-uuid', principal: {}, relying_party: { trust_profile: 'high' } };
    const error = thrown(() => openleash.actionHash(action));
    assert.ok(error instanceof ActionError);
    assert.ok(error instanceof OpenLeashError);
    assert.deepEqual(
      error.issues.map((issue) => [issue.code, issue.path]),
      [
        ['ACTION_INVALID_UUID', 'action_id'],
        ['ACTION_MISSING_FIELD', 'principal.agent_id'],
        ['ACTION_INVALID_VALUE', 'relying_party.trust_profile'],
      ],
    );
    assert.equal(error.code, 'ACTION_INVALID_UUID');
  });

  test('actionHash of an unconvertible value is a ValueConversionError', () => {
    const error = thrown(() => openleash.actionHash(purchase({ when: new Date() })));
    assert.ok(error instanceof ValueConversionError);
    assert.equal(error.path, 'payload.when');
  });
});

describe('DENY is returned, never thrown', () => {
  test('invalid action is a DENY decision with the error', () => {
    const decision = policy.evaluate({ action_type: 'purchase' }, { now: NOW });
    assert.equal(decision.result, 'DENY');
    assert.equal(decision.error.code, 'ACTION_MISSING_FIELD');
    assert.match(decision.reason, /^Denied: invalid action: /);
    assert.equal(decision.matched_rule_id, null);
    assert.deepEqual(decision.trace, []);
    assert.equal(decision.action_id, '');
  });

  test('non-object action is a DENY decision', () => {
    for (const action of [null, 42, 'purchase', []]) {
      const decision = policy.evaluate(action, { now: NOW });
      assert.equal(decision.result, 'DENY');
      assert.equal(decision.error.code, 'ACTION_INVALID_TYPE');
    }
  });

  test('policy DENY has no error', () => {
    const decision = policy.evaluate(purchase({ amount_minor: 1, currency: 'GBP' }), { now: NOW });
    assert.equal(decision.result, 'REQUIRE_APPROVAL');
    const denied = Policy.fromYaml('version: 1\ndefault: deny\nrules: []\n').evaluate(purchase(), { now: NOW });
    assert.equal(denied.result, 'DENY');
    assert.equal(Object.hasOwn(denied, 'error'), false);
  });
});

describe('evaluation options', () => {
  const action = purchase();

  for (const now of ['yesterday', '2025-03-01T12:00:00', '2025-02-30T00:00:00Z']) {
    test(`now ${JSON.stringify(now)} is INVALID_TIMESTAMP`, () => {
      const error = thrown(() => policy.evaluate(action, { now }));
      assert.ok(error instanceof OpenLeashError);
      assert.equal(error.code, 'INVALID_TIMESTAMP');
    });
  }

  test('invalid Date is INVALID_TIMESTAMP', () => {
    assert.equal(thrown(() => policy.evaluate(action, { now: new Date(Number.NaN) })).code, 'INVALID_TIMESTAMP');
  });

  test('Date past the year 9999 is INVALID_TIMESTAMP', () => {
    assert.equal(thrown(() => policy.evaluate(action, { now: new Date('+010000-01-01T00:00:00Z') })).code, 'INVALID_TIMESTAMP');
  });

  test('now of another type is a TypeError', () => {
    for (const now of [0, null, {}]) {
      const error = thrown(() => policy.evaluate(action, { now }));
      assert.ok(error instanceof TypeError);
      assert.equal(error.code, 'ERR_INVALID_ARG_TYPE');
    }
  });

  test('options that are not an object are a TypeError', () => {
    assert.ok(thrown(() => policy.evaluate(action, 'now')) instanceof TypeError);
  });

  for (const ttl of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
    test(`defaultProofTtlSeconds ${ttl} is INVALID_PROOF_TTL`, () => {
      const error = thrown(() => policy.evaluate(action, { now: NOW, defaultProofTtlSeconds: ttl }));
      assert.ok(error instanceof OpenLeashError);
      assert.equal(error.code, 'INVALID_PROOF_TTL');
    });
  }

  test('defaultProofTtlSeconds of another type is a TypeError', () => {
    assert.ok(thrown(() => policy.evaluate(action, { defaultProofTtlSeconds: '60' })) instanceof TypeError);
  });
});

describe('argument types', () => {
  test('PolicyStack of a non-array is a TypeError', () => {
    const error = thrown(() => new PolicyStack(policy));
    assert.ok(error instanceof TypeError);
    assert.equal(error.code, 'ERR_INVALID_ARG_TYPE');
  });

  test('PolicyStack of non-policies names the element', () => {
    const error = thrown(() => new PolicyStack([policy, {}]));
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /policies\[1\]/);
  });

  test('evaluate of a non-policy is a TypeError', () => {
    assert.ok(thrown(() => openleash.evaluate({}, purchase())) instanceof TypeError);
  });

  test('Policy cannot be constructed directly', () => {
    assert.throws(() => new Policy());
  });
});

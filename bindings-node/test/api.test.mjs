// The API: policies, stacks, decisions and the examples' policies.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { NOW, PURCHASE_POLICY, UUID_V4, purchase } from './helpers/fixtures.mjs';
import { listRepoFiles, loadImplementation, readRepoText } from './helpers/node-adapter.mjs';

const openleash = await loadImplementation();
const { Policy, PolicyStack } = openleash;
const policy = Policy.fromYaml(PURCHASE_POLICY);

describe('Policy', () => {
  test('ruleIds lists rules in document order', () => {
    assert.deepEqual(policy.ruleIds, ['small_purchases', 'large_purchases_need_approval']);
  });

  test('default is the document default', () => {
    assert.equal(policy.default, 'deny');
  });

  test('document is the parsed policy as plain data', () => {
    const document = policy.document;
    assert.equal(document.version, 1);
    assert.deepEqual(document.rules[0].constraints, { amount_max: 5000, currency: ['EUR', 'USD'] });
    assert.deepEqual(document.rules[1].obligations[0].params, { reason: 'over 50.00', approvers: ['owner'] });
  });

  test('document is a new object on each read', () => {
    assert.notEqual(policy.document, policy.document);
  });

  test('warnings report duplicate rule ids with positions', () => {
    const duplicated = Policy.fromYaml('version: 1\ndefault: deny\nrules:\n  - id: r\n    effect: allow\n    action: a\n  - id: r\n    effect: deny\n    action: b\n');
    assert.deepEqual(
      duplicated.warnings.map((warning) => [warning.code, warning.path, warning.line]),
      [['POLICY_DUPLICATE_RULE_ID', 'rules[1]', 7]],
    );
    assert.deepEqual(policy.warnings, []);
  });
});

describe('decisions', () => {
  test('ALLOW has the reason, proof and trace', () => {
    const action = purchase();
    const decision = policy.evaluate(action, { now: NOW });
    assert.equal(decision.result, 'ALLOW');
    assert.equal(decision.matched_rule_id, 'small_purchases');
    assert.equal(decision.reason, 'Allowed by rule "small_purchases"');
    assert.deepEqual(decision.obligations, []);
    assert.equal(decision.proof_required, true);
    assert.equal(decision.proof_ttl_seconds, 300);
    assert.equal(decision.action_id, action.action_id);
    assert.equal(decision.action_hash, openleash.actionHash(action));
    assert.equal(decision.decided_at, '2025-03-01T12:00:00.000Z');
    assert.match(decision.decision_id, UUID_V4);
    assert.deepEqual(decision.trace, [
      { rule_id: 'small_purchases', pattern_match: true, when_match: true, constraints_match: true, final_match: true },
      { rule_id: 'large_purchases_need_approval', pattern_match: true, when_match: true, constraints_match: true, final_match: true },
    ]);
    assert.equal(Object.hasOwn(decision, 'error'), false);
  });

  test('REQUIRE_APPROVAL carries the obligation and its params', () => {
    const decision = policy.evaluate(purchase({ amount_minor: 20000, currency: 'EUR' }), { now: NOW });
    assert.equal(decision.result, 'REQUIRE_APPROVAL');
    assert.equal(decision.matched_rule_id, 'large_purchases_need_approval');
    assert.equal(decision.obligations.length, 1);
    const [obligation] = decision.obligations;
    assert.equal(obligation.type, 'HUMAN_APPROVAL');
    assert.equal(obligation.status, 'PENDING');
    assert.deepEqual(obligation.details_json, { reason: 'over 50.00', approvers: ['owner'] });
    assert.match(obligation.obligation_id, UUID_V4);
    assert.deepEqual(decision.trace[0], {
      rule_id: 'small_purchases',
      pattern_match: true,
      when_match: true,
      constraints_match: false,
      final_match: false,
    });
  });

  test('pattern miss traces nulls', () => {
    const decision = policy.evaluate({ ...purchase(), action_type: 'refund' }, { now: NOW });
    assert.equal(decision.result, 'DENY');
    assert.equal(decision.reason, 'No rule matched; default policy: deny');
    assert.deepEqual(decision.trace[1], {
      rule_id: 'large_purchases_need_approval',
      pattern_match: false,
      when_match: null,
      constraints_match: null,
      final_match: false,
    });
  });

  test('decision ids differ on every call', () => {
    const ids = new Set(Array.from({ length: 200 }, () => policy.evaluate(purchase(), { now: NOW }).decision_id));
    assert.equal(ids.size, 200);
  });

  test('now as a Date and as an offset string', () => {
    assert.equal(policy.evaluate(purchase(), { now: new Date(Date.UTC(2030, 0, 2, 3, 4, 5, 6)) }).decided_at, '2030-01-02T03:04:05.006Z');
    assert.equal(policy.evaluate(purchase(), { now: '2025-03-01T13:00:00.25+01:00' }).decided_at, '2025-03-01T12:00:00.250Z');
  });

  test('default clock is Date.now()', () => {
    const before = Date.now();
    const decided = Date.parse(policy.evaluate(purchase()).decided_at);
    assert.ok(decided >= before && decided <= Date.now());
  });

  test('defaultProofTtlSeconds applies when the rule sets no TTL', () => {
    const plain = Policy.fromYaml('version: 1\ndefault: deny\nrules:\n  - id: r\n    effect: allow\n    action: purchase\n    proof: {required: true}\n');
    assert.equal(plain.evaluate(purchase(), { now: NOW }).proof_ttl_seconds, null);
    assert.equal(plain.evaluate(purchase(), { now: NOW, defaultProofTtlSeconds: 90.5 }).proof_ttl_seconds, 90.5);
  });

  test('non-ASCII rule ids and reasons cross intact', () => {
    const unicode = Policy.fromYaml('version: 1\ndefault: deny\nrules:\n  - id: "achat-é-😀"\n    effect: allow\n    action: purchase\n');
    const decision = unicode.evaluate(purchase(), { now: NOW });
    assert.equal(decision.matched_rule_id, 'achat-é-😀');
    assert.equal(decision.reason, 'Allowed by rule "achat-é-😀"');
    assert.equal(decision.trace[0].rule_id, 'achat-é-😀');
    assert.equal(decision.decided_at, '2025-03-01T12:00:00.000Z');
  });

  test('non-ASCII error messages cross intact', () => {
    const decision = policy.evaluate({ ...purchase(), action_id: 'ünïcode' }, { now: NOW });
    assert.equal(decision.error.code, 'ACTION_INVALID_UUID');
    assert.match(decision.error.message, /ünïcode/);
    assert.equal(decision.reason, `Denied: ${decision.error.message}`);
  });

  test('decisions are plain objects', () => {
    const decision = policy.evaluate(purchase(), { now: NOW });
    assert.equal(Object.getPrototypeOf(decision), Object.prototype);
    assert.deepEqual(JSON.parse(JSON.stringify(decision)), decision);
  });
});

describe('PolicyStack', () => {
  const agent = Policy.fromYaml('version: 1\ndefault: passthrough\nrules:\n  - id: no_gift_cards\n    effect: deny\n    action: purchase\n    when:\n      match: {path: "$.payload.category", op: eq, value: gift_card}\n');
  const stack = new PolicyStack([agent, policy]);

  test('layers, rule ids and default merge most specific first', () => {
    assert.equal(stack.layers.length, 2);
    assert.ok(stack.layers[0] instanceof Policy);
    assert.deepEqual(stack.ruleIds, ['no_gift_cards', 'small_purchases', 'large_purchases_need_approval']);
    assert.equal(stack.default, 'deny');
    assert.deepEqual(stack.document.rules.map((rule) => rule.id), stack.ruleIds);
  });

  test('the most specific layer decides first', () => {
    const decision = stack.evaluate(purchase({ amount_minor: 100, currency: 'EUR', category: 'gift_card' }), { now: NOW });
    assert.equal(decision.result, 'DENY');
    assert.equal(decision.matched_rule_id, 'no_gift_cards');
    assert.equal(decision.trace.length, 3);
  });

  test('later layers decide when earlier ones do not match', () => {
    assert.equal(stack.evaluate(purchase(), { now: NOW }).matched_rule_id, 'small_purchases');
  });

  test('a lone passthrough policy denies; a stack of it uses deny', () => {
    const passthrough = Policy.fromYaml('version: 1\ndefault: passthrough\nrules: []\n');
    assert.match(passthrough.evaluate(purchase(), { now: NOW }).reason, /passthrough/);
    const merged = new PolicyStack([passthrough]).evaluate(purchase(), { now: NOW });
    assert.equal(merged.result, 'DENY');
    assert.equal(merged.reason, 'No rule matched; default policy: deny');
  });

  test('an empty stack denies', () => {
    assert.equal(new PolicyStack([]).evaluate(purchase(), { now: NOW }).result, 'DENY');
  });

  test('module evaluate equals the method', () => {
    const viaFunction = openleash.evaluate(stack, purchase(), { now: NOW });
    const viaMethod = stack.evaluate(purchase(), { now: NOW });
    assert.deepEqual({ ...viaFunction, decision_id: '' }, { ...viaMethod, decision_id: '' });
    assert.equal(openleash.evaluate(policy, purchase(), { now: NOW }).matched_rule_id, 'small_purchases');
  });
});

describe('examples', async () => {
  const RESULTS = [
    ['require-approval-', 'REQUIRE_APPROVAL'],
    ['require-step-up-', 'REQUIRE_STEP_UP'],
    ['require-deposit-', 'REQUIRE_DEPOSIT'],
    ['allow-', 'ALLOW'],
    ['deny-', 'DENY'],
  ];
  for (const folder of ['appointments', 'communication', 'government', 'layered', 'purchases']) {
    const files = await listRepoFiles(`examples/${folder}`);
    const layers = folder === 'layered' ? ['agent.yaml', 'owner.yaml'] : ['policy.yaml'];
    const policies = await Promise.all(layers.map(async (name) => Policy.fromYaml(await readRepoText(`examples/${folder}/${name}`))));
    const target = policies.length === 1 ? policies[0] : new PolicyStack(policies);
    for (const name of files.filter((file) => file.endsWith('.json'))) {
      const [, expected] = RESULTS.find(([prefix]) => name.startsWith(prefix));
      test(`${folder}/${name} is ${expected}`, async () => {
        const action = JSON.parse(await readRepoText(`examples/${folder}/${name}`));
        assert.equal(target.evaluate(action, { now: NOW }).result, expected);
      });
    }
  }
});

// Policy bindings: ordering binding records for an agent and building the
// stack of the policies they bind.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { NOW, purchase } from './helpers/fixtures.mjs';
import { loadImplementation } from './helpers/node-adapter.mjs';

const openleash = await loadImplementation();
const { Policy, PolicyError, PolicyStack, ValueConversionError, orderBindings } = openleash;

const DENY_PURCHASES = 'version: 1\ndefault: passthrough\nrules:\n  - {id: agent_deny, effect: deny, action: purchase}\n';
const ALLOW_ALL = 'version: 1\ndefault: allow\nrules: []\n';

const record = (policyId, agent = null, extra = {}) => ({
  policy_id: policyId,
  applies_to_agent_principal_id: agent,
  ...extra,
});

const BINDINGS = [
  record('owner', null, { owner_type: 'org', owner_id: 'org-1' }),
  record('late', 'agent-a', { rank: 300 }),
  record('other', 'agent-b'),
  record('group', null, { applies_to_group_id: 'g1' }),
  record('early', 'agent-a', { rank: 5 }),
];

const idsOf = (records) => records.map((item) => item.policy_id);

test('orderBindings returns the given records, most specific first', () => {
  const ordered = orderBindings(BINDINGS, 'agent-a', ['g1']);
  assert.deepEqual(idsOf(ordered), ['early', 'late', 'group', 'owner']);
  // The records themselves, extra keys included.
  assert.equal(ordered[3], BINDINGS[0]);
  assert.deepEqual(idsOf(orderBindings(BINDINGS, 'agent-c')), ['owner']);
});

test('a malformed record is a PolicyError naming its index', () => {
  assert.throws(
    () => orderBindings([record('a'), { policy_id: 'b' }], 'agent-a'),
    (error) =>
      error instanceof PolicyError &&
      error.code === 'BINDING_INVALID' &&
      error.message.includes('bindings[1]: applies_to_agent_principal_id is required') &&
      Array.isArray(error.diagnostics) &&
      error.diagnostics.length === 0,
  );
  assert.throws(
    () => orderBindings([record('a', null, { rank: 'high' })], 'agent-a'),
    (error) => error instanceof PolicyError && error.message.includes('rank must be a number, found string'),
  );
  assert.throws(
    () => orderBindings({ policy_id: 'a' }, 'agent-a'),
    (error) => error instanceof PolicyError && error.message.includes('bindings must be an array, found object'),
  );
});

test('binding arguments of the wrong type are refused', () => {
  assert.throws(() => orderBindings(BINDINGS, 7), TypeError);
  assert.throws(() => orderBindings(BINDINGS, 'agent-a', 'g1'), TypeError);
  assert.throws(() => orderBindings(BINDINGS, 'agent-a', [1]), TypeError);
  assert.throws(
    () => orderBindings([record('a', null, { rank: Number.NaN })], 'agent-a'),
    (error) => error instanceof ValueConversionError && error.code === 'JSON_NUMBER_OUT_OF_RANGE',
  );
});

test('PolicyStack.forAgent layers the bound policies, from an object or a Map', () => {
  const agentLayer = Policy.fromYaml(DENY_PURCHASES);
  const ownerLayer = Policy.fromYaml(ALLOW_ALL);
  const bindings = [record('owner'), record('agent', 'agent-a')];

  const stack = PolicyStack.forAgent(bindings, { agent: agentLayer, owner: ownerLayer }, 'agent-a');
  assert.equal(stack.layers.length, 2);
  const decision = stack.evaluate(purchase(), { now: NOW });
  assert.equal(decision.result, 'DENY');
  assert.equal(decision.matched_rule_id, 'agent_deny');

  const other = PolicyStack.forAgent(bindings, new Map([['agent', agentLayer], ['owner', ownerLayer]]), 'agent-b');
  assert.equal(other.layers.length, 1);
  assert.equal(other.evaluate(purchase(), { now: NOW }).result, 'ALLOW');
});

test('a binding to a policy that was not supplied is refused', () => {
  const policies = { owner: Policy.fromYaml(ALLOW_ALL) };
  assert.throws(
    () => PolicyStack.forAgent([record('owner'), record('strict', 'agent-a')], policies, 'agent-a'),
    (error) => error instanceof PolicyError && error.code === 'BINDING_UNKNOWN_POLICY' && error.message.includes('"strict"'),
  );
  // A binding that does not apply may name an absent policy, and a name
  // inherited from Object.prototype is not a supplied policy.
  assert.equal(PolicyStack.forAgent([record('owner'), record('strict', 'agent-b')], policies, 'agent-a').layers.length, 1);
  assert.throws(
    () => PolicyStack.forAgent([record('toString')], policies, 'agent-a'),
    (error) => error instanceof PolicyError && error.code === 'BINDING_UNKNOWN_POLICY',
  );
});

test('PolicyStack.forAgent refuses policies that are not Policy objects', () => {
  assert.throws(
    () => PolicyStack.forAgent([record('owner')], { owner: ALLOW_ALL }, 'agent-a'),
    (error) => error instanceof TypeError && error.message === 'policies["owner"] must be a Policy',
  );
  assert.throws(() => PolicyStack.forAgent([record('owner')], null, 'agent-a'), TypeError);
  assert.throws(() => PolicyStack.forAgent([record('owner')], { owner: Policy.fromYaml(ALLOW_ALL) }, 'agent-a', 'g'), TypeError);
});

test('lone surrogates in ids are refused, not replaced', () => {
  const isConversion = (code) => (error) => error instanceof ValueConversionError && error.code === code;
  const replaced = [record('owner', '\ufffd', { applies_to_group_id: null })];
  assert.throws(() => orderBindings(replaced, '\ud800'), isConversion('VALUE_LONE_SURROGATE'));
  const group = [record('group', null, { applies_to_group_id: '\ufffd' })];
  assert.throws(() => orderBindings(group, 'agent-a', ['\ud800']), isConversion('JSON_LONE_SURROGATE'));
  const policies = { '\ud800': Policy.fromYaml(ALLOW_ALL) };
  assert.throws(() => PolicyStack.forAgent([record('\ufffd')], policies, 'agent-a'), isConversion('JSON_LONE_SURROGATE'));
});

test('negative zero ranks tie with zero', () => {
  const ordered = orderBindings([record('first', null, { rank: 0 }), record('second', null, { rank: -0 })], 'agent-a');
  assert.deepEqual(idsOf(ordered), ['first', 'second']);
});

test('each record and group id is read once', () => {
  let reads = 0;
  const records = [];
  Object.defineProperty(records, 0, {
    get() {
      reads += 1;
      return reads === 1 ? record('owner') : record('impostor');
    },
    enumerable: true,
  });
  const ordered = orderBindings(records, 'agent-a');
  assert.deepEqual(idsOf(ordered), ['owner']);
  assert.equal(reads, 1);

  // A group id array's toJSON is not called: the ids are what was checked.
  const groups = ['g1'];
  groups.toJSON = () => ['admins'];
  const bindings = [record('g1', null, { applies_to_group_id: 'g1' }), record('admins', null, { applies_to_group_id: 'admins' })];
  assert.deepEqual(idsOf(orderBindings(bindings, 'agent-a', groups)), ['g1']);
});

test('group ids are limited to 1,000', () => {
  const groups = Array.from({ length: 1001 }, (_, index) => `g${index}`);
  assert.throws(
    () => orderBindings([record('owner')], 'agent-a', groups),
    (error) => error instanceof PolicyError && error.code === 'BINDING_INVALID' && error.message.includes('groupIds'),
  );
  assert.equal(orderBindings([record('owner')], 'agent-a', groups.slice(0, 1000)).length, 1);
});

test('a forged Policy is named by its policy id', () => {
  const forged = Object.create(Policy.prototype);
  assert.throws(
    () => PolicyStack.forAgent([record('p')], { p: forged }, 'agent-a'),
    (error) => error instanceof TypeError && error.message === 'policies["p"] must be a Policy',
  );
});

// Actions the engine reads from the converter's canonical JSON without
// parsing it into a tree. Strings with escapes are decoded, and objects or
// arrays of more than 32 entries take the full parser. Either way the
// decision, the action hash and the canonical JSON are those of the action.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { referenceCanonicalJson } from './helpers/canonical.mjs';
import { NOW, purchase } from './helpers/fixtures.mjs';
import { loadImplementation } from './helpers/node-adapter.mjs';
import { sha256Hex } from './helpers/sha256.mjs';

const openleash = await loadImplementation();
const { actionHash, canonicalJson, Policy } = openleash;

const NOTE = 'line one\nsaid "hi" \\ \t\u0001\u001f é 😀';

const policy = Policy.fromYaml(`version: 1
default: deny
rules:
  - id: note_matches
    effect: allow
    action: purchase
    when:
      match: {path: "$.payload.note", op: eq, value: "line one\\nsaid \\"hi\\" \\\\ \\t\\x01\\x1f é 😀"}
  - id: large_payload
    effect: allow
    action: purchase
    when:
      all:
        - match: {path: "$.payload.items.length", op: eq, value: 40}
        - match: {path: "$.payload.items[39].qty", op: eq, value: 39}
        - match: {path: "$.payload.k039", op: eq, value: 39}
`);

/** Returns a payload of `count` keys `k000`... and `count` items. */
function largePayload(count) {
  const payload = { items: [] };
  for (let index = 0; index < count; index += 1) {
    payload[`k${String(index).padStart(3, '0')}`] = index;
    payload.items.push({ qty: index });
  }
  return payload;
}

const cases = [
  ['escaped strings', purchase({ note: NOTE }), 'note_matches'],
  ['an escaped key', purchase({ 'tab\tkey': 1, 'quote"key': 2, note: NOTE }), 'note_matches'],
  ['a string one character off', purchase({ note: NOTE.replace('\n', '\r') }), null],
  ['objects and arrays of 40 entries', purchase(largePayload(40)), 'large_payload'],
  ['objects and arrays of 32 entries', purchase(largePayload(32)), null],
];

describe('actions read from canonical text', () => {
  for (const [name, action, ruleId] of cases) {
    test(`${name}: decision, hash and canonical JSON`, async () => {
      const decision = policy.evaluate(action, { now: NOW });
      assert.equal(decision.matched_rule_id, ruleId);
      assert.equal(decision.result, ruleId === null ? 'DENY' : 'ALLOW');
      assert.equal(decision.error, undefined);
      const expectedHash = await sha256Hex(referenceCanonicalJson(action));
      assert.equal(decision.action_hash, expectedHash);
      assert.equal(actionHash(action), expectedHash);
      assert.equal(canonicalJson(action), referenceCanonicalJson(action));
    });
  }
});

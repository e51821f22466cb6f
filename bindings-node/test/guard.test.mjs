// guardTool: decide before a tool runs, run it only on ALLOW.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { NOW, PURCHASE_POLICY, purchase } from './helpers/fixtures.mjs';
import { loadImplementation } from './helpers/node-adapter.mjs';

const openleash = await loadImplementation();
const { Policy, guardTool, ActionNotAllowedError } = openleash;
const policy = Policy.fromYaml(PURCHASE_POLICY);

/** A purchase tool that records its calls. */
function purchaseTool() {
  const calls = [];
  const tool = async (amount, currency) => {
    calls.push([amount, currency]);
    return { order: `order-${amount}` };
  };
  return { tool, calls };
}

const buildAction = (amount, currency) => purchase({ amount_minor: amount, currency });
const evaluateOptions = () => ({ now: NOW });

describe('guardTool', () => {
  test('ALLOW calls the tool and returns its result', async () => {
    const { tool, calls } = purchaseTool();
    const guarded = guardTool(tool, { policy, buildAction, evaluateOptions });
    assert.deepEqual(await guarded(1999, 'EUR'), { order: 'order-1999' });
    assert.deepEqual(calls, [[1999, 'EUR']]);
  });

  test('REQUIRE_APPROVAL rejects with the decision and skips the tool', async () => {
    const { tool, calls } = purchaseTool();
    const guarded = guardTool(tool, { policy, buildAction, evaluateOptions });
    const error = await guarded(20000, 'EUR').then(
      () => assert.fail('the guard must reject'),
      (problem) => problem,
    );
    assert.ok(error instanceof ActionNotAllowedError);
    assert.equal(error.code, 'ACTION_NOT_ALLOWED');
    assert.equal(error.result, 'REQUIRE_APPROVAL');
    assert.equal(error.decision.matched_rule_id, 'large_purchases_need_approval');
    assert.equal(error.obligations[0].type, 'HUMAN_APPROVAL');
    assert.equal(error.reason, error.decision.reason);
    assert.deepEqual(calls, []);
  });

  test('DENY rejects and skips the tool', async () => {
    const { tool, calls } = purchaseTool();
    const guarded = guardTool(tool, {
      policy,
      buildAction: () => ({ ...purchase(), action_type: 'refund' }),
    });
    await assert.rejects(guarded(), (error) => error instanceof ActionNotAllowedError && error.result === 'DENY');
    assert.deepEqual(calls, []);
  });

  test('an invalid built action rejects with the decision error', async () => {
    const { tool } = purchaseTool();
    const guarded = guardTool(tool, { policy, buildAction: () => ({ action_type: 'purchase' }) });
    await assert.rejects(guarded(), (error) => error.decision.error.code === 'ACTION_MISSING_FIELD');
  });

  test('async action builders are awaited', async () => {
    const { tool, calls } = purchaseTool();
    const guarded = guardTool(tool, { policy, buildAction: async (amount) => buildAction(amount, 'USD') });
    await guarded(10);
    assert.deepEqual(calls, [[10, undefined]]);
  });

  test('onDecision sees every decision and the arguments', async () => {
    const seen = [];
    const { tool } = purchaseTool();
    const guarded = guardTool(tool, {
      policy,
      buildAction,
      onDecision: (decision, args) => seen.push([decision.result, args]),
    });
    await guarded(5, 'EUR');
    await guarded(99999, 'EUR').catch(() => {});
    assert.deepEqual(seen, [
      ['ALLOW', [5, 'EUR']],
      ['REQUIRE_APPROVAL', [99999, 'EUR']],
    ]);
  });

  test('errors from the builder propagate unchanged', async () => {
    const problem = new Error('no cart');
    const guarded = guardTool(async () => 1, {
      policy,
      buildAction: () => {
        throw problem;
      },
    });
    await assert.rejects(guarded(), (error) => error === problem);
  });

  test('the tool sees the caller this', async () => {
    const shop = {
      name: 'shop',
      buy: guardTool(
        async function buy() {
          return this.name;
        },
        { policy, buildAction: () => purchase() },
      ),
    };
    assert.equal(await shop.buy(), 'shop');
  });

  test('a PolicyStack guards too', async () => {
    const stack = new openleash.PolicyStack([policy]);
    const guarded = guardTool(async () => 'done', { policy: stack, buildAction: () => purchase() });
    assert.equal(await guarded(), 'done');
  });

  test('invalid options are TypeErrors', () => {
    const tool = async () => 1;
    assert.throws(() => guardTool('tool', { policy, buildAction }), TypeError);
    assert.throws(() => guardTool(tool, { buildAction }), TypeError);
    assert.throws(() => guardTool(tool, { policy }), TypeError);
    assert.throws(() => guardTool(tool, { policy, buildAction, onDecision: 1 }), TypeError);
  });
});

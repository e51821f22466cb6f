// The tool guard of guard.mjs with types: `tsc --noEmit --strict` checks
// this file against the package's declarations.

import { randomUUID } from 'node:crypto';

import {
  ActionNotAllowedError,
  Policy,
  PolicyStack,
  guardTool,
  type ActionRequest,
  type Decision,
  type DecisionResult,
} from 'openleash-core';

const owner: Policy = Policy.fromYaml(`
version: 1
default: deny
rules:
  - id: small_purchases
    effect: allow
    action: purchase
    constraints: {amount_max: 5000, currency: [EUR]}
`);
const agent: Policy = Policy.fromYaml('version: 1\ndefault: passthrough\nrules: []\n');
const stack = new PolicyStack([agent, owner]);

function purchaseRequest(amountMinor: number, currency: string): ActionRequest {
  return {
    action_id: randomUUID(),
    action_type: 'purchase',
    requested_at: new Date().toISOString(),
    principal: { agent_id: 'shopping-assistant' },
    subject: { principal_id: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80' },
    relying_party: { domain: 'shop.example', trust_profile: 'MEDIUM' },
    payload: { amount_minor: amountMinor, currency },
  };
}

async function buy(amountMinor: number, currency: string): Promise<{ orderId: string }> {
  return { orderId: `order-${amountMinor}-${currency}` };
}

const guardedBuy: (amountMinor: number, currency: string) => Promise<{ orderId: string }> = guardTool(buy, {
  policy: stack,
  buildAction: purchaseRequest,
  evaluateOptions: () => ({ now: new Date(), defaultProofTtlSeconds: 120 }),
  onDecision: (decision: Decision, args: [number, string]) => {
    const result: DecisionResult = decision.result;
    console.log(result, args, decision.trace.map((entry) => entry.final_match));
  },
});

export async function main(): Promise<string> {
  try {
    const { orderId } = await guardedBuy(1999, 'EUR');
    return orderId;
  } catch (error) {
    if (error instanceof ActionNotAllowedError) {
      const reason: string = error.reason;
      const ttl: number | null = error.decision.proof_ttl_seconds;
      return `${error.result}: ${reason} (${ttl ?? 'no'} TTL)`;
    }
    throw error;
  }
}

// The decision as data: snake_case keys, as OpenLeash writes them.
const decision: Decision = owner.evaluate(purchaseRequest(10, 'EUR'), { now: '2025-03-01T12:00:00Z' });
const matched: string | null = decision.matched_rule_id;
console.log(matched, decision.obligations.length, decision.error?.code);

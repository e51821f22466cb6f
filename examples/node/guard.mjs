// Guarding an agent's tools with openleash-core: a purchase tool and a
// send-email tool run only when the policy allows the call.
//
//   npm install openleash-core && node guard.mjs
//
// The script prints each call's outcome and exits non-zero when an outcome
// differs from the one the policy should give, so it doubles as a test.

import { randomUUID } from 'node:crypto';

import { ActionNotAllowedError, Policy, guardTool } from 'openleash-core';

const policy = Policy.fromYaml(`
version: 1
default: deny
rules:
  - id: small_purchases
    effect: allow
    action: purchase
    constraints: {amount_max: 5000, currency: [EUR], merchant_domain: [shop.example]}
  - id: large_purchases_need_approval
    effect: allow
    action: purchase
    constraints: {currency: [EUR], merchant_domain: [shop.example]}
    obligations:
      - type: HUMAN_APPROVAL
        params: {reason: over 50.00 EUR}
  - id: internal_email
    effect: allow
    action: email.send
    constraints: {allowed_domains: [example.com]}
`);

const OWNER = '9c5b94b1-35ad-49bb-b118-8e8fc24abf80';

/** The action request every tool call becomes. */
function actionRequest(actionType, payload) {
  return {
    action_id: randomUUID(),
    action_type: actionType,
    requested_at: new Date().toISOString(),
    principal: { agent_id: 'shopping-assistant' },
    subject: { principal_id: OWNER },
    payload,
  };
}

// The tools themselves know nothing about policies.
async function buy(merchant, amountMinor, currency) {
  return `ordered from ${merchant} for ${amountMinor} ${currency} minor units`;
}

async function sendEmail(to, subject) {
  return `sent "${subject}" to ${to}`;
}

const guardedBuy = guardTool(buy, {
  policy,
  buildAction: (merchant, amountMinor, currency) =>
    actionRequest('purchase', { merchant_domain: merchant, amount_minor: amountMinor, currency }),
  onDecision: (decision) => console.log(`  decision ${decision.decision_id}: ${decision.result}`),
});

const guardedSendEmail = guardTool(sendEmail, {
  policy,
  buildAction: (to, subject) => actionRequest('email.send', { to: [to], domain: to.split('@')[1], subject }),
});

/** Calls a guarded tool and returns the result, or the result of the decision that stopped it. */
async function attempt(label, call) {
  try {
    const output = await call();
    console.log(`${label}: ALLOW: ${output}`);
    return 'ALLOW';
  } catch (error) {
    if (!(error instanceof ActionNotAllowedError)) {
      throw error;
    }
    const obligations = error.obligations.map((obligation) => obligation.type).join(', ');
    console.log(`${label}: ${error.result}: ${error.reason}${obligations ? ` (${obligations})` : ''}`);
    return error.result;
  }
}

const outcomes = [
  [await attempt('buy 19.99 EUR at shop.example', () => guardedBuy('shop.example', 1999, 'EUR')), 'ALLOW'],
  [await attempt('buy 250.00 EUR at shop.example', () => guardedBuy('shop.example', 25000, 'EUR')), 'REQUIRE_APPROVAL'],
  [await attempt('buy 19.99 EUR at scam.example', () => guardedBuy('scam.example', 1999, 'EUR')), 'DENY'],
  [await attempt('email lena@example.com', () => guardedSendEmail('lena@example.com', 'Slides')), 'ALLOW'],
  [await attempt('email someone@elsewhere.example', () => guardedSendEmail('someone@elsewhere.example', 'Hi')), 'DENY'],
];

const wrong = outcomes.filter(([got, expected]) => got !== expected);
if (wrong.length > 0) {
  console.error(`unexpected outcomes: ${JSON.stringify(wrong)}`);
  process.exit(1);
}

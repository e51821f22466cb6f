// Shared inputs of the API tests. Portable.

/** A valid purchase action; `payload` replaces the default payload. */
export function purchase(payload = { amount_minor: 1999, currency: 'EUR' }) {
  return {
    action_id: '3b241101-e2bb-4255-8caf-4136c566a962',
    action_type: 'purchase',
    requested_at: '2025-03-01T12:00:00.000Z',
    principal: { agent_id: 'shopper-agent' },
    subject: { principal_id: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80' },
    payload,
  };
}

/** Small purchases are allowed with a proof; larger ones need a human's approval. */
export const PURCHASE_POLICY = `version: 1
default: deny
rules:
  - id: small_purchases
    effect: allow
    action: purchase
    constraints: {amount_max: 5000, currency: [EUR, USD]}
    proof: {required: true, ttl_seconds: 300}
  - id: large_purchases_need_approval
    effect: allow
    action: purchase
    obligations:
      - type: HUMAN_APPROVAL
        params: {reason: over 50.00, approvers: [owner]}
`;

/** The evaluation time of the API tests. */
export const NOW = '2025-03-01T12:00:00Z';

/** Matches a lowercase UUID v4. */
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** `levels` arrays nested inside one another around `innermost`. */
export function nestedArrays(levels, innermost = 0) {
  let value = innermost;
  for (let level = 0; level < levels; level += 1) {
    value = [value];
  }
  return value;
}

/** Calls `body` and returns what it threw; fails when it returns. */
export function thrown(body) {
  try {
    body();
  } catch (error) {
    return error;
  }
  throw new Error('expected an exception, none was thrown');
}

// An agent's purchase with a proof, checked by the merchant offline.
//
// The agent side decides with an Authorizer, which issues a PASETO proof
// token when the policy asks for one, and signs its HTTP request. The
// merchant side holds only the issuer's public key (as a PASERK) and the
// agent's public key: it checks the request signature, refuses a replay,
// and verifies that the proof is for exactly this action.
// `scripts/test-node.sh` compiles this file with `tsc --strict` and runs it.

import { randomUUID } from 'node:crypto';

import {
  Authorizer,
  KeySet,
  Policy,
  ReplayGuard,
  SignatureError,
  TokenError,
  actionHash,
  generateKey,
  publicKeyInfo,
  signRequest,
  verifyRequest,
  verifyToken,
  type ActionRequest,
  type Authorization,
} from 'openleash-core';

const policy = Policy.fromYaml(`
version: 1
default: deny
rules:
  - id: small_purchases
    effect: allow
    action: purchase
    constraints: {amount_max: 5000, currency: [EUR]}
    proof: {required: true, ttl_seconds: 300}
`);

// The issuer's key and the agent's own request-signing key.
const issuerKey = generateKey({ kid: 'issuer-2025' });
const issuerKeys = new KeySet();
issuerKeys.rotate(issuerKey);
const agentKey = generateKey({ kid: 'shopper-agent-key' });
const authorizer = new Authorizer(policy, issuerKeys, { owner: { owner_type: 'user', owner_id: 'owner-1' } });

const action: ActionRequest = {
  action_id: randomUUID(),
  action_type: 'purchase',
  requested_at: new Date().toISOString(),
  principal: { agent_id: 'shopper-agent' },
  subject: { principal_id: randomUUID() },
  payload: { amount_minor: 1999, currency: 'EUR', merchant_domain: 'shop.example' },
};

// Agent side: decide, then send the action, its proof and a signature.
const decision: Authorization = authorizer.authorize(action);
if (decision.result !== 'ALLOW' || decision.proof_token === undefined) {
  throw new Error(`expected an allowed purchase with a proof, got ${decision.result}`);
}
const body = JSON.stringify({ action, proof: decision.proof_token });
const headers = signRequest(agentKey, { agentId: 'shopper-agent', method: 'POST', path: '/orders', body });

// Merchant side: only public keys.
const issuerPaserk: string = publicKeyInfo(issuerKey).paserk;
const agentPublic: string = publicKeyInfo(agentKey).public_key_b64;
const guard = new ReplayGuard();

function receive(requestHeaders: Record<string, string>, requestBody: string): string {
  verifyRequest({ headers: requestHeaders, method: 'POST', path: '/orders', publicKey: agentPublic, body: requestBody, guard });
  const order = JSON.parse(requestBody) as { action: ActionRequest; proof: string };
  const verified = verifyToken(order.proof, issuerPaserk, { expect: { action_hash: actionHash(order.action) } });
  return `accepted ${String(order.action.payload.amount_minor)} EUR minor units, proof ${verified.claims.decision_id as string}`;
}

console.log(receive({ ...headers }, body));

// The same request again is a replay.
try {
  receive({ ...headers }, body);
  throw new Error('a replayed request was accepted');
} catch (error) {
  if (!(error instanceof SignatureError) || error.code !== 'NONCE_REPLAY') {
    throw error;
  }
  console.log(`replay refused: ${error.code}`);
}

// A changed amount with the old proof: the action hash no longer matches.
const altered = JSON.stringify({ action: { ...action, payload: { ...action.payload, amount_minor: 4999 } }, proof: decision.proof_token });
const resigned = signRequest(agentKey, { agentId: 'shopper-agent', method: 'POST', path: '/orders', body: altered });
try {
  receive({ ...resigned }, altered);
  throw new Error('an altered action was accepted');
} catch (error) {
  if (!(error instanceof TokenError) || error.code !== 'TOKEN_CLAIM_MISMATCH') {
    throw error;
  }
  console.log(`altered action refused: ${error.code}`);
}

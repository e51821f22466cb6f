// Type checks of the package's declarations: what must compile, and what
// must not (each marked to expect an error). scripts/test-wasm.sh compiles
// it with `tsc --noEmit --strict` against the installed package.

import init, {
  Authorizer,
  KeyError,
  KeySet,
  Policy,
  PolicyError,
  PolicyStack,
  ReplayGuard,
  TokenError,
  initSync,
  issueProofToken,
  publicKeyInfo,
  signRequest,
  verifyRequest,
  verifyToken,
  type Authorization,
  type Decision,
  type GeneratedKeyFile,
  type VerifiedToken,
} from 'openleash-core-wasm';
import { generateKey } from 'openleash-core-wasm';

await init();
initSync({ module: new Uint8Array(0) });

const policy = Policy.fromYaml('version: 1\ndefault: deny\nrules: []\n');
const fromFile: Policy = Policy.fromFile('policy.yaml');
const stack = new PolicyStack([policy, fromFile]);
const action = {
  action_id: '3b241101-e2bb-4255-8caf-4136c566a962',
  action_type: 'purchase',
  requested_at: '2025-03-01T12:00:00Z',
  principal: { agent_id: 'a' },
  subject: { principal_id: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80' },
  payload: { amount_minor: 1 },
};
const decision: Decision = stack.evaluate(action, { now: new Date() });

const key: GeneratedKeyFile = generateKey({ kid: 'k1' });
const keys = new KeySet([key, publicKeyInfo(key).paserk]);
keys.setActive('k1');
keys.revoke('k1', { at: '2030-01-01T00:00:00Z' });
const active: string | null = keys.activeKid;
const issued = issueProofToken(keys, {
  decision_id: decision.decision_id,
  owner_type: 'user',
  owner_id: 'o',
  agent_id: 'a',
  action_type: 'purchase',
  action_hash: decision.action_hash,
  matched_rule_id: decision.matched_rule_id,
}, { ttlSeconds: 60 });
const verified: VerifiedToken = verifyToken(issued.token, key, { purpose: 'proof', expect: { action_hash: decision.action_hash } });
const authorization: Authorization = new Authorizer(policy, key, { maxTtlSeconds: 60 }).authorize(action);
const headers = signRequest(key, { agentId: 'a', method: 'POST', path: '/x', body: new Uint8Array([1]) });
verifyRequest({ headers, method: 'POST', path: '/x', publicKey: key, body: new Uint8Array([1]), guard: new ReplayGuard(10) });
// @ts-expect-error the body is required (null for a request without one)
verifyRequest({ headers, method: 'POST', path: '/x', publicKey: key });
const proof: string | undefined = authorization.proof_token;

try {
  verifyToken('v4.public.x', keys);
} catch (error) {
  if (error instanceof TokenError || error instanceof KeyError || error instanceof PolicyError) {
    const code: string = error.code;
    console.log(code);
  }
}

// @ts-expect-error: a lifetime is required
issueProofToken(key, { decision_id: 'd' }, {});
// @ts-expect-error: purposes are proof, approval or session
verifyToken(issued.token, key, { purpose: 'user_session' });
// @ts-expect-error: the policy constructor is internal
new Policy();
// @ts-expect-error: a stack takes policies
new PolicyStack(['version: 1']);
// @ts-expect-error: headers need a method and a path
signRequest(key, { agentId: 'a' });

console.log(verified, active, proof);

// Hostile inputs to the key, token and request-signature API of the Node
// package, each handled as documented.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { loadImplementation } from './helpers/node-adapter.mjs';

const openleash = await loadImplementation();
const {
  KeySet, ReplayGuard, generateKey, issueApprovalToken, issueProofToken, issueSessionToken,
  signRequest, verifyRequest, verifyToken,
} = openleash;

const NOW = '2025-03-01T12:00:00.000Z';
const PROOF = {
  decision_id: 'd-1',
  owner_type: 'user',
  owner_id: 'u-1',
  agent_id: 'agent-1',
  action_type: 'purchase',
  action_hash: 'ab'.repeat(32),
  matched_rule_id: null,
};
const APPROVAL = {
  approval_request_id: 'r-1',
  owner_type: 'user',
  owner_id: 'u-1',
  agent_id: 'agent-1',
  action_type: 'purchase',
  action_hash: 'ab'.repeat(32),
};
const key = generateKey({ kid: 'issuer', now: NOW });
const token = issueProofToken(key, PROOF, { ttlSeconds: 60, now: NOW }).token;

function cyclicObject() {
  const value = {};
  value.self = value;
  return value;
}

describe('hostile input handled: tokens', () => {
  test('tokens of another purpose are refused in every direction', () => {
    const tokens = {
      proof: token,
      approval: issueApprovalToken(key, APPROVAL, { ttlSeconds: 60, now: NOW }).token,
      session: issueSessionToken(key, { sub: 'u-1' }, { ttlSeconds: 60, now: NOW }).token,
    };
    for (const [issuedAs, text] of Object.entries(tokens)) {
      for (const purpose of Object.keys(tokens)) {
        if (purpose === issuedAs) {
          assert.equal(verifyToken(text, key, { purpose, now: NOW }).purpose, purpose);
        } else {
          assert.throws(() => verifyToken(text, key, { purpose, now: NOW }), { code: 'TOKEN_WRONG_PURPOSE' });
        }
      }
    }
  });

  test('cyclic and unreadable arguments raise ValueConversionError', () => {
    const throwing = new Proxy({}, { ownKeys() { throw new Error('boom'); } });
    for (const call of [
      () => verifyToken(token, cyclicObject(), { now: NOW }),
      () => verifyToken(token, key, { now: NOW, expect: cyclicObject() }),
      () => issueProofToken(key, { ...PROOF, constraints_snapshot: cyclicObject() }, { ttlSeconds: 1, now: NOW }),
      () => verifyToken(token, throwing, { now: NOW }),
      () => verifyToken(token, { get kid() { throw new Error('getter'); } }, { now: NOW }),
    ]) {
      assert.throws(call, { name: 'ValueConversionError' });
    }
  });

  test('wrong types and huge values are refused with codes', () => {
    assert.throws(() => verifyToken(Buffer.from(token), key, { now: NOW }), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => verifyToken(token, key, { now: NOW, leewaySeconds: 5n }), { code: 'ERR_INVALID_ARG_TYPE' });
    assert.throws(() => verifyToken(token, key, { now: NOW, leewaySeconds: 1e400 }), { code: 'TOKEN_INVALID_PARAMS' });
    assert.throws(() => verifyToken(token, key, { now: new Date('x') }), { code: 'INVALID_TIMESTAMP' });
    assert.throws(() => verifyToken(token, 5, { now: NOW }), { code: 'KEY_INVALID_FILE' });
    assert.throws(() => verifyToken(`v4.public.${'A'.repeat(10_000_000)}`, key, { now: NOW }), { code: 'TOKEN_TOO_LARGE' });
    for (const ttlSeconds of [0, -1, Number.NaN, Infinity, 1e-4]) {
      assert.throws(() => issueProofToken(key, PROOF, { ttlSeconds, now: NOW }), { code: 'TOKEN_INVALID_TTL' });
    }
  });
});

describe('hostile input handled: request signatures', () => {
  const agent = generateKey({ kid: 'agent-1', now: NOW });
  const headers = signRequest(agent, { agentId: 'agent-1', method: 'POST', path: '/x', body: '{}', nonce: 'n', now: NOW });

  test('a replay under the same guard is refused, also from a __proto__ key', () => {
    const guard = new ReplayGuard();
    const check = (value) => verifyRequest({ headers: value, method: 'POST', path: '/x', publicKey: agent, body: '{}', now: NOW, guard });
    check(headers);
    assert.throws(() => check(headers), { code: 'NONCE_REPLAY' });
    const withProto = JSON.parse(JSON.stringify(headers).replace('"X-Agent-Id"', '"__proto__":{"X-Agent-Id":"zz"},"X-Agent-Id"'));
    assert.throws(() => check(withProto), { code: 'NONCE_REPLAY' });
  });

  test('headers and bodies of other types are refused', () => {
    const call = (options) => verifyRequest({ headers, method: 'POST', path: '/x', publicKey: agent, body: null, now: NOW, ...options });
    assert.throws(() => call({ headers: new Map(Object.entries(headers)) }), { name: 'ValueConversionError' });
    assert.throws(() => call({ body: 5 }), { code: 'ERR_INVALID_ARG_TYPE' });
    // A fetch Headers object and binary bodies are read; a wrong body is
    // then a body hash mismatch.
    call({ headers: new Headers(headers), body: '{}', guard: new ReplayGuard() });
    assert.throws(() => call({ body: new ArrayBuffer(2) }), { code: 'BODY_HASH_MISMATCH' });
    assert.throws(() => call({ guard: {} }), { code: 'ERR_INVALID_ARG_TYPE' });
  });

  test('concurrent async callers get one success per nonce', async () => {
    const guard = new ReplayGuard();
    const outcomes = await Promise.all(
      Array.from({ length: 64 }, async () => {
        await null;
        try {
          verifyRequest({ headers, method: 'POST', path: '/x', publicKey: agent, body: '{}', now: NOW, guard });
          return 'ok';
        } catch (error) {
          return error.code;
        }
      }),
    );
    assert.equal(outcomes.filter((outcome) => outcome === 'ok').length, 1);
    assert.equal(guard.size, 1);
  });

  test('revocation on a KeySet reaches verifyToken', () => {
    const keys = new KeySet([key]);
    assert.equal(verifyToken(token, keys, { now: NOW }).kid, 'issuer');
    keys.revoke('issuer', { at: NOW });
    assert.throws(() => verifyToken(token, keys, { now: NOW }), { code: 'TOKEN_REVOKED_KEY' });
  });
});

// The key, token and request-signature API of the Node package under
// hostile input: replays, revocation, guard capacity, encodings; and the
// handles of the addon's evaluation fast path.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { describe, test } from 'node:test';

import { loadImplementation, requires, target } from './helpers/node-adapter.mjs';

const openleash = await loadImplementation();
const {
  Authorizer, KeySet, Policy, ReplayGuard, generateKey, issueProofToken, publicKeyInfo,
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
const agent = generateKey({ kid: 'agent-1', now: NOW });

function signed(nonce = 'n-1') {
  return signRequest(agent, { agentId: 'agent-1', method: 'POST', path: '/v1/x', body: '{}', nonce, now: NOW });
}

function verify(headers, options = {}) {
  verifyRequest({ headers, method: 'POST', path: '/v1/x', publicKey: agent, body: '{}', now: NOW, ...options });
}

describe('hostile input: request signatures', () => {
  test('replay with a second spelling of X-Agent-Id is refused', () => {
    const guard = new ReplayGuard();
    const headers = signed();
    verify(headers, { guard });
    // The receiver reads headers['X-Agent-Id'], the right key of agent-1.
    // The engine reads the last spelling and files the nonce under "anyone".
    assert.throws(() => verify({ ...headers, 'x-agent-id': 'anyone' }, { guard }), { name: 'SignatureError' });
  });

  test('a negative or fractional guard capacity is refused', () => {
    // -1 becomes 4294967295 (no bound in practice), 2**40 and NaN become 0.
    for (const capacity of [-1, 1.5, 2 ** 40, Number.NaN]) {
      assert.throws(() => new ReplayGuard(capacity), `capacity ${capacity}`);
    }
  });

  test('an invalid maxSkewSeconds has the same code as in Python', () => {
    assert.throws(
      () => verify(signed(), { maxSkewSeconds: Number.NaN }),
      { code: 'INVALID_MAX_SKEW' },
    );
  });
});

describe('hostile input: keys and tokens', () => {
  test('an Authorizer stops issuing once its KeySet revokes the key', () => {
    const issuer = generateKey({ kid: 'issuer', now: NOW });
    const keys = new KeySet([issuer]);
    keys.setActive('issuer');
    const policy = Policy.fromYaml(
      'version: 1\ndefault: deny\nrules:\n  - id: r\n    effect: allow\n    action: purchase\n    proof:\n      required: true\n',
    );
    const authorizer = new Authorizer(policy, keys);
    keys.revoke('issuer', { at: '2025-01-01T00:00:00Z' });
    const action = {
      action_id: '7c0e9f9e-4b1b-4d59-9a8e-0d2f4f6f1a11',
      action_type: 'purchase',
      requested_at: NOW,
      principal: { agent_id: 'agent-1' },
      subject: { principal_id: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80' },
      payload: {},
    };
    // The Python Authorizer follows the live KeySet and returns DENY with
    // TOKEN_REVOKED_KEY. This one copied the set and signs with the
    // revoked key.
    const result = authorizer.authorize(action, { now: NOW });
    assert.equal(result.proof_token, undefined);
    assert.equal(result.result, 'DENY');
  });

  test('a key revoked under another id no longer issues', () => {
    const issuer = generateKey({ kid: 'issuer', now: NOW });
    const keys = new KeySet([issuer, { ...issuer, kid: 'alias' }]);
    keys.setActive('issuer');
    keys.revoke('alias', { at: '2025-01-01T00:00:00Z' });
    assert.throws(() => issueProofToken(keys, PROOF, { ttlSeconds: 60, now: NOW }), { code: 'TOKEN_REVOKED_KEY' });
    assert.equal(issueProofToken(keys, PROOF, { ttlSeconds: 60, now: '2024-12-31T23:59:59Z' }).claims.kid, 'issuer');
  });

  test('arguments of the wrong type are ERR_INVALID_ARG_TYPE', () => {
    const keys = new KeySet([agent]);
    for (const call of [
      () => keys.setActive(5),
      () => keys.revoke(5),
      () => new Authorizer({}, agent),
      () => verifyRequest(),
      () => verifyRequest(null),
    ]) {
      assert.throws(call, (error) => error instanceof TypeError && error.code === 'ERR_INVALID_ARG_TYPE');
    }
  });

  test('lone surrogates in string arguments are VALUE_LONE_SURROGATE', () => {
    const keys = new KeySet([agent]);
    const request = { agentId: 'agent-1', method: 'POST', path: '/p', body: 'b', now: NOW };
    for (const call of [
      () => keys.setActive('\ud800'),
      () => keys.revoke('agent-\udc00'),
      () => generateKey({ kid: 'a\ud800' }),
      () => signRequest(agent, { ...request, path: '/\ud800' }),
      () => signRequest(agent, { ...request, nonce: '\udc00' }),
      () => signRequest(agent, { ...request, agentId: '\ud83d' }),
    ]) {
      assert.throws(call, { code: 'VALUE_LONE_SURROGATE' });
    }
  });

  test('signing rejects unverifiable requests', () => {
    const request = { agentId: 'agent-1', method: 'POST', path: '/p', body: 'b', now: NOW };
    for (const [change, code] of [
      [{ path: '/p\nGET' }, 'INVALID_HEADERS'],
      [{ nonce: '' }, 'MISSING_HEADERS'],
      [{ agentId: '' }, 'MISSING_HEADERS'],
      [{ path: `/${'p'.repeat(2048)}` }, 'HEADER_TOO_LARGE'],
    ]) {
      assert.throws(() => signRequest(agent, { ...request, ...change }), { name: 'SignatureError', code });
    }
  });

  test('a PASERK of another version has the same code as in Python', () => {
    assert.throws(() => publicKeyInfo('k3.public.AAAA'), { code: 'KEY_INVALID_PASERK' });
  });

  test('a k4.secret PASERK is read as a key, as in Python', () => {
    const issuer = generateKey({ kid: 'issuer', now: NOW });
    const token = issueProofToken(issuer, PROOF, { ttlSeconds: 60, now: NOW }).token;
    const paserk = openleash.secretKeyPaserk(issuer);
    assert.equal(verifyToken(token, paserk, { now: NOW }).purpose, 'proof');
  });

  test('an issued token verifies with the same key', () => {
    const issuer = generateKey({ kid: 'issuer', now: NOW });
    let issued;
    try {
      issued = issueProofToken(issuer, { ...PROOF, decision_id: 'x'.repeat(100_000) }, { ttlSeconds: 60, now: NOW });
    } catch {
      return;
    }
    // Issued without complaint, then rejected as TOKEN_TOO_LARGE.
    verifyToken(issued.token, issuer, { now: NOW });
  });
});

describe('hostile input: evaluation handles', () => {
  const FILE = 'hostile-findings.test.mjs';
  const packageName = process.env.OPENLEASH_MODULE ?? (target.implementation === 'wasm' ? 'openleash-core-wasm' : 'openleash-core');

  // A handle taken from the addon's own evaluate method, kept after its
  // policy was collected, named whichever policy took its place next: a
  // DENY policy's handle evaluated against a later ALLOW policy. Numbers
  // that are no handle (NaN, fractions, 2^32) named the first policy.
  test('a stale or made-up handle names no policy', requires('nativeAddon', FILE), () => {
    const require = createRequire(import.meta.url);
    const script = `
      const path = require('node:path');
      const entry = require.resolve(${JSON.stringify(packageName)});
      const native = require(path.join(path.dirname(entry), 'native.js'));
      const register = native.Policy.prototype.evaluate;
      const openleash = require(entry);
      const policyText = (effect) => 'version: 1\\ndefault: ' + effect + '\\nrules: []\\n';
      const action = Buffer.from(JSON.stringify({
        action_id: '3b241101-e2bb-4255-8caf-4136c566a962', action_type: 'purchase',
        requested_at: 'now', principal: { agent_id: 'a' },
        subject: { principal_id: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80' }, payload: {},
      }));
      const outcome = (handle) => {
        try {
          return native.evaluateRegistered(handle, action, action.length, 0, undefined).charAt(60);
        } catch (error) {
          return error.code;
        }
      };
      (async () => {
        let denying = openleash.Policy.fromYaml(policyText('deny'));
        const stale = register.call(denying);
        const results = [outcome(stale)];
        results.push(...[Number.NaN, 0.5, -1, Infinity, 2 ** 32 + stale, '0'].map(outcome));
        denying = null;
        for (let pass = 0; pass < 4; pass += 1) {
          gc();
          await new Promise((resolve) => setImmediate(resolve));
        }
        const allowing = openleash.Policy.fromYaml(policyText('allow'));
        const fresh = register.call(allowing);
        results.push(outcome(fresh), outcome(stale));
        console.log(JSON.stringify(results));
      })();
    `;
    const child = spawnSync(process.execPath, ['--expose-gc', '-e', script], {
      cwd: dirname(require.resolve(packageName)),
      encoding: 'utf8',
    });
    assert.equal(child.status, 0, child.stderr);
    const none = 'INTERNAL_ERROR';
    assert.deepEqual(JSON.parse(child.stdout), [
      'D', none, none, none, none, none, 'ERR_INVALID_ARG_TYPE', 'A', none,
    ]);
  });
});

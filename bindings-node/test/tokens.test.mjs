// Keys, proof tokens, the authorizer and request signatures: the proof
// token cases of the conformance corpus, OpenLeash's cross-language
// vectors, the PASERK vectors, and every TOKEN_, KEY_ and request error
// code, through the package under test.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { fromHex, spkiBase64, toBase64, toBase64Url, tokenPayload } from './helpers/bytes.mjs';
import { loadDeviations } from './helpers/conformance.mjs';
import { NOW, PURCHASE_POLICY, UUID_V4, purchase, thrown } from './helpers/fixtures.mjs';
import { capabilitySkips, loadImplementation, readRepoText, requires, target } from './helpers/node-adapter.mjs';
import { runPaserkVectors, runTestVectorSignatures, runTokenCases } from './helpers/tokens.mjs';

const openleash = await loadImplementation();
const {
  Authorizer,
  KeyError,
  KeySet,
  OpenLeashError,
  Policy,
  PolicyStack,
  ReplayGuard,
  SignatureError,
  TokenError,
  ValueConversionError,
} = openleash;
const FILE = 'tokens.test.mjs';

/** The key of the corpus and the OpenLeash vectors: seed of 32 zero bytes. */
const ZERO_KEY = {
  kid: '00000000-0000-0000-0000-000000000088',
  public_key_b64: 'MCowBQYDK2VwAyEAO2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik=',
  private_key_b64: 'MC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
};
/** A second key: seed of 32 one bytes. */
const ONE_KEY = {
  kid: '11111111-1111-4111-8111-111111111111',
  public_key_b64: 'MCowBQYDK2VwAyEAiojj3XQJ8ZX9UtstPLpdcspnCb8dlBIb83SIAbQPb1w=',
  private_key_b64: 'MC4CAQAwBQYDK2VwBCIEIAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB',
};

/** `key` without its private key. */
function publicOnly({ private_key_b64: _private, ...rest }) {
  return rest;
}

const PROOF_PARAMS = {
  decision_id: '5d1c7c3e-2a47-4f6e-9a0b-0c1d2e3f4a5b',
  owner_type: 'user',
  owner_id: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80',
  agent_id: 'shopper-agent',
  action_type: 'purchase',
  action_hash: '5fed50d1afcf598480f64ca09edb042a8a09c6b33c8712e3faeeea2aa1d4297d',
  matched_rule_id: 'allow_small',
};
const ISSUED_AT = '2025-03-01T12:00:00.000Z';
const IN_WINDOW = '2025-03-01T12:01:00.000Z';

/** A proof token of ZERO_KEY issued at ISSUED_AT for 120 seconds. */
function proofToken(params = PROOF_PARAMS, key = ZERO_KEY) {
  return openleash.issueProofToken(key, params, { ttlSeconds: 120, now: ISSUED_AT }).token;
}

/** The error `body` throws, checked to be an instance of `ErrorClass` with `code`. */
function rejects(body, ErrorClass, code) {
  const error = thrown(body);
  assert.ok(error instanceof ErrorClass, `expected ${ErrorClass.name}, got ${error?.name}: ${error?.message}`);
  assert.ok(error instanceof OpenLeashError);
  assert.equal(error.code, code, error.message);
  return error;
}

describe('conformance', async () => {
  const deviations = loadDeviations(await readRepoText('tests/conformance/deviations.json'));
  const cases = runTokenCases(openleash, await readRepoText('tests/conformance/openleash/proof-tokens.json'), deviations);
  const vectors = await runTestVectorSignatures(openleash, await readRepoText('tests/conformance/openleash/openleash-testvectors.json'));

  for (const outcome of [...cases, ...vectors]) {
    test(`${outcome.kind} ${outcome.id}`, () => {
      assert.notEqual(outcome.status, 'failed', outcome.detail);
    });
  }

  test(`token totals (${target.implementation})`, () => {
    assert.equal(cases.length, 8);
    assert.equal(cases.filter((outcome) => outcome.status === 'passed').length, 7);
    assert.deepEqual(
      cases.filter((outcome) => outcome.status === 'deviation').map((outcome) => outcome.id),
      ['token-basic'],
    );
    assert.deepEqual(vectors.map((outcome) => outcome.status), ['passed', 'passed']);
  });

  test('every token deviation is exercised', () => {
    const tokenDeviations = [...deviations.values()].filter((deviation) => deviation.ours.token_verify !== undefined);
    const exercised = new Set(cases.filter((outcome) => outcome.status === 'deviation').map((outcome) => outcome.id));
    assert.deepEqual(tokenDeviations.map((deviation) => deviation.id).filter((id) => !exercised.has(id)), []);
  });
});

describe('PASERK vectors', async () => {
  const files = {};
  for (const name of ['k4.public.json', 'k4.pid.json', 'k4.secret.json', 'k4.sid.json']) {
    files[name] = await readRepoText(`tests/vectors/paseto/${name}`);
  }
  const outcomes = runPaserkVectors(openleash, files);
  for (const outcome of outcomes) {
    test(outcome.id, outcome.status === 'skipped' ? { skip: outcome.detail } : {}, () => {
      assert.equal(outcome.status, 'passed', outcome.detail);
    });
  }

  test('PASERK totals', () => {
    const count = (status) => outcomes.filter((outcome) => outcome.status === status).length;
    // 18 vectors. The valid k4.public and k4.pid vectors encode bytes that
    // are no usable public key (the all-zero point has small order, the
    // others are off the curve), which every key import refuses; the
    // valid k4.sid ids have no API. Everything else passes.
    assert.equal(outcomes.length, 18);
    assert.equal(count('skipped'), 9);
    assert.equal(count('passed'), 9);
  });
});

describe('keys', () => {
  test('generateKey returns an OpenLeash key file', () => {
    const key = openleash.generateKey({ now: NOW });
    assert.deepEqual(Object.keys(key), ['kid', 'public_key_b64', 'private_key_b64', 'created_at', 'revoked_at']);
    assert.match(key.kid, UUID_V4);
    assert.equal(key.created_at, '2025-03-01T12:00:00.000Z');
    assert.equal(key.revoked_at, null);
    assert.equal(openleash.publicKeyInfo(key).public_key_b64, key.public_key_b64);
  });

  test('generateKey takes a kid and differs on every call', () => {
    const first = openleash.generateKey({ kid: 'issuer-2025' });
    const second = openleash.generateKey({ kid: 'issuer-2025' });
    assert.equal(first.kid, 'issuer-2025');
    assert.notEqual(first.private_key_b64, second.private_key_b64);
  });

  test('publicKeyInfo reads key files, base64 DER and PASERKs alike', () => {
    const info = openleash.publicKeyInfo(ZERO_KEY);
    assert.deepEqual(info, {
      public_key_b64: ZERO_KEY.public_key_b64,
      paserk: 'k4.public.O2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik',
      paserk_id: info.paserk_id,
    });
    assert.match(info.paserk_id, /^k4\.pid\./);
    assert.deepEqual(openleash.publicKeyInfo(ZERO_KEY.public_key_b64), info);
    assert.deepEqual(openleash.publicKeyInfo(info.paserk), info);
    assert.deepEqual(openleash.publicKeyInfo(publicOnly(ZERO_KEY)), info);
  });

  test('secretKeyPaserk gives the k4.secret form, which reads back', () => {
    const paserk = openleash.secretKeyPaserk(ZERO_KEY);
    assert.match(paserk, /^k4\.secret\./);
    assert.equal(openleash.secretKeyPaserk(paserk), paserk);
    assert.equal(openleash.publicKeyInfo(paserk).public_key_b64, ZERO_KEY.public_key_b64);
  });

  test('a k4.secret PASERK signs as the key named by its k4.pid', () => {
    const paserk = openleash.secretKeyPaserk(ZERO_KEY);
    const { paserk: publicPaserk, paserk_id: pid } = openleash.publicKeyInfo(ZERO_KEY);
    const token = proofToken(PROOF_PARAMS, paserk);
    const verified = openleash.verifyToken(token, publicPaserk, { now: IN_WINDOW });
    assert.equal(verified.claims.kid, pid);
    assert.equal(verified.kid, pid);
  });
});

describe('KeySet', () => {
  test('starts with no active key and lists kids in order', () => {
    const set = new KeySet([ZERO_KEY, publicOnly(ONE_KEY)]);
    assert.equal(set.activeKid, null);
    assert.deepEqual(set.kids, [ZERO_KEY.kid, ONE_KEY.kid]);
    assert.deepEqual(new KeySet().kids, []);
  });

  test('setActive chooses the signing key', () => {
    const set = new KeySet([ZERO_KEY, ONE_KEY]);
    set.setActive(ONE_KEY.kid);
    assert.equal(set.activeKid, ONE_KEY.kid);
    const issued = openleash.issueProofToken(set, PROOF_PARAMS, { ttlSeconds: 60, now: ISSUED_AT });
    assert.equal(issued.claims.kid, ONE_KEY.kid);
  });

  test('rotate adds and activates; old tokens still verify', () => {
    const set = new KeySet();
    set.rotate(ZERO_KEY);
    const old = openleash.issueProofToken(set, PROOF_PARAMS, { ttlSeconds: 120, now: ISSUED_AT }).token;
    set.rotate(ONE_KEY);
    assert.equal(set.activeKid, ONE_KEY.kid);
    const fresh = openleash.issueProofToken(set, PROOF_PARAMS, { ttlSeconds: 120, now: ISSUED_AT }).token;
    assert.equal(openleash.verifyToken(old, set, { now: IN_WINDOW }).kid, ZERO_KEY.kid);
    assert.equal(openleash.verifyToken(fresh, set, { now: IN_WINDOW }).kid, ONE_KEY.kid);
  });

  test('add takes public keys and PASERKs', () => {
    const set = new KeySet();
    set.add(publicOnly(ZERO_KEY));
    set.add(openleash.publicKeyInfo(ONE_KEY).paserk);
    assert.equal(set.kids.length, 2);
    assert.equal(openleash.verifyToken(proofToken(), set, { now: IN_WINDOW }).kid, ZERO_KEY.kid);
  });

  test('revoke takes effect at its instant', () => {
    const set = new KeySet([publicOnly(ZERO_KEY)]);
    const token = proofToken();
    set.revoke(ZERO_KEY.kid, { at: '2025-03-01T12:01:30Z' });
    assert.equal(openleash.verifyToken(token, set, { now: IN_WINDOW }).kid, ZERO_KEY.kid);
    rejects(() => openleash.verifyToken(token, set, { now: '2025-03-01T12:01:30Z' }), TokenError, 'TOKEN_REVOKED_KEY');
  });

  test('revoke defaults to now', () => {
    const set = new KeySet([ZERO_KEY]);
    set.setActive(ZERO_KEY.kid);
    set.revoke(ZERO_KEY.kid);
    rejects(
      () => openleash.issueProofToken(set, PROOF_PARAMS, { ttlSeconds: 60, now: new Date(Date.now() + 1000) }),
      TokenError,
      'TOKEN_REVOKED_KEY',
    );
  });
});

describe('tokens', () => {
  test('a proof token is OpenLeash byte for byte', () => {
    const issued = openleash.issueProofToken(ZERO_KEY, PROOF_PARAMS, { ttlSeconds: 120, now: ISSUED_AT });
    assert.deepEqual(Object.keys(issued), ['token', 'claims', 'issued_at', 'expires_at']);
    assert.equal(issued.issued_at, ISSUED_AT);
    assert.equal(issued.expires_at, '2025-03-01T12:02:00.000Z');
    assert.equal(tokenPayload(issued.token), JSON.stringify(issued.claims));
    assert.deepEqual(Object.keys(issued.claims), [
      'iss', 'kid', 'iat', 'exp', 'decision_id', 'owner_type', 'owner_id', 'agent_id', 'action_type', 'action_hash', 'matched_rule_id',
    ]);
  });

  test('verifyToken returns the claims, kid, purpose and times', () => {
    const verified = openleash.verifyToken(proofToken(), ZERO_KEY.public_key_b64, { now: IN_WINDOW });
    assert.deepEqual(Object.keys(verified), ['claims', 'kid', 'purpose', 'issued_at', 'expires_at']);
    assert.equal(verified.purpose, 'proof');
    assert.equal(verified.claims.agent_id, 'shopper-agent');
    assert.equal(verified.issued_at, ISSUED_AT);
    assert.equal(verified.expires_at, '2025-03-01T12:02:00.000Z');
  });

  test('verifyToken defaults to the current time', () => {
    const token = openleash.issueProofToken(ZERO_KEY, PROOF_PARAMS, { ttlSeconds: 60 }).token;
    assert.equal(openleash.verifyToken(token, ZERO_KEY).purpose, 'proof');
  });

  test('optional proof claims follow matched_rule_id', () => {
    const params = { ...PROOF_PARAMS, matched_rule_id: null, trust_profile: 'HIGH', constraints_snapshot: { amount_max: 5000 } };
    const issued = openleash.issueProofToken(ZERO_KEY, params, { ttlSeconds: 60, now: ISSUED_AT });
    assert.deepEqual(Object.keys(issued.claims).slice(-3), ['matched_rule_id', 'trust_profile', 'constraints_snapshot']);
    assert.equal(issued.claims.matched_rule_id, null);
    assert.deepEqual(issued.claims.constraints_snapshot, { amount_max: 5000 });
  });

  test('approval tokens verify only as approvals', () => {
    const params = {
      approval_request_id: 'a2f9a3c0-7f6e-4c1d-9b8a-0e1f2a3b4c5d',
      owner_type: 'user',
      owner_id: 'owner',
      agent_id: 'agent',
      action_type: 'purchase',
      action_hash: PROOF_PARAMS.action_hash,
    };
    const { token, claims } = openleash.issueApprovalToken(ZERO_KEY, params, { ttlSeconds: 300, now: ISSUED_AT });
    assert.equal(claims.purpose, 'approval');
    const verified = openleash.verifyToken(token, ZERO_KEY, {
      purpose: 'approval',
      now: IN_WINDOW,
      expect: { approval_request_id: params.approval_request_id },
    });
    assert.equal(verified.purpose, 'approval');
    rejects(() => openleash.verifyToken(token, ZERO_KEY, { now: IN_WINDOW }), TokenError, 'TOKEN_WRONG_PURPOSE');
  });

  test('session tokens carry roles and memberships', () => {
    const params = { sub: 'user-1', system_roles: ['admin'], org_memberships: [{ org_id: 'org-1', role: 'owner' }] };
    const { token, claims } = openleash.issueSessionToken(ZERO_KEY, params, { ttlSeconds: 3600, now: ISSUED_AT });
    assert.deepEqual(Object.keys(claims), ['iss', 'kid', 'sub', 'iat', 'exp', 'purpose', 'system_roles', 'org_memberships']);
    const verified = openleash.verifyToken(token, ZERO_KEY, { purpose: 'session', now: IN_WINDOW, expect: { sub: 'user-1' } });
    assert.deepEqual(verified.claims.org_memberships, [{ org_id: 'org-1', role: 'owner' }]);
    rejects(() => openleash.verifyToken(token, ZERO_KEY, { purpose: 'approval', now: IN_WINDOW }), TokenError, 'TOKEN_WRONG_PURPOSE');
  });

  test('expectations must all match', () => {
    const token = proofToken();
    const expect = { action_hash: PROOF_PARAMS.action_hash, agent_id: 'shopper-agent', action_type: 'purchase', decision_id: PROOF_PARAMS.decision_id };
    assert.equal(openleash.verifyToken(token, ZERO_KEY, { now: IN_WINDOW, expect }).purpose, 'proof');
    assert.equal(openleash.verifyToken(token, ZERO_KEY, { now: IN_WINDOW, expect: { agent_id: null } }).purpose, 'proof');
  });

  test('leeway extends the window at both ends', () => {
    const token = proofToken();
    assert.equal(openleash.verifyToken(token, ZERO_KEY, { now: '2025-03-01T12:02:04Z', leewaySeconds: 5 }).purpose, 'proof');
    assert.equal(openleash.verifyToken(token, ZERO_KEY, { now: '2025-03-01T11:59:56Z', leewaySeconds: 5 }).purpose, 'proof');
  });

  test('a fractional TTL keeps whole milliseconds', () => {
    const issued = openleash.issueProofToken(ZERO_KEY, PROOF_PARAMS, { ttlSeconds: 1.5, now: ISSUED_AT });
    assert.equal(issued.expires_at, '2025-03-01T12:00:01.500Z');
  });

  test('a token verifies with a set of several keys by kid', () => {
    const set = new KeySet([publicOnly(ONE_KEY), publicOnly(ZERO_KEY)]);
    assert.equal(openleash.verifyToken(proofToken(), set, { now: IN_WINDOW }).kid, ZERO_KEY.kid);
  });
});

describe('Authorizer', () => {
  const policy = Policy.fromYaml(PURCHASE_POLICY);

  test('issues a proof for an ALLOW that requires one', () => {
    const authorizer = new Authorizer(policy, ZERO_KEY);
    const decision = authorizer.authorize(purchase(), { now: NOW });
    assert.equal(decision.result, 'ALLOW');
    assert.equal(decision.proof_expires_at, '2025-03-01T12:05:00.000Z');
    const verified = openleash.verifyToken(decision.proof_token, ZERO_KEY, {
      now: '2025-03-01T12:01:00Z',
      expect: { action_hash: decision.action_hash, decision_id: decision.decision_id },
    });
    assert.equal(verified.claims.owner_type, 'user');
    assert.equal(verified.claims.owner_id, purchase().subject.principal_id);
    assert.equal(verified.claims.matched_rule_id, 'small_purchases');
  });

  test('adds no proof to other results', () => {
    const decision = new Authorizer(policy, ZERO_KEY).authorize(purchase({ amount_minor: 20000, currency: 'EUR' }), { now: NOW });
    assert.equal(decision.result, 'REQUIRE_APPROVAL');
    assert.equal(Object.hasOwn(decision, 'proof_token'), false);
    assert.equal(Object.hasOwn(decision, 'proof_expires_at'), false);
  });

  test('caps the TTL and sets the owner', () => {
    const set = new KeySet([ZERO_KEY]);
    set.setActive(ZERO_KEY.kid);
    const authorizer = new Authorizer(new PolicyStack([policy]), set, {
      maxTtlSeconds: 60,
      defaultTtlSeconds: 30,
      owner: { owner_type: 'org', owner_id: 'org-1' },
    });
    const decision = authorizer.authorize(purchase(), { now: NOW });
    assert.equal(decision.proof_expires_at, '2025-03-01T12:01:00.000Z');
    const { claims } = openleash.verifyToken(decision.proof_token, ZERO_KEY, { now: NOW });
    assert.deepEqual([claims.owner_type, claims.owner_id], ['org', 'org-1']);
  });

  test('an invalid action is a DENY, not an exception', () => {
    const authorizer = new Authorizer(policy, ZERO_KEY);
    const decision = authorizer.authorize({ action_type: 'purchase' }, { now: NOW });
    assert.equal(decision.result, 'DENY');
    assert.equal(decision.error.code, 'ACTION_MISSING_FIELD');
    const unreadable = authorizer.authorize(purchase({ when: new Date() }), { now: NOW });
    assert.equal(unreadable.error.code, 'VALUE_UNSUPPORTED_TYPE');
  });

  test('a proof that cannot be issued denies', () => {
    const set = new KeySet([ZERO_KEY]);
    set.setActive(ZERO_KEY.kid);
    set.revoke(ZERO_KEY.kid, { at: '2025-01-01T00:00:00Z' });
    const decision = new Authorizer(policy, set).authorize(purchase(), { now: NOW });
    assert.equal(decision.result, 'DENY');
    assert.equal(decision.error.code, 'TOKEN_REVOKED_KEY');
    assert.equal(Object.hasOwn(decision, 'proof_token'), false);
  });
});

describe('request signatures', () => {
  const request = { agentId: 'shopper-agent', method: 'POST', path: '/v1/authorize', body: '{"a":1}', now: NOW };
  const signed = () => openleash.signRequest(ZERO_KEY, request);
  const check = (overrides = {}) => ({
    headers: signed(),
    method: 'POST',
    path: '/v1/authorize',
    publicKey: ZERO_KEY.public_key_b64,
    body: '{"a":1}',
    now: NOW,
    ...overrides,
  });

  test('signRequest returns the five headers', () => {
    const headers = signed();
    assert.deepEqual(Object.keys(headers), ['X-Agent-Id', 'X-Timestamp', 'X-Nonce', 'X-Body-Sha256', 'X-Signature']);
    assert.equal(headers['X-Timestamp'], '2025-03-01T12:00:00.000Z');
    assert.match(headers['X-Nonce'], UUID_V4);
    assert.notEqual(signed()['X-Nonce'], headers['X-Nonce']);
  });

  test('a signed request verifies, with string or binary bodies and any header case', () => {
    assert.equal(openleash.verifyRequest(check()), undefined);
    const lower = Object.fromEntries(Object.entries(signed()).map(([name, value]) => [name.toLowerCase(), value]));
    openleash.verifyRequest(check({ headers: { ...lower, 'content-type': 'application/json' }, body: new TextEncoder().encode('{"a":1}') }));
    openleash.verifyRequest(check({ body: null }));
  });

  test('the body must be given, as null when there is none', () => {
    const { body, ...withoutBody } = check();
    assert.equal(body, '{"a":1}');
    assert.throws(() => openleash.verifyRequest(withoutBody), TypeError);
    assert.throws(() => openleash.verifyRequest(check({ body: undefined })), TypeError);
  });

  test('a given nonce is used', () => {
    assert.equal(openleash.signRequest(ZERO_KEY, { ...request, nonce: 'n-1' })['X-Nonce'], 'n-1');
  });

  test('the guard refuses a replay', () => {
    const guard = new ReplayGuard();
    const headers = signed();
    openleash.verifyRequest(check({ headers, guard }));
    rejects(() => openleash.verifyRequest(check({ headers, guard })), SignatureError, 'NONCE_REPLAY');
  });

  test('a per-signer limit leaves room for others', () => {
    const guard = new ReplayGuard(10, { perSigner: 1 });
    assert.equal(guard.capacity, 10);
    openleash.verifyRequest(check({ headers: signed(), guard }));
    rejects(() => openleash.verifyRequest(check({ headers: signed(), guard })), SignatureError, 'REPLAY_GUARD_FULL');
    const other = openleash.generateKey({ kid: 'other-agent' });
    const otherHeaders = openleash.signRequest(other, { ...request, now: NOW });
    openleash.verifyRequest(check({ headers: otherHeaders, publicKey: other, guard }));
    assert.equal(guard.size, 2);
    assert.throws(() => new ReplayGuard(10, { perSigner: -1 }), RangeError);
  });
});

describe('error codes', () => {
  describe('TOKEN_', () => {
    const token = proofToken();

    test('TOKEN_MALFORMED', () => {
      rejects(() => openleash.verifyToken('v4.public.not*base64', ZERO_KEY), TokenError, 'TOKEN_MALFORMED');
    });

    test('TOKEN_TOO_LARGE', () => {
      rejects(() => openleash.verifyToken(`v4.public.${'A'.repeat(65 * 1024)}`, ZERO_KEY), TokenError, 'TOKEN_TOO_LARGE');
    });

    test('TOKEN_UNSUPPORTED', () => {
      rejects(() => openleash.verifyToken(token.replace('v4.public.', 'v4.local.'), ZERO_KEY), TokenError, 'TOKEN_UNSUPPORTED');
    });

    test('TOKEN_FOOTER_MISMATCH', () => {
      rejects(() => openleash.verifyToken(token, ZERO_KEY, { now: IN_WINDOW, footer: 'kid' }), TokenError, 'TOKEN_FOOTER_MISMATCH');
      rejects(() => openleash.verifyToken(`${token}.${toBase64Url(new TextEncoder().encode('x'))}`, ZERO_KEY, { now: IN_WINDOW }), TokenError, 'TOKEN_FOOTER_MISMATCH');
    });

    test('TOKEN_UNKNOWN_KEY', () => {
      const other = openleash.generateKey({ kid: 'other' });
      const set = new KeySet([publicOnly(ONE_KEY), publicOnly(other)]);
      rejects(() => openleash.verifyToken(token, set, { now: IN_WINDOW }), TokenError, 'TOKEN_UNKNOWN_KEY');
    });

    test('TOKEN_BAD_SIGNATURE', () => {
      rejects(() => openleash.verifyToken(token, ONE_KEY, { now: IN_WINDOW }), TokenError, 'TOKEN_BAD_SIGNATURE');
    });

    test('TOKEN_REVOKED_KEY', () => {
      const set = new KeySet([ZERO_KEY]);
      set.revoke(ZERO_KEY.kid, { at: ISSUED_AT });
      rejects(() => openleash.verifyToken(token, set, { now: IN_WINDOW }), TokenError, 'TOKEN_REVOKED_KEY');
    });

    test('TOKEN_WRONG_PURPOSE', () => {
      rejects(() => openleash.verifyToken(token, ZERO_KEY, { now: IN_WINDOW, purpose: 'session' }), TokenError, 'TOKEN_WRONG_PURPOSE');
    });

    test('TOKEN_INVALID_CLAIMS', () => {
      // Claims nested deeper than 16 levels would never verify, so issuing
      // refuses them.
      let snapshot = { leaf: 1 };
      for (let level = 0; level < 20; level += 1) {
        snapshot = { nested: snapshot };
      }
      rejects(() => proofToken({ ...PROOF_PARAMS, constraints_snapshot: snapshot }), TokenError, 'TOKEN_INVALID_CLAIMS');
    });

    test('TOKEN_EXPIRED', () => {
      rejects(() => openleash.verifyToken(token, ZERO_KEY, { now: '2025-03-01T12:02:00Z' }), TokenError, 'TOKEN_EXPIRED');
    });

    test('TOKEN_NOT_YET_VALID', () => {
      rejects(() => openleash.verifyToken(token, ZERO_KEY, { now: '2025-03-01T11:59:59Z' }), TokenError, 'TOKEN_NOT_YET_VALID');
    });

    test('TOKEN_CLAIM_MISMATCH', () => {
      const error = rejects(
        () => openleash.verifyToken(token, ZERO_KEY, { now: IN_WINDOW, expect: { action_hash: 'f'.repeat(64) } }),
        TokenError,
        'TOKEN_CLAIM_MISMATCH',
      );
      assert.match(error.message, /action_hash/);
    });

    test('TOKEN_INVALID_TTL', () => {
      for (const ttlSeconds of [0, -30, Number.NaN, Number.POSITIVE_INFINITY]) {
        rejects(() => openleash.issueProofToken(ZERO_KEY, PROOF_PARAMS, { ttlSeconds, now: ISSUED_AT }), TokenError, 'TOKEN_INVALID_TTL');
      }
    });

    test('TOKEN_NO_SIGNING_KEY', () => {
      rejects(() => openleash.issueProofToken(publicOnly(ZERO_KEY), PROOF_PARAMS, { ttlSeconds: 60 }), TokenError, 'TOKEN_NO_SIGNING_KEY');
      rejects(() => openleash.issueProofToken(new KeySet([ZERO_KEY]), PROOF_PARAMS, { ttlSeconds: 60 }), TokenError, 'TOKEN_NO_SIGNING_KEY');
    });

    test('TOKEN_INVALID_PARAMS', () => {
      rejects(() => openleash.issueProofToken(ZERO_KEY, { ...PROOF_PARAMS, decision: 'x' }, { ttlSeconds: 60 }), TokenError, 'TOKEN_INVALID_PARAMS');
      rejects(() => openleash.issueProofToken(ZERO_KEY, { ...PROOF_PARAMS, agent_id: 7 }, { ttlSeconds: 60 }), TokenError, 'TOKEN_INVALID_PARAMS');
      rejects(() => openleash.verifyToken(token, ZERO_KEY, { purpose: 'proofs' }), TokenError, 'TOKEN_INVALID_PARAMS');
      rejects(() => openleash.verifyToken(token, ZERO_KEY, { leewaySeconds: -1 }), TokenError, 'TOKEN_INVALID_PARAMS');
      rejects(() => openleash.verifyToken(token, ZERO_KEY, { expect: { hash: 'x' } }), TokenError, 'TOKEN_INVALID_PARAMS');
    });

    test('an invalid time is INVALID_TIMESTAMP', () => {
      const error = thrown(() => openleash.verifyToken(token, ZERO_KEY, { now: 'noon' }));
      assert.ok(error instanceof OpenLeashError);
      assert.equal(error.code, 'INVALID_TIMESTAMP');
    });
  });

  describe('KEY_', () => {
    const publicKey = (bytes) => spkiBase64(bytes);

    test('KEY_INVALID_BASE64', () => {
      rejects(() => openleash.publicKeyInfo('MCowBQYDK2VwAyEAO2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik'), KeyError, 'KEY_INVALID_BASE64');
    });

    test('KEY_INVALID_DER', () => {
      rejects(() => openleash.publicKeyInfo(toBase64(new Uint8Array([1, 2, 3]))), KeyError, 'KEY_INVALID_DER');
    });

    test('KEY_WRONG_TYPE', () => {
      // An X25519 key: OID 1.3.101.110.
      const x25519 = toBase64(new Uint8Array([...fromHex('302a300506032b656e032100'), ...new Uint8Array(32).fill(9)]));
      const error = rejects(() => openleash.publicKeyInfo(x25519), KeyError, 'KEY_WRONG_TYPE');
      assert.match(error.message, /X25519/);
    });

    test('KEY_WRONG_LENGTH', () => {
      rejects(() => openleash.publicKeyInfo(`k4.public.${toBase64Url(new Uint8Array(31).fill(7))}`), KeyError, 'KEY_WRONG_LENGTH');
    });

    test('KEY_INVALID_POINT', () => {
      const offCurve = new Uint8Array(32);
      offCurve[0] = 2;
      rejects(() => openleash.publicKeyInfo(publicKey(offCurve)), KeyError, 'KEY_INVALID_POINT');
    });

    test('KEY_WEAK', () => {
      rejects(() => openleash.publicKeyInfo(publicKey(new Uint8Array(32))), KeyError, 'KEY_WEAK');
    });

    test('KEY_MISMATCH', () => {
      rejects(() => openleash.publicKeyInfo({ ...ZERO_KEY, public_key_b64: ONE_KEY.public_key_b64 }), KeyError, 'KEY_MISMATCH');
    });

    test('KEY_INVALID_PASERK', () => {
      rejects(() => openleash.publicKeyInfo('k3.public.AAAA'), KeyError, 'KEY_INVALID_PASERK');
      rejects(() => openleash.publicKeyInfo('k4.local.AAAA'), KeyError, 'KEY_INVALID_PASERK');
    });

    test('KEY_UNSUPPORTED_ENCODING', () => {
      // PKCS#8 v1 with an empty attribute set after the private key.
      const withAttributes = toBase64(fromHex(`3030020100300506032b657004220420${'00'.repeat(32)}a000`));
      rejects(() => openleash.secretKeyPaserk({ ...ZERO_KEY, private_key_b64: withAttributes }), KeyError, 'KEY_UNSUPPORTED_ENCODING');
    });

    test('KEY_INVALID_FILE', () => {
      rejects(() => openleash.publicKeyInfo({ ...ZERO_KEY, revoke_at: null }), KeyError, 'KEY_INVALID_FILE');
      rejects(() => openleash.publicKeyInfo({ kid: 'k' }), KeyError, 'KEY_INVALID_FILE');
      rejects(() => openleash.publicKeyInfo({ ...ZERO_KEY, created_at: 'yesterday' }), KeyError, 'KEY_INVALID_FILE');
    });

    test('KEY_INVALID_KID', () => {
      rejects(() => openleash.generateKey({ kid: '' }), KeyError, 'KEY_INVALID_KID');
      rejects(() => openleash.generateKey({ kid: 'x'.repeat(257) }), KeyError, 'KEY_INVALID_KID');
      rejects(() => openleash.generateKey({ kid: 'a\nb' }), KeyError, 'KEY_INVALID_KID');
    });

    test('KEY_RANDOMNESS_UNAVAILABLE', requires('failingRandomness', FILE), () => {
      const { crypto } = globalThis;
      const original = crypto.getRandomValues;
      crypto.getRandomValues = () => {
        throw new Error('no entropy');
      };
      try {
        rejects(() => openleash.generateKey({ kid: 'k' }), KeyError, 'KEY_RANDOMNESS_UNAVAILABLE');
      } finally {
        crypto.getRandomValues = original;
      }
      assert.equal(openleash.generateKey({ kid: 'k' }).kid, 'k');
    });

    test('KEY_DUPLICATE_KID', () => {
      rejects(() => new KeySet([ZERO_KEY, { ...ONE_KEY, kid: ZERO_KEY.kid }]), KeyError, 'KEY_DUPLICATE_KID');
    });

    test('KEY_SET_FULL', () => {
      const keys = Array.from({ length: 1024 }, (_, index) => ({ kid: `k${index}`, public_key_b64: ZERO_KEY.public_key_b64 }));
      const set = new KeySet(keys);
      assert.equal(set.kids.length, 1024);
      rejects(() => set.add({ kid: 'one more', public_key_b64: ZERO_KEY.public_key_b64 }), KeyError, 'KEY_SET_FULL');
    });

    test('KEY_UNKNOWN_KID', () => {
      rejects(() => new KeySet([ZERO_KEY]).setActive('missing'), KeyError, 'KEY_UNKNOWN_KID');
      rejects(() => new KeySet([ZERO_KEY]).revoke('missing'), KeyError, 'KEY_UNKNOWN_KID');
    });

    test('KEY_NOT_SIGNING', () => {
      rejects(() => new KeySet([publicOnly(ZERO_KEY)]).setActive(ZERO_KEY.kid), KeyError, 'KEY_NOT_SIGNING');
      rejects(() => new KeySet().rotate(publicOnly(ZERO_KEY)), KeyError, 'KEY_NOT_SIGNING');
      rejects(() => openleash.secretKeyPaserk(ZERO_KEY.public_key_b64), KeyError, 'KEY_NOT_SIGNING');
      rejects(() => openleash.signRequest(publicOnly(ZERO_KEY), { agentId: 'a', method: 'GET', path: '/' }), KeyError, 'KEY_NOT_SIGNING');
    });

    test('KEY_NO_ACTIVE_KEY', () => {
      rejects(() => new Authorizer(Policy.fromYaml(PURCHASE_POLICY), new KeySet([ZERO_KEY])), KeyError, 'KEY_NO_ACTIVE_KEY');
    });

    test('KEY_INVALID_SETTINGS', () => {
      const policy = Policy.fromYaml(PURCHASE_POLICY);
      rejects(() => new Authorizer(policy, ZERO_KEY, { defaultTtlSeconds: 0 }), KeyError, 'KEY_INVALID_SETTINGS');
      rejects(() => new Authorizer(policy, ZERO_KEY, { maxTtlSeconds: Number.NaN }), KeyError, 'KEY_INVALID_SETTINGS');
      rejects(() => new Authorizer(policy, ZERO_KEY, { owner: { owner_type: 'user' } }), KeyError, 'KEY_INVALID_SETTINGS');
      const misspelt = { owner_type: 'org', owner_id: 'acme', ownerId: 'acme' };
      rejects(() => new Authorizer(policy, ZERO_KEY, { owner: misspelt }), KeyError, 'KEY_INVALID_SETTINGS');
    });
  });

  describe('request', () => {
    const headers = openleash.signRequest(ZERO_KEY, { agentId: 'agent', method: 'POST', path: '/v1/x', body: 'body', now: NOW });
    const verify = (overrides = {}) =>
      openleash.verifyRequest({ headers, method: 'POST', path: '/v1/x', publicKey: ZERO_KEY, body: 'body', now: NOW, ...overrides });

    test('MISSING_HEADERS', () => {
      const { 'X-Nonce': _nonce, ...rest } = headers;
      const error = rejects(() => verify({ headers: rest }), SignatureError, 'MISSING_HEADERS');
      assert.match(error.message, /X-Nonce/);
      rejects(() => verify({ headers: { ...headers, 'X-Signature': '' } }), SignatureError, 'MISSING_HEADERS');
    });

    test('HEADER_TOO_LARGE', () => {
      rejects(() => verify({ path: `/${'x'.repeat(2048)}` }), SignatureError, 'HEADER_TOO_LARGE');
    });

    test('TIMESTAMP_SKEW', () => {
      rejects(() => verify({ now: '2025-03-01T12:05:00.001Z' }), SignatureError, 'TIMESTAMP_SKEW');
      rejects(() => verify({ headers: { ...headers, 'X-Timestamp': 'noon' } }), SignatureError, 'TIMESTAMP_SKEW');
      assert.equal(verify({ now: '2025-03-01T12:05:00.001Z', maxSkewSeconds: 301 }), undefined);
    });

    test('BODY_HASH_MISMATCH', () => {
      rejects(() => verify({ body: 'other body' }), SignatureError, 'BODY_HASH_MISMATCH');
    });

    test('INVALID_SIGNATURE', () => {
      rejects(() => verify({ method: 'PUT' }), SignatureError, 'INVALID_SIGNATURE');
      rejects(() => verify({ publicKey: ONE_KEY.public_key_b64 }), SignatureError, 'INVALID_SIGNATURE');
      rejects(() => verify({ headers: { ...headers, 'X-Signature': 'not base64' } }), SignatureError, 'INVALID_SIGNATURE');
    });

    test('NONCE_REPLAY', () => {
      const guard = new ReplayGuard(10);
      verify({ guard });
      rejects(() => verify({ guard }), SignatureError, 'NONCE_REPLAY');
    });

    test('REPLAY_GUARD_FULL', () => {
      const guard = new ReplayGuard(1);
      verify({ guard });
      const second = openleash.signRequest(ZERO_KEY, { agentId: 'agent', method: 'POST', path: '/v1/x', body: 'body', now: NOW });
      rejects(() => verify({ headers: second, guard }), SignatureError, 'REPLAY_GUARD_FULL');
    });

    test('INVALID_MAX_SKEW', () => {
      rejects(() => verify({ maxSkewSeconds: -1 }), SignatureError, 'INVALID_MAX_SKEW');
      rejects(() => verify({ maxSkewSeconds: 86_401 }), SignatureError, 'INVALID_MAX_SKEW');
    });
  });

  test('values with no JSON form are ValueConversionErrors', () => {
    const error = thrown(() => openleash.issueProofToken(ZERO_KEY, { ...PROOF_PARAMS, constraints_snapshot: { at: new Date() } }, { ttlSeconds: 60 }));
    assert.ok(error instanceof ValueConversionError);
    assert.equal(error.path, 'constraints_snapshot.at');
  });
});

test(`KeyError extends OpenLeashError (${target.implementation})`, () => {
  const error = new KeyError('message', { code: 'KEY_WEAK' });
  assert.ok(error instanceof OpenLeashError);
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'KeyError');
  assert.equal(error.code, 'KEY_WEAK');
});

test(`capability skips (${target.implementation})`, () => {
  // Only the wasm package can be made to see failing randomness.
  const expected = { node: 1, wasm: 0 }[target.implementation];
  assert.equal(capabilitySkips(FILE), expected);
});

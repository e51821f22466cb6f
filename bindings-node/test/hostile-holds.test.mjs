// Hostile inputs to the key, token and request-signature API of the Node
// package, and to its evaluation path, each handled as documented.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { describe, test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';

import { loadImplementation, requires, target } from './helpers/node-adapter.mjs';

const openleash = await loadImplementation();
const {
  Authorizer, KeySet, Policy, PolicyStack, ReplayGuard, generateKey, issueApprovalToken,
  issueProofToken, issueSessionToken, signRequest, verifyRequest, verifyToken,
} = openleash;
const FILE = 'hostile-holds.test.mjs';
const require = createRequire(import.meta.url);
const packageName = process.env.OPENLEASH_MODULE ?? (target.implementation === 'wasm' ? 'openleash-core-wasm' : 'openleash-core');

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

/** Loads a policy of no rules with `effect` as its default. */
function policyOf(effect) {
  return Policy.fromYaml(`version: 1\ndefault: ${effect}\nrules: []\n`);
}

/** Builds an action request around `payload`. */
function actionOf(payload) {
  return {
    action_id: '3b241101-e2bb-4255-8caf-4136c566a962',
    action_type: 'purchase',
    requested_at: NOW,
    principal: { agent_id: 'agent-1' },
    subject: { principal_id: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80' },
    payload,
  };
}

/** Copies a decision without its random ids. */
function withoutIds(decision) {
  return {
    ...decision,
    decision_id: undefined,
    obligations: decision.obligations.map((obligation) => ({ ...obligation, obligation_id: undefined })),
  };
}

describe('hostile input handled: evaluation', () => {
  test('evaluateRegistered throws for every argument it cannot use', requires('nativeAddon', FILE), () => {
    // Run in a child process, so that a crash fails the test rather than
    // the run; the native function is reachable through native.js.
    const script = `
      const path = require('node:path');
      const entry = require.resolve(${JSON.stringify(packageName)});
      const native = require(path.join(path.dirname(entry), 'native.js'));
      const register = native.Policy.prototype.evaluate;
      const openleash = require(entry);
      const handle = register.call(openleash.Policy.fromYaml('version: 1\\ndefault: allow\\nrules: []\\n'));
      const text = JSON.stringify(${JSON.stringify(actionOf({ amount: 1 }))});
      const bytes = Buffer.from(text);
      const outcome = (...args) => {
        try {
          const parts = native.evaluateRegistered(...args);
          return typeof parts === 'string' ? parts.charAt(60) : typeof parts;
        } catch (error) {
          return error.code;
        }
      };
      const detached = new Uint8Array(new ArrayBuffer(8));
      structuredClone(detached.buffer, { transfer: [detached.buffer] });
      const resizable = new ArrayBuffer(bytes.length, { maxByteLength: 1 << 16 });
      new Uint8Array(resizable).set(bytes);
      const shrunk = new Uint8Array(resizable);
      resizable.resize(10);
      const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
      shared.set(bytes);
      const offset = Buffer.concat([Buffer.from('{{{{'), bytes]).subarray(4);
      const now = 0;
      console.log(JSON.stringify({
        plain: outcome(handle, bytes, bytes.length, now, undefined),
        noArguments: outcome(),
        handleString: outcome(String(handle), bytes, bytes.length, now),
        text: outcome(handle, text, bytes.length, now),
        uint16: outcome(handle, new Uint16Array(bytes.length), bytes.length, now),
        clamped: outcome(handle, new Uint8ClampedArray(bytes), bytes.length, now),
        dataView: outcome(handle, new DataView(bytes.buffer, bytes.byteOffset, bytes.length), bytes.length, now),
        arrayBuffer: outcome(handle, bytes.buffer, bytes.length, now),
        lengthString: outcome(handle, bytes, String(bytes.length), now),
        lengthNegative: outcome(handle, bytes, -1, now),
        lengthHuge: outcome(handle, bytes, 2 ** 40, now),
        lengthShort: outcome(handle, bytes, 10, now),
        detached: outcome(handle, detached, 1000, now),
        shrunk: outcome(handle, shrunk, 1000, now),
        shared: outcome(handle, shared, shared.length, now),
        offset: outcome(handle, offset, bytes.length, now),
        notUtf8: outcome(handle, Buffer.from([0x7b, 0xff, 0x7d]), 3, now),
        nowNaN: outcome(handle, bytes, bytes.length, Number.NaN),
        nowHuge: outcome(handle, bytes, bytes.length, 8.64e15),
        nowText: outcome(handle, bytes, bytes.length, 'yesterday'),
        nowDate: outcome(handle, bytes, bytes.length, new Date(0)),
        nowMissing: outcome(handle, bytes, bytes.length),
        nowBigInt: outcome(handle, bytes, bytes.length, 1n),
        ttlNaN: outcome(handle, bytes, bytes.length, now, Number.NaN),
        ttlText: outcome(handle, bytes, bytes.length, now, '5'),
        ttlNull: outcome(handle, bytes, bytes.length, now, null),
        construct: (() => { try { return typeof new native.evaluateRegistered(handle, bytes, bytes.length, now); } catch (error) { return error.code; } })(),
      }));
    `;
    const child = spawnSync(process.execPath, ['-e', script], {
      cwd: dirname(require.resolve(packageName)),
      encoding: 'utf8',
    });
    assert.equal(child.status, 0, child.stderr);
    const invalid = 'ERR_INVALID_ARG_TYPE';
    assert.deepEqual(JSON.parse(child.stdout), {
      plain: 'A',
      noArguments: invalid,
      handleString: invalid,
      text: invalid,
      uint16: invalid,
      clamped: invalid,
      dataView: invalid,
      arrayBuffer: invalid,
      lengthString: invalid,
      // A length past the buffer reads the whole buffer; a short one cuts
      // the JSON, which is denied. Lengths are read as Node-API reads a
      // uint32: -1 is 2^32 - 1, and 2^40 is 0.
      lengthNegative: 'A',
      lengthHuge: 'D',
      lengthShort: 'D',
      detached: 'D',
      shrunk: 'D',
      shared: 'A',
      offset: 'A',
      notUtf8: 'D',
      nowNaN: 'INVALID_TIMESTAMP',
      nowHuge: 'INVALID_TIMESTAMP',
      nowText: 'INVALID_TIMESTAMP',
      nowDate: invalid,
      nowMissing: invalid,
      nowBigInt: invalid,
      ttlNaN: 'INVALID_PROOF_TTL',
      ttlText: invalid,
      ttlNull: invalid,
      construct: 'object',
    });
  });

  test('getters that create, evaluate and collect policies change no decision', async () => {
    v8.setFlagsFromString('--expose-gc');
    const collectGarbage = vm.runInNewContext('gc');
    const longLived = { deny: policyOf('deny'), allow: policyOf('allow') };
    let reads = 0;
    const payload = new Proxy({}, {
      ownKeys: () => ['a', 'b', 'c'],
      getOwnPropertyDescriptor: () => ({ enumerable: true, configurable: true }),
      get(_, key) {
        reads += 1;
        for (let index = 0; index < 20; index += 1) {
          const effect = index % 2 === 0 ? 'deny' : 'allow';
          const inner = policyOf(effect);
          const decision = inner.evaluate(actionOf({ big: '\u00e9'.repeat(3000), index }), { now: NOW });
          assert.equal(decision.result, effect.toUpperCase());
          assert.equal(openleash.evaluate(new PolicyStack([inner]), actionOf({}), { now: NOW }).result, effect.toUpperCase());
        }
        assert.equal(longLived.deny.evaluate(actionOf({}), { now: NOW }).result, 'DENY');
        collectGarbage();
        return `${key}\u00fc\u{1f600}`;
      },
    });
    const expected = actionOf({ a: 'a\u00fc\u{1f600}', b: 'b\u00fc\u{1f600}', c: 'c\u00fc\u{1f600}' });
    for (let round = 0; round < 3; round += 1) {
      const decision = longLived.allow.evaluate(actionOf(payload), { now: NOW });
      assert.deepEqual(withoutIds(decision), withoutIds(longLived.allow.evaluate(expected, { now: NOW })));
      assert.equal(decision.action_hash, openleash.actionHash(expected));
      for (let pass = 0; pass < 2; pass += 1) {
        collectGarbage();
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    assert.equal(reads, 9);
  });

  test('obligations of every type with non-ASCII details match the Authorizer', () => {
    const policy = Policy.fromYaml(`version: 1
default: deny
rules:
  - id: r
    effect: allow
    action: purchase
    obligations:
      - type: HUMAN_APPROVAL
        params: {reason: "\u00fcber 50 \u20ac \u2603 \\U0001F600 \\u0000 \\"q\\" \\\\ \\u2028", approvers: [owner, "\u65e5\u672c"], n: 1.5e300, deep: {a: [1, {b: "\u00df"}]}}
      - type: STEP_UP_AUTH
        params: {level: HIGH, "\u043a\u043b\u044e\u0447": "\u0437\u043d\u0430\u0447\u0435\u043d\u0438\u0435"}
      - type: DEPOSIT
        params: {amount_minor: 500, currency: "\u20ac"}
      - type: COUNTERPARTY_ATTESTATION
        params: {}
`);
    const action = actionOf({ note: '\u00fc\u{1f600}' });
    const decision = policy.evaluate(action, { now: NOW });
    const authorized = new Authorizer(policy, generateKey({ kid: 'issuer', now: NOW })).authorize(action, { now: NOW });
    assert.deepEqual(withoutIds(decision).obligations, withoutIds(authorized).obligations);
    assert.deepEqual(decision.obligations.map((obligation) => obligation.type), [
      'HUMAN_APPROVAL', 'STEP_UP_AUTH', 'DEPOSIT', 'COUNTERPARTY_ATTESTATION',
    ]);
    assert.equal(decision.obligations[0].details_json.reason, '\u00fcber 50 \u20ac \u2603 \u{1f600} \u0000 "q" \\ \u2028');
    assert.equal(decision.result, 'REQUIRE_APPROVAL');
  });

  test('workers that evaluate, drop and are terminated keep their decisions apart', requires('require', FILE), async () => {
    const resolved = require.resolve(packageName);
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const openleash = require(${JSON.stringify(resolved)});
      const action = ${JSON.stringify(actionOf({ list: [1, 'two', { three: '\u00e9' }] }))};
      for (let round = 0; round < 20; round += 1) {
        const policies = Array.from({ length: 10 }, (_, index) =>
          openleash.Policy.fromYaml('version: 1\\ndefault: ' + ((index + workerData) % 2 ? 'allow' : 'deny') + '\\nrules: []\\n'));
        policies.forEach((policy, index) => {
          const want = (index + workerData) % 2 ? 'ALLOW' : 'DENY';
          const got = [policy.evaluate(action).result, openleash.evaluate(new openleash.PolicyStack([policy]), action).result];
          if (got.some((result) => result !== want)) {
            parentPort.postMessage('worker ' + workerData + ' got ' + got + ' for ' + want);
          }
        });
      }
      parentPort.postMessage('done');
    `;
    const mainPolicy = policyOf('deny');
    const problems = [];
    const exits = [];
    for (let index = 0; index < 4; index += 1) {
      const worker = new Worker(source, { eval: true, workerData: index });
      worker.on('message', (message) => {
        if (message !== 'done') {
          problems.push(message);
        }
      });
      exits.push(new Promise((resolve, reject) => {
        worker.on('exit', resolve);
        worker.on('error', reject);
      }));
      if (index % 2 === 1) {
        // Terminated while it evaluates, or after it finished.
        setImmediate(() => worker.terminate());
      }
    }
    for (let round = 0; round < 200; round += 1) {
      assert.equal(mainPolicy.evaluate(actionOf({ round }), { now: NOW }).result, 'DENY');
    }
    await Promise.all(exits);
    assert.deepEqual(problems, []);
  });
});

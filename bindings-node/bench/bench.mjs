// Benchmarks of openleash-core from JavaScript, with same-process baselines.
//
//   node bench/bench.mjs            (from bindings-node/, after a release build)
//   OPENLEASH_MODULE=/path/to/openleash-core node bench/bench.mjs
//
// The policies and the action are those of core/benches/engine.rs: the
// 5-rule and 200-rule policies match on their last rule, which has three
// `when` conditions (one a regex), four constraints and an assurance
// requirement. Every evaluate call starts from a JavaScript object and ends
// with a decision object, so it includes converting the action, validating
// and hashing it, and building the decision with its trace.

import { createPrivateKey, createPublicKey } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

const modulePath = process.env.OPENLEASH_MODULE ?? resolve(import.meta.dirname, '..');
const openleash = createRequire(pathToFileURL(resolve(modulePath, 'package.json')))(modulePath);

const ACTION = {
  action_id: '3b241101-e2bb-4255-8caf-4136c566a962',
  action_type: 'purchase',
  requested_at: '2025-03-01T12:00:00.000Z',
  principal: { agent_id: 'shopper-agent' },
  subject: { principal_id: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80' },
  relying_party: { domain: 'shop.example', trust_profile: 'MEDIUM' },
  payload: {
    amount_minor: 1999,
    currency: 'EUR',
    merchant_domain: 'shop.example',
    items: [{ sku: 'A-1', qty: 2 }],
    assurance_level: 'SUBSTANTIAL',
  },
};

/** The policy text of core/benches/engine.rs with `count` rules. */
function policyText(count) {
  let text = 'version: 1\ndefault: deny\nrules:\n';
  for (let index = 0; index < count - 1; index += 1) {
    text +=
      `  - id: rule_${index}\n    effect: allow\n    action: "service${index % 40}.*"\n    when:\n      all:\n` +
      `        - match: {path: "$.payload.amount_minor", op: lte, value: ${1000 + index}}\n` +
      '        - match: {path: "$.payload.currency", op: in, value: [EUR, USD]}\n' +
      '    constraints: {amount_max: 100000}\n';
  }
  text +=
    '  - id: purchases\n    effect: allow\n    action: purchase\n    when:\n      all:\n' +
    '        - match: {path: "$.payload.currency", op: in, value: [EUR, USD]}\n' +
    '        - not: {match: {path: "$.payload.merchant_domain", op: regex, value: "\\\\.invalid$"}}\n' +
    '        - match: {path: "$.payload.items[0].qty", op: gte, value: 1}\n' +
    '    constraints: {amount_max: 5000, currency: [EUR], merchant_domain: [shop.example]}\n' +
    '    requirements: {min_assurance_level: SUBSTANTIAL}\n';
  return text;
}

/**
 * Median nanoseconds per call over `rounds` timed rounds of `iterations`
 * calls, after a warm-up that lets V8 optimize the call site.
 */
function measure(run, iterations, rounds = 15) {
  let sink;
  for (let index = 0; index < iterations; index += 1) {
    sink = run();
  }
  const perCall = [];
  for (let round = 0; round < rounds; round += 1) {
    const start = process.hrtime.bigint();
    for (let index = 0; index < iterations; index += 1) {
      sink = run();
    }
    perCall.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  if (sink === undefined) {
    throw new Error('the benchmarked call returned nothing');
  }
  perCall.sort((a, b) => a - b);
  return perCall[Math.floor(perCall.length / 2)];
}

const options = { now: new Date('2025-03-01T12:00:00Z') };
const policies = new Map([5, 200].map((count) => [count, openleash.Policy.fromYaml(policyText(count))]));
for (const [count, policy] of policies) {
  const decision = policy.evaluate(ACTION, options);
  if (decision.matched_rule_id !== 'purchases' || decision.trace.length !== count) {
    throw new Error(`the ${count}-rule policy did not match its last rule: ${decision.reason}`);
  }
}

const rows = [
  ['baseline: JSON.stringify(action)', measure(() => JSON.stringify(ACTION), 100_000)],
  ["baseline: smallest native call, parseJson('0')", measure(() => openleash.parseJson('0') + 1, 200_000)],
  ['evaluate, 5 rules, from a JS object', measure(() => policies.get(5).evaluate(ACTION, options), 50_000)],
  ['evaluate, 200 rules, from a JS object', measure(() => policies.get(200).evaluate(ACTION, options), 10_000)],
  ['evaluate, 5 rules, default clock', measure(() => policies.get(5).evaluate(ACTION), 50_000)],
  ['actionHash(action)', measure(() => openleash.actionHash(ACTION), 50_000)],
  ['canonicalJson(action)', measure(() => openleash.canonicalJson(ACTION), 50_000)],
  ['Policy.fromYaml, 5 rules', measure(() => openleash.Policy.fromYaml(policyText(5)), 2_000, 7)],
];

/** Like `measure`, for a function returning a promise, awaited per call. */
async function measureAsync(run, iterations, rounds = 15) {
  for (let index = 0; index < iterations; index += 1) {
    await run();
  }
  const perCall = [];
  for (let round = 0; round < rounds; round += 1) {
    const start = process.hrtime.bigint();
    for (let index = 0; index < iterations; index += 1) {
      await run();
    }
    perCall.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  perCall.sort((a, b) => a - b);
  return perCall[Math.floor(perCall.length / 2)];
}

// Proof token verification: the same token, verified by this package and
// by the npm `paseto` package's V4.verify (OpenLeash's own verifier), with
// keys parsed once.
const { V4 } = createRequire(import.meta.url)('paseto');
const keyFile = openleash.generateKey({ kid: 'bench-key' });
const keys = new openleash.KeySet([keyFile]);
keys.setActive('bench-key');
const issued = openleash.issueProofToken(
  keys,
  {
    decision_id: '5d1c7c3e-2a47-4f6e-9a0b-0c1d2e3f4a5b',
    owner_type: 'user',
    owner_id: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80',
    agent_id: 'shopper-agent',
    action_type: 'purchase',
    action_hash: '5fed50d1afcf598480f64ca09edb042a8a09c6b33c8712e3faeeea2aa1d4297d',
    matched_rule_id: 'allow_small',
    trust_profile: 'HIGH',
  },
  { ttlSeconds: 3600 },
);
const publicKey = createPublicKey({ key: Buffer.from(keyFile.public_key_b64, 'base64'), format: 'der', type: 'spki' });
createPrivateKey({ key: Buffer.from(keyFile.private_key_b64, 'base64'), format: 'der', type: 'pkcs8' });
await V4.verify(issued.token, publicKey);
const verifyOurs = measure(() => openleash.verifyToken(issued.token, keys), 5_000);
const verifyPaseto = await measureAsync(() => V4.verify(issued.token, publicKey), 5_000);
rows.push(['verifyToken(proof token)', verifyOurs]);
rows.push(['peer: npm paseto V4.verify (same token)', verifyPaseto]);

const baseline = rows[0][1];
const width = Math.max(...rows.map(([name]) => name.length));
console.log(`node ${process.version}, ${process.platform}-${process.arch}; median of 15 rounds (7 for fromYaml)`);
console.log(`${'benchmark'.padEnd(width)}  ${'per call'.padStart(10)}  ratio to JSON.stringify`);
for (const [name, nanoseconds] of rows) {
  const time = nanoseconds >= 1000 ? `${(nanoseconds / 1000).toFixed(2)} µs` : `${nanoseconds.toFixed(0)} ns`;
  console.log(`${name.padEnd(width)}  ${time.padStart(10)}  ${(nanoseconds / baseline).toFixed(2)}x`);
}
const target = rows[2][1];
console.log(`target: evaluate, 5 rules, under 5 µs: ${target < 5000 ? 'met' : 'not met'} (${(target / 1000).toFixed(2)} µs)`);
const speedup = verifyPaseto / verifyOurs;
console.log(`target: verify at least 4x faster than npm paseto: ${speedup >= 4 ? 'met' : 'not met'} (${speedup.toFixed(1)}x)`);
console.log('compare verifyToken with the Rust-native verify: cargo bench -p openleash-core --bench tokens verify_proof (target within 1.5x)');

// The benchmark cases of openleash-core-wasm, shared by the Node.js run
// (bench.mjs) and the Chromium run (browser-bench.mjs). Portable: the
// caller passes the package and a clock in nanoseconds.
//
// The policies and the action are those of core/benches/engine.rs: the
// 5-rule and 200-rule policies match on their last rule, which has three
// `when` conditions (one a regex), four constraints and an assurance
// requirement. Every evaluate call starts from a JavaScript object and ends
// with a decision object. The token is a proof token of about 400 bytes of
// claims, as in core/benches/tokens.rs.

export const ACTION = {
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

/** Returns the policy text of core/benches/engine.rs with `count` rules. */
export function policyText(count) {
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

/** The proof parameters of core/benches/tokens.rs. */
const PROOF_PARAMS = {
  decision_id: '5d1c7c3e-2a47-4f6e-9a0b-0c1d2e3f4a5b',
  owner_type: 'user',
  owner_id: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80',
  agent_id: 'shopper-agent',
  action_type: 'purchase',
  action_hash: '5fed50d1afcf598480f64ca09edb042a8a09c6b33c8712e3faeeea2aa1d4297d',
  matched_rule_id: 'allow_small',
  trust_profile: 'HIGH',
};

/**
 * Median nanoseconds per call over `rounds` timed rounds of `iterations`
 * calls, after a warm-up round that lets the JIT optimize the call site.
 */
export function measure(now, run, iterations, rounds = 15) {
  let sink;
  for (let index = 0; index < iterations; index += 1) {
    sink = run();
  }
  const perCall = [];
  for (let round = 0; round < rounds; round += 1) {
    const start = now();
    for (let index = 0; index < iterations; index += 1) {
      sink = run();
    }
    perCall.push((now() - start) / iterations);
  }
  if (sink === undefined) {
    throw new Error('the benchmarked call returned nothing');
  }
  perCall.sort((a, b) => a - b);
  return perCall[Math.floor(perCall.length / 2)];
}

/** Runs every case; returns `[name, nanoseconds per call]` rows. */
export function runCases(openleash, now) {
  const options = { now: new Date('2025-03-01T12:00:00Z') };
  const policies = new Map([5, 200].map((count) => [count, openleash.Policy.fromYaml(policyText(count))]));
  for (const [count, policy] of policies) {
    const decision = policy.evaluate(ACTION, options);
    if (decision.matched_rule_id !== 'purchases' || decision.trace.length !== count) {
      throw new Error(`the ${count}-rule policy did not match its last rule: ${decision.reason}`);
    }
  }

  // A fresh key: the cost of a signature does not depend on the key.
  const key = openleash.generateKey({ kid: 'bench-key' });
  const issued = openleash.issueProofToken(key, PROOF_PARAMS, { ttlSeconds: 120, now: options.now });
  const keys = new openleash.KeySet([{ kid: key.kid, public_key_b64: key.public_key_b64 }]);
  const verifyOptions = { now: options.now };
  if (openleash.verifyToken(issued.token, keys, verifyOptions).claims.kid !== 'bench-key') {
    throw new Error('the benchmark token did not verify');
  }

  return [
    ['baseline: JSON.stringify(action)', measure(now, () => JSON.stringify(ACTION), 100_000)],
    ["baseline: smallest module call, parseJson('0')", measure(now, () => openleash.parseJson('0') + 1, 200_000)],
    ['evaluate, 5 rules, from a JS object', measure(now, () => policies.get(5).evaluate(ACTION, options), 20_000)],
    ['evaluate, 200 rules, from a JS object', measure(now, () => policies.get(200).evaluate(ACTION, options), 5_000)],
    ['evaluate, 5 rules, default clock', measure(now, () => policies.get(5).evaluate(ACTION), 20_000)],
    ['actionHash(action)', measure(now, () => openleash.actionHash(ACTION), 20_000)],
    ['canonicalJson(action)', measure(now, () => openleash.canonicalJson(ACTION), 20_000)],
    ['Policy.fromYaml, 5 rules', measure(now, () => openleash.Policy.fromYaml(policyText(5)), 500, 7)],
    ['verifyToken, proof token, KeySet', measure(now, () => openleash.verifyToken(issued.token, keys, verifyOptions), 1_000)],
    ['verifyToken, proof token, base64 public key', measure(now, () => openleash.verifyToken(issued.token, key.public_key_b64, verifyOptions), 1_000)],
    ['issueProofToken, key file', measure(now, () => openleash.issueProofToken(key, PROOF_PARAMS, { ttlSeconds: 120, now: options.now }), 1_000)],
  ];
}

/** Formats rows as a table with the ratio to the first row. */
export function formatRows(rows) {
  const baseline = rows[0][1];
  const width = Math.max(...rows.map(([name]) => name.length));
  const lines = [`${'benchmark'.padEnd(width)}  ${'per call'.padStart(10)}  ratio to JSON.stringify`];
  for (const [name, nanoseconds] of rows) {
    const time = nanoseconds >= 1000 ? `${(nanoseconds / 1000).toFixed(2)} µs` : `${nanoseconds.toFixed(0)} ns`;
    lines.push(`${name.padEnd(width)}  ${time.padStart(10)}  ${(nanoseconds / baseline).toFixed(2)}x`);
  }
  return lines.join('\n');
}

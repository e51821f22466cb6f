// The browser half of the browser test: loads the package the way a page
// does (`await init()` over HTTP), runs the conformance corpus, the RFC
// 8785 vectors, the proof-token cases, OpenLeash's cross-language vectors
// and the PASERK, PASETO and Wycheproof vectors with the shared portable
// helpers, starts a worker that loads the module with `initSync` from
// bytes, and stores counts in `window.suiteResults` for
// bindings-js/test/browser.test.mjs to check.

import init, * as openleash from 'openleash-core-wasm';
import { module } from '/pkg/lib/engine.js';
import { loadDeviations, runCorpusFile } from '/repo/bindings-node/test/helpers/conformance.mjs';
import { NOW, PURCHASE_POLICY, purchase } from '/repo/bindings-node/test/helpers/fixtures.mjs';
import { runPaserkVectors, runTestVectorSignatures, runTokenCases } from '/repo/bindings-node/test/helpers/tokens.mjs';
import { runPasetoVectors, runWycheproof } from '/test/helpers/vectors.mjs';

async function repoText(path) {
  const response = await fetch(`/repo/${path}`);
  if (!response.ok) {
    throw new Error(`GET /repo/${path}: ${response.status}`);
  }
  return response.text();
}

async function listRepo(folder) {
  return (await fetch(`/list/${folder}`)).json();
}

function countStatuses(outcomes) {
  const counts = { total: outcomes.length, passed: 0, deviation: 0, skipped: 0, failed: 0 };
  for (const outcome of outcomes) {
    counts[outcome.status] += 1;
  }
  counts.failures = outcomes.filter((outcome) => outcome.status === 'failed').map((outcome) => `${outcome.id}: ${outcome.detail}`);
  return counts;
}

/** Loads the package in a module worker with initSync and verifies a token there. */
function runWorker() {
  return new Promise((resolve, reject) => {
    const worker = new Worker('/test/browser/worker.mjs', { type: 'module' });
    worker.onmessage = (event) => {
      worker.terminate();
      resolve(event.data);
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(new Error(`worker failed: ${event.message}`));
    };
  });
}

async function run() {
  const started = performance.now();
  await init();
  const results = { userAgent: navigator.userAgent };

  const deviations = loadDeviations(await repoText('tests/conformance/deviations.json'));
  const corpus = [];
  for (const name of (await listRepo('tests/conformance/openleash')).filter((file) => file.endsWith('.json'))) {
    corpus.push(...(await runCorpusFile(openleash, await repoText(`tests/conformance/openleash/${name}`), deviations)));
  }
  results.corpus = countStatuses(corpus);

  const jcsFailures = [];
  const jcsNames = await listRepo('tests/vectors/jcs/input');
  for (const name of jcsNames) {
    const input = await repoText(`tests/vectors/jcs/input/${name}`);
    const expected = await repoText(`tests/vectors/jcs/output/${name}`);
    if (openleash.canonicalJson(openleash.parseJson(input)) !== expected) {
      jcsFailures.push(name);
    }
  }
  results.jcs = { checked: jcsNames.length, failures: jcsFailures };

  results.tokens = countStatuses(runTokenCases(openleash, await repoText('tests/conformance/openleash/proof-tokens.json'), deviations));
  results.tokenVectors = countStatuses(await runTestVectorSignatures(openleash, await repoText('tests/conformance/openleash/openleash-testvectors.json')));
  const paserkFiles = {};
  for (const name of ['k4.public.json', 'k4.pid.json', 'k4.secret.json', 'k4.sid.json']) {
    paserkFiles[name] = await repoText(`tests/vectors/paseto/${name}`);
  }
  results.paserk = countStatuses(runPaserkVectors(openleash, paserkFiles));
  results.paseto = runPasetoVectors(module, await repoText('tests/vectors/paseto/v4.json'));
  results.wycheproof = runWycheproof(module, await repoText('tests/vectors/wycheproof/ed25519_test.json'));

  const policy = openleash.Policy.fromYaml(PURCHASE_POLICY);
  const decision = policy.evaluate(purchase(), { now: NOW });
  let policyError;
  try {
    openleash.Policy.fromYaml('version: 1\nrules: 3\n');
  } catch (error) {
    policyError = [error instanceof openleash.PolicyError, error instanceof Error, error.code];
  }
  const key = openleash.generateKey();
  const issued = openleash.issueProofToken(key, {
    decision_id: decision.decision_id,
    owner_type: 'user',
    owner_id: 'owner',
    agent_id: 'shopper-agent',
    action_type: 'purchase',
    action_hash: decision.action_hash,
    matched_rule_id: decision.matched_rule_id,
  }, { ttlSeconds: 60 });
  const verified = openleash.verifyToken(issued.token, openleash.publicKeyInfo(key).paserk, { expect: { action_hash: decision.action_hash } });
  const headers = openleash.signRequest(key, { agentId: 'shopper-agent', method: 'POST', path: '/v1/x', body: 'body' });
  openleash.verifyRequest({ headers: new Headers(headers), method: 'POST', path: '/v1/x', publicKey: key, body: new TextEncoder().encode('body') });
  results.api = {
    result: decision.result,
    matchedRuleId: decision.matched_rule_id,
    policyError,
    fromFile: typeof openleash.Policy.fromFile,
    verifiedAgent: verified.claims.agent_id,
  };

  results.worker = await runWorker();
  results.elapsedMs = Math.round(performance.now() - started);
  return results;
}

window.suiteResults = run().then(
  (results) => {
    document.getElementById('status').textContent = 'done';
    return results;
  },
  (error) => ({ error: `${error.name}: ${error.code ?? ''} ${error.message}\n${error.stack}` }),
);

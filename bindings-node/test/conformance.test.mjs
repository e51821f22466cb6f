// The OpenLeash conformance corpus (every kind but proof tokens, which
// tokens.test.mjs runs) and the RFC 8785 vectors, through the package
// under test.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { loadDeviations, runCorpusFile } from './helpers/conformance.mjs';
import { listRepoFiles, loadImplementation, readRepoText, target } from './helpers/node-adapter.mjs';

const openleash = await loadImplementation();
const deviations = loadDeviations(await readRepoText('tests/conformance/deviations.json'));

const CORPUS = 'tests/conformance/openleash';
const corpusFiles = (await listRepoFiles(CORPUS)).filter((name) => name.endsWith('.json'));
const outcomes = [];
for (const name of corpusFiles) {
  for (const outcome of await runCorpusFile(openleash, await readRepoText(`${CORPUS}/${name}`), deviations)) {
    outcomes.push({ file: name, ...outcome });
  }
}

for (const outcome of outcomes) {
  const name = `${outcome.file}: ${outcome.id}`;
  if (outcome.status === 'skipped') {
    test(name, { skip: outcome.detail }, () => {});
  } else {
    test(name, () => {
      assert.notEqual(outcome.status, 'failed', outcome.detail);
    });
  }
}

test(`corpus totals (${target.implementation}, ${target.entry})`, () => {
  const count = (status) => outcomes.filter((outcome) => outcome.status === status).length;
  const skipped = count('skipped');
  const passed = count('passed') + count('deviation');
  // 299 corpus cases plus the OpenLeash test vectors; the 8 token cases
  // are skipped here.
  assert.equal(outcomes.length, 300);
  assert.equal(skipped, 8);
  assert.equal(outcomes.filter((outcome) => outcome.kind === 'bindings' && outcome.status !== 'failed').length, 10);
  assert.equal(passed, outcomes.length - skipped);
  assert.equal(count('failed'), 0);
});

test('every deviation of a run kind is exercised', () => {
  const exercised = new Set(outcomes.filter((outcome) => outcome.status === 'deviation').map((outcome) => outcome.id));
  const skippedIds = new Set(outcomes.filter((outcome) => outcome.status === 'skipped').map((outcome) => outcome.id));
  const unused = [...deviations.keys()].filter((id) => !exercised.has(id) && !skippedIds.has(id));
  assert.deepEqual(unused, []);
});

const JCS = 'tests/vectors/jcs';
for (const name of await listRepoFiles(`${JCS}/input`)) {
  test(`RFC 8785 vector ${name}`, async () => {
    const input = await readRepoText(`${JCS}/input/${name}`);
    const expected = await readRepoText(`${JCS}/output/${name}`);
    assert.equal(openleash.canonicalJson(openleash.parseJson(input)), expected);
  });
}

// The OpenLeash conformance corpus run through a JavaScript implementation
// of openleash-core: the logic of the Rust runner (cli/src/suite/corpus.rs
// and deviations.rs), case for case. Portable: the caller reads the files
// and loads the implementation, so a browser harness can run it too.
//
// Where the Rust runner compares the normalized action's canonical JSON,
// this runner checks that the action hash equals the SHA-256 of the
// expected canonical JSON: the JavaScript API exposes the hash, not the
// normalized text.

import { checkDecision, checkFields, decisionJson, jsonEq } from './compare.mjs';
import { memberSource, spansOf } from './raw-json.mjs';
import { sha256Hex } from './sha256.mjs';

/** The fixed evaluation time of corpus cases; no v1 rule reads the time. */
export const CORPUS_NOW = new Date(1_740_830_400_000);

/** Case kinds this runner skips, with the reason reported for each case. */
export const SKIPPED_KINDS = new Map([
  ['token', 'proof token cases run in tokens.test.mjs (helpers/tokens.mjs)'],
]);

const DEVIATION_FIELDS = new Set([
  'policy_error',
  'action_error',
  'input_error',
  'binding_error',
  'decision',
  'ordered_policy_ids',
  'canonical_json',
  'token_verify',
]);

/** Reads deviations.json into a Map by case id, rejecting duplicates and unknown fields. */
export function loadDeviations(text) {
  const file = JSON.parse(text);
  const byId = new Map();
  for (const deviation of file.deviations) {
    for (const field of Object.keys(deviation.ours)) {
      if (!DEVIATION_FIELDS.has(field)) {
        throw new Error(`deviation ${deviation.id} has the unknown field ours.${field}`);
      }
    }
    if (byId.has(deviation.id)) {
      throw new Error(`deviations.json lists the case ${deviation.id} twice`);
    }
    byId.set(deviation.id, deviation);
  }
  return byId;
}

/**
 * Runs every case of one corpus file (or the OpenLeash test vectors file)
 * and returns `{id, kind, status, detail}` per case, with `status` one of
 * `passed`, `deviation` (passed by showing the listed behaviour),
 * `failed` or `skipped`.
 */
export async function runCorpusFile(openleash, text, deviations) {
  const whole = JSON.parse(text);
  const root = spansOf(text);
  if (!Array.isArray(whole.cases)) {
    return [await runTestVectors(openleash, text, root, whole)];
  }
  const caseSpans = root.members.get('cases').items;
  const outcomes = [];
  for (const [index, testCase] of whole.cases.entries()) {
    const id = typeof testCase.id === 'string' ? testCase.id : '(no id)';
    const skip = SKIPPED_KINDS.get(whole.kind);
    if (skip !== undefined) {
      outcomes.push({ id, kind: whole.kind, status: 'skipped', detail: skip });
      continue;
    }
    const rawAction = memberSource(text, caseSpans[index], 'action');
    let observed;
    switch (whole.kind) {
      case 'eval':
      case 'validate':
        observed = await runEval(openleash, testCase, rawAction);
        break;
      case 'canonical':
        observed = await runCanonical(openleash, testCase);
        break;
      case 'action_request':
        observed = await runActionRequest(openleash, testCase, rawAction);
        break;
      case 'bindings':
        observed = runBindings(openleash, testCase);
        break;
      default:
        throw new Error(`unknown corpus kind ${JSON.stringify(whole.kind)}`);
    }
    outcomes.push({ kind: whole.kind, ...judge(id, observed, deviations.get(id)) });
  }
  return outcomes;
}

/** The results of one case, as `judge` and the deviations compare them. */
export function newObserved() {
  return {
    reference: null,
    policyCodes: [],
    actionCodes: [],
    inputCode: null,
    bindingCode: null,
    decision: null,
    orderedPolicyIds: null,
    canonicalJson: null,
    /** For token cases: per verification, null when valid, else the code. */
    tokenCodes: null,
  };
}

/** `reference` is null when the case matches the reference, else the first mismatch. */
export function judge(id, observed, deviation) {
  const mismatch = observed.reference;
  if (deviation === undefined) {
    return mismatch === null
      ? { id, status: 'passed', detail: '' }
      : { id, status: 'failed', detail: mismatch };
  }
  const problem = checkOurs(deviation.ours, observed);
  if (problem !== null) {
    return { id, status: 'failed', detail: `deviation not shown: ${problem}` };
  }
  if (mismatch === null) {
    return {
      id,
      status: 'failed',
      detail: 'listed as a deviation but matches the reference; remove it from deviations.json',
    };
  }
  return { id, status: 'deviation', detail: deviation.reason };
}

function checkOurs(ours, observed) {
  const expectCode = (what, want, got) =>
    want !== undefined && !got.includes(want)
      ? `expected ${what} code ${want}, got ${JSON.stringify(got)}`
      : null;
  const problem =
    expectCode('policy error', ours.policy_error, observed.policyCodes) ??
    expectCode('action error', ours.action_error, observed.actionCodes) ??
    expectCode('input error', ours.input_error, observed.inputCode === null ? [] : [observed.inputCode]) ??
    expectCode('binding error', ours.binding_error, observed.bindingCode === null ? [] : [observed.bindingCode]);
  if (problem !== null) {
    return problem;
  }
  if (ours.decision !== undefined) {
    if (observed.decision === null) {
      return 'expected a decision, got none';
    }
    try {
      checkFields('decision', ours.decision, observed.decision);
    } catch (error) {
      return error.message;
    }
  }
  if (ours.ordered_policy_ids !== undefined && !jsonEq(ours.ordered_policy_ids, observed.orderedPolicyIds)) {
    return `expected order ${JSON.stringify(ours.ordered_policy_ids)}, got ${JSON.stringify(observed.orderedPolicyIds)}`;
  }
  if (ours.canonical_json !== undefined && ours.canonical_json !== observed.canonicalJson) {
    return `expected canonical JSON ${ours.canonical_json}, got ${observed.canonicalJson}`;
  }
  if (ours.token_verify !== undefined && !jsonEq(ours.token_verify, observed.tokenCodes)) {
    return `expected token verification results ${JSON.stringify(ours.token_verify)}, got ${JSON.stringify(observed.tokenCodes)}`;
  }
  return null;
}

/** Calls `body`; returns its result, or the error when it is an instance of `errorClass`. */
export function attempt(body, errorClass) {
  try {
    return { value: body() };
  } catch (error) {
    if (error instanceof errorClass) {
      return { error };
    }
    throw error;
  }
}

/**
 * Orders the records through `orderBindings`, then checks that
 * `PolicyStack.forAgent` layers one policy per applying binding in the same
 * order.
 */
function runBindings(openleash, testCase) {
  const observed = newObserved();
  const agent = testCase.agent_principal_id;
  const groups = testCase.agent_group_ids ?? [];
  const ordered = attempt(() => openleash.orderBindings(testCase.bindings, agent, groups), openleash.PolicyError);
  if (ordered.error !== undefined) {
    observed.bindingCode = ordered.error.code;
    observed.reference = `binding rejected: ${ordered.error.message}`;
    return observed;
  }
  const ids = ordered.value.map((record) => record.policy_id);
  observed.orderedPolicyIds = ids;

  // One single-rule policy per id, the rule named after its policy.
  const policies = new Map(
    testCase.bindings.map((record) => [
      record.policy_id,
      openleash.Policy.fromYaml(
        `version: 1\ndefault: passthrough\nrules:\n  - {id: ${JSON.stringify(record.policy_id)}, effect: allow, action: purchase}\n`,
      ),
    ]),
  );
  const stack = openleash.PolicyStack.forAgent(testCase.bindings, policies, agent, groups);
  if (!jsonEq(stack.ruleIds, ids)) {
    observed.reference = `PolicyStack.forAgent layered ${JSON.stringify(stack.ruleIds)}, orderBindings gave ${JSON.stringify(ids)}`;
    return observed;
  }

  const want = testCase.expect.ordered_policy_ids;
  if (!jsonEq(ids, want)) {
    observed.reference = `expected order ${JSON.stringify(want)}, got ${JSON.stringify(ids)}`;
  }
  return observed;
}

async function runEval(openleash, testCase, rawAction) {
  const observed = newObserved();
  observed.reference = await evalAgainstReference(openleash, testCase, rawAction, observed);
  return observed;
}

async function evalAgainstReference(openleash, testCase, rawAction, observed) {
  const expect = testCase.expect;
  if (expect === undefined) {
    return 'case has no expect';
  }
  const sources = (testCase.policies ?? []).filter((source) => typeof source === 'string');
  const loaded = sources.map((source) => attempt(() => openleash.Policy.fromYaml(source), openleash.PolicyError));
  for (const result of loaded) {
    if (result.error !== undefined) {
      observed.policyCodes.push(...result.error.diagnostics.map((diagnostic) => diagnostic.code));
    }
  }

  const expectedLayers = Array.isArray(expect.layers) ? expect.layers : [];
  if (expectedLayers.length !== loaded.length) {
    return `expected ${expectedLayers.length} layers, got ${loaded.length}`;
  }
  let mismatch = null;
  const note = (message) => {
    mismatch ??= message;
  };
  for (const [position, result] of loaded.entries()) {
    const want = expectedLayers[position];
    const wantValid = want.valid === true;
    if (result.error === undefined && !wantValid) {
      note(`layer ${position}: reference rejects it, this engine accepts it`);
    } else if (result.error !== undefined && wantValid) {
      note(`layer ${position}: reference accepts it, this engine rejects it: ${result.error.message}`);
    } else if (result.error !== undefined) {
      const wantYaml = want.error_kind === 'yaml';
      const gotYaml = result.error.code.startsWith('YAML_');
      if (wantYaml !== gotYaml) {
        note(`layer ${position}: expected a ${wantYaml ? 'YAML' : 'schema'} error, got ${result.error.message}`);
      }
    }
  }
  const policies = loaded.filter((result) => result.error === undefined).map((result) => result.value);
  if (policies.length !== sources.length) {
    return mismatch;
  }

  const single = policies.length === 1 && testCase.merge !== true ? policies[0] : null;
  const stack = new openleash.PolicyStack(policies);
  const document = single === null ? stack.document : single.document;
  if (expect.policy !== undefined && !jsonEq(expect.policy, document)) {
    note(`parsed policy: expected ${JSON.stringify(expect.policy)}, got ${JSON.stringify(document)}`);
  }

  if (rawAction === undefined) {
    return mismatch;
  }
  const parsed = attempt(() => openleash.parseJson(rawAction), openleash.ValueConversionError);
  let codes = null;
  let hash = null;
  if (parsed.error !== undefined) {
    codes = [parsed.error.code];
  } else {
    const hashed = attempt(() => openleash.actionHash(parsed.value), openleash.ActionError);
    if (hashed.error !== undefined) {
      codes = hashed.error.issues.map((issue) => issue.code);
    } else {
      hash = hashed.value;
    }
  }
  const wantActionValid = typeof expect.action_schema_valid === 'boolean' ? expect.action_schema_valid : true;
  if (codes !== null) {
    observed.actionCodes = codes;
    if (wantActionValid) {
      note(`action rejected (${JSON.stringify(codes)}) but the reference schema accepts it`);
    }
    // The OpenLeash server rejects a schema-invalid action before
    // evaluating it, as this engine does.
    return mismatch;
  }
  if (!wantActionValid) {
    note('action accepted but the reference schema rejects it');
  }
  if (typeof expect.canonical_json === 'string' && (await sha256Hex(expect.canonical_json)) !== hash) {
    note(`canonical JSON: the action hash ${hash} is not the SHA-256 of the expected ${expect.canonical_json}`);
  }
  if (typeof expect.action_hash === 'string' && expect.action_hash !== hash) {
    note(`action hash: expected ${expect.action_hash}, got ${hash}`);
  }

  const options = { now: CORPUS_NOW };
  const ttl = testCase.options?.default_proof_ttl;
  if (typeof ttl === 'number') {
    options.defaultProofTtlSeconds = ttl;
  }
  const decision = (single ?? stack).evaluate(parsed.value, options);
  observed.decision = decisionJson(decision);
  if (expect.decision !== undefined) {
    try {
      checkDecision(expect.decision, decision);
    } catch (error) {
      note(error.message);
    }
  } else if (expect.engine_error !== undefined) {
    note('the reference engine threw, this engine decided');
  }
  return mismatch;
}

async function runCanonical(openleash, testCase) {
  const observed = newObserved();
  const input = typeof testCase.input === 'string' ? testCase.input : '';
  const parsed = attempt(() => openleash.parseJson(input), openleash.ValueConversionError);
  if (parsed.error !== undefined) {
    observed.inputCode = parsed.error.code;
    observed.reference = `input rejected: ${parsed.error.message}`;
    return observed;
  }
  const text = openleash.canonicalJson(parsed.value);
  const hash = await sha256Hex(text);
  observed.canonicalJson = text;
  if (text !== testCase.canonical_json) {
    observed.reference = `canonical JSON: expected ${testCase.canonical_json}, got ${text}`;
  } else if (hash !== testCase.sha256) {
    observed.reference = `sha256: expected ${testCase.sha256}, got ${hash}`;
  }
  return observed;
}

async function runActionRequest(openleash, testCase, rawAction) {
  const observed = newObserved();
  const expect = testCase.expect ?? {};
  const parsed = attempt(() => openleash.parseJson(rawAction ?? 'null'), openleash.ValueConversionError);
  if (parsed.error !== undefined) {
    observed.actionCodes.push(parsed.error.code);
    observed.reference = `action JSON rejected: ${parsed.error.code}`;
    return observed;
  }
  const rawHash = await sha256Hex(openleash.canonicalJson(parsed.value));
  const wantRawHash = expect.raw_action_hash ?? '';
  const wantValid = expect.valid === true;
  const hashed = attempt(() => openleash.actionHash(parsed.value), openleash.ActionError);
  if (hashed.error !== undefined) {
    observed.actionCodes = hashed.error.issues.map((issue) => issue.code);
  }
  if (rawHash !== wantRawHash) {
    observed.reference = `raw action hash: expected ${wantRawHash}, got ${rawHash}`;
  } else if (hashed.error === undefined && wantValid) {
    const normalizedHash = await sha256Hex(expect.normalized_canonical_json ?? '');
    if (normalizedHash !== hashed.value) {
      observed.reference = `normalized JSON: the action hash ${hashed.value} is not the SHA-256 of the expected ${expect.normalized_canonical_json}`;
    } else if (hashed.value !== expect.normalized_action_hash) {
      observed.reference = `normalized hash: expected ${expect.normalized_action_hash}, got ${hashed.value}`;
    }
  } else if (hashed.error === undefined) {
    observed.reference = 'action accepted but the reference schema rejects it';
  } else if (wantValid) {
    observed.reference = `action rejected but the reference accepts it: ${hashed.error.message}`;
  } else {
    observed.reference = checkIssues(expect, hashed.error);
  }
  return observed;
}

const ZOD_CODES = new Map([
  ['invalid_type', ['ACTION_INVALID_TYPE', 'ACTION_MISSING_FIELD']],
  ['too_small', ['ACTION_EMPTY_STRING']],
  ['invalid_value', ['ACTION_INVALID_VALUE']],
  ['invalid_format', ['ACTION_INVALID_UUID']],
]);

/** Compares rejection paths and codes with the reference's (zod) issues. */
function checkIssues(expect, error) {
  for (const want of expect.issues ?? []) {
    const path = (want.path ?? []).filter((part) => typeof part === 'string').join('.');
    const accepted = ZOD_CODES.get(want.code) ?? [];
    const found = error.issues.some((issue) => issue.path === path && accepted.includes(issue.code));
    if (!found) {
      return `expected an issue ${want.code} at ${JSON.stringify(path)}, got ${error.message}`;
    }
  }
  return null;
}

/**
 * OpenLeash's cross-language vectors: the action's canonical JSON and
 * hash. The action is hashed as given, because its example UUIDs are not
 * RFC 9562 UUIDs and the action schema would reject it.
 */
async function runTestVectors(openleash, text, root, whole) {
  const id = 'openleash-testvectors-action-hash';
  const value = openleash.parseJson(memberSource(text, root, 'action'));
  const canonical = openleash.canonicalJson(value);
  const hash = await sha256Hex(canonical);
  if (canonical !== whole.canonical_json) {
    return { id, kind: 'vectors', status: 'failed', detail: `canonical JSON: expected ${whole.canonical_json}, got ${canonical}` };
  }
  if (hash !== whole.action_hash) {
    return { id, kind: 'vectors', status: 'failed', detail: `action hash: expected ${whole.action_hash}, got ${hash}` };
  }
  return { id, kind: 'vectors', status: 'passed', detail: '' };
}

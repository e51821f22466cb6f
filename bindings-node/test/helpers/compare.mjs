// Comparisons between expected JSON and what the engine produced, as the
// Rust corpus runner makes them (cli/src/suite/compare.rs). Portable.

/** JSON equality where numbers compare by value and key order is ignored. */
export function jsonEq(expected, actual) {
  if (typeof expected === 'number' || typeof actual === 'number') {
    return expected === actual;
  }
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      expected.length === actual.length &&
      expected.every((item, index) => jsonEq(item, actual[index]))
    );
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return false;
    }
    const keys = Object.keys(expected);
    return (
      keys.length === Object.keys(actual).length &&
      keys.every((key) => Object.hasOwn(actual, key) && jsonEq(expected[key], actual[key]))
    );
  }
  return expected === actual;
}

/** Checks that `actual` has every field of `expected` with an equal value; an absent field counts as null. */
export function checkFields(what, expected, actual) {
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected)) {
    throw new Error(`expected ${what} must be an object`);
  }
  for (const [key, want] of Object.entries(expected)) {
    const got = actual[key] ?? null;
    if (!jsonEq(want, got)) {
      throw new Error(`${what}.${key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
  }
}

/** The decision without obligation ids, which are random and in no expectation. */
export function decisionJson(decision) {
  return {
    ...decision,
    obligations: decision.obligations.map(({ obligation_id: _id, ...rest }) => rest),
  };
}

const DECISION_KEYS = [
  'result',
  'matched_rule_id',
  'reason',
  'obligations',
  'proof_required',
  'proof_ttl_seconds',
  'trace',
];

/** Compares a decision with an expectation in the corpus shape, key by key. */
export function checkDecision(expected, decision) {
  const actual = decisionJson(decision);
  for (const key of DECISION_KEYS) {
    if (Object.hasOwn(expected, key)) {
      const got = actual[key] ?? null;
      if (!jsonEq(expected[key], got)) {
        throw new Error(
          `decision.${key}: expected ${JSON.stringify(expected[key])}, got ${JSON.stringify(got)}`,
        );
      }
    }
  }
}

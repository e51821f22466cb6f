// Type checks of the `import` entry's declarations: what must compile, and
// (with @ts-expect-error) what must not.

import openleash, {
  Policy,
  PolicyStack,
  PolicyError,
  ValueConversionError,
  canonicalJson,
  parseJson,
  validatePolicy,
  type Decision,
  type Diagnostic,
  type JsonValue,
} from 'openleash-core';

const policy = Policy.fromYaml('version: 1\ndefault: deny\nrules: []\n');
const stack: PolicyStack = new openleash.PolicyStack([policy]);
const decision: Decision = stack.evaluate({
  action_id: '3b241101-e2bb-4255-8caf-4136c566a962',
  action_type: 'purchase',
  requested_at: '2025-03-01T12:00:00Z',
  principal: { agent_id: 'a' },
  subject: { principal_id: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80' },
  payload: { amount_minor: 1 },
});
const diagnostics: Diagnostic[] = validatePolicy('version: 1\n');
const value: JsonValue = parseJson('[1]');
const text: string = canonicalJson({ a: 1 });
const ids: string[] = policy.ruleIds;
const fallback: 'allow' | 'deny' | 'passthrough' = policy.default;

try {
  Policy.fromYaml('x');
} catch (error) {
  if (error instanceof PolicyError) {
    const lines: number[] = error.diagnostics.map((entry) => entry.line);
    console.log(lines);
  } else if (error instanceof ValueConversionError) {
    const path: string = error.path;
    console.log(path);
  }
}

// @ts-expect-error: policy text must be a string
Policy.fromYaml(42);
// @ts-expect-error: an action needs its required fields
policy.evaluate({ action_type: 'purchase' });
// @ts-expect-error: now is a Date or a string
policy.evaluate(decision as never, { now: 0 });
// @ts-expect-error: a stack takes policies
new PolicyStack(['version: 1']);
// @ts-expect-error: results are the five wire spellings
const wrong: Decision['result'] = 'PERMIT';

console.log(decision, diagnostics, value, text, ids, fallback, wrong);

// The example page: verifies proof tokens and evaluates actions with
// openleash-core-wasm, entirely in the browser. Every value shown comes
// from the engine and is written with textContent, never as HTML.

import init, {
  OpenLeashError,
  Policy,
  PolicyError,
  ValueConversionError,
  generateKey,
  issueProofToken,
  parseJson,
  publicKeyInfo,
  verifyToken,
} from 'openleash-core-wasm';

const EXAMPLE_POLICY = `version: 1
default: deny
rules:
  - id: no_gift_cards
    effect: deny
    action: purchase
    when:
      match: {path: $.payload.category, op: eq, value: gift_card}
  - id: small_purchases
    effect: allow
    action: purchase
    constraints: {amount_max: 5000, currency: [EUR, USD]}
    proof: {required: true, ttl_seconds: 300}
  - id: large_purchases
    effect: allow
    action: purchase
    obligations:
      - type: HUMAN_APPROVAL
        params: {reason: over 50.00}
`;

const EXAMPLE_ACTION = {
  action_id: '3b241101-e2bb-4255-8caf-4136c566a962',
  action_type: 'purchase',
  requested_at: '2025-03-01T12:00:00.000Z',
  principal: { agent_id: 'shopper-agent' },
  subject: { principal_id: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80' },
  payload: { amount_minor: 1999, currency: 'EUR', category: 'books' },
};

const byId = (id) => document.getElementById(id);

/** Appends an element with text content (never HTML) to `parent`. */
function add(parent, tag, text, className) {
  const element = document.createElement(tag);
  if (text !== undefined) {
    element.textContent = text;
  }
  if (className !== undefined) {
    element.className = className;
  }
  parent.append(element);
  return element;
}

/** A two-column table of `[name, value]` rows; objects are shown as JSON. */
function table(parent, rows, headings) {
  const element = add(parent, 'table');
  if (headings !== undefined) {
    const head = add(element, 'tr');
    for (const heading of headings) {
      add(head, 'th', heading);
    }
  }
  for (const cells of rows) {
    const row = add(element, 'tr');
    for (const cell of cells) {
      add(row, 'td', typeof cell === 'string' ? cell : JSON.stringify(cell));
    }
  }
  return element;
}

/** Shows an engine error: its class, code and message, and any diagnostics. */
function showError(output, title, error) {
  output.className = 'result refused';
  add(output, 'h3', `${title}: ${error instanceof OpenLeashError ? error.code : error.name}`);
  add(output, 'p', error.message);
  if (error instanceof PolicyError) {
    table(
      output,
      error.diagnostics.map((diagnostic) => [`${diagnostic.line}:${diagnostic.column}`, diagnostic.code, diagnostic.path, diagnostic.message]),
      ['line:column', 'code', 'path', 'message'],
    );
  }
}

/** The key as the user pasted it: a key file object for JSON, else the trimmed text. */
function readKey(text) {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) {
    return trimmed;
  }
  try {
    return JSON.parse(trimmed);
  } catch (error) {
    throw new ValueConversionError(`the key file is not valid JSON: ${error.message}`, { code: 'JSON_SYNTAX' });
  }
}

function verify() {
  const output = byId('verify-result');
  output.replaceChildren();
  try {
    const options = { purpose: byId('purpose').value };
    const time = byId('verify-time').value.trim();
    if (time !== '') {
      options.now = time;
    }
    const hash = byId('expect-hash').value.trim();
    if (hash !== '') {
      options.expect = { action_hash: hash };
    }
    const verified = verifyToken(byId('token').value.trim(), readKey(byId('key').value), options);
    output.className = 'result valid';
    add(output, 'h3', `Valid ${verified.purpose} token`);
    table(output, [
      ['kid', verified.kid],
      ['issued_at', verified.issued_at],
      ['expires_at', verified.expires_at],
    ]);
    add(output, 'h3', 'Claims');
    table(output, Object.entries(verified.claims)).id = 'claims';
  } catch (error) {
    showError(output, 'Refused', error);
  }
}

function evaluateAction() {
  const output = byId('evaluate-result');
  output.replaceChildren();
  let policy;
  try {
    policy = Policy.fromYaml(byId('policy').value);
  } catch (error) {
    showError(output, 'Invalid policy', error);
    return;
  }
  let action;
  try {
    action = parseJson(byId('action').value);
  } catch (error) {
    showError(output, 'Invalid action JSON', error);
    return;
  }
  const decision = policy.evaluate(action);
  output.className = `result ${decision.result}`;
  add(output, 'h3', decision.result).id = 'decision-result';
  add(output, 'p', decision.reason);
  const facts = [
    ['matched_rule_id', decision.matched_rule_id ?? 'none (the default decided)'],
    ['action_hash', decision.action_hash],
    ['proof_required', String(decision.proof_required)],
    ['proof_ttl_seconds', String(decision.proof_ttl_seconds)],
    ['decided_at', decision.decided_at],
  ];
  if (decision.error !== undefined) {
    facts.unshift(['error', `${decision.error.code}: ${decision.error.message}`]);
  }
  table(output, facts);
  if (decision.obligations.length > 0) {
    add(output, 'h3', 'Obligations');
    table(output, decision.obligations.map((obligation) => [obligation.type, obligation.status, obligation.details_json]));
  }
  if (decision.trace.length > 0) {
    add(output, 'h3', 'Trace');
    const flag = (value) => (value === null ? '-' : String(value));
    table(
      output,
      decision.trace.map((entry) => [entry.rule_id, flag(entry.pattern_match), flag(entry.when_match), flag(entry.constraints_match), flag(entry.final_match)]),
      ['rule', 'pattern', 'when', 'constraints', 'match'],
    ).id = 'trace';
  }
}

/** Fills the verify form with a token issued here, by a key made here. */
function issueExample() {
  const key = generateKey({ kid: 'example-issuer' });
  const decision = Policy.fromYaml(EXAMPLE_POLICY).evaluate(EXAMPLE_ACTION);
  const { token } = issueProofToken(
    key,
    {
      decision_id: decision.decision_id,
      owner_type: 'user',
      owner_id: EXAMPLE_ACTION.subject.principal_id,
      agent_id: EXAMPLE_ACTION.principal.agent_id,
      action_type: EXAMPLE_ACTION.action_type,
      action_hash: decision.action_hash,
      matched_rule_id: decision.matched_rule_id,
    },
    { ttlSeconds: 300 },
  );
  byId('token').value = token;
  byId('key').value = publicKeyInfo(key).paserk;
  byId('verify-time').value = '';
  byId('expect-hash').value = decision.action_hash;
}

function loadExample() {
  byId('policy').value = EXAMPLE_POLICY;
  byId('action').value = JSON.stringify(EXAMPLE_ACTION, null, 2);
}

async function start() {
  const status = byId('status');
  try {
    await init();
  } catch (error) {
    status.textContent = `The engine could not be loaded: ${error.message}`;
    return;
  }
  byId('verify-form').addEventListener('submit', (event) => {
    event.preventDefault();
    verify();
  });
  byId('evaluate-form').addEventListener('submit', (event) => {
    event.preventDefault();
    evaluateAction();
  });
  byId('verify-example').addEventListener('click', issueExample);
  byId('evaluate-example').addEventListener('click', loadExample);
  for (const id of ['verify-button', 'verify-example', 'evaluate-button', 'evaluate-example']) {
    byId(id).disabled = false;
  }
  status.textContent = 'Engine ready.';
  document.body.dataset.ready = 'true';
}

start();

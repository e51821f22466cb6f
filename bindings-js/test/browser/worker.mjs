// A module worker that loads the package from the module's bytes with
// initSync, as a runtime without fetch of local files would, then verifies
// OpenLeash's cross-language token and evaluates an action.

import { Policy, actionHash, initSync, verifyToken } from '/pkg/index.js';
import { purchase } from '/repo/bindings-node/test/helpers/fixtures.mjs';

const bytes = new Uint8Array(await (await fetch('/pkg/wasm/openleash_core_wasm_bg.wasm')).arrayBuffer());
initSync({ module: bytes });

const vectors = await (await fetch('/repo/tests/conformance/openleash/openleash-testvectors.json')).json();
const verified = verifyToken(vectors.paseto_token, vectors.public_key_b64, { now: '2024-01-15T10:31:00Z' });
const decision = Policy.fromYaml('version: 1\ndefault: allow\nrules: []\n').evaluate(purchase());

postMessage({
  decisionId: verified.claims.decision_id,
  result: decision.result,
  hashMatches: decision.action_hash === actionHash(purchase()),
});

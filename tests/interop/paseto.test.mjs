// Cross-implementation checks between the openleash CLI and the npm
// `paseto` package, which OpenLeash itself uses to issue and verify tokens.
//
// OPENLEASH_BIN names the CLI binary; the test builds its own key, policy
// and action in a temporary folder.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createPublicKey, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { V4 } from 'paseto';

const bin = process.env.OPENLEASH_BIN;
assert.ok(bin, 'set OPENLEASH_BIN to the openleash binary');
const repository = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examples = join(repository, 'examples', 'purchases');

function openleash(args, options = {}) {
  return spawnSync(bin, args, { encoding: 'utf8', ...options });
}

const folder = mkdtempSync(join(tmpdir(), 'openleash-interop-'));
test.after(() => rmSync(folder, { recursive: true, force: true }));

const keyPath = join(folder, 'key.json');
execFileSync(bin, ['keygen', '--kid', 'interop-key', '--out', keyPath]);
const keyFile = JSON.parse(readFileSync(keyPath, 'utf8'));
const publicKey = createPublicKey({
  key: Buffer.from(keyFile.public_key_b64, 'base64'),
  format: 'der',
  type: 'spki',
});
const privateKey = createPrivateKey({
  key: Buffer.from(keyFile.private_key_b64, 'base64'),
  format: 'der',
  type: 'pkcs8',
});

test('a proof token the CLI issues verifies with paseto V4.verify', async () => {
  const result = openleash([
    'authorize',
    '--policy', join(examples, 'policy.yaml'),
    '--key', keyPath,
    join(examples, 'allow-small-purchase.json'),
  ]);
  assert.equal(result.status, 0, result.stderr);
  const decision = JSON.parse(result.stdout);
  assert.equal(decision.result, 'ALLOW');
  assert.match(decision.proof_token, /^v4\.public\./);

  const claims = await V4.verify(decision.proof_token, publicKey);
  assert.equal(claims.iss, 'openleash');
  assert.equal(claims.kid, 'interop-key');
  assert.equal(claims.decision_id, decision.decision_id);
  assert.equal(claims.action_hash, decision.action_hash);
  assert.equal(claims.matched_rule_id, decision.matched_rule_id);
  assert.equal(claims.exp, decision.proof_expires_at);

  // A token signed by another key is refused by paseto too.
  const other = join(folder, 'other.json');
  execFileSync(bin, ['keygen', '--kid', 'other', '--out', other]);
  const otherKey = createPublicKey({
    key: Buffer.from(JSON.parse(readFileSync(other, 'utf8')).public_key_b64, 'base64'),
    format: 'der',
    type: 'spki',
  });
  await assert.rejects(V4.verify(decision.proof_token, otherKey));
});

test('a token paseto V4.sign issues verifies with the CLI', async () => {
  const now = new Date();
  const claims = {
    iss: 'openleash',
    kid: 'interop-key',
    iat: now.toISOString(),
    exp: new Date(now.getTime() + 120_000).toISOString(),
    decision_id: '5d1c7c3e-2a47-4f6e-9a0b-0c1d2e3f4a5b',
    owner_type: 'user',
    owner_id: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80',
    agent_id: 'shopper-agent',
    action_type: 'purchase',
    action_hash: '5fed50d1afcf598480f64ca09edb042a8a09c6b33c8712e3faeeea2aa1d4297d',
    matched_rule_id: 'allow_small',
  };
  // OpenLeash signs like this: iat from the library, exp from expiresIn.
  const token = await V4.sign({ ...claims }, privateKey, { expiresIn: '120 seconds' });

  const verified = openleash([
    'verify', token, '--key', keyPath,
    '--expect-action-hash', claims.action_hash,
    '--expect-agent-id', claims.agent_id,
  ]);
  assert.equal(verified.status, 0, verified.stderr);
  const back = JSON.parse(verified.stdout);
  for (const name of ['iss', 'kid', 'decision_id', 'agent_id', 'action_hash', 'matched_rule_id']) {
    assert.equal(back[name], claims[name], name);
  }

  // One flipped character in the payload and the CLI refuses it.
  const tampered = token.slice(0, 12) + (token[12] === 'A' ? 'B' : 'A') + token.slice(13);
  const refused = openleash(['verify', tampered, '--key', keyPath]);
  assert.equal(refused.status, 1);
  assert.match(refused.stderr, /TOKEN_/);

  // paseto's approval-style purpose is not accepted as a proof.
  const approval = await V4.sign({ ...claims, purpose: 'approval' }, privateKey, { expiresIn: '120 seconds' });
  const wrong = openleash(['verify', approval, '--key', keyPath]);
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /TOKEN_WRONG_PURPOSE/);
});

test('same key, time and claims give byte-identical tokens in both', async () => {
  // Deterministic Ed25519: paseto with the clock frozen by explicit
  // claims and no automatic iat must equal what the CLI writes.
  const policy = join(folder, 'proof.yaml');
  writeFileSync(policy, [
    'version: 1',
    'default: deny',
    'rules:',
    '  - id: allow_all',
    '    effect: allow',
    '    action: "*"',
    '    proof: { required: true, ttl_seconds: 60 }',
    '',
  ].join('\n'));
  const now = '2025-03-01T12:00:00.000Z';
  const result = openleash([
    'authorize', '--policy', policy, '--key', keyPath, '--now', now,
    join(examples, 'allow-small-purchase.json'),
  ]);
  assert.equal(result.status, 0, result.stderr);
  const decision = JSON.parse(result.stdout);
  const payload = JSON.parse(Buffer.from(decision.proof_token.split('.')[2], 'base64url').subarray(0, -64).toString('utf8'));
  const again = await V4.sign(payload, privateKey, { iat: false });
  assert.equal(again, decision.proof_token);
});

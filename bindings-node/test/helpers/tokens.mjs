// Proof-token cases of the conformance corpus, the request signature and
// token of OpenLeash's cross-language vectors, and the PASERK vectors,
// through a JavaScript implementation of openleash-core: the logic of the
// Rust runner (cli/src/suite/token.rs), case for case, with the same
// deviations. Portable: the caller reads the files and loads the
// implementation, so a browser harness can run it too.

import { jsonEq } from './compare.mjs';
import { attempt, judge, newObserved } from './conformance.mjs';
import { fromHex, pkcs8Base64, spkiBase64, toBase64Url, tokenPayload } from './bytes.mjs';
import { sha256Hex } from './sha256.mjs';

/**
 * The reference's reason for a refused token, for the codes it can
 * report; other codes stand for themselves.
 */
function referenceReason(code) {
  switch (code) {
    case 'TOKEN_BAD_SIGNATURE':
    case 'TOKEN_UNKNOWN_KEY':
      return 'No matching key found or invalid signature';
    case 'TOKEN_EXPIRED':
      return 'Token expired';
    default:
      return code;
  }
}

/** A corpus key `{kid, public_key_b64, private_key_b64}` as a key file object. */
function keyFile(key, withPrivateKey) {
  const file = { kid: key.kid, public_key_b64: key.public_key_b64 };
  if (withPrivateKey) {
    file.private_key_b64 = key.private_key_b64;
  }
  return file;
}

/**
 * Runs every case of the `token` corpus file and returns `{id, kind,
 * status, detail}` per case, with `status` one of `passed`, `deviation`
 * or `failed`.
 */
export function runTokenCases(openleash, text, deviations) {
  const whole = JSON.parse(text);
  if (whole.kind !== 'token') {
    throw new Error(`expected a token corpus file, found kind ${JSON.stringify(whole.kind)}`);
  }
  return whole.cases.map((testCase) => {
    const observed = newObserved();
    observed.reference = checkToken(openleash, testCase, observed);
    return { kind: 'token', ...judge(testCase.id, observed, deviations.get(testCase.id)) };
  });
}

/** Issues the case's token and verifies it at each listed time; null when all matches the reference. */
function checkToken(openleash, testCase, observed) {
  const { expect } = testCase;
  const { ttl_seconds: ttlSeconds, ...params } = testCase.params;
  const signer = keyFile(testCase.key, true);
  const issued = attempt(
    () => openleash.issueProofToken(signer, params, { ttlSeconds, now: testCase.now }),
    openleash.TokenError,
  );
  if (expect.issue_error !== undefined) {
    return issued.error !== undefined
      ? null
      : `the reference failed to issue (${expect.issue_error}); this engine issued ${issued.value.token}`;
  }
  if (issued.error !== undefined) {
    return `issuing failed: ${issued.error.code}: ${issued.error.message}`;
  }
  const problems = [];
  const { token, claims, expires_at: expiresAt } = issued.value;
  if (tokenPayload(token) !== expect.payload_json) {
    problems.push(`signed payload: got ${tokenPayload(token)}`);
  }
  if (JSON.stringify(claims) !== expect.payload_json) {
    problems.push(`claims: got ${JSON.stringify(claims)}`);
  }
  if (token !== expect.token) {
    problems.push(`token: got ${token}`);
  }
  if (expiresAt !== expect.expires_at) {
    problems.push(`expires_at: got ${expiresAt}`);
  }

  const verified = expect.tampered_token ?? token;
  const inputs = testCase.verify ?? [];
  const outputs = expect.verify ?? [];
  if (inputs.length !== outputs.length) {
    return 'verify inputs and expectations differ in length';
  }
  const codes = [];
  for (const [index, input] of inputs.entries()) {
    const output = outputs[index];
    const keys = new openleash.KeySet((input.keys ?? [testCase.key]).map((key) => keyFile(key, false)));
    const result = attempt(() => openleash.verifyToken(verified, keys, { now: input.at }), openleash.TokenError);
    const wantValid = output.valid === true;
    if (result.error === undefined) {
      codes.push(null);
      if (!wantValid) {
        problems.push(`at ${input.at}: verified, the reference refused`);
      } else if (!jsonEq(output.claims, result.value.claims)) {
        problems.push(`at ${input.at}: claims ${JSON.stringify(result.value.claims)}`);
      }
    } else {
      codes.push(result.error.code);
      if (wantValid) {
        problems.push(`at ${input.at}: refused with ${result.error.code}: ${result.error.message}`);
      } else if (referenceReason(result.error.code) !== output.reason) {
        problems.push(`at ${input.at}: reason ${referenceReason(result.error.code)}`);
      }
    }
  }
  observed.tokenCodes = codes;
  return problems.length === 0 ? null : problems.join('; ');
}

/**
 * The request signature and the token of OpenLeash's cross-language
 * vectors: the signature verifies and is reproduced by signing the same
 * request, and the token verifies inside its window with the listed
 * claims. Returns one `{id, kind, status, detail}` per vector.
 */
export async function runTestVectorSignatures(openleash, text) {
  const whole = JSON.parse(text);
  return [
    await outcome('openleash-testvectors-request-signature', () => checkRequestSignature(openleash, whole)),
    await outcome('openleash-testvectors-paseto-token', () => checkPasetoToken(openleash, whole)),
  ];
}

async function outcome(id, check) {
  try {
    const problem = await check();
    return { id, kind: 'vectors', status: problem === null ? 'passed' : 'failed', detail: problem ?? '' };
  } catch (error) {
    return { id, kind: 'vectors', status: 'failed', detail: `${error.name}: ${error.code ?? ''} ${error.message}` };
  }
}

async function checkRequestSignature(openleash, whole) {
  const [method, path, timestamp, nonce, bodySha256] = whole.signing_input.split('\n');
  const headers = {
    'X-Agent-Id': 'test-agent',
    'X-Timestamp': timestamp,
    'X-Nonce': nonce,
    'X-Body-Sha256': bodySha256,
    'X-Signature': whole.signature_b64,
  };
  openleash.verifyRequest({
    headers,
    method,
    path,
    publicKey: whole.public_key_b64,
    now: timestamp,
    guard: new openleash.ReplayGuard(1),
  });
  // The body is the action as compact JSON in the file's key order; with
  // it, signing the same request reproduces the signature (Ed25519 is
  // deterministic).
  const body = JSON.stringify(whole.action);
  if ((await sha256Hex(body)) !== bodySha256) {
    return 'the compact JSON of the action does not hash to body_sha256';
  }
  openleash.verifyRequest({ headers, method, path, publicKey: whole.public_key_b64, body, now: timestamp });
  const key = { kid: 'test-vector', public_key_b64: whole.public_key_b64, private_key_b64: whole.private_key_b64 };
  const signed = openleash.signRequest(key, { agentId: 'test-agent', method, path, body, nonce, now: timestamp });
  if (!jsonEq(headers, signed)) {
    return `signing the same request gave ${JSON.stringify(signed)}`;
  }
  return null;
}

function checkPasetoToken(openleash, whole) {
  const claims = whole.paseto_claims;
  const keys = new openleash.KeySet([{ kid: claims.kid, public_key_b64: whole.public_key_b64 }]);
  // Inside the token's window: a minute after `iat`.
  const at = new Date(Date.parse(claims.iat) + 60_000);
  const verified = openleash.verifyToken(whole.paseto_token, keys, { now: at });
  if (!jsonEq(claims, verified.claims)) {
    return `claims: got ${JSON.stringify(verified.claims)}`;
  }
  if (verified.kid !== claims.kid || verified.purpose !== 'proof') {
    return `kid ${verified.kid}, purpose ${verified.purpose}`;
  }
  return null;
}

/**
 * The PASERK vectors (tests/vectors/paseto/k4.*.json) through
 * `publicKeyInfo` and `secretKeyPaserk`. `files` maps each file name to
 * its text. Returns one `{id, kind, status, detail}` per vector.
 *
 * A vector's key is handed over in every form the API reads: as a PASERK
 * and as OpenLeash's base64 DER. Where the API cannot reach a vector it is
 * `skipped` with the reason, after checking that the API refuses what it
 * must: no function returns a `k4.sid` id (the core's tests check them),
 * and the public key bytes of the valid `k4.public` and `k4.pid` vectors
 * are no usable Ed25519 key (the all-zero point has small order, the
 * others are not on the curve), so the API refuses them (KEY_WEAK,
 * KEY_INVALID_POINT) as every key import does.
 */
export function runPaserkVectors(openleash, files) {
  const outcomes = [];
  const record = (name, check) => {
    try {
      const problem = check();
      if (typeof problem === 'object' && problem !== null) {
        outcomes.push({ id: name, kind: 'paserk', ...problem });
      } else {
        outcomes.push({ id: name, kind: 'paserk', status: problem === null ? 'passed' : 'failed', detail: problem ?? '' });
      }
    } catch (error) {
      outcomes.push({ id: name, kind: 'paserk', status: 'failed', detail: `${error.name}: ${error.code ?? ''} ${error.message}` });
    }
  };
  const refusedAsKeyError = (body, codes) => {
    const result = attempt(body, openleash.KeyError);
    if (result.error === undefined) {
      return 'accepted a key the vector says must fail';
    }
    return codes.includes(result.error.code) ? null : `refused with ${result.error.code}, expected one of ${codes}`;
  };

  /**
   * Checks a valid public key vector: its key in both forms gives
   * `expected` (the PASERK, or the k4.pid with `field` paserk_id), or both
   * forms are refused for a key that is no usable public key.
   */
  const publicVector = (vector, field) => {
    const bytes = fromHex(vector.key);
    const forms = [`k4.public.${toBase64Url(bytes)}`, spkiBase64(bytes)];
    const results = forms.map((form) => attempt(() => openleash.publicKeyInfo(form), openleash.KeyError));
    const refusals = results.filter((result) => result.error !== undefined).map((result) => result.error.code);
    if (refusals.length === forms.length && refusals.every((code) => code === refusals[0])) {
      if (!['KEY_WEAK', 'KEY_INVALID_POINT'].includes(refusals[0])) {
        return `refused with ${refusals[0]}`;
      }
      return { status: 'skipped', detail: `the vector's key is no usable Ed25519 public key: refused with ${refusals[0]}` };
    }
    if (refusals.length > 0) {
      return `the two forms of the key disagree: ${JSON.stringify(refusals)}`;
    }
    for (const { value } of results) {
      if (value[field] !== vector.paserk || value.public_key_b64 !== spkiBase64(bytes)) {
        return `publicKeyInfo gave ${JSON.stringify(value)}`;
      }
    }
    return null;
  };

  for (const vector of JSON.parse(files['k4.public.json']).tests) {
    record(vector.name, () => {
      if (vector['expect-fail']) {
        const paserk = `k4.public.${toBase64Url(fromHex(vector.key))}`;
        return refusedAsKeyError(() => openleash.publicKeyInfo(paserk), ['KEY_WRONG_LENGTH']);
      }
      return publicVector(vector, 'paserk');
    });
  }

  for (const vector of JSON.parse(files['k4.pid.json']).tests) {
    record(vector.name, () => {
      if (vector['expect-fail']) {
        const paserk = `k4.public.${toBase64Url(fromHex(vector.key))}`;
        return refusedAsKeyError(() => openleash.publicKeyInfo(paserk), ['KEY_WRONG_LENGTH']);
      }
      return publicVector(vector, 'paserk_id');
    });
  }

  for (const vector of JSON.parse(files['k4.secret.json']).tests) {
    record(vector.name, () => {
      const bytes = fromHex(vector.key);
      const paserk = `k4.secret.${toBase64Url(bytes)}`;
      if (vector['expect-fail']) {
        return refusedAsKeyError(() => openleash.secretKeyPaserk(paserk), ['KEY_WRONG_LENGTH']);
      }
      const seed = fromHex(vector['secret-key-seed']);
      const publicKey = fromHex(vector['public-key']);
      const file = { kid: vector.name, public_key_b64: spkiBase64(publicKey), private_key_b64: pkcs8Base64(seed) };
      if (openleash.secretKeyPaserk(file) !== vector.paserk) {
        return `secretKeyPaserk(key file) is ${openleash.secretKeyPaserk(file)}`;
      }
      if (openleash.secretKeyPaserk(vector.paserk) !== vector.paserk) {
        return 'secretKeyPaserk(PASERK) does not give the PASERK back';
      }
      const info = openleash.publicKeyInfo(vector.paserk);
      return info.public_key_b64 === file.public_key_b64 ? null : `publicKeyInfo(k4.secret) is ${JSON.stringify(info)}`;
    });
  }

  for (const vector of JSON.parse(files['k4.sid.json']).tests) {
    record(vector.name, () => {
      const paserk = `k4.secret.${toBase64Url(fromHex(vector.key))}`;
      if (vector['expect-fail']) {
        return refusedAsKeyError(() => openleash.secretKeyPaserk(paserk), ['KEY_WRONG_LENGTH']);
      }
      if (openleash.secretKeyPaserk(paserk) !== paserk) {
        return 'the key does not read back as the same k4.secret PASERK';
      }
      return { status: 'skipped', detail: 'the key reads back, but no function returns its k4.sid id; the core tests check them' };
    });
  }
  return outcomes;
}

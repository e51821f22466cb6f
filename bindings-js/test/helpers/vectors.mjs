// The official PASETO v4 vectors and Wycheproof's Ed25519 vectors through
// the module's test functions (testingPasetoSign, testingPasetoVerify,
// testingEd25519Verify): the vectors' tokens are not OpenLeash tokens, so
// the public API cannot reach them. The same checks as the core's
// tests/crypto_vectors.rs. Portable: the caller reads the files and passes
// the generated module, so the browser test runs them too.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function fromHex(text) {
  const bytes = new Uint8Array(text.length / 2);
  for (let index = 0; index < bytes.length; index += 1) {
    bytes[index] = Number.parseInt(text.slice(index * 2, index * 2 + 2), 16);
  }
  return bytes;
}

/** Returns true when `body` throws the module's error for a refused token or key. */
function refuses(body) {
  try {
    body();
    return false;
  } catch (error) {
    if (typeof error !== 'string') {
      throw error;
    }
    return true;
  }
}

/**
 * Runs tests/vectors/paseto/v4.json: every `4-S-*` vector signs to its
 * token and verifies to its payload, every `v4.local` vector is refused as
 * unsupported (this engine has no local tokens), and every vector that must
 * fail is refused with and without its footer. Returns
 * `{signed, refused, failures}`.
 */
export function runPasetoVectors(module, text) {
  const failures = [];
  let signed = 0;
  let refused = 0;
  let anyPublicKey;
  const { tests } = JSON.parse(text);
  for (const vector of tests.filter((entry) => !entry['expect-fail'])) {
    const footer = encoder.encode(vector.footer);
    const assertion = encoder.encode(vector['implicit-assertion']);
    if (!vector.name.startsWith('4-S-')) {
      const zeroPublic = fromHex('3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29');
      if (refuses(() => module.testingPasetoVerify(vector.token, zeroPublic, undefined, assertion))) {
        refused += 1;
      } else {
        failures.push(`${vector.name}: a v4.local token was accepted`);
      }
      continue;
    }
    const publicKey = fromHex(vector['public-key']);
    const token = module.testingPasetoSign(fromHex(vector['secret-key-seed']), encoder.encode(vector.payload), footer, assertion);
    if (token !== vector.token) {
      failures.push(`${vector.name}: signed ${token}`);
    }
    const payload = decoder.decode(module.testingPasetoVerify(vector.token, publicKey, footer, assertion));
    if (payload !== vector.payload) {
      failures.push(`${vector.name}: verified to ${payload}`);
    }
    anyPublicKey = publicKey;
    signed += 1;
  }
  for (const vector of tests.filter((entry) => entry['expect-fail'])) {
    const publicKey = vector['public-key'] === undefined ? anyPublicKey : fromHex(vector['public-key']);
    const footer = vector.footer === undefined ? undefined : encoder.encode(vector.footer);
    const assertion = encoder.encode(vector['implicit-assertion'] ?? '');
    const withFooter = refuses(() => module.testingPasetoVerify(vector.token, publicKey, footer, assertion));
    const withoutFooter = refuses(() => module.testingPasetoVerify(vector.token, publicKey, undefined, assertion));
    if (withFooter && withoutFooter) {
      refused += 1;
    } else {
      failures.push(`${vector.name}: a vector that must fail verified`);
    }
  }
  return { signed, refused, failures };
}

/**
 * Runs tests/vectors/wycheproof/ed25519_test.json: every case's signature
 * verifies exactly when its result is `valid`. Returns `{checked, total,
 * failures}`.
 */
export function runWycheproof(module, text) {
  const file = JSON.parse(text);
  const failures = [];
  let checked = 0;
  for (const group of file.testGroups) {
    const publicKey = fromHex(group.publicKey.pk);
    for (const vector of group.tests) {
      const verified = module.testingEd25519Verify(publicKey, fromHex(vector.msg), fromHex(vector.sig));
      if (verified !== (vector.result === 'valid')) {
        failures.push(`tcId ${vector.tcId} (${vector.comment}): verified ${verified}, expected ${vector.result}`);
      }
      checked += 1;
    }
  }
  return { checked, total: file.numberOfTests, failures };
}

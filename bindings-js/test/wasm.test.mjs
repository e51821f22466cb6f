// What only the WebAssembly package has, tested in Node.js against the
// installed package: loading the module (the browser entry with `init`
// and `initSync`), traps, the official PASETO and Wycheproof vectors
// through the module's test functions, the package's files, and argument
// checks of its JavaScript layer. The shared suite in bindings-node/test
// covers the API itself.
//
// Environment: OPENLEASH_MODULE (the package's node.js; default: the
// installed openleash-core-wasm) and OPENLEASH_REPO_ROOT (default: two
// folders above this one).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { runPasetoVectors, runWycheproof } from './helpers/vectors.mjs';

const entry = process.env.OPENLEASH_MODULE ?? fileURLToPath(import.meta.resolve('openleash-core-wasm'));
const packageDir = dirname(entry);
const repoRoot = process.env.OPENLEASH_REPO_ROOT ?? fileURLToPath(new URL('../../', import.meta.url));
const fileUrl = (relative) => pathToFileURL(join(packageDir, relative)).href;

const openleash = await import(pathToFileURL(entry).href);
const { module } = await import(fileUrl('lib/engine.js'));
const repoText = (relative) => readFileSync(join(repoRoot, relative), 'utf8');

/** Runs an ES module script in a new Node process; returns `{status, stdout, stderr}`. */
function runScript(source) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8' });
}

/** The error `body` throws. */
function thrown(body) {
  try {
    body();
  } catch (error) {
    return error;
  }
  throw new Error('expected an exception, none was thrown');
}

const KEY = {
  kid: 'k1',
  public_key_b64: 'MCowBQYDK2VwAyEAO2onvM62pC1io6jQKm8Nc2UyFXcd4kOmOsBIoYtZ2ik=',
  private_key_b64: 'MC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
};

describe('vectors', () => {
  test('PASETO v4: 3 signed and verified, 14 refused', () => {
    const result = runPasetoVectors(module, repoText('tests/vectors/paseto/v4.json'));
    assert.deepEqual(result.failures, []);
    assert.equal(result.signed, 3);
    assert.equal(result.refused, 14);
  });

  test('Wycheproof Ed25519: every case', () => {
    const result = runWycheproof(module, repoText('tests/vectors/wycheproof/ed25519_test.json'));
    assert.deepEqual(result.failures, []);
    assert.equal(result.checked, 151);
    assert.equal(result.checked, result.total);
  });
});

describe('loading the module', () => {
  const indexUrl = JSON.stringify(fileUrl('index.js'));
  const wasmPath = JSON.stringify(join(packageDir, 'wasm/openleash_core_wasm_bg.wasm'));

  test('the browser entry refuses calls before init', () => {
    const child = runScript(`
      const openleash = await import(${indexUrl});
      try { openleash.Policy.fromYaml('version: 1'); } catch (error) {
        console.log(JSON.stringify([error instanceof openleash.OpenLeashError, error.code]));
      }
      console.log(typeof openleash.Policy.fromFile);
    `);
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout, '[true,"ENGINE_NOT_INITIALIZED"]\nundefined\n');
  });

  for (const [name, source] of [
    ['initSync from a Uint8Array', 'openleash.initSync({ module: new Uint8Array(bytes) })'],
    ['initSync from a WebAssembly.Module', 'openleash.initSync({ module: new WebAssembly.Module(bytes) })'],
    ['init from bytes', 'await openleash.init(bytes)'],
    ['init from a compiled module', 'await openleash.init(await WebAssembly.compile(bytes))'],
    ['two concurrent inits', 'await Promise.all([openleash.default(bytes), openleash.init(bytes)])'],
  ]) {
    test(`${name} loads the module once`, () => {
      const child = runScript(`
        import { readFileSync } from 'node:fs';
        const openleash = await import(${indexUrl});
        const bytes = readFileSync(${wasmPath});
        ${source};
        openleash.initSync({ module: new Uint8Array(0) });
        await openleash.init('never fetched');
        const policy = openleash.Policy.fromYaml('version: 1\\ndefault: allow\\nrules: []\\n');
        console.log(policy.default);
      `);
      assert.equal(child.status, 0, child.stderr);
      assert.equal(child.stdout, 'allow\n');
    });
  }

  test('initSync needs {module}', () => {
    const child = runScript(`
      const openleash = await import(${indexUrl});
      try { openleash.initSync(new Uint8Array(8)); } catch (error) { console.log(error.name, error.code); }
    `);
    assert.equal(child.stdout, 'TypeError ERR_INVALID_ARG_TYPE\n');
  });

  test('the Node entry is ready at once and its init does nothing', async () => {
    await openleash.init();
    openleash.initSync({ module: new Uint8Array(0) });
    assert.equal(typeof openleash.Policy.fromFile, 'function');
    assert.equal(await openleash.default(), undefined);
  });

  test('the limits equal the module limits', () => {
    assert.equal(openleash.MAX_JSON_DEPTH, module.maxJsonDepth());
    assert.equal(openleash.MAX_JSON_BYTES, module.maxJsonBytes());
  });
});

describe('traps', () => {
  test('a panic becomes INTERNAL_ERROR and stops the instance', () => {
    const child = runScript(`
      const openleash = await import(${JSON.stringify(pathToFileURL(entry).href)});
      const { callEngine, module } = await import(${JSON.stringify(fileUrl('lib/engine.js'))});
      const policy = openleash.Policy.fromYaml('version: 1\\ndefault: allow\\nrules: []\\n');
      for (const body of [() => callEngine(() => module.testingPanic()), () => openleash.Policy.fromYaml('version: 1'), () => policy.evaluate({})]) {
        try { body(); } catch (error) {
          console.log(JSON.stringify([error instanceof openleash.OpenLeashError, error.code, error.cause instanceof WebAssembly.RuntimeError]));
        }
      }
      console.log('still running');
    `);
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout, '[true,"INTERNAL_ERROR",true]\n'.repeat(3) + 'still running\n');
    assert.match(child.stderr, /openleash-core-wasm: internal error: .*deliberate panic/s);
  });
});

describe('package files', () => {
  test('the .wasm file is exported for bundlers', () => {
    const resolved = fileURLToPath(import.meta.resolve('openleash-core-wasm/openleash_core_wasm_bg.wasm'));
    assert.equal(resolved, join(packageDir, 'wasm/openleash_core_wasm_bg.wasm'));
    const bytes = readFileSync(resolved);
    assert.ok(WebAssembly.validate(bytes));
  });

  test('the package is an ES module with no install scripts', () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    assert.equal(manifest.type, 'module');
    assert.equal(manifest.scripts?.install, undefined);
    assert.equal(manifest.scripts?.postinstall, undefined);
  });
});

describe('arguments', () => {
  const { Authorizer, KeySet, Policy, ReplayGuard } = openleash;
  const policy = Policy.fromYaml('version: 1\ndefault: allow\nrules: []\n');
  const typeError = (body) => {
    const error = thrown(body);
    assert.ok(error instanceof TypeError, `expected TypeError, got ${error}`);
    assert.equal(error.code, 'ERR_INVALID_ARG_TYPE');
  };

  test('keys must be key file objects or strings', () => {
    // As in the Node package: the core refuses other values as key files.
    for (const key of [42, null, ['k']]) {
      assert.throws(() => openleash.publicKeyInfo(key), { name: 'KeyError', code: 'KEY_INVALID_FILE' });
    }
    assert.throws(() => openleash.publicKeyInfo(undefined), { name: 'ValueConversionError' });
    assert.throws(() => new KeySet('k'), TypeError);
    assert.throws(() => new KeySet([KEY, 7]), { name: 'KeyError', code: 'KEY_INVALID_FILE' });
  });

  test('a lifetime is required to issue', () => {
    typeError(() => openleash.issueProofToken(KEY, {}, {}));
    typeError(() => openleash.issueProofToken(KEY, {}, { ttlSeconds: '60' }));
  });

  test('verifyToken checks its argument types', () => {
    typeError(() => openleash.verifyToken(42, KEY));
    typeError(() => openleash.verifyToken('v4.public.x', KEY, { now: 0 }));
    typeError(() => openleash.verifyToken('v4.public.x', KEY, { leewaySeconds: '1' }));
    typeError(() => openleash.verifyToken('v4.public.x', KEY, { footer: 5 }));
  });

  test('a lone surrogate in a token is VALUE_LONE_SURROGATE', () => {
    const error = thrown(() => openleash.verifyToken('v4.public.\ud800', KEY));
    assert.ok(error instanceof openleash.ValueConversionError);
    assert.equal(error.code, 'VALUE_LONE_SURROGATE');
  });

  test('request signing and verification check their argument types', () => {
    typeError(() => openleash.signRequest(KEY, { method: 'GET', path: '/' }));
    typeError(() => openleash.signRequest(KEY, { agentId: 'a', method: 'GET', path: '/', body: 5 }));
    const headers = openleash.signRequest(KEY, { agentId: 'a', method: 'GET', path: '/' });
    typeError(() => openleash.verifyRequest({ headers, method: 'GET', path: '/', publicKey: KEY, guard: {} }));
    typeError(() => openleash.verifyRequest({ headers: 'x', method: 'GET', path: '/', publicKey: KEY }));
    typeError(() => openleash.verifyRequest({ headers, method: 'GET', path: '/', publicKey: KEY, maxSkewSeconds: '5' }));
  });

  test('ReplayGuard capacity is a non-negative integer', () => {
    typeError(() => new ReplayGuard('10'));
    for (const capacity of [-1, 1.5, 2 ** 32, Number.NaN]) {
      const error = thrown(() => new ReplayGuard(capacity));
      assert.ok(error instanceof RangeError);
      assert.equal(error.code, 'ERR_OUT_OF_RANGE');
    }
    const guard = new ReplayGuard(3);
    assert.equal(guard.capacity, 3);
    assert.equal(guard.size, 0);
    assert.equal(new ReplayGuard().capacity, 100_000);
  });

  test('Authorizer takes a Policy or a PolicyStack', () => {
    typeError(() => new Authorizer('version: 1', KEY));
    typeError(() => new Authorizer(policy, KEY, { maxTtlSeconds: '60' }));
  });

  test('verifyRequest reads fetch Headers and counts nonces', () => {
    const guard = new ReplayGuard();
    const signed = openleash.signRequest(KEY, { agentId: 'a', method: 'POST', path: '/v1/x', body: 'b' });
    const headers = new Headers(signed);
    openleash.verifyRequest({ headers, method: 'POST', path: '/v1/x', publicKey: KEY, body: 'b', guard });
    assert.equal(guard.size, 1);
  });

  test('a revocation time may be given alone', () => {
    const set = new KeySet([KEY]);
    set.revoke('k1', new Date(0));
    set.revoke('k1', '1970-01-01T00:00:00Z');
    typeError(() => set.revoke('k1', { at: 0 }));
  });
});

describe('limits', () => {
  test('the regex work budget bounds a decision in time', () => {
    // The slowest pattern the core's budget comment names. Bisection finds
    // the longest subject whose search stays within MAX_REGEX_WORK (longer
    // ones are refused before searching), then times that decision.
    const policy = openleash.Policy.fromYaml(
      'version: 1\ndefault: deny\nrules:\n  - id: r\n    effect: allow\n    action: purchase\n    when:\n      match: {path: "$.payload.text", op: regex, value: "(?:a{1,99}){1,99}x"}\n',
    );
    const decide = (length) =>
      policy.evaluate({
        action_id: '3b241101-e2bb-4255-8caf-4136c566a962',
        action_type: 'purchase',
        requested_at: '2025-03-01T12:00:00Z',
        principal: { agent_id: 'a' },
        subject: { principal_id: '9c5b94b1-35ad-49bb-b118-8e8fc24abf80' },
        payload: { text: 'a'.repeat(length) },
      });
    const refused = (length) => decide(length).error?.code === 'EVALUATION_BUDGET_EXCEEDED';
    assert.ok(!refused(1));
    let within = 1;
    let beyond = 2;
    while (!refused(beyond)) {
      within = beyond;
      beyond *= 2;
    }
    while (beyond - within > 1) {
      const middle = Math.floor((within + beyond) / 2);
      if (refused(middle)) {
        beyond = middle;
      } else {
        within = middle;
      }
    }
    const started = performance.now();
    const decision = decide(within);
    const elapsed = performance.now() - started;
    assert.equal(decision.result, 'DENY');
    assert.equal(decision.error, undefined);
    assert.ok(elapsed < 5000, `a decision took ${elapsed.toFixed(0)} ms`);
    console.log(`# regex budget: a ${within}-character subject took ${elapsed.toFixed(0)} ms`);
  });
});

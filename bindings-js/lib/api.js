// The API of openleash-core-wasm: the same classes and functions as the
// Node package openleash-core, over the WebAssembly module. Everything
// here converts values and checks argument types: the rules are the
// core's.

import { ConversionFailure, decisionFromParts, toJsonBytes, toJsonText } from './convert.js';
import { MAX_JSON_BYTES, MAX_JSON_DEPTH, callEngine as call, module } from './engine.js';
import { ValueConversionError, invalidArgument, outOfRange } from './errors.js';

export { MAX_JSON_BYTES, MAX_JSON_DEPTH };

/** Guards the constructors of classes that only the package creates. */
const INTERNAL = Symbol('openleash-core-wasm internal');

const textEncoder = new TextEncoder();

// ---------------------------------------------------------------------------
// Arguments

/**
 * Checks a string argument and returns it. Throws TypeError for another
 * type, and ValueConversionError (VALUE_LONE_SURROGATE) for a lone UTF-16
 * surrogate, which UTF-8 cannot hold (the module would otherwise receive
 * U+FFFD in its place, silently changing the text).
 */
function stringArgument(value, name) {
  if (typeof value !== 'string') {
    throw invalidArgument(`${name} must be a string`);
  }
  if (!isWellFormed(value)) {
    throw new ValueConversionError(
      `${name} has a lone UTF-16 surrogate at index ${loneSurrogatePosition(value)}, which UTF-8 cannot hold`,
      { code: 'VALUE_LONE_SURROGATE', path: '' },
    );
  }
  return value;
}

function optionalString(value, name) {
  return value === undefined || value === null ? undefined : stringArgument(value, name);
}

const isWellFormed =
  typeof String.prototype.isWellFormed === 'function'
    ? (text) => text.isWellFormed()
    : (text) => loneSurrogatePosition(text) === -1;

/** Returns the index of the first lone surrogate, or -1. */
function loneSurrogatePosition(text) {
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        index += 1;
        continue;
      }
      return index;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) {
      return index;
    }
  }
  return -1;
}

/** Returns an options argument, with `{}` for undefined or null. */
function optionsArgument(options, name = 'options') {
  if (options === undefined || options === null) {
    return {};
  }
  if (typeof options !== 'object') {
    throw invalidArgument(`${name} must be an object`);
  }
  return options;
}

function isDate(value) {
  try {
    Date.prototype.getTime.call(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Converts a time argument to what the module takes: milliseconds since
 * the Unix epoch and, for a string, the RFC 3339 text (which the core
 * parses strictly). Undefined is `Date.now()`.
 */
function clock(value, name) {
  if (value === undefined) {
    return [Date.now(), undefined];
  }
  if (typeof value === 'string') {
    return [0, stringArgument(value, name)];
  }
  if (isDate(value)) {
    return [Date.prototype.getTime.call(value), undefined];
  }
  throw invalidArgument(`${name} must be a Date or an RFC 3339 string`);
}

function optionalNumber(value, name) {
  if (value !== undefined && typeof value !== 'number') {
    throw invalidArgument(`${name} must be a number`);
  }
  return value;
}

/** Converts a value to JSON text, or throws ValueConversionError. */
function jsonTextOf(value) {
  return converted(value, toJsonText);
}

/**
 * Converts a value to UTF-8 JSON with keys in canonical order (a view of
 * the converter's buffer), or throws ValueConversionError.
 */
function canonicalBytesOf(value) {
  const { bytes, length } = converted(value, toJsonBytes, true);
  return bytes.subarray(0, length);
}

/**
 * Converts a value with `convert` (toJsonBytes or toJsonText), or throws
 * ValueConversionError. `canonicalOrder` is toJsonBytes's.
 */
function converted(value, convert, canonicalOrder = false) {
  try {
    return convert(value, MAX_JSON_DEPTH, MAX_JSON_BYTES, canonicalOrder);
  } catch (problem) {
    if (!(problem instanceof ConversionFailure)) {
      throw problem;
    }
    throw new ValueConversionError(problem.message, {
      code: problem.code,
      path: problem.pathText,
      cause: problem.cause,
    });
  }
}

/** Throws TypeError unless `value` can be a key: a key file object or a string. */
function checkKeyType(value, name) {
  // Other values go on to the core, which refuses them with KEY_INVALID_FILE
  // as the Node package does.
  if (typeof value === 'string') {
    stringArgument(value, name);
  }
}

/** Converts a key argument (key file object, base64 public key or PASERK) to JSON text. */
function keyJson(value, name) {
  checkKeyType(value, name);
  return jsonTextOf(value);
}

/** Bytes for a request body or token footer: a string (as UTF-8) or binary data. */
function bytesArgument(value, name) {
  if (typeof value === 'string') {
    return textEncoder.encode(stringArgument(value, name));
  }
  if (value instanceof Uint8Array) {
    return value;
  }
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  if (value instanceof ArrayBuffer) {
    return new Uint8Array(value);
  }
  throw invalidArgument(`${name} must be a string, a Uint8Array (or Buffer) or an ArrayBuffer`);
}

// ---------------------------------------------------------------------------
// Policies and decisions

/**
 * Evaluates through `evaluateParts(bytes, millis, nowText, ttl)`, which
 * takes the action's UTF-8 JSON. A value with no JSON form gets the core's
 * DENY decision for unreadable actions instead.
 */
function decide(action, options, ruleIds, evaluateParts) {
  const { now, defaultProofTtlSeconds } = optionsArgument(options);
  const [millis, nowText] = clock(now, 'options.now');
  if (defaultProofTtlSeconds !== undefined && typeof defaultProofTtlSeconds !== 'number') {
    throw invalidArgument('options.defaultProofTtlSeconds must be a number of seconds');
  }
  let bytes;
  let failure;
  try {
    const json = toJsonBytes(action, MAX_JSON_DEPTH, MAX_JSON_BYTES, true);
    bytes = json.bytes.subarray(0, json.length);
  } catch (problem) {
    if (!(problem instanceof ConversionFailure)) {
      throw problem;
    }
    failure = problem;
  }
  const parts = call(() =>
    failure === undefined
      ? evaluateParts(bytes, millis, nowText, defaultProofTtlSeconds)
      : module.unreadableActionDecision(failure.code, failure.message, millis, nowText, defaultProofTtlSeconds),
  );
  return decisionFromParts(parts, ruleIds);
}

// Accessors of the classes' private fields, set by their static blocks, for
// the rest of this module.
let policyHandle;
let policyRuleIds;
let isPolicy;
let stackHandle;
let stackRuleIds;
let isStack;
let keySetHandle;
let isKeySet;
let guardHandle;
let isGuard;

/**
 * A validated, compiled policy document. Immutable: load it once and
 * evaluate any number of actions against it.
 */
export class Policy {
  #handle;
  #ruleIds;
  #default;

  constructor(internal, handle) {
    if (internal !== INTERNAL) {
      throw new TypeError('Policy cannot be constructed directly; use Policy.fromYaml');
    }
    this.#handle = handle;
    this.#ruleIds = handle.ruleIds();
    this.#default = handle.defaultEffect();
  }

  /** Parses, validates and compiles a YAML policy; throws PolicyError. */
  static fromYaml(text) {
    stringArgument(text, 'text');
    return call(() => new Policy(INTERNAL, module.PolicyHandle.fromYaml(text)));
  }

  /** Rule ids in document order. */
  get ruleIds() {
    return [...this.#ruleIds];
  }

  /** The document's `default`: `allow`, `deny` or `passthrough`. */
  get default() {
    return this.#default;
  }

  /** Problems that do not stop the policy from loading, such as duplicate rule ids. */
  get warnings() {
    return JSON.parse(call(() => this.#handle.warningsJson()));
  }

  /** The document as parsed, as plain data. A new object on each read. */
  get document() {
    return JSON.parse(call(() => this.#handle.documentJson()));
  }

  /** Evaluates an action against this policy alone (a `passthrough` default denies). */
  evaluate(action, options) {
    return decide(action, options, this.#ruleIds, (bytes, millis, nowText, ttl) =>
      this.#handle.evaluate(bytes, millis, nowText, ttl),
    );
  }

  static {
    policyHandle = (policy) => policy.#handle;
    policyRuleIds = (policy) => policy.#ruleIds;
    isPolicy = (value) => value !== null && typeof value === 'object' && #handle in value;
  }
}

/** Compiles the stack of `layers`, most specific first. */
function stackOf(layers) {
  const builder = new module.StackBuilder();
  try {
    for (const layer of layers) {
      builder.push(policyHandle(layer));
    }
    return builder.build();
  } finally {
    builder.free();
  }
}

/** Several policies applied together, most specific first. */
export class PolicyStack {
  #handle;
  #layers;
  #ruleIds;

  /** Layers `policies`, most specific first. Throws TypeError when `policies` is not an array of Policy. */
  constructor(policies) {
    if (!Array.isArray(policies)) {
      throw invalidArgument('policies must be an array of Policy');
    }
    const layers = [];
    for (let index = 0; index < policies.length; index += 1) {
      const policy = policies[index];
      if (!isPolicy(policy)) {
        throw invalidArgument(`policies[${index}] must be a Policy`);
      }
      layers.push(policy);
    }
    this.#handle = call(() => stackOf(layers));
    this.#layers = layers;
    this.#ruleIds = layers.flatMap((layer) => policyRuleIds(layer));
  }

  /** The layers, most specific first. */
  get layers() {
    return [...this.#layers];
  }

  /** The rule ids of all layers, in evaluation order. */
  get ruleIds() {
    return [...this.#ruleIds];
  }

  /** The merged default. */
  get default() {
    return call(() => this.#handle.defaultEffect());
  }

  /** The merged policy as plain data. A new object on each read. */
  get document() {
    return JSON.parse(call(() => this.#handle.documentJson()));
  }

  /** Evaluates an action against the stack. */
  evaluate(action, options) {
    return decide(action, options, this.#ruleIds, (bytes, millis, nowText, ttl) =>
      this.#handle.evaluate(bytes, millis, nowText, ttl),
    );
  }

  /** The stack of the bound policies that apply to an agent (see `orderBindings`). */
  static forAgent(bindings, policies, agentPrincipalId, groupIds) {
    return stackForAgent(bindings, policies, agentPrincipalId, groupIds);
  }

  static {
    stackHandle = (stack) => stack.#handle;
    stackRuleIds = (stack) => stack.#ruleIds;
    isStack = (value) => value !== null && typeof value === 'object' && #handle in value;
  }
}

/** Evaluates as `target.evaluate(action, options)` does; throws TypeError when `target` is neither a Policy nor a PolicyStack. */
export function evaluate(target, action, options) {
  if (isPolicy(target)) {
    return Policy.prototype.evaluate.call(target, action, options);
  }
  if (isStack(target)) {
    return PolicyStack.prototype.evaluate.call(target, action, options);
  }
  throw invalidArgument('target must be a Policy or a PolicyStack');
}

/**
 * Checks the group ids argument of the binding functions and returns a
 * copy, so that what is checked is what is sent.
 */
function groupIdsOf(agentPrincipalId, groupIds) {
  stringArgument(agentPrincipalId, 'agentPrincipalId');
  if (groupIds === undefined) {
    return [];
  }
  const groups = Array.isArray(groupIds) ? Array.prototype.slice.call(groupIds) : undefined;
  if (groups === undefined || !groups.every((id) => typeof id === 'string')) {
    throw invalidArgument('groupIds must be an array of strings');
  }
  return groups;
}

/** Copies an array of records, so that each record is read once; returns anything else as it is. */
function recordsOf(bindings) {
  return Array.isArray(bindings) ? Array.prototype.slice.call(bindings) : bindings;
}

/**
 * Orders OpenLeash policy binding records for an agent, most specific
 * first, and returns the given records. Throws PolicyError
 * (BINDING_INVALID) for a malformed record.
 */
export function orderBindings(bindings, agentPrincipalId, groupIds) {
  const groups = groupIdsOf(agentPrincipalId, groupIds);
  const records = recordsOf(bindings);
  const text = jsonTextOf(records);
  const groupsText = jsonTextOf(groups);
  const positions = JSON.parse(call(() => module.orderBindings(text, agentPrincipalId, groupsText, 'null')));
  return positions.map((position) => records[position]);
}

/**
 * Builds the stack of the bound policies that apply to an agent; `policies` maps
 * policy ids to Policy (an object or a Map). Throws PolicyError
 * (BINDING_INVALID, BINDING_UNKNOWN_POLICY) and TypeError.
 */
function stackForAgent(bindings, policies, agentPrincipalId, groupIds) {
  const groups = groupIdsOf(agentPrincipalId, groupIds);
  let entries;
  if (policies instanceof Map) {
    entries = [...policies.entries()].filter(([id]) => typeof id === 'string');
  } else if (policies !== null && typeof policies === 'object') {
    entries = Object.entries(policies);
  } else {
    throw invalidArgument('policies must be an object or a Map from policy id to Policy');
  }
  for (const [id, policy] of entries) {
    if (!isPolicy(policy)) {
      throw invalidArgument(`policies[${JSON.stringify(id)}] must be a Policy`);
    }
  }
  const text = jsonTextOf(recordsOf(bindings));
  const groupsText = jsonTextOf(groups);
  const idsText = jsonTextOf(entries.map(([id]) => id));
  const layers = JSON.parse(call(() => module.orderBindings(text, agentPrincipalId, groupsText, idsText)));
  return new PolicyStack(layers.map((position) => entries[position][1]));
}

/** Returns every problem that stops a policy from loading; empty for a valid policy. */
export function validatePolicy(text) {
  stringArgument(text, 'text');
  return JSON.parse(call(() => module.validatePolicy(text)));
}

/** RFC 8785 canonical JSON of a value. */
export function canonicalJson(value) {
  const bytes = canonicalBytesOf(value);
  return call(() => module.canonicalJson(bytes));
}

/** Validates and normalizes an action, then returns its action hash; throws ActionError. */
export function actionHash(action) {
  const bytes = canonicalBytesOf(action);
  return call(() => module.actionHash(bytes));
}

/** Parses JSON text with the engine's strict parser. */
export function parseJson(text) {
  stringArgument(text, 'text');
  return JSON.parse(call(() => module.parseJson(text)));
}

/** Loads a policy from the bytes of a YAML file (the Node entry's Policy.fromFile). */
export function policyFromYamlBytes(bytes) {
  return call(() => new Policy(INTERNAL, module.PolicyHandle.fromYamlBytes(bytes)));
}

// ---------------------------------------------------------------------------
// Keys

/** Generates an Ed25519 signing key and returns its OpenLeash key file object. */
export function generateKey(options) {
  const { kid, now } = optionsArgument(options);
  const id = optionalString(kid, 'options.kid');
  const [millis, nowText] = clock(now, 'options.now');
  return JSON.parse(call(() => module.generateKey(id, millis, nowText)));
}

/** `{public_key_b64, paserk, paserk_id}` of a key file object, base64 public key or PASERK. */
export function publicKeyInfo(key) {
  const text = keyJson(key, 'key');
  return JSON.parse(call(() => module.publicKeyInfo(text)));
}

/** Returns the `k4.secret.` PASERK of a key with a private key. */
export function secretKeyPaserk(keyFile) {
  const text = keyJson(keyFile, 'keyFile');
  return call(() => module.secretKeyPaserk(text));
}

/** Keys by id: the active key signs, every key verifies until it is revoked. */
export class KeySet {
  #handle;

  /** Reads `keys` (key file objects, base64 public keys or PASERKs) into a set; none is active. */
  constructor(keys = []) {
    if (!Array.isArray(keys)) {
      throw invalidArgument('keys must be an array of keys');
    }
    keys.forEach((key, index) => checkKeyType(key, `keys[${index}]`));
    const text = jsonTextOf(keys);
    this.#handle = call(() => new module.KeySetHandle(text));
  }

  /** Adds a key. */
  add(key) {
    const text = keyJson(key, 'key');
    call(() => this.#handle.add(text));
  }

  /** Makes the key `kid` the one that signs. */
  setActive(kid) {
    stringArgument(kid, 'kid');
    call(() => this.#handle.setActive(kid));
  }

  /** Adds a signing key and makes it active. */
  rotate(keyFile) {
    const text = keyJson(keyFile, 'keyFile');
    call(() => this.#handle.rotate(text));
  }

  /** Revokes the key `kid` from `options.at` (a Date or RFC 3339 string; default now) on. */
  revoke(kid, options) {
    stringArgument(kid, 'kid');
    const at = typeof options === 'string' || isDate(options) ? options : optionsArgument(options).at;
    const [millis, atText] = clock(at, 'options.at');
    call(() => this.#handle.revoke(kid, millis, atText));
  }

  /** The id of the key that signs, or null. */
  get activeKid() {
    return call(() => this.#handle.activeKid()) ?? null;
  }

  /** The key ids, in the order the keys were added. */
  get kids() {
    return call(() => this.#handle.kids());
  }

  static {
    keySetHandle = (set) => set.#handle;
    isKeySet = (value) => value !== null && typeof value === 'object' && #handle in value;
  }
}

/**
 * Runs `body` with the module's key set for `keys`: a KeySet's own, or a
 * set of the one key given (active when it has a private key), which is
 * freed afterwards.
 */
function withKeys(keys, name, body) {
  if (isKeySet(keys)) {
    return call(() => body(keySetHandle(keys)));
  }
  const text = keyJson(keys, name);
  return call(() => {
    const single = module.KeySetHandle.single(text);
    try {
      return body(single);
    } finally {
      single.free();
    }
  });
}

// ---------------------------------------------------------------------------
// Tokens

function issue(kind, keys, params, options) {
  const { ttlSeconds, now } = optionsArgument(options);
  if (typeof ttlSeconds !== 'number') {
    throw invalidArgument('options.ttlSeconds must be a number of seconds');
  }
  const [millis, nowText] = clock(now, 'options.now');
  const paramsText = jsonTextOf(params);
  return JSON.parse(
    withKeys(keys, 'keys', (handle) => module.issueToken(kind, handle, paramsText, ttlSeconds, millis, nowText)),
  );
}

/** Issues a proof token for an allowed action with the active key of `keys` (or the key given). */
export function issueProofToken(keys, params, options) {
  return issue('proof', keys, params, options);
}

/** Issues an approval token for one human approval. */
export function issueApprovalToken(keys, params, options) {
  return issue('approval', keys, params, options);
}

/** Issues a session token for a user. */
export function issueSessionToken(keys, params, options) {
  return issue('session', keys, params, options);
}

/** Verifies a token and returns `{claims, kid, purpose, issued_at, expires_at}`; throws TokenError. */
export function verifyToken(token, keys, options) {
  stringArgument(token, 'token');
  const { purpose, now, leewaySeconds, expect, footer } = optionsArgument(options);
  const purposeName = optionalString(purpose, 'options.purpose');
  const [millis, nowText] = clock(now, 'options.now');
  optionalNumber(leewaySeconds, 'options.leewaySeconds');
  const expectText = expect === undefined || expect === null ? undefined : jsonTextOf(expect);
  const footerBytes = footer === undefined || footer === null ? undefined : bytesArgument(footer, 'options.footer');
  return JSON.parse(
    withKeys(keys, 'keys', (handle) =>
      module.verifyToken(token, handle, purposeName, millis, nowText, leewaySeconds, expectText, footerBytes),
    ),
  );
}

// ---------------------------------------------------------------------------
// Authorizer

/** A policy or stack joined with a signing key: decides actions and issues proof tokens. */
export class Authorizer {
  #handle;
  #ruleIds;

  #keys;

  /**
   * `keys` is a KeySet (followed: a later rotation or revocation applies to
   * the next decision) or a key with a private key; its active key signs.
   */
  constructor(policyOrStack, keys, options) {
    const { defaultTtlSeconds, maxTtlSeconds, owner } = optionsArgument(options);
    optionalNumber(defaultTtlSeconds, 'options.defaultTtlSeconds');
    optionalNumber(maxTtlSeconds, 'options.maxTtlSeconds');
    const ownerText = owner === undefined || owner === null ? undefined : jsonTextOf(owner);
    let stack;
    let temporaryStack;
    if (isPolicy(policyOrStack)) {
      this.#ruleIds = policyRuleIds(policyOrStack);
      temporaryStack = call(() => stackOf([policyOrStack]));
      stack = temporaryStack;
    } else if (isStack(policyOrStack)) {
      this.#ruleIds = stackRuleIds(policyOrStack);
      stack = stackHandle(policyOrStack);
    } else {
      throw invalidArgument('policyOrStack must be a Policy or a PolicyStack');
    }
    try {
      // The module's authorizer keeps its own copy of the stack and keys.
      this.#handle = withKeys(
        keys,
        'keys',
        (handle) => new module.AuthorizerHandle(stack, handle, defaultTtlSeconds, maxTtlSeconds, ownerText),
      );
    } finally {
      temporaryStack?.free();
    }
    this.#keys = isKeySet(keys) ? keys : undefined;
  }

  /** Decides an action and adds `proof_token` and `proof_expires_at` when a proof was issued. */
  authorize(action, options) {
    const keys = this.#keys;
    return decide(action, options, this.#ruleIds, (bytes, millis, nowText) =>
      keys === undefined
        ? this.#handle.authorize(bytes, millis, nowText)
        : this.#handle.authorizeWith(keySetHandle(keys), bytes, millis, nowText),
    );
  }
}

// ---------------------------------------------------------------------------
// Request signatures

/** Signs a request and returns the five signing headers. */
export function signRequest(keyFile, options) {
  const text = keyJson(keyFile, 'keyFile');
  const { agentId, method, path, body, nonce, now } = optionsArgument(options);
  stringArgument(agentId, 'options.agentId');
  stringArgument(method, 'options.method');
  stringArgument(path, 'options.path');
  const bodyBytes = body === undefined || body === null ? new Uint8Array(0) : bytesArgument(body, 'options.body');
  const nonceText = optionalString(nonce, 'options.nonce');
  const [millis, nowText] = clock(now, 'options.now');
  return JSON.parse(call(() => module.signRequest(text, agentId, method, path, bodyBytes, nonceText, millis, nowText)));
}

/** Remembers the nonces of recent requests so that each signed request is accepted once. */
export class ReplayGuard {
  #handle;

  /**
   * Creates a guard for at most `capacity` unexpired nonces (default
   * 100,000), at most `options.perSigner` of them for one signing key.
   */
  constructor(capacity, options) {
    const { perSigner } = optionsArgument(options);
    for (const [value, name] of [[capacity, 'capacity'], [perSigner, 'options.perSigner']]) {
      if (value !== undefined) {
        if (typeof value !== 'number') {
          throw invalidArgument(`${name} must be a number`);
        }
        if (!Number.isSafeInteger(value) || value < 0 || value > 0xffffffff) {
          throw outOfRange(`${name} must be an integer from 0 to 4294967295, found ${value}`);
        }
      }
    }
    this.#handle = call(() => new module.ReplayGuardHandle(capacity, perSigner));
  }

  /** The most unexpired nonces the guard holds. */
  get capacity() {
    return call(() => this.#handle.capacity);
  }

  /** Nonces remembered; expired ones are dropped on the next verification. */
  get size() {
    return call(() => this.#handle.size);
  }

  static {
    guardHandle = (guard) => guard.#handle;
    isGuard = (value) => value !== null && typeof value === 'object' && #handle in value;
  }
}

/** Plain header data from an object, or from a fetch Headers object. */
function headersArgument(headers) {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    const plain = {};
    headers.forEach((value, name) => {
      plain[name] = value;
    });
    return plain;
  }
  if (headers === null || typeof headers !== 'object') {
    throw invalidArgument('options.headers must be an object of request headers');
  }
  return headers;
}

/** Verifies a signed request; throws SignatureError. */
export function verifyRequest(options) {
  const { headers, method, path, publicKey, body, now, maxSkewSeconds, guard } = optionsArgument(options);
  // The body is required so that forgetting it cannot skip the body hash
  // check; null states a request without a body (GET, HEAD).
  if (body === undefined) {
    throw invalidArgument('options.body is required: the raw body, or null for a request without one');
  }
  const headersText = jsonTextOf(headersArgument(headers));
  stringArgument(method, 'options.method');
  stringArgument(path, 'options.path');
  const keyText = keyJson(publicKey, 'options.publicKey');
  const bodyBytes = body === undefined || body === null ? undefined : bytesArgument(body, 'options.body');
  const [millis, nowText] = clock(now, 'options.now');
  optionalNumber(maxSkewSeconds, 'options.maxSkewSeconds');
  if (guard !== undefined && guard !== null && !isGuard(guard)) {
    throw invalidArgument('options.guard must be a ReplayGuard');
  }
  call(() => {
    // Without a guard, a request can only be checked for replay against
    // itself, which one slot covers.
    const handle = isGuard(guard) ? guardHandle(guard) : new module.ReplayGuardHandle(1);
    try {
      module.verifyRequest(headersText, method, path, keyText, bodyBytes, millis, nowText, maxSkewSeconds ?? 300, handle);
    } finally {
      if (!isGuard(guard)) {
        handle.free();
      }
    }
  });
}

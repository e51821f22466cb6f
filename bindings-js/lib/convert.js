// Conversions between JavaScript values and the WebAssembly module.
//
// Values reach the engine as JSON text, which the core parses with its
// strict parser: one copy into the module per value instead of several
// calls per property, and the core's own rules for numbers, strings,
// nesting and size apply unchanged. This module writes that text and
// rejects, with a stable code and the value's path, everything that has no
// faithful JSON form. The rules are those of the Node package's
// lib/convert.js; the shared test suite runs against both packages.
// NOTE: the two files are kept in step by hand (this one is an ES module
// for browsers, that one CommonJS); change both together. Only
// the type checks differ: these use each built-in's own brand check
// instead of node:util, so they also recognize objects of other realms.
// It also builds decision objects from the parts string the module returns
// (the encoding is documented in src/decision.rs).

/** Strings that need JSON.stringify's escaping, not just quotes. */
const NEEDS_ESCAPING = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * Why a value could not be converted. `path` collects the keys and indexes
 * from the value up to the root while the failure propagates.
 */
export class ConversionFailure {
  constructor(code, problem, cause) {
    this.code = code;
    this.problem = problem;
    this.cause = cause;
    this.path = [];
    /** For a cycle, how many leading path segments lead to where it closes. */
    this.pathLength = undefined;
  }

  /** The failure as one sentence naming the value, such as `payload.amount is NaN, ...`. */
  get message() {
    const where = this.pathText;
    return `${where === '' ? 'the value' : where} ${this.problem}`;
  }

  /** The value's path, such as `payload.items[0]`; empty for the whole value. */
  get pathText() {
    return formatPath(this.pathLength === undefined ? this.path : this.path.slice(0, this.pathLength));
  }
}

/** Formats a path as `payload.items[0]["odd key"]`; the root is ''. */
export function formatPath(segments) {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else if (/^[A-Za-z_$][\w$]*$/.test(segment)) {
      text += text === '' ? segment : `.${segment}`;
    } else {
      text += `[${JSON.stringify(segment)}]`;
    }
  }
  return text;
}

/**
 * Writes `value` as JSON text for the core. Throws ConversionFailure for a
 * value with no faithful JSON form:
 *
 * - `undefined` object properties are left out, as JSON.stringify does;
 *   `undefined` elsewhere (an array element, an empty slot, the value
 *   itself) is rejected rather than written as null;
 * - NaN and ±Infinity are rejected (JSON_NUMBER_OUT_OF_RANGE); -0 is
 *   written as 0, as JSON.stringify does;
 * - BigInt, functions, symbols, and objects other than plain objects and
 *   arrays (Date, Map, Set, typed arrays, class instances...) are rejected
 *   (VALUE_UNSUPPORTED_TYPE); `toJSON` methods are not called;
 * - nesting beyond `maxDepth` is JSON_TOO_DEEP, or VALUE_CYCLIC when the
 *   value refers back to one of its ancestors; text longer than `maxBytes`
 *   is JSON_TOO_LARGE (a shared object repeated many times cannot make the
 *   text grow without bound);
 * - an exception thrown while reading the value (a getter, a Proxy trap)
 *   is VALUE_UNREADABLE, with the exception as `cause`.
 *
 * Numbers that the core's parser rejects (integers beyond 2^53 that a
 * double cannot hold exactly) and lone surrogates are written as they are
 * and rejected by the core with its codes.
 */
export function toJsonText(value, maxDepth, maxBytes) {
  const state = { depth: 0, ancestors: [], maxDepth, maxBytes };
  try {
    return writeValue(value, state);
  } catch (problem) {
    if (problem instanceof ConversionFailure) {
      throw problem;
    }
    throw new ConversionFailure(
      'VALUE_UNREADABLE',
      `could not be read: ${problem instanceof Error ? problem.message : String(problem)}`,
      problem,
    );
  }
}

function writeValue(value, state) {
  switch (typeof value) {
    case 'string':
      return NEEDS_ESCAPING.test(value) ? JSON.stringify(value) : `"${value}"`;
    case 'number':
      if (Number.isFinite(value)) {
        return String(value);
      }
      throw new ConversionFailure(
        'JSON_NUMBER_OUT_OF_RANGE',
        `is ${value}, which is not a JSON number`,
      );
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return value === null ? 'null' : writeContainer(value, state);
    case 'undefined':
      throw new ConversionFailure(
        'VALUE_UNSUPPORTED_TYPE',
        'is undefined (or an empty array slot), which has no JSON form; use null, or leave the property out',
      );
    case 'bigint':
      throw new ConversionFailure(
        'VALUE_UNSUPPORTED_TYPE',
        'is a BigInt, which is not a JSON number; convert it with Number() when it is within ±2^53, or to a string',
      );
    default:
      throw new ConversionFailure(
        'VALUE_UNSUPPORTED_TYPE',
        `is a ${typeof value}, which has no JSON form`,
      );
  }
}

function writeContainer(value, state) {
  if (state.depth >= state.maxDepth) {
    if (state.ancestors.includes(value)) {
      const failure = new ConversionFailure(
        'VALUE_CYCLIC',
        'refers back to an object that contains it (a cycle), which JSON cannot represent',
      );
      failure.pathLength = firstRepeat(state.ancestors);
      throw failure;
    }
    throw new ConversionFailure(
      'JSON_TOO_DEEP',
      `is nested deeper than the limit of ${state.maxDepth} arrays and objects`,
    );
  }
  state.depth += 1;
  state.ancestors.push(value);
  const text = Array.isArray(value) ? writeArray(value, state) : writeObject(value, state);
  state.ancestors.pop();
  state.depth -= 1;
  return text;
}

function writeArray(array, state) {
  const length = array.length;
  let text = '[';
  for (let index = 0; index < length; index += 1) {
    if (index > 0) {
      text += ',';
    }
    try {
      text += writeValue(array[index], state);
    } catch (problem) {
      throw withSegment(problem, index);
    }
    if (text.length > state.maxBytes) {
      throw tooLarge(state);
    }
  }
  return `${text}]`;
}

function writeObject(object, state) {
  const prototype = Object.getPrototypeOf(object);
  // Plain objects have Object.prototype (of any realm) or null as their
  // prototype; class instances have a prototype that has one.
  if (prototype !== null && prototype !== Object.prototype && Object.getPrototypeOf(prototype) !== null) {
    throw new ConversionFailure('VALUE_UNSUPPORTED_TYPE', describeObject(object));
  }
  const keys = Object.keys(object);
  let text = '{';
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index];
    let item;
    try {
      item = object[key];
      if (item === undefined) {
        continue;
      }
      text += `${text.length > 1 ? ',' : ''}${NEEDS_ESCAPING.test(key) ? JSON.stringify(key) : `"${key}"`}:${writeValue(item, state)}`;
    } catch (problem) {
      throw withSegment(problem, key);
    }
    if (text.length > state.maxBytes) {
      throw tooLarge(state);
    }
  }
  return `${text}}`;
}

/**
 * The depth at which a chain of nested containers first reaches an object
 * already on it, so that a cycle is reported where it closes rather than
 * after the depth limit's worth of repetitions.
 */
function firstRepeat(ancestors) {
  for (let depth = 1; depth < ancestors.length; depth += 1) {
    if (ancestors.indexOf(ancestors[depth]) < depth) {
      return depth;
    }
  }
  return ancestors.length;
}

/** Adds one path segment to a failure coming up from a child value. */
function withSegment(problem, segment) {
  const failure =
    problem instanceof ConversionFailure
      ? problem
      : new ConversionFailure(
          'VALUE_UNREADABLE',
          `could not be read: ${problem instanceof Error ? problem.message : String(problem)}`,
          problem,
        );
  failure.path.unshift(segment);
  return failure;
}

function tooLarge(state) {
  return new ConversionFailure(
    'JSON_TOO_LARGE',
    `is larger than the limit of ${state.maxBytes} bytes of JSON`,
  );
}

/** The problem phrase for an object that is not a plain object or array. */
function describeObject(object) {
  if (hasBrand(Date.prototype.getTime, object)) {
    return 'is a Date, which has no JSON form; convert it with toISOString()';
  }
  if (hasBrand(Map.prototype.has, object)) {
    return 'is a Map, which has no JSON form; convert it with Object.fromEntries()';
  }
  if (hasBrand(Set.prototype.has, object)) {
    return 'is a Set, which has no JSON form; convert it with Array.from()';
  }
  const name = constructorName(object);
  if (ArrayBuffer.isView(object) || isAnyArrayBuffer(object)) {
    return `is a ${name}, which has no JSON form; convert it to an array of numbers or an encoded string`;
  }
  if (isBoxedPrimitive(object)) {
    return `is a boxed ${name}; use the primitive value`;
  }
  return `is an instance of ${name}, not a plain object; convert it to a plain object`;
}

/**
 * Returns true when `method` (a built-in method that checks its receiver,
 * such as Date.prototype.getTime) accepts `object`: the object is an
 * instance of that built-in from any realm, not merely an object whose
 * prototype says so.
 */
function hasBrand(method, object) {
  try {
    method.call(object);
    return true;
  } catch {
    return false;
  }
}

const BUFFER_BYTE_LENGTH = [ArrayBuffer, globalThis.SharedArrayBuffer]
  .filter((constructor) => typeof constructor === 'function')
  .map((constructor) => Object.getOwnPropertyDescriptor(constructor.prototype, 'byteLength').get);

function isAnyArrayBuffer(object) {
  return BUFFER_BYTE_LENGTH.some((getter) => hasBrand(getter, object));
}

const BOXED_VALUE_OF = [Number, String, Boolean, BigInt, Symbol].map((constructor) => constructor.prototype.valueOf);

function isBoxedPrimitive(object) {
  return BOXED_VALUE_OF.some((valueOf) => hasBrand(valueOf, object));
}

function constructorName(object) {
  try {
    const name = Object.getPrototypeOf(object)?.constructor?.name;
    if (typeof name === 'string' && name !== '') {
      return name;
    }
  } catch {
    // A Proxy trap or getter threw; fall back to the generic name.
  }
  return 'an object';
}

const TRISTATE = [null, false, true];
const RESULTS = { A: 'ALLOW', D: 'DENY', P: 'REQUIRE_APPROVAL', S: 'REQUIRE_STEP_UP', R: 'REQUIRE_DEPOSIT' };
/** Length of the fixed fields: decision_id, decided_at, result, proof_required. */
const FIXED_LENGTH = 62;

/**
 * Builds a decision object from the module's parts (the encoding is
 * documented in src/decision.rs). `ruleIds` are the rule ids of the
 * policy or stack in evaluation order: the trace has one code per rule, or
 * none when the action was not evaluated. `proof_token` and
 * `proof_expires_at` are added when the parts carry a proof.
 */
export function decisionFromParts(text, ruleIds) {
  const headerEnd = text.indexOf(';', FIXED_LENGTH);
  const header = text.slice(FIXED_LENGTH, headerEnd).split(',');
  let position = headerEnd + 1;
  const take = (length) => {
    if (length < 0) {
      return null;
    }
    const field = text.slice(position, position + length);
    position += length;
    return field;
  };

  const actionId = take(Number(header[0]));
  const actionHash = take(Number(header[1]));
  const codes = take(Number(header[2]));
  const reason = take(Number(header[3]));
  const matchedRuleId = take(Number(header[4]));
  const errorCode = take(Number(header[5]));
  const errorMessage = take(Number(header[6]));
  const obligations = take(Number(header[7]));
  const proofToken = take(Number(header[8]));
  const proofExpiresAt = take(Number(header[9]));
  const ttl = header[10];

  const trace = new Array(codes.length);
  for (let index = 0; index < codes.length; index += 1) {
    const bits = codes.charCodeAt(index) - 64;
    trace[index] = {
      rule_id: ruleIds[index],
      pattern_match: (bits & 1) !== 0,
      when_match: TRISTATE[(bits >> 1) & 3],
      constraints_match: TRISTATE[(bits >> 3) & 3],
      final_match: (bits & 32) !== 0,
    };
  }
  const decision = {
    decision_id: text.slice(0, 36),
    action_id: actionId,
    action_hash: actionHash,
    result: RESULTS[text[60]],
    matched_rule_id: matchedRuleId,
    reason,
    obligations: obligations === null ? [] : JSON.parse(obligations),
    proof_required: text[61] === '1',
    proof_ttl_seconds: ttl === '' ? null : Number(ttl),
    decided_at: text.slice(36, 60),
    trace,
  };
  if (errorCode !== null) {
    decision.error = { code: errorCode, message: errorMessage };
  }
  if (proofToken !== null) {
    decision.proof_token = proofToken;
    decision.proof_expires_at = proofExpiresAt;
  }
  return decision;
}

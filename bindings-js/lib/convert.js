// Conversions between JavaScript values and the WebAssembly module.
//
// Values reach the engine as UTF-8 JSON, which the core parses with its
// strict parser: one copy into the module per value instead of several
// calls per property, and the core's own rules for numbers, strings,
// nesting and size apply unchanged. This module writes that JSON into a
// reused byte buffer (no string building) and rejects, with a stable code
// and the value's path, everything that has no faithful JSON form. The rules are those of the Node package's
// lib/convert.js; the shared test suite runs against both packages.
// NOTE: the two files are kept in step by hand (this one is an ES module
// for browsers, that one CommonJS); change both together. Only
// the type checks differ: these use each built-in's own brand check
// instead of node:util, so they also recognize objects of other realms.
// It also builds decision objects from the parts string the module returns
// (the encoding is documented in src/decision.rs).

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
 * Bytes of the shared output buffer kept between calls. A conversion that
 * needs more grows its buffer. A buffer grown past this size is dropped
 * after the call, so one large value does not pin megabytes.
 */
const SHARED_CAPACITY = 16 * 1024;

/** The buffer conversions write into, while no other conversion is writing to it. */
let sharedBuffer = new Uint8Array(SHARED_CAPACITY);
/** A view of `sharedBuffer` for writing four bytes at a time. */
let sharedView = viewOf(sharedBuffer);
let sharedBusy = false;

/**
 * Writes `value` as UTF-8 JSON into a byte buffer for the core. Throws
 * ConversionFailure for a value with no faithful JSON form:
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
 *   value refers back to one of its ancestors. More than `maxBytes` bytes
 *   of UTF-8 is JSON_TOO_LARGE, checked as the output grows, so a shared
 *   object repeated many times cannot make it grow without bound;
 * - an exception thrown while reading the value (a getter, a Proxy trap)
 *   is VALUE_UNREADABLE, with the exception as `cause`.
 *
 * Every property is read once. With `canonicalOrder`, object keys are
 * written, and their properties read, in RFC 8785 order (by UTF-16 code
 * units). The writer adds no whitespace and only the escapes JSON
 * requires, so the text is then canonical JSON, and the core hashes it as
 * it is instead of writing it again. Two kinds of value that the core's
 * parser rejects are rejected here already, with its codes and the value's
 * path. One is an integer beyond 2^53 whose ECMAScript form a double does
 * not equal (JSON_NUMBER_OUT_OF_RANGE). The other is a string or key with
 * a lone surrogate, which has no UTF-8 form (JSON_LONE_SURROGATE).
 *
 * Returns `{ bytes, length }`: the JSON is `bytes[0..length)`. The buffer
 * is shared between calls, so it must be used before the next conversion
 * starts. A conversion that runs while another is writing (a getter that
 * converts a value) gets a buffer of its own.
 */
export function toJsonBytes(value, maxDepth, maxBytes, canonicalOrder = false) {
  const shared = !sharedBusy;
  const writer = new JsonWriter(
    shared ? sharedBuffer : new Uint8Array(256),
    maxDepth,
    maxBytes,
    canonicalOrder,
  );
  if (shared) {
    sharedBusy = true;
  }
  try {
    writer.value(value);
    // Strings and container elements check the size as they are written.
    // This check catches the last closing bracket.
    if (writer.length > maxBytes) {
      throw writer.tooLarge();
    }
  } catch (problem) {
    if (problem instanceof ConversionFailure) {
      throw problem;
    }
    throw new ConversionFailure(
      'VALUE_UNREADABLE',
      `could not be read: ${problem instanceof Error ? problem.message : String(problem)}`,
      problem,
    );
  } finally {
    if (shared) {
      sharedBusy = false;
      if (writer.bytes !== sharedBuffer) {
        sharedBuffer = writer.bytes.length > SHARED_CAPACITY ? new Uint8Array(SHARED_CAPACITY) : writer.bytes;
        sharedView = viewOf(sharedBuffer);
      }
    }
  }
  return { bytes: writer.bytes, length: writer.length };
}

/** Writes `value` as JSON text; see toJsonBytes for what is rejected. */
export function toJsonText(value, maxDepth, maxBytes) {
  const { bytes, length } = toJsonBytes(value, maxDepth, maxBytes);
  return UTF8.decode(bytes.subarray(0, length));
}

/** Decodes what the writer wrote, which is always well-formed UTF-8. */
const UTF8 = new TextDecoder();

const HEX = '0123456789abcdef';
/** The escape characters after `\` for the control characters that have one. */
const SHORT_ESCAPES = { 8: 98, 9: 116, 10: 110, 12: 102, 13: 114, 34: 34, 92: 92 };

/** Appends JSON to a growing byte buffer, tracking depth and ancestors. */
class JsonWriter {
  constructor(bytes, maxDepth, maxBytes, canonicalOrder) {
    this.bytes = bytes;
    /** `bytes` as a DataView; replaced whenever `bytes` is. */
    this.view = bytes === sharedBuffer ? sharedView : viewOf(bytes);
    this.length = 0;
    this.depth = 0;
    this.ancestors = [];
    this.maxDepth = maxDepth;
    this.maxBytes = maxBytes;
    this.canonicalOrder = canonicalOrder;
  }

  /** Makes room for `count` more bytes. */
  reserve(count) {
    const needed = this.length + count;
    if (needed > this.bytes.length) {
      const grown = new Uint8Array(Math.max(needed, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
      this.view = viewOf(grown);
    }
  }

  /** Appends ASCII text, such as a number or a literal. */
  ascii(text) {
    const count = text.length;
    this.reserve(count);
    const bytes = this.bytes;
    let at = this.length;
    for (let index = 0; index < count; index += 1) {
      bytes[at] = text.charCodeAt(index);
      at += 1;
    }
    this.length = at;
  }

  byte(code) {
    this.reserve(1);
    this.bytes[this.length] = code;
    this.length += 1;
  }

  value(value) {
    switch (typeof value) {
      case 'string':
        this.string(value);
        return;
      case 'number':
        if (value - value === 0) {
          const text = String(value);
          if ((value >= TWO_TO_53 || value <= -TWO_TO_53) && value < 1e21 && value > -1e21) {
            checkExact(value, text);
          }
          this.ascii(text);
          return;
        }
        throw new ConversionFailure(
          'JSON_NUMBER_OUT_OF_RANGE',
          `is ${value}, which is not a JSON number`,
        );
      case 'boolean':
        this.ascii(value ? 'true' : 'false');
        return;
      case 'object':
        if (value === null) {
          this.ascii('null');
        } else {
          this.container(value);
        }
        return;
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

  /**
   * Writes a string as a JSON string in UTF-8. Quotes, backslashes and
   * control characters are escaped; a lone surrogate, which has no UTF-8
   * form, is rejected (JSON_LONE_SURROGATE).
   */
  string(text) {
    const count = text.length;
    // Every UTF-16 unit becomes at least one byte, so a string that cannot
    // fit is rejected before room is made for it.
    if (this.length + count + 2 > this.maxBytes) {
      throw this.tooLarge();
    }
    // Three bytes per unit covers everything but escapes, which reserve
    // their own room.
    this.reserve(count * 3 + 2);

    let bytes = this.bytes;
    let at = this.length;
    bytes[at] = 34;
    at += 1;
    for (let index = 0; index < count; index += 1) {
      const unit = text.charCodeAt(index);
      if (unit < 0x80) {
        if (unit >= 0x20 && unit !== 34 && unit !== 92) {
          bytes[at] = unit;
          at += 1;
          continue;
        }
        at = this.escapeAt(at, unit, count - index);
        bytes = this.bytes;
      } else if (unit < 0x800) {
        bytes[at] = 0xc0 | (unit >> 6);
        bytes[at + 1] = 0x80 | (unit & 0x3f);
        at += 2;
      } else if (unit < 0xd800 || unit > 0xdfff) {
        bytes[at] = 0xe0 | (unit >> 12);
        bytes[at + 1] = 0x80 | ((unit >> 6) & 0x3f);
        bytes[at + 2] = 0x80 | (unit & 0x3f);
        at += 3;
      } else {
        const next = index + 1 < count ? text.charCodeAt(index + 1) : 0;
        if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const point = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
          bytes[at] = 0xf0 | (point >> 18);
          bytes[at + 1] = 0x80 | ((point >> 12) & 0x3f);
          bytes[at + 2] = 0x80 | ((point >> 6) & 0x3f);
          bytes[at + 3] = 0x80 | (point & 0x3f);
          at += 4;
          index += 1;
        } else {
          throw loneSurrogate(unit);
        }
      }
    }
    bytes[at] = 34;
    this.length = at + 1;

    // Characters of two or three bytes can take a string that passed the
    // check above (by its UTF-16 length) past the limit.
    if (this.length > this.maxBytes) {
      throw this.tooLarge();
    }
  }

  /**
   * Writes the escape of `unit` at `at` and makes room for the string's
   * `remaining` units and its closing quote; returns the new end.
   */
  escapeAt(at, unit, remaining) {
    this.length = at;
    this.escape(unit);
    // Escapes take up to six bytes for one unit, so a string of them is
    // stopped here rather than written in full.
    if (this.length > this.maxBytes) {
      throw this.tooLarge();
    }
    this.reserve(3 * remaining + 2);
    return this.length;
  }

  /** Writes the JSON escape of one UTF-16 unit, in JSON.stringify's form. */
  escape(unit) {
    this.reserve(6);
    const short = SHORT_ESCAPES[unit];
    if (short !== undefined) {
      this.bytes[this.length] = 92;
      this.bytes[this.length + 1] = short;
      this.length += 2;
      return;
    }
    this.ascii(`\\u${HEX[unit >> 12]}${HEX[(unit >> 8) & 15]}${HEX[(unit >> 4) & 15]}${HEX[unit & 15]}`);
  }

  container(value) {
    if (this.depth >= this.maxDepth) {
      // A chain this deep that passes through one object twice is a cycle,
      // also when the value at the limit is a sibling that sorts before
      // the key that closes the cycle.
      const repeat = firstRepeat(this.ancestors);
      if (repeat < this.ancestors.length || this.ancestors.includes(value)) {
        const failure = new ConversionFailure(
          'VALUE_CYCLIC',
          'refers back to an object that contains it (a cycle), which JSON cannot represent',
        );
        failure.pathLength = repeat;
        throw failure;
      }
      throw new ConversionFailure(
        'JSON_TOO_DEEP',
        `is nested deeper than the limit of ${this.maxDepth} arrays and objects`,
      );
    }
    this.depth += 1;
    this.ancestors.push(value);
    if (Array.isArray(value)) {
      this.array(value);
    } else {
      this.object(value);
    }
    this.ancestors.pop();
    this.depth -= 1;
  }

  array(array) {
    const count = array.length;
    this.byte(91);
    for (let index = 0; index < count; index += 1) {
      if (index > 0) {
        this.byte(44);
      }
      try {
        this.value(array[index]);
      } catch (problem) {
        throw withSegment(problem, index);
      }
      if (this.length > this.maxBytes) {
        throw this.tooLarge();
      }
    }
    this.byte(93);
  }

  object(object) {
    const prototype = Object.getPrototypeOf(object);
    // Plain objects have Object.prototype (of any realm) or null as their
    // prototype; class instances have a prototype that has one.
    if (prototype !== null && prototype !== Object.prototype && Object.getPrototypeOf(prototype) !== null) {
      throw new ConversionFailure('VALUE_UNSUPPORTED_TYPE', describeObject(object));
    }
    let keys = Object.keys(object);
    if (this.canonicalOrder && keys.length > 1) {
      const order = canonicalKeyOrder(keys);
      if (order.words !== null) {
        this.encodedEntries(object, order);
        return;
      }
      keys = order.sorted;
    }
    this.byte(123);
    let first = true;
    for (let index = 0; index < keys.length; index += 1) {
      const key = keys[index];
      try {
        const item = object[key];
        if (item === undefined) {
          continue;
        }
        if (!first) {
          this.byte(44);
        }
        first = false;
        this.string(key);
        this.byte(58);
        this.value(item);
      } catch (problem) {
        throw withSegment(problem, key);
      }
      if (this.length > this.maxBytes) {
        throw this.tooLarge();
      }
    }
    this.byte(125);
  }

  /**
   * Writes an object's entries in a remembered key order, copying each
   * `"key":` from the bytes written when the order was first seen, four
   * bytes at a time, which costs less than encoding the key again.
   */
  encodedEntries(object, order) {
    const { sorted, words, wordEnds, ends } = order;
    this.byte(123);
    let first = true;
    let start = 0;
    let wordStart = 0;
    for (let index = 0; index < sorted.length; index += 1) {
      const key = sorted[index];
      const end = ends[index];
      try {
        const item = object[key];
        if (item !== undefined) {
          if (!first) {
            this.byte(44);
          }
          first = false;
          // The last word may carry up to three padding bytes past the
          // key; the value written next overwrites them.
          this.reserve(end - start + 3);
          const view = this.view;
          const at = this.length;
          const wordEnd = wordEnds[index];
          for (let word = wordStart, to = at; word < wordEnd; word += 1, to += 4) {
            view.setInt32(to, words[word], true);
          }
          this.length = at + end - start;
          this.value(item);
        }
      } catch (problem) {
        throw withSegment(problem, key);
      }
      start = end;
      wordStart = wordEnds[index];
      if (this.length > this.maxBytes) {
        throw this.tooLarge();
      }
    }
    this.byte(125);
  }

  tooLarge() {
    return new ConversionFailure(
      'JSON_TOO_LARGE',
      `is larger than the limit of ${this.maxBytes} bytes of JSON`,
    );
  }
}

/**
 * Key orders seen before, by the first key of the list as `Object.keys`
 * returned it. Agents send objects of the same few shapes again and again,
 * and checking that a key list is one seen before costs less than sorting
 * and encoding its keys again.
 */
const keyOrders = new Map();
/** Most key orders kept; the cache starts over when it is full. */
const KEY_ORDERS_KEPT = 256;
/** Most keys, and most UTF-16 units in all keys, of a key order kept. */
const KEY_ORDER_MAX_KEYS = 32;
const KEY_ORDER_MAX_UNITS = 1024;

/**
 * Returns the RFC 8785 order of a list of two or more keys. `sorted` has
 * the keys ascending by UTF-16 code units, which is how JavaScript
 * compares strings. For a list within the limits above, the keys as they
 * are written, `"key":`, are kept for copying. `ends` has the byte offset
 * where each ends when they are written back to back. `words` has each
 * one's bytes four to a little-endian word, zero padded, up to the word
 * offset in `wordEnds`. Otherwise all three are null. The result may be
 * shared with later calls, so callers must not change it.
 */
function canonicalKeyOrder(keys) {
  const count = keys.length;
  if (count > KEY_ORDER_MAX_KEYS) {
    // Long lists are sorted by the built-in sort and not kept.
    return { keys, sorted: keys.slice().sort(), words: null, wordEnds: null, ends: null };
  }

  const first = keys[0];
  const known = keyOrders.get(first);
  if (known !== undefined && known.keys.length === count) {
    const seen = known.keys;
    let index = 1;
    while (index < count && seen[index] === keys[index]) {
      index += 1;
    }
    if (index === count) {
      return known;
    }
  }

  const sorted = keys.slice();
  let units = first.length;
  // Insertion sort: key lists are short, and often nearly sorted.
  for (let index = 1; index < count; index += 1) {
    const key = sorted[index];
    units += key.length;
    let at = index;
    while (at > 0 && sorted[at - 1] > key) {
      sorted[at] = sorted[at - 1];
      at -= 1;
    }
    sorted[at] = key;
  }
  if (units > KEY_ORDER_MAX_UNITS) {
    return { keys, sorted, words: null, wordEnds: null, ends: null };
  }

  // Room for every key as written: at most six bytes per unit, plus the
  // quotes and the colon. The limits are small integers, as in every
  // other writer: a writer with a non-integer limit, such as Infinity,
  // would make V8 store the limits of all writers as doubles, and every
  // conversion slower.
  const room = 6 * units + 3 * count;
  const writer = new JsonWriter(new Uint8Array(room), 0, room, false);
  const ends = new Int32Array(count);
  try {
    for (let index = 0; index < count; index += 1) {
      writer.string(sorted[index]);
      writer.byte(58);
      ends[index] = writer.length;
    }
  } catch (problem) {
    if (!(problem instanceof ConversionFailure)) {
      throw problem;
    }
    // A key with a lone surrogate: the caller writes the keys one by one,
    // which fails at that key with its path.
    return { keys, sorted, words: null, wordEnds: null, ends: null };
  }

  const { words, wordEnds } = packWords(writer.bytes, ends);
  const order = { keys, sorted, words, wordEnds, ends };
  if (keyOrders.size >= KEY_ORDERS_KEPT) {
    keyOrders.clear();
  }
  keyOrders.set(first, order);
  return order;
}

/**
 * Packs each of the byte ranges `[ends[i - 1], ends[i])` of `bytes` into
 * little-endian 32-bit words, the last one of each range zero padded.
 * Returns the words and the word offset where each range ends.
 */
function packWords(bytes, ends) {
  const wordEnds = new Int32Array(ends.length);
  const words = new Int32Array((ends[ends.length - 1] >> 2) + ends.length);
  let count = 0;
  let start = 0;
  for (let index = 0; index < ends.length; index += 1) {
    const end = ends[index];
    for (let at = start; at < end; at += 4) {
      let word = 0;
      for (let byte = 0; byte < 4 && at + byte < end; byte += 1) {
        word |= bytes[at + byte] << (8 * byte);
      }
      words[count] = word;
      count += 1;
    }
    wordEnds[index] = count;
    start = end;
  }
  return { words, wordEnds };
}

/** Returns a DataView of the bytes of `bytes`, a Uint8Array. */
function viewOf(bytes) {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** 2^53: every integer of at most this magnitude is exact in a double. */
const TWO_TO_53 = 2 ** 53;

/**
 * Throws for an integer beyond 2^53 whose ECMAScript form `text` is not
 * its exact value, such as 2^60, written 1152921504606847000. The core
 * reads JSON text and never rounds, so it would reject that text.
 */
function checkExact(value, text) {
  const exact = BigInt(value).toString();
  if (exact !== text) {
    throw new ConversionFailure(
      'JSON_NUMBER_OUT_OF_RANGE',
      `is ${text} in JSON, an integer beyond 2^53 that no double holds exactly (this one is ${exact}); pass such numbers as strings`,
    );
  }
}

/** Returns the failure for a lone UTF-16 surrogate, which has no UTF-8 form. */
function loneSurrogate(unit) {
  const hex = unit.toString(16);
  return new ConversionFailure(
    'JSON_LONE_SURROGATE',
    `contains the lone UTF-16 surrogate \\u${hex}, which has no UTF-8 form, so JSON cannot carry it`,
  );
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
/** Results by the character code that encodes them. */
const RESULTS = [];
RESULTS[65] = 'ALLOW';
RESULTS[68] = 'DENY';
RESULTS[80] = 'REQUIRE_APPROVAL';
RESULTS[83] = 'REQUIRE_STEP_UP';
RESULTS[82] = 'REQUIRE_DEPOSIT';
/** Length of the fixed fields: decision_id, decided_at, result, proof_required. */
const FIXED_LENGTH = 62;
/** Number of string lengths in the header. */
const LENGTH_COUNT = 10;
/** The header's lengths while a decision is read; no code runs in between that could read another. */
const lengths = new Int32Array(LENGTH_COUNT);

/**
 * Builds a decision object from the module's parts (the encoding is
 * documented in src/decision.rs). `ruleIds` are the rule ids of the
 * policy or stack in evaluation order: the trace has one code per rule, or
 * none when the action was not evaluated. `proof_token` and
 * `proof_expires_at` are added when the parts carry a proof.
 */
export function decisionFromParts(text, ruleIds) {
  // The header: decimal lengths, each followed by `,` (`-1` for an absent
  // string), then the TTL and `;`. Read by character code, which is
  // cheaper than splitting it into strings and converting them.
  let position = FIXED_LENGTH;
  for (let index = 0; index < LENGTH_COUNT; index += 1) {
    let code = text.charCodeAt(position);
    let length = 0;
    if (code === 45) {
      length = -1;
      position += 2;
    } else {
      while (code !== 44) {
        length = length * 10 + (code - 48);
        position += 1;
        code = text.charCodeAt(position);
      }
    }
    lengths[index] = length;
    position += 1;
  }
  const headerEnd = text.indexOf(';', position);
  const ttl = text.slice(position, headerEnd);
  position = headerEnd + 1;
  const take = (index) => {
    const length = lengths[index];
    if (length < 0) {
      return null;
    }
    const field = text.slice(position, position + length);
    position += length;
    return field;
  };

  const actionId = take(0);
  const actionHash = take(1);
  const codes = take(2);
  const reason = take(3);
  const matchedRuleId = take(4);
  const errorCode = take(5);
  const errorMessage = take(6);
  const obligations = take(7);
  const proofToken = take(8);
  const proofExpiresAt = take(9);

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
    result: RESULTS[text.charCodeAt(60)],
    matched_rule_id: matchedRuleId,
    reason,
    obligations: obligations === null ? [] : JSON.parse(obligations),
    proof_required: text.charCodeAt(61) === 49,
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

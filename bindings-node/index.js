'use strict';
// openleash-core: the OpenLeash authorization engine for Node.js.
//
// The CommonJS entry point; index.mjs re-exports this module, so both
// module systems share one set of classes and `instanceof` works across
// them. Everything here converts values: the rules are the core's.

const { types } = require('node:util');

const native = require('./native.js');
const errors = require('./lib/errors.js');
const { ConversionFailure, toJsonBytes, toJsonText, decisionFromParts } = require('./lib/convert.js');
const { guardTool } = require('./lib/guard.js');
const { tokenApi } = require('./lib/tokens.js');

native.registerErrorClasses(errors);

const { Policy, PolicyStack, MAX_JSON_DEPTH, MAX_JSON_BYTES } = native;

/** The `now` and `defaultProofTtlSeconds` arguments of a native evaluation. */
function evaluationArguments(options) {
  if (options === undefined || options === null) {
    return [Date.now(), undefined];
  }
  if (typeof options !== 'object') {
    throw invalidArgument('options must be an object');
  }
  const { now, defaultProofTtlSeconds } = options;
  let clock;
  if (now === undefined) {
    clock = Date.now();
  } else if (typeof now === 'string') {
    clock = now;
  } else if (types.isDate(now)) {
    clock = Date.prototype.getTime.call(now);
  } else {
    throw invalidArgument('options.now must be a Date or an RFC 3339 string');
  }
  if (defaultProofTtlSeconds !== undefined && typeof defaultProofTtlSeconds !== 'number') {
    throw invalidArgument('options.defaultProofTtlSeconds must be a number of seconds');
  }
  return [clock, defaultProofTtlSeconds];
}

/** The time a `now` option gives: the clock, a Date's time or an RFC 3339 string. */
function clockOf(now) {
  if (now === undefined) {
    return Date.now();
  }
  if (typeof now === 'string') {
    return now;
  }
  if (types.isDate(now)) {
    return Date.prototype.getTime.call(now);
  }
  throw invalidArgument('now must be a Date or an RFC 3339 string');
}

function invalidArgument(message) {
  const error = new TypeError(message);
  error.code = 'ERR_INVALID_ARG_TYPE';
  return error;
}

/**
 * Evaluates through the addon's `evaluateRegistered`, which reads the
 * action's UTF-8 JSON from `bytes[0..length)`. A value with no JSON form
 * gets the core's DENY decision for unreadable actions instead.
 */
function decide(registration, action, options) {
  const [now, ttl] = evaluationArguments(options);
  let parts;
  try {
    const { bytes, length } = toJsonBytes(action, MAX_JSON_DEPTH, MAX_JSON_BYTES, true);
    parts = evaluateRegistered(registration.handle, bytes, length, now, ttl);
  } catch (problem) {
    if (!(problem instanceof ConversionFailure)) {
      throw problem;
    }
    parts = native.unreadableActionDecision(problem.code, problem.message, now, ttl);
  }
  return decisionFromParts(parts, registration.ruleIds);
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
    throw new errors.ValueConversionError(problem.message, {
      code: problem.code,
      path: problem.pathText,
      cause: problem.cause,
    });
  }
}

// The addon's `evaluate` methods register their policy or stack with
// `evaluateRegistered` and return its handle. The free `evaluate` returns
// the kind of its target: 1 for a Policy, 2 for a PolicyStack; it throws
// for anything else. The wrappers below, which evaluate, take their place.
const { evaluateRegistered } = native;
const registerPolicy = Policy.prototype.evaluate;
const registerStack = PolicyStack.prototype.evaluate;
const targetKind = native.evaluate;
const canonicalJsonOfBytes = native.canonicalJson;
const actionHashOfBytes = native.actionHash;

/**
 * `{handle, ruleIds}` per registered target. Policies and stacks are
 * immutable, so entries never go stale, and an entry goes with its target.
 */
const policies = new WeakMap();
const stacks = new WeakMap();

/** Registers `target` with `register`, which throws for the wrong class. */
function registered(target, entries, register) {
  let entry = entries.get(target);
  if (entry === undefined) {
    entry = { handle: register.call(target), ruleIds: target.ruleIds };
    entries.set(target, entry);
  }
  return entry;
}

Object.defineProperty(Policy.prototype, 'evaluate', {
  value: function evaluate(action, options) {
    return decide(registered(this, policies, registerPolicy), action, options);
  },
  writable: true,
  configurable: true,
});

Object.defineProperty(PolicyStack.prototype, 'evaluate', {
  value: function evaluate(action, options) {
    return decide(registered(this, stacks, registerStack), action, options);
  },
  writable: true,
  configurable: true,
});

function evaluate(target, action, options) {
  let entry = policies.get(target) ?? stacks.get(target);
  if (entry === undefined) {
    entry =
      targetKind(target) === 1
        ? registered(target, policies, registerPolicy)
        : registered(target, stacks, registerStack);
  }
  return decide(entry, action, options);
}

function canonicalJson(value) {
  const { bytes, length } = converted(value, toJsonBytes, true);
  return canonicalJsonOfBytes(bytes, length);
}

function actionHash(action) {
  const { bytes, length } = converted(action, toJsonBytes, true);
  return actionHashOfBytes(bytes, length);
}

/** Converts a value to JSON text, or throws ValueConversionError. */
function jsonTextOf(value) {
  return converted(value, toJsonText);
}

// The addon's binding functions take the records as JSON text.
const orderBindingsOfText = native.orderBindings;
const stackForAgentOfText = PolicyStack.forAgent;

/**
 * Checks the group ids argument of the binding functions and returns a
 * copy, so that what is checked is what is sent.
 */
function groupIdsOf(agentPrincipalId, groupIds) {
  if (typeof agentPrincipalId !== 'string') {
    throw invalidArgument('agentPrincipalId must be a string');
  }
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

function orderBindings(bindings, agentPrincipalId, groupIds) {
  const groups = groupIdsOf(agentPrincipalId, groupIds);
  const records = recordsOf(bindings);
  const positions = orderBindingsOfText(jsonTextOf(records), agentPrincipalId, jsonTextOf(groups));
  return positions.map((position) => records[position]);
}

Object.defineProperty(PolicyStack, 'forAgent', {
  value: function forAgent(bindings, policies, agentPrincipalId, groupIds) {
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
      if (!(policy instanceof Policy)) {
        throw invalidArgument(`policies[${JSON.stringify(id)}] must be a Policy`);
      }
    }
    return stackForAgentOfText.call(
      PolicyStack,
      jsonTextOf(recordsOf(bindings)),
      jsonTextOf(entries.map(([id]) => id)),
      entries.map(([, policy]) => policy),
      agentPrincipalId,
      jsonTextOf(groups),
    );
  },
  writable: true,
  configurable: true,
});

const tokens = tokenApi(native, clockOf, MAX_JSON_DEPTH, MAX_JSON_BYTES);

module.exports = {
  Policy,
  PolicyStack,
  evaluate,
  validatePolicy: native.validatePolicy,
  orderBindings,
  canonicalJson,
  actionHash,
  parseJson: native.parseJson,
  guardTool,
  MAX_JSON_DEPTH,
  MAX_JSON_BYTES,
  generateKey: tokens.generateKey,
  publicKeyInfo: tokens.publicKeyInfo,
  secretKeyPaserk: tokens.secretKeyPaserk,
  KeySet: tokens.KeySet,
  issueProofToken: tokens.issueProofToken,
  issueApprovalToken: tokens.issueApprovalToken,
  issueSessionToken: tokens.issueSessionToken,
  verifyToken: tokens.verifyToken,
  Authorizer: tokens.Authorizer,
  signRequest: tokens.signRequest,
  ReplayGuard: tokens.ReplayGuard,
  verifyRequest: tokens.verifyRequest,
  OpenLeashError: errors.OpenLeashError,
  PolicyError: errors.PolicyError,
  ActionError: errors.ActionError,
  ValueConversionError: errors.ValueConversionError,
  KeyError: errors.KeyError,
  TokenError: errors.TokenError,
  SignatureError: errors.SignatureError,
  ActionNotAllowedError: errors.ActionNotAllowedError,
};

'use strict';
// Keys, tokens, the authorizer and request signatures: argument checks and
// conversions around the addon. Object arguments are written as JSON text
// with the same strict rules as actions (lib/convert.js); the core reads
// their shapes, so every binding accepts the same values.

const errors = require('./errors.js');
const { ConversionFailure, toJsonBytes, toJsonText } = require('./convert.js');

/**
 * Installs the token API on `exports`, given the addon and the package's
 * helpers: `clockOf(now)` turns a `now` option into what the addon takes.
 */
function tokenApi(native, clockOf, maxDepth, maxBytes) {
  /** JSON text of an argument, or ValueConversionError naming it. */
  function jsonOf(value, name) {
    try {
      return toJsonText(value, maxDepth, maxBytes);
    } catch (problem) {
      if (!(problem instanceof ConversionFailure)) {
        throw problem;
      }
      const where = problem.pathText === '' ? name : `${name}.${problem.pathText}`;
      throw new errors.ValueConversionError(`${where} ${problem.problem}`, {
        code: problem.code,
        path: problem.pathText,
        cause: problem.cause,
      });
    }
  }

  function optionsOf(options, name) {
    if (options === undefined || options === null) {
      return {};
    }
    if (typeof options !== 'object') {
      throw invalidArgument(`${name} must be an object`);
    }
    return options;
  }

  /** A KeySet passes through; a key file or key string goes as JSON text. */
  function keysOf(keys) {
    return keys instanceof native.KeySet ? keys : jsonOf(keys, 'keys');
  }

  function numberOption(value, name, fallback) {
    if (value === undefined) {
      return fallback;
    }
    if (typeof value !== 'number') {
      throw invalidArgument(`${name} must be a number`);
    }
    return value;
  }

  function stringOption(value, name) {
    if (value !== undefined) {
      textOf(value, name);
    }
    return value;
  }

  function bodyOf(body, name) {
    if (body === undefined || body === null) {
      return undefined;
    }
    if (typeof body === 'string') {
      return Buffer.from(body, 'utf8');
    }
    if (ArrayBuffer.isView(body)) {
      return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    }
    if (body instanceof ArrayBuffer) {
      return Buffer.from(body);
    }
    throw invalidArgument(`${name} must be a string, a Buffer, a typed array or an ArrayBuffer`);
  }

  function issue(kind) {
    return function issueToken(keys, params, options) {
      const { ttlSeconds, now } = optionsOf(options, 'options');
      if (typeof ttlSeconds !== 'number') {
        throw invalidArgument('options.ttlSeconds must be a number of seconds');
      }
      return native.issueToken(kind, keysOf(keys), jsonOf(params, 'params'), ttlSeconds, clockOf(now));
    };
  }

  const KeySet = native.KeySet;
  const nativeKeySetMethods = {
    add: KeySet.prototype.add,
    rotate: KeySet.prototype.rotate,
    revoke: KeySet.prototype.revoke,
    setActive: KeySet.prototype.setActive,
  };
  define(KeySet.prototype, 'add', function add(key) {
    return nativeKeySetMethods.add.call(this, jsonOf(key, 'key'));
  });
  define(KeySet.prototype, 'rotate', function rotate(keyFile) {
    return nativeKeySetMethods.rotate.call(this, jsonOf(keyFile, 'keyFile'));
  });
  define(KeySet.prototype, 'revoke', function revoke(kid, options) {
    return nativeKeySetMethods.revoke.call(this, textOf(kid, 'kid'), clockOf(optionsOf(options, 'options').at));
  });

  define(KeySet.prototype, 'setActive', function setActive(kid) {
    return nativeKeySetMethods.setActive.call(this, textOf(kid, 'kid'));
  });

  /** A KeySet holding `keys` (key files, base64 public keys or PASERKs). */
  function createKeySet(keys) {
    return new KeySet(keys === undefined ? undefined : jsonOf(keys, 'keys'));
  }
  createKeySet.prototype = KeySet.prototype;
  Object.setPrototypeOf(createKeySet, KeySet);

  const NativeAuthorizer = native.Authorizer;
  const nativeAuthorize = NativeAuthorizer.prototype.authorize;
  define(NativeAuthorizer.prototype, 'authorize', function authorize(action, options) {
    const now = clockOf(optionsOf(options, 'options').now);
    let json;
    try {
      json = toJsonBytes(action, maxDepth, maxBytes);
    } catch (problem) {
      if (!(problem instanceof ConversionFailure)) {
        throw problem;
      }
      return native.rejectedAuthorization(problem.code, problem.message, now);
    }
    return nativeAuthorize.call(this, json.bytes, json.length, now);
  });

  /** An authorizer over a policy or stack that signs with a key set's active key, or a key file. */
  function createAuthorizer(target, keys, options) {
    if (!(target instanceof native.Policy || target instanceof native.PolicyStack)) {
      throw invalidArgument('target must be a Policy or a PolicyStack');
    }
    const { defaultTtlSeconds, maxTtlSeconds, owner } = optionsOf(options, 'options');
    return new NativeAuthorizer(
      target,
      keysOf(keys),
      numberOption(defaultTtlSeconds, 'options.defaultTtlSeconds', undefined),
      numberOption(maxTtlSeconds, 'options.maxTtlSeconds', undefined),
      owner === undefined ? undefined : jsonOf(owner, 'options.owner'),
    );
  }
  createAuthorizer.prototype = NativeAuthorizer.prototype;
  Object.setPrototypeOf(createAuthorizer, NativeAuthorizer);

  const NativeGuard = native.ReplayGuard;
  /** A count option: undefined, or an integer the addon can take. */
  function countOf(value, name) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= 0xffffffff)) {
      const error = new RangeError(`${name} must be an integer from 0 to 4294967295`);
      error.code = 'ERR_OUT_OF_RANGE';
      throw error;
    }
    return value;
  }

  /**
   * A replay guard for up to `capacity` unexpired nonces (default 100,000),
   * at most `options.perSigner` of them for one signing key.
   */
  function createReplayGuard(capacity, options) {
    const { perSigner } = optionsOf(options, 'options');
    return new NativeGuard(countOf(capacity, 'capacity'), countOf(perSigner, 'options.perSigner'));
  }
  createReplayGuard.prototype = NativeGuard.prototype;
  Object.setPrototypeOf(createReplayGuard, NativeGuard);

  return {
    KeySet: createKeySet,
    Authorizer: createAuthorizer,
    ReplayGuard: createReplayGuard,
    generateKey(options) {
      const { kid, now } = optionsOf(options, 'options');
      return native.generateKey(stringOption(kid, 'options.kid'), clockOf(now));
    },
    publicKeyInfo(key) {
      return native.publicKeyInfo(jsonOf(key, 'key'));
    },
    secretKeyPaserk(keyFile) {
      return native.secretKeyPaserk(jsonOf(keyFile, 'keyFile'));
    },
    issueProofToken: issue('proof'),
    issueApprovalToken: issue('approval'),
    issueSessionToken: issue('session'),
    verifyToken(token, keys, options) {
      if (typeof token !== 'string') {
        throw invalidArgument('token must be a string');
      }
      const { purpose, now, leewaySeconds, expect, footer } = optionsOf(options, 'options');
      return native.verifyToken(
        token,
        keysOf(keys),
        stringOption(purpose, 'options.purpose') ?? 'proof',
        clockOf(now),
        numberOption(leewaySeconds, 'options.leewaySeconds', 0),
        expect === undefined ? undefined : jsonOf(expect, 'options.expect'),
        stringOption(footer, 'options.footer'),
      );
    },
    signRequest(keyFile, options) {
      const { agentId, method, path, body, nonce, now } = optionsOf(options, 'options');
      for (const [value, name] of [[agentId, 'agentId'], [method, 'method'], [path, 'path']]) {
        textOf(value, `options.${name}`);
      }
      return native.signRequest(
        jsonOf(keyFile, 'keyFile'),
        agentId,
        method,
        path,
        bodyOf(body, 'options.body') ?? Buffer.alloc(0),
        stringOption(nonce, 'options.nonce'),
        clockOf(now),
      );
    },
    verifyRequest(options) {
      const request = optionsOf(options, 'options');
      const { headers, method, path, publicKey, body, now, maxSkewSeconds, guard } = request;
      // The body is required so that forgetting it cannot skip the body
      // hash check; null states a request without a body (GET, HEAD).
      if (!Object.prototype.hasOwnProperty.call(request, 'body') || body === undefined) {
        throw invalidArgument('options.body is required: the raw body, or null for a request without one');
      }
      textOf(method, 'options.method');
      textOf(path, 'options.path');
      if (guard !== undefined && !(guard instanceof native.ReplayGuard)) {
        throw invalidArgument('options.guard must be a ReplayGuard');
      }
      // A fetch Headers object is read as plain header data.
      const plainHeaders = typeof Headers !== 'undefined' && headers instanceof Headers ? Object.fromEntries(headers) : headers;
      native.verifyRequest(
        jsonOf(plainHeaders, 'options.headers'),
        method,
        path,
        jsonOf(publicKey, 'options.publicKey'),
        bodyOf(body, 'options.body'),
        clockOf(now),
        numberOption(maxSkewSeconds, 'options.maxSkewSeconds', 300),
        guard,
      );
    },
  };
}

function define(target, name, value) {
  Object.defineProperty(target, name, { value, writable: true, configurable: true });
}

/**
 * Returns `value` when it is a string that UTF-8 can hold. Throws TypeError
 * for another type, and ValueConversionError (VALUE_LONE_SURROGATE) for a
 * lone UTF-16 surrogate, which Node would silently replace with U+FFFD on
 * its way to the addon.
 */
function textOf(value, name) {
  if (typeof value !== 'string') {
    throw invalidArgument(`${name} must be a string`);
  }
  if (!value.isWellFormed()) {
    let position = 0;
    for (;;) {
      const unit = value.charCodeAt(position);
      const next = value.charCodeAt(position + 1);
      if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        position += 2;
      } else if (unit >= 0xd800 && unit <= 0xdfff) {
        break;
      } else {
        position += 1;
      }
    }
    throw new errors.ValueConversionError(
      `${name} has a lone UTF-16 surrogate at index ${position}, which UTF-8 cannot hold`,
      { code: 'VALUE_LONE_SURROGATE', path: '' },
    );
  }
  return value;
}

function invalidArgument(message) {
  const error = new TypeError(message);
  error.code = 'ERR_INVALID_ARG_TYPE';
  return error;
}

module.exports = { tokenApi };

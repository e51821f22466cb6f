// The error classes of openleash-core-wasm: the same classes, codes and
// fields as the Node package openleash-core, plus KeyError.

/** Base class of every error the package throws, with a stable `code`. */
export class OpenLeashError extends Error {
  constructor(message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = details.code ?? 'OPENLEASH_ERROR';
  }
}

/** A policy that failed to load; `diagnostics` lists every problem. */
export class PolicyError extends OpenLeashError {
  constructor(message, details = {}) {
    super(message, { code: 'POLICY_INVALID', ...details });
    this.diagnostics = details.diagnostics ?? [];
  }
}

/** An action request that failed validation; `issues` lists every problem. */
export class ActionError extends OpenLeashError {
  constructor(message, details = {}) {
    super(message, { code: 'ACTION_INVALID', ...details });
    this.issues = details.issues ?? [];
  }
}

/**
 * A JavaScript value with no JSON form, or JSON text the strict parser
 * rejects. `path` locates the value (`payload.items[0]`, empty for the
 * whole value); `line` and `column` are set for text given to `parseJson`.
 */
export class ValueConversionError extends OpenLeashError {
  constructor(message, details = {}) {
    super(message, { code: 'VALUE_CONVERSION_FAILED', ...details });
    this.path = details.path ?? '';
    if (details.line !== undefined) {
      this.line = details.line;
      this.column = details.column;
    }
  }
}

/** A token that could not be issued or verified (`TOKEN_*`). */
export class TokenError extends OpenLeashError {
  constructor(message, details = {}) {
    super(message, { code: 'TOKEN_INVALID', ...details });
  }
}

/** A request signature that could not be verified (`MISSING_HEADERS`, `NONCE_REPLAY`, ...). */
export class SignatureError extends OpenLeashError {
  constructor(message, details = {}) {
    super(message, { code: 'SIGNATURE_INVALID', ...details });
  }
}

/** A key that could not be read, generated or used (`KEY_*`). */
export class KeyError extends OpenLeashError {
  constructor(message, details = {}) {
    super(message, { code: 'KEY_INVALID', ...details });
  }
}

/**
 * Thrown by a guarded tool when the decision is not ALLOW. It carries the
 * whole `decision`, and its `result`, `reason` and `obligations`.
 */
export class ActionNotAllowedError extends OpenLeashError {
  constructor(decision) {
    super(`action not allowed: ${decision.result}: ${decision.reason}`, {
      code: 'ACTION_NOT_ALLOWED',
    });
    this.decision = decision;
    this.result = decision.result;
    this.reason = decision.reason;
    this.obligations = decision.obligations;
  }
}

/** The classes the WebAssembly module names when it throws, by name. */
export const ERROR_CLASSES = {
  OpenLeashError,
  PolicyError,
  ActionError,
  ValueConversionError,
  TokenError,
  SignatureError,
  KeyError,
};

/** A TypeError with Node's code `ERR_INVALID_ARG_TYPE`, for an argument of the wrong type. */
export function invalidArgument(message) {
  const error = new TypeError(message);
  error.code = 'ERR_INVALID_ARG_TYPE';
  return error;
}

/** A RangeError with Node's code `ERR_OUT_OF_RANGE`, for a number outside its range. */
export function outOfRange(message) {
  const error = new RangeError(message);
  error.code = 'ERR_OUT_OF_RANGE';
  return error;
}

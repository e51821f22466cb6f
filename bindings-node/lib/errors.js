'use strict';
// The error classes of openleash-core. Native code throws them too: index.js
// registers them with the addon, so `instanceof` works for every error the
// package throws, from `require` and from `import` alike.

/** Base class of every error the package throws, with a stable `code`. */
class OpenLeashError extends Error {
  constructor(message, details = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = details.code ?? 'OPENLEASH_ERROR';
  }
}

/** A policy that failed to load; `diagnostics` lists every problem. */
class PolicyError extends OpenLeashError {
  constructor(message, details = {}) {
    super(message, { code: 'POLICY_INVALID', ...details });
    this.diagnostics = details.diagnostics ?? [];
  }
}

/** An action request that failed validation; `issues` lists every problem. */
class ActionError extends OpenLeashError {
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
class ValueConversionError extends OpenLeashError {
  constructor(message, details = {}) {
    super(message, { code: 'VALUE_CONVERSION_FAILED', ...details });
    this.path = details.path ?? '';
    if (details.line !== undefined) {
      this.line = details.line;
      this.column = details.column;
    }
  }
}

/** A key that could not be read, generated or used; `code` is a KEY_ code. */
class KeyError extends OpenLeashError {
  constructor(message, details = {}) {
    super(message, { code: 'KEY_INVALID', ...details });
  }
}

/** A token that could not be issued or verified; `code` is a TOKEN_ code. */
class TokenError extends OpenLeashError {
  constructor(message, details = {}) {
    super(message, { code: 'TOKEN_INVALID', ...details });
  }
}

/**
 * A request signature that could not be verified; `code` is OpenLeash's
 * (MISSING_HEADERS, TIMESTAMP_SKEW, NONCE_REPLAY, BODY_HASH_MISMATCH,
 * INVALID_SIGNATURE) or HEADER_TOO_LARGE, REPLAY_GUARD_FULL.
 */
class SignatureError extends OpenLeashError {
  constructor(message, details = {}) {
    super(message, { code: 'SIGNATURE_INVALID', ...details });
  }
}

/**
 * Thrown by a guarded tool when the decision is not ALLOW. It carries the
 * whole `decision`, and its `result`, `reason` and `obligations`.
 */
class ActionNotAllowedError extends OpenLeashError {
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

module.exports = {
  OpenLeashError,
  PolicyError,
  ActionError,
  ValueConversionError,
  KeyError,
  TokenError,
  SignatureError,
  ActionNotAllowedError,
};

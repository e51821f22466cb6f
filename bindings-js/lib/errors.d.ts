import type { ActionIssue, Decision, DecisionResult, Diagnostic, Obligation } from './types.js';

/** Fields an error is constructed with; `code` is its stable code. */
export interface ErrorDetails {
  code?: string;
  cause?: unknown;
  diagnostics?: Diagnostic[];
  issues?: ActionIssue[];
  path?: string;
  line?: number;
  column?: number;
}

/** Base class of every error the package throws, with a stable `code`. */
export declare class OpenLeashError extends Error {
  constructor(message: string, details?: ErrorDetails);
  /** Stable machine-readable code, such as `INVALID_TIMESTAMP` or `INTERNAL_ERROR`. */
  readonly code: string;
}

/** A policy that failed to load; `code` is the first diagnostic's code. */
export declare class PolicyError extends OpenLeashError {
  /** Every problem found, in document order, with line and column. */
  readonly diagnostics: Diagnostic[];
}

/** An action request that failed validation; `code` is the first issue's code. */
export declare class ActionError extends OpenLeashError {
  /** Every problem found, in field order. */
  readonly issues: ActionIssue[];
}

/**
 * A JavaScript value with no JSON form, or JSON text the strict parser
 * rejects (`parseJson`).
 */
export declare class ValueConversionError extends OpenLeashError {
  /** Where in the value, such as `payload.items[0]`; empty for the whole value. */
  readonly path: string;
  /** 1-based line in the text given to `parseJson`. */
  readonly line?: number;
  /** 1-based column in the text given to `parseJson`. */
  readonly column?: number;
}

/** A token that could not be issued or verified: `TOKEN_EXPIRED`, `TOKEN_BAD_SIGNATURE`, ... */
export declare class TokenError extends OpenLeashError {}

/** A signed request that was refused: `MISSING_HEADERS`, `NONCE_REPLAY`, ... */
export declare class SignatureError extends OpenLeashError {}

/** A key that could not be read, generated or used: `KEY_WEAK`, `KEY_MISMATCH`, ... */
export declare class KeyError extends OpenLeashError {}

/** Thrown by a guarded tool when the decision is not ALLOW; `code` is `ACTION_NOT_ALLOWED`. */
export declare class ActionNotAllowedError extends OpenLeashError {
  constructor(decision: Decision);
  readonly decision: Decision;
  readonly result: DecisionResult;
  readonly reason: string;
  readonly obligations: Obligation[];
}

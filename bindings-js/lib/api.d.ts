import type {
  ActionRequest,
  ApprovalTokenParams,
  Authorization,
  AuthorizerOptions,
  Decision,
  DefaultEffect,
  Diagnostic,
  EvaluateOptions,
  PolicyBinding,
  IssueOptions,
  IssuedToken,
  JsonValue,
  GeneratedKeyFile,
  KeyInput,
  ProofTokenParams,
  PublicKeyInfo,
  SessionTokenParams,
  SignRequestOptions,
  SignedHeaders,
  TimeInput,
  VerifiedToken,
  VerifyOptions,
  VerifyRequestOptions,
} from './types.js';

export { MAX_JSON_BYTES, MAX_JSON_DEPTH } from './engine.js';

/**
 * A validated, compiled policy document. Immutable: load it once and
 * evaluate any number of actions against it.
 */
export declare class Policy {
  private constructor();
  /**
   * Parses and validates a YAML policy in OpenLeash's format. Throws
   * `PolicyError` listing every problem (code, path, line, column),
   * `ValueConversionError` (`VALUE_LONE_SURROGATE`) for a string that is
   * not well-formed UTF-16, and `TypeError` when `text` is not a string.
   */
  static fromYaml(text: string): Policy;
  /** Rule ids in document order. */
  get ruleIds(): string[];
  /** The document's `default`. */
  get default(): DefaultEffect;
  /** Problems that do not stop the policy from loading, such as duplicate rule ids. */
  get warnings(): Diagnostic[];
  /** The document as parsed, as plain data. A new object on each read. */
  get document(): Record<string, JsonValue>;
  /**
   * Evaluates an action against this policy alone (a `passthrough`
   * default denies). Never throws for the action: an invalid one, or one
   * holding a value with no JSON form, is a DENY decision with `error`.
   * Throws `OpenLeashError` for an invalid `now` (`INVALID_TIMESTAMP`) or
   * default TTL (`INVALID_PROOF_TTL`).
   */
  evaluate(action: ActionRequest, options?: EvaluateOptions): Decision;
}

/**
 * Several policies applied together, most specific first: the first rule
 * that matches in any layer decides; the default is the first that is not
 * `passthrough`, else `deny`.
 */
export declare class PolicyStack {
  /** Throws `TypeError` when `policies` is not an array of `Policy`. */
  constructor(policies: ReadonlyArray<Policy>);
  /** The layers, most specific first. */
  get layers(): Policy[];
  /** The rule ids of all layers, in evaluation order. */
  get ruleIds(): string[];
  /** The merged default. */
  get default(): DefaultEffect;
  /** The merged policy as plain data. */
  get document(): Record<string, JsonValue>;
  /** Evaluates an action against the stack; see `Policy.evaluate`. */
  evaluate(action: ActionRequest, options?: EvaluateOptions): Decision;
  /**
   * The stack that applies to an agent, from OpenLeash policy binding
   * records: the bindings that apply, ordered as `orderBindings` orders
   * them, each replaced by its policy from `policies` (keyed by policy id).
   * Throws `PolicyError` (`BINDING_INVALID`, or `BINDING_UNKNOWN_POLICY`
   * for an applying binding whose policy is missing: skipping it could
   * allow what it denies) and `TypeError` for arguments of the wrong type.
   */
  static forAgent(
    bindings: ReadonlyArray<PolicyBinding>,
    policies: Readonly<Record<string, Policy>> | ReadonlyMap<string, Policy>,
    agentPrincipalId: string,
    groupIds?: ReadonlyArray<string>,
  ): PolicyStack;
}

/** The same as `target.evaluate(action, options)`; `TypeError` for another target. */
export declare function evaluate(target: Policy | PolicyStack, action: ActionRequest, options?: EvaluateOptions): Decision;

/** Every problem that stops a policy from loading; empty for a valid policy. Never throws for a bad policy. */
export declare function validatePolicy(text: string): Diagnostic[];

/**
 * Orders OpenLeash policy binding records for an agent, most specific
 * first: bindings for this agent, then for one of `groupIds`, then
 * owner-wide ones; ascending `rank` (default 100) within each tier, equal
 * ranks in input order. Bindings for another agent or group are left out.
 * Returns the given records. Throws `PolicyError` (`BINDING_INVALID`) for
 * a malformed record and `TypeError` for arguments of the wrong type.
 */
export declare function orderBindings<B extends PolicyBinding>(
  bindings: ReadonlyArray<B>,
  agentPrincipalId: string,
  groupIds?: ReadonlyArray<string>,
): B[];

/**
 * RFC 8785 canonical JSON of a value. Throws `ValueConversionError` for a
 * value with no JSON form.
 */
export declare function canonicalJson(value: unknown): string;

/**
 * Validates and normalizes an action request (unknown keys dropped outside
 * `payload`) and returns its action hash: the SHA-256 hex of its canonical
 * JSON. Throws `ActionError` for an invalid action.
 */
export declare function actionHash(action: ActionRequest): string;

/**
 * Parses JSON text with the engine's strict parser: duplicate keys, lone
 * surrogate escapes and numbers a double cannot hold exactly are
 * `ValueConversionError`s with `line` and `column`.
 */
export declare function parseJson(text: string): JsonValue;

/**
 * A new Ed25519 signing key, from `crypto.getRandomValues`, as an
 * OpenLeash key file. `kid` defaults to a random UUID v4, `now` (the
 * `created_at`) to `Date.now()`. Throws `KeyError`.
 */
export declare function generateKey(options?: { kid?: string; now?: TimeInput }): GeneratedKeyFile;

/** The public forms of a key. Throws `KeyError`. */
export declare function publicKeyInfo(key: KeyInput): PublicKeyInfo;

/** The `k4.secret.` PASERK of a key with a private key. Throws `KeyError` (`KEY_NOT_SIGNING` for a public key). */
export declare function secretKeyPaserk(keyFile: KeyInput): string;

/** Keys by id: at most one active key signs, every key verifies until it is revoked. */
export declare class KeySet {
  /** A set of `keys`; none is active. Throws `KeyError`. */
  constructor(keys?: ReadonlyArray<KeyInput>);
  /** Adds a key (`KEY_DUPLICATE_KID`, `KEY_SET_FULL` past 1,024 keys). */
  add(key: KeyInput): void;
  /** Makes the key `kid` the one that signs (`KEY_UNKNOWN_KID`, `KEY_NOT_SIGNING`). */
  setActive(kid: string): void;
  /** Adds a signing key and makes it active: key rotation. */
  rotate(keyFile: KeyInput): void;
  /**
   * Revokes the key `kid` from `at` on (default: now): it neither signs
   * nor verifies from then, also for tokens it signed before. A bare
   * `Date` or string is taken as `at`.
   */
  revoke(kid: string, options?: { at?: TimeInput } | TimeInput): void;
  /** The id of the key that signs, or null. */
  get activeKid(): string | null;
  /** The key ids, in the order the keys were added. */
  get kids(): string[];
}

/** The keys of a token call: a KeySet, or one key (which signs when it has a private key). */
export type Keys = KeySet | KeyInput;

/** Issues a proof token with the active key. Throws `TokenError`, `KeyError`. */
export declare function issueProofToken(keys: Keys, params: ProofTokenParams, options: IssueOptions): IssuedToken;

/** Issues an approval token (`purpose: "approval"`). */
export declare function issueApprovalToken(keys: Keys, params: ApprovalTokenParams, options: IssueOptions): IssuedToken;

/** Issues a session token (`purpose: "user_session"`). */
export declare function issueSessionToken(keys: Keys, params: SessionTokenParams, options: IssueOptions): IssuedToken;

/**
 * Verifies a token: its shape, the signature with the key its `kid` names
 * (or the only key), the key's revocation, the purpose, the claims, the
 * time and the expectations. Throws `TokenError` with a `TOKEN_*` code.
 */
export declare function verifyToken(token: string, keys: Keys, options?: VerifyOptions): VerifiedToken;

/** A policy or stack joined with a signing key: decides actions and issues their proof tokens. */
export declare class Authorizer {
  /**
   * `keys` is a KeySet (copied) or a key with a private key; its active
   * key signs. Throws `KeyError` (`KEY_NO_ACTIVE_KEY`, `KEY_INVALID_SETTINGS`).
   */
  constructor(policyOrStack: Policy | PolicyStack, keys: Keys, options?: AuthorizerOptions);
  /**
   * Decides an action and issues its proof when one is due. Never throws
   * for the action; a proof that cannot be issued turns the decision into
   * a DENY with `error`.
   */
  authorize(action: ActionRequest, options?: { now?: TimeInput }): Authorization;
}

/** Signs a request as an agent and returns the headers to send. Throws `KeyError`. */
export declare function signRequest(keyFile: KeyInput, options: SignRequestOptions): SignedHeaders;

/**
 * Remembers the nonces of recent requests, per signing key, so that each
 * signed request is accepted once; holds at most `capacity` unexpired
 * nonces (default 100,000), at most `options.perSigner` for one key, and
 * then refuses requests (`REPLAY_GUARD_FULL`).
 */
export declare class ReplayGuard {
  constructor(capacity?: number, options?: { perSigner?: number });
  /** The most unexpired nonces the guard holds. */
  get capacity(): number;
  /** Nonces remembered; expired ones are dropped on the next verification. */
  get size(): number;
}

/** Verifies a signed request. Throws `SignatureError` with OpenLeash's code. */
export declare function verifyRequest(options: VerifyRequestOptions): void;

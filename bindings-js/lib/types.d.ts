// Shapes of the plain data the package takes and returns. Decisions,
// diagnostics, actions, tokens and keys are plain objects with OpenLeash's
// snake_case keys (its wire format); options objects use camelCase.

/** A JSON value as the engine reads and returns it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A time: a `Date` or an RFC 3339 string such as `2025-03-01T12:00:00Z`. */
export type TimeInput = Date | string;

/** The outcome of a decision. */
export type DecisionResult = 'ALLOW' | 'DENY' | 'REQUIRE_APPROVAL' | 'REQUIRE_STEP_UP' | 'REQUIRE_DEPOSIT';

/** A policy's `default`. */
export type DefaultEffect = 'allow' | 'deny' | 'passthrough';

/** One problem in a policy document. */
export interface Diagnostic {
  /** Stable code, such as `POLICY_UNKNOWN_KEY` or `YAML_SYNTAX`. */
  code: string;
  /** One lowercase sentence naming the offending value. */
  message: string;
  /** The location in the document, such as `rules[2].when.match.op`; empty for the document itself. */
  path: string;
  /** 1-based line in the YAML text; 0 when the problem has no position. */
  line: number;
  /** 1-based column in the YAML text, in characters; 0 when the problem has no position. */
  column: number;
}

/** One problem in an action request. */
export interface ActionIssue {
  /** Stable code, such as `ACTION_MISSING_FIELD` or `ACTION_INVALID_UUID`. */
  code: string;
  /** Dotted path of the field, such as `relying_party.trust_profile`; empty for the whole action. */
  path: string;
  /** One lowercase sentence naming the field and the problem. */
  message: string;
}

/** The agent making the request. */
export interface Principal {
  agent_id: string;
}

/** The owner on whose behalf the agent acts. */
export interface Subject {
  /** An RFC 9562 UUID. */
  principal_id: string;
}

/** The party the action is addressed to. */
export interface RelyingParty {
  /** An RFC 9562 UUID. */
  rp_id?: string;
  domain?: string;
  trust_profile?: 'LOW' | 'MEDIUM' | 'HIGH' | 'REGULATED';
}

/**
 * An action request: what an agent wants to do. Unknown keys are dropped
 * outside `payload` before hashing, as OpenLeash does.
 */
export interface ActionRequest {
  /** An RFC 9562 UUID. */
  action_id: string;
  /** Such as `purchase` or `communication.email.send`. */
  action_type: string;
  /** When the agent made the request (RFC 3339 by convention). */
  requested_at: string;
  principal: Principal;
  subject: Subject;
  relying_party?: RelyingParty;
  /** The action's details, such as `amount_minor` and `currency`. */
  payload: Record<string, unknown>;
}

/** Something that must happen before or with the action. */
export interface Obligation {
  /** A random UUID v4. */
  obligation_id: string;
  /** `HUMAN_APPROVAL`, `STEP_UP_AUTH`, `DEPOSIT` or `COUNTERPARTY_ATTESTATION`. */
  type: string;
  /** Always `PENDING` when the decision is made. */
  status: string;
  /** The rule's `params`, or `{min_assurance_level}` for a step-up that a requirement added. */
  details_json: Record<string, JsonValue>;
}

/** The record of how one rule was evaluated. */
export interface RuleTrace {
  rule_id: string;
  /** Whether the rule's action pattern matched the action type. */
  pattern_match: boolean;
  /** Null when the pattern did not match; true when there is no `when`. */
  when_match: boolean | null;
  /** Null when the pattern or `when` did not match. */
  constraints_match: boolean | null;
  /** Whether the rule matched as a whole. */
  final_match: boolean;
}

/** The reason an action could not be evaluated. */
export interface DecisionError {
  /** Stable code, such as `ACTION_MISSING_FIELD`, `JSON_TOO_DEEP` or `VALUE_UNSUPPORTED_TYPE`. */
  code: string;
  /** One sentence naming the problem. */
  message: string;
}

/**
 * A decision about one action: the fields OpenLeash's authorize response
 * has, plus the proof requirement, the time and the per-rule trace.
 */
export interface Decision {
  /** A random UUID v4. */
  decision_id: string;
  /** The action's `action_id`; empty when the action could not be read. */
  action_id: string;
  /** SHA-256 hex of the canonical JSON of the normalized action; empty when the action could not be read. */
  action_hash: string;
  result: DecisionResult;
  /** The first matching rule, or null when the default decided. */
  matched_rule_id: string | null;
  /** The sentence OpenLeash gives, such as `Allowed by rule "r1"`. */
  reason: string;
  /** The obligations: what must happen before or with the action, in rule order. */
  obligations: Obligation[];
  /**
   * Whether a proof token is due: the matched rule requires one, or the
   * relying party's trust profile is HIGH or REGULATED.
   */
  proof_required: boolean;
  /** The matched rule's `proof.ttl_seconds`, else the caller's `defaultProofTtlSeconds`, else null. */
  proof_ttl_seconds: number | null;
  /** The evaluation time as `YYYY-MM-DDTHH:MM:SS.sssZ`. */
  decided_at: string;
  /** Every rule of the policy or stack in evaluation order; empty when the action could not be evaluated. */
  trace: RuleTrace[];
  /** Present only when the action could not be evaluated and the decision failed closed to DENY. */
  error?: DecisionError;
}

/** Options of an evaluation. */
/**
 * An OpenLeash policy binding record: which agent or group a policy
 * applies to, and its rank. Other keys (`owner_type`, `owner_id`...) are
 * allowed and ignored.
 */
export interface PolicyBinding {
  /** The bound policy. */
  policy_id: string;
  /** The agent the binding is for, or null; required (a record without it is `BINDING_INVALID`). */
  applies_to_agent_principal_id: string | null;
  /** The group the binding is for; absent or null for none. */
  applies_to_group_id?: string | null;
  /** Order within a tier, ascending; absent or null counts as 100. */
  rank?: number | null;
}

export interface EvaluateOptions {
  /** The evaluation time. Default: `Date.now()`. */
  now?: TimeInput;
  /** Proof TTL in seconds reported when the matched rule sets none; a positive number. */
  defaultProofTtlSeconds?: number;
}

/** An OpenLeash key file. `private_key_b64` is absent from a key that only verifies. */
export interface KeyFile {
  kid: string;
  /** Base64 DER SubjectPublicKeyInfo. */
  public_key_b64: string;
  /** Base64 DER PKCS#8. */
  private_key_b64?: string;
  /** RFC 3339. */
  created_at?: string | null;
  /** RFC 3339; the key neither signs nor verifies from then on. */
  revoked_at?: string | null;
}

/** The key file of a key just generated. */
export interface GeneratedKeyFile extends KeyFile {
  private_key_b64: string;
  created_at: string;
  revoked_at: null;
}

/**
 * A key: a key file object, a base64 DER public key, or a PASERK
 * (`k4.public.`, or `k4.secret.` for a signing key). A key given as a
 * string is named by its `k4.pid` id.
 */
export type KeyInput = KeyFile | string;

/** The public forms of a key. */
export interface PublicKeyInfo {
  /** Base64 DER SubjectPublicKeyInfo, OpenLeash's form. */
  public_key_b64: string;
  /** `k4.public.…` */
  paserk: string;
  /** `k4.pid.…` */
  paserk_id: string;
}

/** Parameters of a proof token. */
export interface ProofTokenParams {
  decision_id: string;
  owner_type: string;
  owner_id: string;
  agent_id: string;
  action_type: string;
  action_hash: string;
  matched_rule_id: string | null;
  trust_profile?: string | null;
  constraints_snapshot?: Record<string, unknown> | null;
}

/** Parameters of an approval token. */
export interface ApprovalTokenParams {
  approval_request_id: string;
  owner_type: string;
  owner_id: string;
  agent_id: string;
  action_type: string;
  action_hash: string;
}

/** Parameters of a session token. */
export interface SessionTokenParams {
  sub: string;
  system_roles?: string[] | null;
  org_memberships?: Array<{ org_id: string; role: string }> | null;
}

/** Options of issuing a token. */
export interface IssueOptions {
  /** The token's lifetime in seconds: positive; fractions are kept to whole milliseconds. */
  ttlSeconds: number;
  /** The issue time (`iat`). Default: `Date.now()`. */
  now?: TimeInput;
}

/** A token just issued. */
export interface IssuedToken {
  /** The `v4.public.` token. */
  token: string;
  /** The signed claims, in signing order. */
  claims: Record<string, JsonValue>;
  /** `iat`, as `YYYY-MM-DDTHH:MM:SS.sssZ`. */
  issued_at: string;
  /** `exp`, as `YYYY-MM-DDTHH:MM:SS.sssZ`. */
  expires_at: string;
}

/** Claims a verifier insists on; null or absent checks nothing. */
export interface TokenExpectations {
  action_hash?: string | null;
  agent_id?: string | null;
  action_type?: string | null;
  decision_id?: string | null;
  approval_request_id?: string | null;
  sub?: string | null;
}

/** Options of verifying a token. */
export interface VerifyOptions {
  /** The kind of token required. Default: `proof`. */
  purpose?: 'proof' | 'approval' | 'session';
  /** The verification time. Default: `Date.now()`. */
  now?: TimeInput;
  /** Tolerance for clock differences, in seconds, from 0 to 86400. Default: 0. */
  leewaySeconds?: number;
  /** Claims that must have exactly these values. */
  expect?: TokenExpectations;
  /** The footer the token must carry; OpenLeash tokens have none. */
  footer?: string | Uint8Array;
}

/** A token that passed every check. */
export interface VerifiedToken {
  /** Every claim, in the token's order. */
  claims: Record<string, JsonValue>;
  /** The id of the key that verified the signature. */
  kid: string;
  purpose: 'proof' | 'approval' | 'session';
  issued_at: string;
  expires_at: string;
}

/** Options of an authorizer. */
export interface AuthorizerOptions {
  /** Proof lifetime when the matched rule sets none, in seconds. Default: 120. */
  defaultTtlSeconds?: number;
  /** Upper bound on every proof's lifetime, in seconds. Default: 3600. */
  maxTtlSeconds?: number;
  /** The owner written into proofs. Default: the user named by the action's `subject.principal_id`. */
  owner?: { owner_type: string; owner_id: string };
}

/** A decision and, when one was issued, its proof token. */
export interface Authorization extends Decision {
  /** Present exactly when the result is ALLOW and a proof is required. */
  proof_token?: string;
  /** The proof's `exp`. */
  proof_expires_at?: string;
}

/** Request bytes: a string (sent as UTF-8) or binary data. */
export type BodyInput = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** Options of signing a request. */
export interface SignRequestOptions {
  agentId: string;
  /** Such as `POST`. */
  method: string;
  /** The request path without the query string. */
  path: string;
  /** The raw body. Default: empty. */
  body?: BodyInput;
  /** Default: a random UUID v4. */
  nonce?: string;
  /** The signing time (`X-Timestamp`). Default: `Date.now()`. */
  now?: TimeInput;
}

/** The headers of a signed request. */
export type SignedHeaders = {
  'X-Agent-Id': string;
  'X-Timestamp': string;
  'X-Nonce': string;
  'X-Body-Sha256': string;
  'X-Signature': string;
};

/** Options of verifying a signed request. */
export interface VerifyRequestOptions {
  /**
   * The request headers: names are case-insensitive and other headers are
   * ignored. A fetch `Headers` object is read too.
   */
  headers: { readonly [name: string]: string } | Headers;
  method: string;
  path: string;
  /** The agent's key. */
  publicKey: KeyInput;
  /** The raw body, whose SHA-256 must equal `X-Body-Sha256`; required, `null` for a request without one (its header is then trusted). */
  body: BodyInput | null;
  /** The receiver's time. Default: `Date.now()`. */
  now?: TimeInput;
  /** Allowed clock difference in seconds, from 0 to 86400. Default: 300. */
  maxSkewSeconds?: number;
  /** The guard that remembers nonces; without one, replays go undetected. */
  guard?: import('./api.js').ReplayGuard;
}

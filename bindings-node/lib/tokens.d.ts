// Types of the key, token and request-signature API. The classes KeySet,
// Authorizer and ReplayGuard are declared in native.d.ts, generated from
// the Rust doc comments; the functions whose arguments index.js converts
// are declared here.

import type { JsonValue } from './json-value';
import type { Decision, Policy, PolicyStack } from '../native';
import type { KeySet, ReplayGuard } from '../native';

/** An OpenLeash key file: Ed25519 keys as base64 DER, with their id and times. */
export interface KeyFile {
  kid: string;
  /** Base64 DER SubjectPublicKeyInfo. */
  public_key_b64: string;
  /** Base64 DER PKCS#8; absent for a key that only verifies. */
  private_key_b64?: string;
  created_at?: string;
  revoked_at?: string | null;
}

/** A public key in every form. */
export interface PublicKeyInfo {
  /** Base64 DER SubjectPublicKeyInfo. */
  public_key_b64: string;
  /** `k4.public.` PASERK. */
  paserk: string;
  /** `k4.pid.` PASERK id. */
  paserk_id: string;
}

/** A key file, a base64 DER public key or a `k4.public.` PASERK. */
export type KeyInput = KeyFile | string;

/** What a token is for: proof tokens have no `purpose` claim. */
export type TokenPurpose = 'proof' | 'approval' | 'session';

/** Claims of a proof token after `iss`, `kid`, `iat` and `exp`. */
export interface ProofTokenParams {
  decision_id: string;
  owner_type: string;
  owner_id: string;
  agent_id: string;
  action_type: string;
  action_hash: string;
  /** null when the policy default decided. */
  matched_rule_id: string | null;
  trust_profile?: string;
  constraints_snapshot?: Record<string, JsonValue>;
}

/** Claims of an approval token after `iss`, `kid`, `iat` and `exp`. */
export interface ApprovalTokenParams {
  approval_request_id: string;
  owner_type: string;
  owner_id: string;
  agent_id: string;
  action_type: string;
  action_hash: string;
}

/** Claims of a session token besides `iss`, `kid`, `iat`, `exp` and `purpose`. */
export interface SessionTokenParams {
  sub: string;
  system_roles?: string[];
  org_memberships?: Array<{ org_id: string; role: string }>;
}

/** Lifetime and time of issue. */
export interface IssueOptions {
  /** Positive number of seconds; fractions are truncated to milliseconds. */
  ttlSeconds: number;
  /** Default: `Date.now()`. */
  now?: Date | string;
}

/** A token just issued. */
export interface IssuedToken {
  token: string;
  /** The signed claims, in signing order. */
  claims: Record<string, JsonValue>;
  issued_at: string;
  expires_at: string;
}

/** Claim values a verifier insists on. */
export interface TokenExpectations {
  action_hash?: string;
  agent_id?: string;
  action_type?: string;
  decision_id?: string;
  approval_request_id?: string;
  sub?: string;
}

/** How a token is verified. */
export interface VerifyTokenOptions {
  /** The kind of token required; default `proof`. */
  purpose?: TokenPurpose;
  /** Default: `Date.now()`. */
  now?: Date | string;
  /** Tolerance for clock differences, 0 to 86400 seconds; default 0. */
  leewaySeconds?: number;
  expect?: TokenExpectations;
  /** The footer the token must carry; OpenLeash tokens have none. */
  footer?: string;
}

/** A token that passed every check. */
export interface VerifiedToken {
  claims: Record<string, JsonValue>;
  /** The id of the key that verified the signature. */
  kid: string;
  purpose: TokenPurpose;
  issued_at: string;
  expires_at: string;
}

/** Options of `new Authorizer`. */
export interface AuthorizerOptions {
  /** Proof lifetime when the matched rule sets none; default 120. */
  defaultTtlSeconds?: number;
  /** Upper bound on every proof's lifetime; default 3600. */
  maxTtlSeconds?: number;
  /** The owner written into proofs; default the user of `subject.principal_id`. */
  owner?: { owner_type: string; owner_id: string };
}

/** A decision with its proof token when one was issued. */
export interface Authorization extends Decision {
  proof_token?: string;
  proof_expires_at?: string;
}

/** Options of `signRequest`. */
export interface SignRequestOptions {
  agentId: string;
  method: string;
  /** Request path without the query string. */
  path: string;
  /** The raw body; default empty. Strings are UTF-8. */
  body?: string | Uint8Array | ArrayBuffer;
  /** Default: a random UUID. */
  nonce?: string;
  /** Default: `Date.now()`. */
  now?: Date | string;
}

/** The signing headers of a request. */
export interface SignedHeaders {
  'X-Agent-Id': string;
  'X-Timestamp': string;
  'X-Nonce': string;
  'X-Body-Sha256': string;
  'X-Signature': string;
}

/** Options of `verifyRequest`. */
export interface VerifyRequestOptions {
  /** The request's headers, or a fetch `Headers` object; names are case-insensitive, others are ignored. */
  headers: Record<string, string> | Headers;
  method: string;
  path: string;
  /** The agent's key. */
  publicKey: KeyInput;
  /** The raw body, required; `null` for a request without one, whose `X-Body-Sha256` is then taken as signed. */
  body: string | Uint8Array | ArrayBuffer | null;
  /** Default: `Date.now()`. */
  now?: Date | string;
  /** Allowed clock difference, 0 to 86400 seconds; default 300. */
  maxSkewSeconds?: number;
  /** Nonces seen so far; without one, replays are not detected. */
  guard?: ReplayGuard;
}

/** Issues a proof token with the active key of `keys`, or a key file's private key. */
export declare function issueProofToken(keys: KeySet | KeyFile, params: ProofTokenParams, options: IssueOptions): IssuedToken;
/** Issues an approval token (`purpose: "approval"`). */
export declare function issueApprovalToken(keys: KeySet | KeyFile, params: ApprovalTokenParams, options: IssueOptions): IssuedToken;
/** Issues a session token (`purpose: "user_session"`). */
export declare function issueSessionToken(keys: KeySet | KeyFile, params: SessionTokenParams, options: IssueOptions): IssuedToken;
/** Verifies a token; throws TokenError with a `TOKEN_` code when it is refused. */
export declare function verifyToken(token: string, keys: KeySet | KeyInput, options?: VerifyTokenOptions): VerifiedToken;
/** Signs a request as an agent and returns the headers to send. */
export declare function signRequest(keyFile: KeyFile, options: SignRequestOptions): SignedHeaders;
/** Verifies a signed request; throws SignatureError when it is refused. */
export declare function verifyRequest(options: VerifyRequestOptions): void;

export type { Policy, PolicyStack };

// Types of openleash-core. The engine's API is declared in native.d.ts,
// generated from the Rust doc comments; the error classes and the tool
// guard are JavaScript, declared beside their code in lib/.

export {
  Policy,
  PolicyStack,
  evaluate,
  validatePolicy,
  orderBindings,
  canonicalJson,
  actionHash,
  parseJson,
  MAX_JSON_DEPTH,
  MAX_JSON_BYTES,
  generateKey,
  publicKeyInfo,
  secretKeyPaserk,
  KeySet,
  Authorizer,
  ReplayGuard,
} from './native';
export type {
  ActionIssue,
  ActionRequest,
  Decision,
  DecisionError,
  DecisionResult,
  DefaultEffect,
  Diagnostic,
  EvaluateOptions,
  Obligation,
  PolicyBinding,
  Principal,
  RelyingParty,
  RuleTrace,
  Subject,
} from './native';
export type { JsonValue } from './lib/json-value';
export {
  issueProofToken,
  issueApprovalToken,
  issueSessionToken,
  verifyToken,
  signRequest,
  verifyRequest,
} from './lib/tokens';
export type {
  ApprovalTokenParams,
  Authorization,
  AuthorizerOptions,
  IssueOptions,
  IssuedToken,
  KeyFile,
  KeyInput,
  ProofTokenParams,
  PublicKeyInfo,
  SessionTokenParams,
  SignRequestOptions,
  SignedHeaders,
  TokenExpectations,
  TokenPurpose,
  VerifiedToken,
  VerifyRequestOptions,
  VerifyTokenOptions,
} from './lib/tokens';
export {
  OpenLeashError,
  PolicyError,
  ActionError,
  ValueConversionError,
  KeyError,
  TokenError,
  SignatureError,
  ActionNotAllowedError,
} from './lib/errors';
export type { ErrorDetails } from './lib/errors';
export { guardTool } from './lib/guard';
export type { GuardOptions } from './lib/guard';

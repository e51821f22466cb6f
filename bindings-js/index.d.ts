// Types of openleash-core-wasm (browsers, workers, bundlers). Node.js
// resolves the package to node.d.ts, which adds Policy.fromFile.

export { init as default, init, initSync, MAX_JSON_BYTES, MAX_JSON_DEPTH } from './lib/engine.js';
export type { ModuleSource } from './lib/engine.js';
export {
  Policy,
  PolicyStack,
  evaluate,
  validatePolicy,
  orderBindings,
  canonicalJson,
  actionHash,
  parseJson,
  generateKey,
  publicKeyInfo,
  secretKeyPaserk,
  KeySet,
  issueProofToken,
  issueApprovalToken,
  issueSessionToken,
  verifyToken,
  Authorizer,
  signRequest,
  ReplayGuard,
  verifyRequest,
} from './lib/api.js';
export type { Keys } from './lib/api.js';
export type * from './lib/types.js';
export {
  OpenLeashError,
  PolicyError,
  ActionError,
  ValueConversionError,
  TokenError,
  SignatureError,
  KeyError,
  ActionNotAllowedError,
} from './lib/errors.js';
export type { ErrorDetails } from './lib/errors.js';
export { guardTool } from './lib/guard.js';
export type { GuardOptions } from './lib/guard.js';
